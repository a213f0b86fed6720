import { imageLayoutOf, pixelIndex } from '../inputs/image-layout.js';
import type { Rgb } from './colormap.js';
import { diverging, maxAbs, sequential } from './colormap.js';
import { Raster } from './raster.js';

/** A 2-D map of values to draw; cells outside the data (padding of a vector grid) are NaN. */
export interface Map2d {
  /** Width in cells. */
  readonly width: number;
  /** Height in cells. */
  readonly height: number;
  /** The values, row-major. */
  readonly values: Float64Array;
}

/**
 * Lays a per-example attribution (model layout, no batch axis) out as a 2-D map: images give
 * H×W with the channels summed; anything else is wrapped row by row into a near-square grid.
 *
 * @example
 * ```ts
 * const map = toMap2d(attribution, [28, 28, 1]); // 28×28
 * ```
 */
export function toMap2d(values: ArrayLike<number>, shape: readonly number[]): Map2d {
  const layout = imageLayoutOf(shape);
  if (layout) {
    const out = new Float64Array(layout.height * layout.width);
    for (let y = 0; y < layout.height; y++) {
      for (let x = 0; x < layout.width; x++) {
        let s = 0;
        for (let k = 0; k < layout.channels; k++) s += values[pixelIndex(layout, y, x, k)]!;
        out[y * layout.width + x] = s;
      }
    }
    return { width: layout.width, height: layout.height, values: out };
  }
  const n = values.length;
  const width = Math.max(1, Math.ceil(Math.sqrt(n)));
  const height = Math.max(1, Math.ceil(n / width));
  const out = new Float64Array(width * height).fill(Number.NaN);
  for (let i = 0; i < n; i++) out[i] = values[i]!;
  return { width, height, values: out };
}

/**
 * Nearest-neighbour magnification that makes a map about 112 pixels across (×4 for 28×28),
 * between 1 and 16.
 *
 * @example
 * ```ts
 * displayScale(28, 28); // 4
 * ```
 */
export function displayScale(width: number, height: number): number {
  return Math.max(1, Math.min(16, Math.round(112 / Math.max(width, height))));
}

const PADDING: Rgb = [200, 200, 200];

function render(map: Map2d, scale: number, color: (v: number) => Rgb): Raster {
  const r = new Raster(map.width * scale, map.height * scale);
  for (let y = 0; y < map.height; y++) {
    for (let x = 0; x < map.width; x++) {
      const v = map.values[y * map.width + x]!;
      r.fill(x * scale, y * scale, scale, scale, Number.isNaN(v) ? PADDING : color(v));
    }
  }
  return r;
}

function finiteMaxAbs(map: Map2d): number {
  return maxAbs(map.values.filter((v) => !Number.isNaN(v)));
}

/**
 * The signed view: diverging blue–white–red, symmetric around 0, scaled by this map's max |value|.
 *
 * @example
 * ```ts
 * writeFileSync('grad.png', renderSigned(toMap2d(g, [28, 28, 1]), 4).toPng());
 * ```
 */
export function renderSigned(map: Map2d, scale: number): Raster {
  const m = finiteMaxAbs(map);
  return render(map, scale, (v) => diverging(m > 0 ? v / m : 0));
}

/**
 * The normalized-absolute view `|a| / max|a|` on a sequential colour map.
 *
 * @example
 * ```ts
 * const r = renderAbsolute(map, 4);
 * ```
 */
export function renderAbsolute(map: Map2d, scale: number): Raster {
  const m = finiteMaxAbs(map);
  return render(map, scale, (v) => sequential(m > 0 ? Math.abs(v) / m : 0));
}

/**
 * The input itself: grayscale (1 channel) or RGB (3–4 channels) stretched from its min to its max;
 * non-image inputs as a grayscale grid.
 *
 * @example
 * ```ts
 * const r = renderInput(x, [28, 28, 1], 4);
 * ```
 */
export function renderInput(
  values: ArrayLike<number>,
  shape: readonly number[],
  scale: number,
): Raster {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < values.length; i++) {
    lo = Math.min(lo, values[i]!);
    hi = Math.max(hi, values[i]!);
  }
  const norm = (v: number) => Math.round(hi > lo ? (255 * (v - lo)) / (hi - lo) : v > 0 ? 255 : 0);
  const layout = imageLayoutOf(shape);
  if (layout && layout.channels >= 3) {
    const r = new Raster(layout.width * scale, layout.height * scale);
    for (let y = 0; y < layout.height; y++) {
      for (let x = 0; x < layout.width; x++) {
        const c: Rgb = [0, 1, 2].map((k) =>
          norm(values[pixelIndex(layout, y, x, k)]!),
        ) as unknown as Rgb;
        r.fill(x * scale, y * scale, scale, scale, c);
      }
    }
    return r;
  }
  const map = toMap2d(values, shape);
  return render(map, scale, (v) => {
    const g = norm(v);
    return [g, g, g];
  });
}
