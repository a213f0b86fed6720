/** How a model's per-example input shape maps onto an image. */
export interface ImageLayout {
  readonly height: number;
  readonly width: number;
  readonly channels: number;
  /** `hwc` (channels last, tfjs), `chw` (channels first, ONNX/PyTorch), `hw` (no channel axis). */
  readonly order: 'hwc' | 'chw' | 'hw';
}

const CHANNEL_COUNTS = new Set([1, 3, 4]);

/**
 * Reads an input shape (without the batch axis) as an image: `[H, W, C]` or `[C, H, W]` with
 * C ∈ {1, 3, 4}, or `[H, W]`. Returns `undefined` when the shape is not image-like (a vector).
 *
 * @example
 * ```ts
 * imageLayoutOf([28, 28, 1]); // { height: 28, width: 28, channels: 1, order: 'hwc' }
 * imageLayoutOf([1, 28, 28]); // { height: 28, width: 28, channels: 1, order: 'chw' }
 * ```
 */
export function imageLayoutOf(shape: readonly number[]): ImageLayout | undefined {
  if (shape.length === 2) return { height: shape[0]!, width: shape[1]!, channels: 1, order: 'hw' };
  if (shape.length !== 3) return undefined;
  const [a, b, c] = shape as [number, number, number];
  if (CHANNEL_COUNTS.has(c)) return { height: a, width: b, channels: c, order: 'hwc' };
  if (CHANNEL_COUNTS.has(a)) return { height: b, width: c, channels: a, order: 'chw' };
  return undefined;
}

/**
 * Index of pixel (y, x), channel k in a flat per-example array with the given layout.
 *
 * @example
 * ```ts
 * const i = pixelIndex(layout, y, x, 0);
 * ```
 */
export function pixelIndex(layout: ImageLayout, y: number, x: number, k: number): number {
  if (layout.order === 'chw') return (k * layout.height + y) * layout.width + x;
  return (y * layout.width + x) * layout.channels + k;
}
