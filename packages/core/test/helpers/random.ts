/** A seeded PRNG (mulberry32) returning floats in [0, 1). */
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

/** `n` values uniform in `[-scale, scale)`. */
export function uniform(rng: () => number, n: number, scale = 1): Float64Array {
  return Float64Array.from({ length: n }, () => (2 * rng() - 1) * scale);
}

/** `n` values with `margin ≤ |v| < margin + scale` and random sign: away from the kink at 0. */
export function awayFromZero(rng: () => number, n: number, margin = 0.1, scale = 1): Float64Array {
  return Float64Array.from({ length: n }, () => (rng() < 0.5 ? -1 : 1) * (margin + rng() * scale));
}

/** `n` distinct values `offset + step·π(i)` for a random permutation π: no near-ties. */
export function distinctValues(
  rng: () => number,
  n: number,
  step = 0.05,
  offset = -1,
): Float64Array {
  const order = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  return Float64Array.from(order, (k) => offset + step * k);
}
