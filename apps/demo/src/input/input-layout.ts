// How an image maps onto a model's input tensor, inferred from the per-example input shape.

/** Image geometry of a model input. */
export interface InputLayout {
  readonly height: number;
  readonly width: number;
  readonly channels: number;
  /** `hwc` (NHWC models, tfjs), `chw` (NCHW models, ONNX), `hw` (no channel axis). */
  readonly order: 'hwc' | 'chw' | 'hw';
}

/**
 * Infers the image layout of a per-example input shape: `[H, W, C]` or `[C, H, W]` with C ∈ {1, 3},
 * `[H, W]`, or a flat square `[H·W]`.
 *
 * @example
 * ```ts
 * inputLayout([28, 28, 1]); // { height: 28, width: 28, channels: 1, order: 'hwc' }
 * inputLayout([1, 28, 28]); // { height: 28, width: 28, channels: 1, order: 'chw' }
 * ```
 */
export function inputLayout(shape: readonly number[]): InputLayout {
  if (shape.length === 3) {
    const [a, b, c] = shape as [number, number, number];
    if ((a === 1 || a === 3) && c !== 1 && c !== 3)
      return { height: b, width: c, channels: a, order: 'chw' };
    if (c === 1 || c === 3) return { height: a, width: b, channels: c, order: 'hwc' };
    if (a === 1 || a === 3) return { height: b, width: c, channels: a, order: 'chw' };
  }
  if (shape.length === 2) return { height: shape[0]!, width: shape[1]!, channels: 1, order: 'hw' };
  if (shape.length === 1) {
    const side = Math.round(Math.sqrt(shape[0]!));
    if (side * side === shape[0]) return { height: side, width: side, channels: 1, order: 'hw' };
  }
  throw new Error(
    `the demo shows image inputs only ([H, W, C], [C, H, W] with C = 1 or 3, [H, W] or a square [H·W]); this model's input shape is [${shape.join(', ')}]`,
  );
}

/**
 * Converts RGBA pixels (`ImageData.data`, values 0..255) of size H×W into the model's input
 * values in [0, 1] (channel mean for one-channel models), laid out as `layout` says.
 *
 * @example
 * ```ts
 * const data = pixelsToInput(ctx.getImageData(0, 0, 28, 28).data, inputLayout([28, 28, 1]));
 * ```
 */
export function pixelsToInput(
  rgba: Uint8ClampedArray,
  layout: InputLayout,
  invert = false,
): Float32Array {
  const { height, width, channels } = layout;
  const out = new Float32Array(height * width * channels);
  const value = (v: number): number => (invert ? 1 - v / 255 : v / 255);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const p = (y * width + x) * 4;
      for (let c = 0; c < channels; c++) {
        const v = channels === 1 ? (rgba[p]! + rgba[p + 1]! + rgba[p + 2]!) / 3 : rgba[p + c]!;
        const i =
          layout.order === 'chw'
            ? c * height * width + y * width + x
            : (y * width + x) * channels + c;
        out[i] = value(v);
      }
    }
  }
  return out;
}

/**
 * Collapses an attribution (or input) tensor with the input's layout into an H×W map by summing
 * over channels (the usual way to show attributions of colour images).
 *
 * @example
 * ```ts
 * const map = toPixelMap(result.gradient!.data, layout); // length H·W
 * ```
 */
export function toPixelMap(data: ArrayLike<number>, layout: InputLayout): Float64Array {
  const { height, width, channels } = layout;
  const out = new Float64Array(height * width);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let s = 0;
      for (let c = 0; c < channels; c++) {
        s +=
          data[
            layout.order === 'chw'
              ? c * height * width + y * width + x
              : (y * width + x) * channels + c
          ]!;
      }
      out[y * width + x] = s;
    }
  }
  return out;
}
