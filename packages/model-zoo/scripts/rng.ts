/**
 * A seeded 32-bit PRNG (mulberry32) returning floats in [0, 1).
 *
 * @example
 * ```ts
 * const rand = mulberry32(42);
 * const x = rand();
 * ```
 */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * In-place Fisher–Yates shuffle driven by `rand`.
 *
 * @example
 * ```ts
 * shuffleInPlace(indices, mulberry32(1));
 * ```
 */
export function shuffleInPlace(a: Uint32Array, rand: () => number): void {
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    const t = a[i] ?? 0;
    a[i] = a[j] ?? 0;
    a[j] = t;
  }
}
