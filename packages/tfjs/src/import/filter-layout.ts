import type { FloatArray, ParamTensor } from '@biasprop/core';

/**
 * A TensorFlow conv kernel `[kh, kw, in, out]` as core's conv2d weight `[out, in, kh, kw]`
 * (an exact reordering; values keep the file's precision).
 *
 * @example
 * ```ts
 * const w = hwioToOihw(kernel.dataSync() as Float32Array, [3, 3, 1, 8]); // shape [8, 1, 3, 3]
 * ```
 */
export function hwioToOihw(data: FloatArray, shape: readonly number[]): ParamTensor {
  const [kh, kw, ci, co] = shape as [number, number, number, number];
  const out = new Float32Array(data.length);
  for (let y = 0; y < kh; y++) {
    for (let x = 0; x < kw; x++) {
      for (let i = 0; i < ci; i++) {
        const src = ((y * kw + x) * ci + i) * co;
        for (let o = 0; o < co; o++) out[((o * ci + i) * kh + y) * kw + x] = data[src + o]!;
      }
    }
  }
  return { data: out, shape: [co, ci, kh, kw] };
}

/**
 * A TensorFlow depthwise kernel `[kh, kw, C, mult]` as core's grouped conv2d weight
 * `[C·mult, 1, kh, kw]` (output channel `c·mult + m`, as TensorFlow orders them), used with
 * `groups = C`.
 *
 * @example
 * ```ts
 * const w = depthwiseToOihw(kernel, [3, 3, 32, 1]); // shape [32, 1, 3, 3]
 * ```
 */
export function depthwiseToOihw(data: FloatArray, shape: readonly number[]): ParamTensor {
  const [kh, kw, c, m] = shape as [number, number, number, number];
  const out = new Float32Array(data.length);
  for (let y = 0; y < kh; y++) {
    for (let x = 0; x < kw; x++) {
      for (let i = 0; i < c; i++) {
        for (let j = 0; j < m; j++)
          out[((i * m + j) * kh + y) * kw + x] = data[((y * kw + x) * c + i) * m + j]!;
      }
    }
  }
  return { data: out, shape: [c * m, 1, kh, kw] };
}
