/** An RGB colour, 0–255 per channel. */
export type Rgb = readonly [number, number, number];

const BLUE: Rgb = [33, 102, 172];
const WHITE: Rgb = [255, 255, 255];
const RED: Rgb = [178, 24, 43];

/** Stops of a perceptually ordered sequential map (viridis, sampled). */
const SEQUENTIAL: readonly Rgb[] = [
  [68, 1, 84],
  [59, 82, 139],
  [33, 145, 140],
  [94, 201, 98],
  [253, 231, 37],
];

function mix(a: Rgb, b: Rgb, t: number): Rgb {
  return [
    Math.round(a[0] + (b[0] - a[0]) * t),
    Math.round(a[1] + (b[1] - a[1]) * t),
    Math.round(a[2] + (b[2] - a[2]) * t),
  ];
}

/**
 * Diverging blue–white–red colour of `t ∈ [-1, 1]` (0 is white; values are clamped).
 *
 * @example
 * ```ts
 * diverging(-1); // [33, 102, 172] (blue)
 * diverging(0);  // [255, 255, 255]
 * ```
 */
export function diverging(t: number): Rgb {
  const v = Number.isFinite(t) ? Math.max(-1, Math.min(1, t)) : 0;
  return v < 0 ? mix(WHITE, BLUE, -v) : mix(WHITE, RED, v);
}

/**
 * Sequential (viridis-like) colour of `t ∈ [0, 1]`, dark to bright (values are clamped).
 *
 * @example
 * ```ts
 * sequential(1); // [253, 231, 37]
 * ```
 */
export function sequential(t: number): Rgb {
  const v = Number.isFinite(t) ? Math.max(0, Math.min(1, t)) : 0;
  const pos = v * (SEQUENTIAL.length - 1);
  const i = Math.min(Math.floor(pos), SEQUENTIAL.length - 2);
  return mix(SEQUENTIAL[i]!, SEQUENTIAL[i + 1]!, pos - i);
}

/**
 * The largest |value| (0 for an empty or all-zero array).
 *
 * @example
 * ```ts
 * maxAbs([1, -3, 2]); // 3
 * ```
 */
export function maxAbs(values: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < values.length; i++) {
    const a = Math.abs(values[i]!);
    if (a > m) m = a;
  }
  return m;
}
