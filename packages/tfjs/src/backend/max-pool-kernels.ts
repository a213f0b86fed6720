import * as tf from '@tensorflow/tfjs-core';
import type { MaxPool2dParams } from '@biasprop/core';
import { convNhwc, nativeConvTransposeNhwc } from './conv-nhwc.js';

/**
 * The one-hot window filter `[kh', kw', 1, K]` (dilated size `kh' = (kh−1)·dh + 1`): output channel
 * `k = ky·kw + kx` copies input position `(ky·dh, kx·dw)` of the window. A convolution with it
 * gathers every window's values exactly (one product by 1, the rest by 0).
 */
function windowFilter(p: MaxPool2dParams): tf.Tensor4D {
  const [kh, kw] = p.kernel;
  const k = kh * kw;
  const eh = (kh - 1) * p.dilations[0] + 1;
  const ew = (kw - 1) * p.dilations[1] + 1;
  const data = new Float32Array(eh * ew * k);
  for (let ky = 0; ky < kh; ky++) {
    for (let kx = 0; kx < kw; kx++)
      data[(ky * p.dilations[0] * ew + kx * p.dilations[1]) * k + ky * kw + kx] = 1;
  }
  return tf.tensor4d(data, [eh, ew, 1, k]);
}

/** 1 where window offset `k` of output `(oy, ox)` lies inside the input, else 0: `[1, oh, ow, K]`. */
function validMask(p: MaxPool2dParams, h: number, w: number, oh: number, ow: number): tf.Tensor {
  const [kh, kw] = p.kernel;
  const k = kh * kw;
  const data = new Float32Array(oh * ow * k);
  for (let oy = 0; oy < oh; oy++) {
    for (let ox = 0; ox < ow; ox++) {
      for (let ky = 0; ky < kh; ky++) {
        const iy = oy * p.strides[0] - p.pads[0] + ky * p.dilations[0];
        for (let kx = 0; kx < kw; kx++) {
          const ix = ox * p.strides[1] - p.pads[1] + kx * p.dilations[1];
          data[(oy * ow + ox) * k + ky * kw + kx] = iy >= 0 && iy < h && ix >= 0 && ix < w ? 1 : 0;
        }
      }
    }
  }
  return tf.tensor(data, [1, oh, ow, k], 'float32');
}

/**
 * Max pooling on NCHW input with explicit asymmetric pads and dilations. Returns the pooled values
 * and the selection `[N·C, oh, ow, K]`: a one-hot over the `K = kh·kw` window offsets marking the
 * first maximum in row-major window order (`equal` + `cumsum`); padded positions are never selected.
 *
 * Windows are gathered exactly by a convolution with one-hot filters over the zero-padded input;
 * padded positions are then replaced by the input's minimum (finite: no ±Infinity reaches a GPU
 * shader, and a padded position can never beat a real one).
 *
 * @example
 * ```ts
 * const { y, argmax } = maxPool2dNchw(x, { kernel: [2, 2], strides: [2, 2], pads: [0, 0, 0, 0], dilations: [1, 1] }, [1, 8, 14, 14]);
 * ```
 */
export function maxPool2dNchw(
  x: tf.Tensor,
  p: MaxPool2dParams,
  out: readonly number[],
): { y: tf.Tensor; argmax: tf.Tensor } {
  return tf.tidy(() => {
    const [n, c, h, w] = x.shape as [number, number, number, number];
    const [oh, ow] = [out[2]!, out[3]!];
    const padded = p.pads.some((v) => v > 0);
    const planes = tf.reshape<tf.Rank.R4>(x, [n * c, h, w, 1]);
    let windows: tf.Tensor = convNhwc(planes, windowFilter(p), p.strides, p.pads, false); // [N·C, oh, ow, K]
    let valid: tf.Tensor | null = null;
    if (padded) {
      valid = validMask(p, h, w, oh, ow);
      windows = tf.add(tf.mul(windows, valid), tf.mul(tf.sub(1, valid), tf.min(x)));
    }
    const y = tf.max(windows, 3, true);
    let eq = tf.cast(tf.equal(windows, y), 'float32');
    if (valid) eq = tf.mul(eq, valid);
    const first = tf.mul(eq, tf.cast(tf.equal(tf.cumsum(eq, 3), 1), 'float32'));
    return { y: tf.reshape(y, [n, c, oh, ow]), argmax: first };
  });
}

/**
 * Scatter-adds `dy` `[N, C, oh, ow]` to the positions selected by {@link maxPool2dNchw}: the
 * selected values per window offset are routed back by the transposed convolution of the one-hot
 * window filter.
 *
 * @example
 * ```ts
 * const dx = maxPool2dBackwardNchw(dy, argmax, params, x.shape);
 * ```
 */
export function maxPool2dBackwardNchw(
  dy: tf.Tensor,
  selection: tf.Tensor,
  p: MaxPool2dParams,
  out: readonly number[],
): tf.Tensor {
  return tf.tidy(() => {
    const [n, c, h, w] = out as [number, number, number, number];
    const [, , oh, ow] = dy.shape as [number, number, number, number];
    const routed = tf.mul<tf.Tensor4D>(selection, tf.reshape(dy, [n * c, oh, ow, 1])); // [N·C, oh, ow, K]
    const back = nativeConvTransposeNhwc(routed, windowFilter(p), p.strides, p.pads, [
      n * c,
      h,
      w,
      1,
    ]);
    return tf.reshape(back, [n, c, h, w]);
  });
}
