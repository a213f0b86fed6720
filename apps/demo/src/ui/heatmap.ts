// Attribution maps and the input image as canvases, one pixel per input pixel, scaled up by CSS.
import type { InputLayout } from '../input/input-layout.js';
import { divergingColor } from './colormap.js';
import { el, fmt } from './dom.js';

/**
 * Paints an H×W map with the diverging colormap, symmetric around 0: `±scale` are the extreme
 * colours (default: the map's own `max |v|`, as in the paper's per-map normalisation).
 *
 * @example
 * ```ts
 * paintHeatmap(canvas, map, 28, 28);
 * ```
 */
export function paintHeatmap(
  canvas: HTMLCanvasElement,
  map: ArrayLike<number>,
  height: number,
  width: number,
  scale?: number,
): number {
  let max = scale ?? 0;
  if (scale === undefined)
    for (let i = 0; i < map.length; i++) max = Math.max(max, Math.abs(map[i]!));
  canvas.width = width;
  canvas.height = height;
  const ctx = canvas.getContext('2d')!;
  const img = ctx.createImageData(width, height);
  for (let i = 0; i < width * height; i++) {
    const [r, g, b] = divergingColor(max > 0 ? map[i]! / max : 0);
    img.data[4 * i] = r;
    img.data[4 * i + 1] = g;
    img.data[4 * i + 2] = b;
    img.data[4 * i + 3] = 255;
  }
  ctx.putImageData(img, 0, 0);
  return max;
}

/**
 * Paints the model input itself (values in [0, 1]; grey for one channel, RGB for three).
 *
 * @example
 * ```ts
 * paintInput(canvas, x.data, layout);
 * ```
 */
export function paintInput(
  canvas: HTMLCanvasElement,
  data: ArrayLike<number>,
  layout: InputLayout,
): void {
  const { height, width, channels } = layout;
  canvas.width = width;
  canvas.height = height;
  const ctx = canvas.getContext('2d')!;
  const img = ctx.createImageData(width, height);
  const at = (y: number, x: number, c: number): number =>
    data[
      layout.order === 'chw' ? c * height * width + y * width + x : (y * width + x) * channels + c
    ]!;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const p = 4 * (y * width + x);
      for (let c = 0; c < 3; c++)
        img.data[p + c] = Math.round(
          255 * Math.max(0, Math.min(1, at(y, x, channels === 1 ? 0 : c))),
        );
      img.data[p + 3] = 255;
    }
  }
  ctx.putImageData(img, 0, 0);
}

/** One cell of the attribution grid. */
export interface HeatmapCell {
  readonly element: HTMLElement;
  readonly canvas: HTMLCanvasElement;
}

/**
 * A grid cell: title, the canvas, and a caption with the colour scale and the map's sum.
 *
 * @example
 * ```ts
 * grid.append(heatmapCell('gradient', map, layout).element);
 * ```
 */
export function heatmapCell(
  title: string,
  map: ArrayLike<number>,
  layout: InputLayout,
  options: { sub?: string; testId?: string } = {},
): HeatmapCell {
  const canvas = el('canvas', { class: 'map', 'aria-label': title });
  const max = paintHeatmap(canvas, map, layout.height, layout.width);
  let s = 0;
  for (let i = 0; i < map.length; i++) s += map[i]!;
  const element = el(
    'figure',
    { class: 'cell', 'data-testid': options.testId },
    el(
      'figcaption',
      { class: 'cell-title' },
      title,
      options.sub ? el('span', { class: 'cell-sub' }, options.sub) : null,
    ),
    canvas,
    el(
      'div',
      { class: 'cell-scale', title: 'colour scale: the map’s own max |value|; Σ: sum over pixels' },
      `±${fmt(max, 3)}`,
      el('span', {}, `Σ ${fmt(s, 3)}`),
    ),
  );
  return { element, canvas };
}

/**
 * The grid cell of the input image.
 *
 * @example
 * ```ts
 * grid.append(inputCell(x.data, layout, 'class 7'));
 * ```
 */
export function inputCell(
  data: ArrayLike<number>,
  layout: InputLayout,
  caption: string,
): HTMLElement {
  const canvas = el('canvas', { class: 'map', 'aria-label': 'input' });
  paintInput(canvas, data, layout);
  return el(
    'figure',
    { class: 'cell', 'data-testid': 'cell-input' },
    el('figcaption', { class: 'cell-title' }, 'original', el('span', { class: 'cell-sub' }, 'x')),
    canvas,
    el('div', { class: 'cell-scale' }, caption),
  );
}
