import * as tf from '@tensorflow/tfjs-core';

/** Geometry of a 2-D convolution as core describes it (`pads` = `[top, left, bottom, right]`). */
export interface ConvGeometry {
  readonly strides: readonly [number, number];
  readonly pads: readonly [number, number, number, number];
  readonly dilations: readonly [number, number];
  readonly groups: number;
}

/**
 * Filters derived from one core weight `[O, C/groups, kh, kw]`, in the layouts tfjs wants. They
 * are built lazily and kept as long as the weight lives (see `TfjsBackend`).
 */
export interface DerivedFilters {
  /** `[kh, kw, C/groups, O]` for `tf.conv2d` (groups = 1 or per-group use). */
  forward?: tf.Tensor4D;
  /** The spatially flipped, in/out-swapped filter of the transposed convolution `[kh, kw, O/groups, C/groups]`. */
  transposed?: tf.Tensor4D;
}

/**
 * `[O, C/g, kh, kw]` → `[kh, kw, C/g, O]`.
 *
 * @example
 * ```ts
 * toHwio(w).shape; // [3, 3, 16, 32] for w of shape [32, 16, 3, 3]
 * ```
 */
export function toHwio(w: tf.Tensor4D): tf.Tensor4D {
  return tf.transpose(w, [2, 3, 1, 0]);
}

/**
 * The filter of the transposed convolution: flip kh and kw, swap in/out: `[kh, kw, O, C/g]` for one group.
 *
 * @example
 * ```ts
 * toTransposedHwio(w).shape; // [3, 3, 32, 16] for w of shape [32, 16, 3, 3]
 * ```
 */
export function toTransposedHwio(w: tf.Tensor4D): tf.Tensor4D {
  return tf.tidy(() => tf.reverse<tf.Tensor4D>(tf.transpose(w, [2, 3, 0, 1]), [0, 1]));
}

/** `d − 1` zero rows between the rows of axis 0 of `[k, a, b, c]`, with rank-3 ops only. */
function dilateAxis0(f: tf.Tensor4D, d: number): tf.Tensor4D {
  const [k, a, b, c] = f.shape;
  if (d === 1 || k === 1) return f;
  const n = a * b * c;
  const spread = tf.concat([tf.reshape(f, [k, 1, n]), tf.zeros([k, d - 1, n])], 1);
  const rows = tf.slice(tf.reshape(spread, [k * d, n]), [0, 0], [(k - 1) * d + 1, n]);
  return tf.reshape(rows, [(k - 1) * d + 1, a, b, c]);
}

/**
 * Inserts zeros into a filter so that a dilated convolution becomes a plain one:
 * `[kh, kw, i, o]` → `[(kh−1)·dh+1, (kw−1)·dw+1, i, o]` (an axis with one tap is unchanged).
 * Built from rank-3 ops: a rank-6 `pad` of a 1×1 filter failed to compile on tfjs WebGL and gave
 * wrong values on WebGPU.
 *
 * @example
 * ```ts
 * dilateFilter(f, [2, 2]).shape; // [5, 5, i, o] for a 3×3 filter
 * ```
 */
export function dilateFilter(f: tf.Tensor4D, dilations: readonly [number, number]): tf.Tensor4D {
  const [dh, dw] = dilations;
  const [kh, kw] = f.shape;
  if ((dh === 1 || kh === 1) && (dw === 1 || kw === 1)) return f.clone();
  return tf.tidy(() => {
    const rows = dilateAxis0(f, dh);
    return tf.transpose(dilateAxis0(tf.transpose(rows, [1, 0, 2, 3]), dw), [1, 0, 2, 3]);
  });
}

/**
 * Pads (positive) or crops (negative) the two spatial axes of an NHWC tensor.
 *
 * @example
 * ```ts
 * padOrCrop(x, 1, -1, 0, 2); // one zero row on top, one row cropped at the bottom, two zero columns right
 * ```
 */
export function padOrCrop(
  x: tf.Tensor4D,
  top: number,
  bottom: number,
  left: number,
  right: number,
): tf.Tensor4D {
  return tf.tidy(() => {
    let y = x;
    if (top < 0 || bottom < 0 || left < 0 || right < 0) {
      const [n, h, w, c] = y.shape;
      const t = Math.max(0, -top);
      const l = Math.max(0, -left);
      y = tf.slice(
        y,
        [0, t, l, 0],
        [n, h - t - Math.max(0, -bottom), w - l - Math.max(0, -right), c],
      );
    }
    if (top > 0 || bottom > 0 || left > 0 || right > 0) {
      y = tf.pad(y, [
        [0, 0],
        [Math.max(0, top), Math.max(0, bottom)],
        [Math.max(0, left), Math.max(0, right)],
        [0, 0],
      ]);
    }
    return y;
  });
}

/**
 * Inserts `s − 1` zeros between neighbouring rows and columns of an NHWC tensor.
 *
 * @example
 * ```ts
 * spreadByStride(dy, [2, 2]).shape; // [n, 2h − 1, 2w − 1, c]
 * ```
 */
export function spreadByStride(x: tf.Tensor4D, strides: readonly [number, number]): tf.Tensor4D {
  const [sh, sw] = strides;
  if (sh === 1 && sw === 1) return x;
  return tf.tidy(() => {
    const [n, h, w, c] = x.shape;
    const spread = tf.pad(tf.reshape(x, [n, h, 1, w, 1, c]), [
      [0, 0],
      [0, 0],
      [0, sh - 1],
      [0, 0],
      [0, sw - 1],
      [0, 0],
    ]);
    return tf.slice(
      tf.reshape(spread, [n, h * sh, w * sw, c]),
      [0, 0, 0, 0],
      [n, (h - 1) * sh + 1, (w - 1) * sw + 1, c],
    ) as tf.Tensor4D;
  });
}

/**
 * Plain (undilated, ungrouped or depthwise) NHWC convolution with explicit asymmetric padding.
 * `depthwise` uses `tf.depthwiseConv2d` with a `[kh, kw, C, mult]` filter.
 *
 * @example
 * ```ts
 * const y = convNhwc(x, filter, [2, 2], [0, 0, 1, 1], false); // TF 'SAME' for a 2×2 window on an even input
 * ```
 */
export function convNhwc(
  x: tf.Tensor4D,
  filter: tf.Tensor4D,
  strides: readonly [number, number],
  pads: readonly [number, number, number, number],
  depthwise: boolean,
): tf.Tensor4D {
  const [t, l, b, r] = pads;
  const explicit: [[number, number], [number, number], [number, number], [number, number]] = [
    [0, 0],
    [t, b],
    [l, r],
    [0, 0],
  ];
  const s: [number, number] = [strides[0], strides[1]];
  return depthwise ? tf.depthwiseConv2d(x, filter, s, explicit) : tf.conv2d(x, filter, s, explicit);
}

/**
 * The transposed convolution (input gradient) of a convolution with stride `strides`, pads `pads`
 * and an already dilated kernel of size `k`, computed as a forward convolution: spread `dy` by the
 * stride, pad by `k − 1 − pad`, convolve with the flipped filter. Output spatial size `[h, w]`.
 *
 * @example
 * ```ts
 * const dx = transposedConvNhwc(dy, toTransposedHwio(w), [2, 2], [1, 1, 1, 1], [h, w], false);
 * ```
 */
export function transposedConvNhwc(
  dy: tf.Tensor4D,
  flipped: tf.Tensor4D,
  strides: readonly [number, number],
  pads: readonly [number, number, number, number],
  out: readonly [number, number],
  depthwise: boolean,
): tf.Tensor4D {
  return tf.tidy(() => {
    const [kh, kw] = flipped.shape;
    const spread = spreadByStride(dy, strides);
    const top = kh - 1 - pads[0];
    const left = kw - 1 - pads[1];
    const bottom = out[0] + kh - 1 - spread.shape[1] - top;
    const right = out[1] + kw - 1 - spread.shape[2] - left;
    if (top >= 0 && bottom >= 0 && left >= 0 && right >= 0)
      return convNhwc(spread, flipped, [1, 1], [top, left, bottom, right], depthwise);
    const padded = padOrCrop(spread, top, bottom, left, right);
    return convNhwc(padded, flipped, [1, 1], [0, 0, 0, 0], depthwise);
  });
}

/**
 * Whether the active tfjs backend has a kernel.
 *
 * @example
 * ```ts
 * hasKernel('DepthwiseConv2dNativeBackpropInput'); // false on wasm
 * ```
 */
export function hasKernel(name: string): boolean {
  return tf.getKernel(name, tf.getBackend()) !== undefined;
}

/**
 * The input gradient of a plain (ungrouped) NHWC convolution with tfjs's own
 * `Conv2DBackpropInput` kernel, given the *forward* (already dilated) filter `[kh, kw, C, O]`.
 *
 * @example
 * ```ts
 * const dx = nativeConvTransposeNhwc(dy, toHwio(w), [1, 1], [1, 1, 1, 1], [n, h, w, c]);
 * ```
 */
export function nativeConvTransposeNhwc(
  dy: tf.Tensor4D,
  forward: tf.Tensor4D,
  strides: readonly [number, number],
  pads: readonly [number, number, number, number],
  outShape: readonly [number, number, number, number],
): tf.Tensor4D {
  const [t, l, b, r] = pads;
  return tf.conv2dTranspose(
    dy,
    forward,
    [...outShape] as [number, number, number, number],
    [strides[0], strides[1]],
    [
      [0, 0],
      [t, b],
      [l, r],
      [0, 0],
    ],
  );
}

/**
 * The input gradient of a depthwise NHWC convolution with the backend's
 * `DepthwiseConv2dNativeBackpropInput` kernel (cpu, webgl, webgpu have it), given the forward
 * (already dilated) depthwise filter `[kh, kw, C, mult]`.
 *
 * @example
 * ```ts
 * const dx = nativeDepthwiseTransposeNhwc(dy, depthwiseFilter, [2, 2], [0, 0, 1, 1], [n, h, w, c]);
 * ```
 */
export function nativeDepthwiseTransposeNhwc(
  dy: tf.Tensor4D,
  forward: tf.Tensor4D,
  strides: readonly [number, number],
  pads: readonly [number, number, number, number],
  outShape: readonly [number, number, number, number],
): tf.Tensor4D {
  const [t, l, b, r] = pads;
  const attrs: tf.NamedAttrMap = {
    strides: [strides[0], strides[1]],
    dilations: [1, 1],
    pad: [
      [0, 0],
      [t, b],
      [l, r],
      [0, 0],
    ],
    inputShape: [...outShape],
  };
  return tf
    .engine()
    .runKernel<tf.Tensor4D>('DepthwiseConv2dNativeBackpropInput', { dy, filter: forward }, attrs);
}
