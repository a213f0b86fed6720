/**
 * A seeded generator (mulberry32) of floats in [0, 1), so fixtures are the same on every machine.
 *
 * @example
 * ```ts
 * const rng = seededRandom(42);
 * const v = rng(); // 0 ≤ v < 1, the same sequence every time
 * ```
 */
export function seededRandom(seed: number): () => number {
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
 * `n` values uniform in `[-scale, scale)`, each rounded to float32 (`Math.fround`) so a float32
 * backend sees exactly the numbers the float64 reference uses.
 *
 * @example
 * ```ts
 * const w = float32Uniform(seededRandom(1), 9, 0.5); // Float64Array of 9 float32-representable values
 * ```
 */
export function float32Uniform(rng: () => number, n: number, scale = 1): Float64Array {
  return Float64Array.from({ length: n }, () => Math.fround((2 * rng() - 1) * scale));
}

/**
 * Rounds every value to float32 (`Math.fround`), returning a new float64 array.
 *
 * @example
 * ```ts
 * float32Exact([0.1]); // Float64Array [0.10000000149011612]
 * ```
 */
export function float32Exact(values: ArrayLike<number>): Float64Array {
  return Float64Array.from(values, (v) => Math.fround(v));
}
