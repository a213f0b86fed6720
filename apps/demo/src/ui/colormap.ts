// The diverging colormap of the attribution maps: blue (negative) – white (0) – red (positive),
// ColorBrewer's RdBu reversed, as in the paper's figures.

const STOPS: readonly (readonly [number, number, number])[] = [
  [5, 48, 97],
  [33, 102, 172],
  [67, 147, 195],
  [146, 197, 222],
  [209, 229, 240],
  [247, 247, 247],
  [253, 219, 199],
  [244, 165, 130],
  [214, 96, 77],
  [178, 24, 43],
  [103, 0, 31],
];

/**
 * The colour of a value `t` in [-1, 1] (clamped): RGB bytes.
 *
 * @example
 * ```ts
 * divergingColor(0);  // [247, 247, 247]
 * divergingColor(1);  // [103, 0, 31]
 * ```
 */
export function divergingColor(t: number): [number, number, number] {
  const u = (Math.max(-1, Math.min(1, Number.isFinite(t) ? t : 0)) + 1) / 2;
  const x = u * (STOPS.length - 1);
  const i = Math.min(Math.floor(x), STOPS.length - 2);
  const f = x - i;
  const a = STOPS[i]!;
  const b = STOPS[i + 1]!;
  return [
    Math.round(a[0] + f * (b[0] - a[0])),
    Math.round(a[1] + f * (b[1] - a[1])),
    Math.round(a[2] + f * (b[2] - a[2])),
  ];
}

/**
 * A CSS `linear-gradient` of the colormap from -1 (left) to +1 (right), for legends.
 *
 * @example
 * ```ts
 * legend.style.background = colormapGradientCss();
 * ```
 */
export function colormapGradientCss(): string {
  const parts = STOPS.map(
    (c, i) => `rgb(${c[0]}, ${c[1]}, ${c[2]}) ${((i / (STOPS.length - 1)) * 100).toFixed(1)}%`,
  );
  return `linear-gradient(to right, ${parts.join(', ')})`;
}
