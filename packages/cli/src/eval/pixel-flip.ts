/**
 * The pieces of the DeepLIFT digit-flip protocol (Shrikumar et al. 2017): pick the pixels with the
 * largest positive score, erase them to the background value, and measure the log-odds change.
 */

/**
 * Indices of the pixels to erase: those with the largest score `S > 0`, at most `budget` of them,
 * in decreasing score order (ties by index). Pixels with `S ≤ 0` (or NaN) are never selected.
 *
 * @example
 * ```ts
 * selectPixels([0.5, -1, 2, 0], 5); // [2, 0]
 * ```
 */
export function selectPixels(score: ArrayLike<number>, budget: number): number[] {
  const idx: number[] = [];
  for (let i = 0; i < score.length; i++) if (score[i]! > 0) idx.push(i);
  idx.sort((a, b) => score[b]! - score[a]! || a - b);
  return idx.slice(0, Math.max(0, Math.floor(budget)));
}

/**
 * A copy of `image` with the pixels at `indices` set to `background`.
 *
 * @example
 * ```ts
 * erasePixels(Float32Array.of(1, 1, 1), [0, 2]); // Float32Array [0, 1, 0]
 * ```
 */
export function erasePixels(
  image: ArrayLike<number>,
  indices: readonly number[],
  background = 0,
): Float32Array {
  const out = Float32Array.from(image);
  for (const i of indices) out[i] = background;
  return out;
}

/**
 * The log-odds of class `s` against class `t` from one row of logits: `logit_s − logit_t`.
 *
 * @example
 * ```ts
 * logOdds([0.1, 2, -1], 1, 2); // 3
 * ```
 */
export function logOdds(logits: ArrayLike<number>, s: number, t: number): number {
  return logits[s]! - logits[t]!;
}

/**
 * The change of the log-odds `logit_s − logit_t` from `before` to `after` (negative when erasing
 * moved the prediction away from `s` towards `t`).
 *
 * @example
 * ```ts
 * logOddsChange([3, 1], [1, 2], 0, 1); // -3
 * ```
 */
export function logOddsChange(
  before: ArrayLike<number>,
  after: ArrayLike<number>,
  s: number,
  t: number,
): number {
  return logOdds(after, s, t) - logOdds(before, s, t);
}

/**
 * Seeded random scores in (0, 1] for the random-mask baseline: erasing by them removes a uniformly
 * random set of pixels (a Mulberry32 stream, reproducible from `seed`).
 *
 * @example
 * ```ts
 * const s = randomScores(784, 1); // erase selectPixels(s, 157): 157 random pixels
 * ```
 */
export function randomScores(n: number, seed: number): Float32Array {
  let a = seed >>> 0;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    out[i] = (((t ^ (t >>> 14)) >>> 0) + 1) / 2 ** 32;
  }
  return out;
}

/**
 * Mean and (population) standard deviation.
 *
 * @example
 * ```ts
 * meanStd([1, 3]); // { mean: 2, std: 1 }
 * ```
 */
export function meanStd(values: readonly number[]): { mean: number; std: number } {
  const n = values.length;
  if (n === 0) return { mean: NaN, std: NaN };
  const mean = values.reduce((a, b) => a + b, 0) / n;
  const v = values.reduce((a, b) => a + (b - mean) ** 2, 0) / n;
  return { mean, std: Math.sqrt(v) };
}
