import * as tf from '@tensorflow/tfjs-core';

/**
 * tfjs-cpu's elementwise kernels are fast only when the smaller operand's shape is a suffix of the
 * output shape (they index `i % size`); any other broadcast (a per-channel `[1, C, 1, 1]` bias on
 * `[N, C, H, W]`) takes a per-element index-arithmetic path that is orders of magnitude slower.
 * This expands such an operand exactly (a product with ones) into a suffix of the output shape:
 * `[.., block, 1, 1]` → `[block, rest]` via one matrix product.
 *
 * Returns null when the operand does not have that form (then tfjs's own broadcasting is used).
 *
 * @example
 * ```ts
 * const b = suffixBroadcast(bias, [8, 16, 32, 32]); // bias [1, 16, 1, 1] → [16, 32, 32]
 * ```
 */
export function suffixBroadcast(x: tf.Tensor, out: readonly number[]): tf.Tensor | null {
  const s = [...new Array<number>(Math.max(0, out.length - x.shape.length)).fill(1), ...x.shape];
  if (s.length !== out.length) return null;
  let first = s.findIndex((d) => d !== 1);
  if (first < 0) first = out.length; // a scalar-like operand: the fast path handles it
  let g = first;
  while (g < out.length && s[g] === out[g]) g++;
  for (let k = g; k < out.length; k++) if (s[k] !== 1) return null;
  const suffix = out.slice(first);
  const head = x.size;
  const tail = out.slice(g).reduce((a, b) => a * b, 1);
  if (first === out.length) return tf.reshape(x, []);
  if (tail === 1) return tf.reshape(x, suffix);
  return tf.reshape(tf.matMul(tf.reshape(x, [head, 1]), tf.ones([1, tail])), suffix);
}

/**
 * `x` broadcast exactly to the full shape `out` with matrix products by ones (for `tf.where` on cpu).
 *
 * @example
 * ```ts
 * fullBroadcast(tf.scalar(1), [2, 3]); // [[1, 1, 1], [1, 1, 1]]
 * ```
 */
export function fullBroadcast(x: tf.Tensor, out: readonly number[]): tf.Tensor {
  if (x.shape.length === out.length && x.shape.every((d, i) => d === out[i])) return x;
  const suffix = suffixBroadcast(x, out);
  if (!suffix) return tf.broadcastTo(x, [...out]);
  const size = out.reduce((a, b) => a * b, 1);
  const rest = Math.max(1, suffix.size);
  return tf.reshape(tf.matMul(tf.ones([size / rest, 1]), tf.reshape(suffix, [1, rest])), [...out]);
}
