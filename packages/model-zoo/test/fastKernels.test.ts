import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-layers'; // registers the gradients
import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { installFastCpuKernels } from '../scripts/fastKernels.js';

function compute(): number[][] {
  const x = tf.randomNormal<tf.Rank.R4>([3, 9, 9, 4], 0, 1, 'float32', 1);
  const w = tf.randomNormal<tf.Rank.R4>([3, 3, 4, 5], 0, 1, 'float32', 2);
  const g = tf.randomNormal([5], 0, 1, 'float32', 3);
  const r: tf.Tensor[] = [];
  for (const pad of ['same', 'valid'] as const) {
    for (const s of [1, 2] as const) {
      const dy = tf.randomNormal(tf.conv2d(x, w, s, pad).shape, 0, 1, 'float32', 4);
      r.push(
        tf.grad((ww: tf.Tensor) => tf.sum(tf.mul(tf.conv2d(x, ww as tf.Tensor4D, s, pad), dy)))(w),
      );
      r.push(
        tf.grad((xx: tf.Tensor) => tf.sum(tf.mul(tf.conv2d(xx as tf.Tensor4D, w, s, pad), dy)))(x),
      );
      r.push(
        tf.conv2d(x, w, s, pad),
        tf.fused.conv2d({ x, filter: w, strides: s, pad, bias: g, activation: 'relu' }),
      );
      const dp = tf.randomNormal(tf.maxPool(x, 3, s, pad).shape, 0, 1, 'float32', 5);
      r.push(
        tf.grad((t: tf.Tensor) => tf.sum(tf.mul(tf.maxPool(t as tf.Tensor4D, 3, s, pad), dp)))(x),
      );
    }
  }
  const y = tf.conv2d(x, w, 1, 'same');
  r.push(tf.mul(y, g), tf.mul(g, y), tf.add(y, g), tf.sub(g, y), tf.div(y, tf.add(g, 3)));
  r.push(tf.sub(y, tf.reshape(g, [1, 1, 1, 5])), tf.mul(y, y), tf.mul(y, 2));
  r.push(
    tf.sum(y, [0, 1, 2]),
    tf.mean(y, [0, 1, 2], true),
    tf.sum(y, 0),
    tf.mean(y, [1, 0]),
    tf.sum(y, [0, 2]),
  );
  r.push(tf.moments(y, [0, 1, 2]).variance, tf.tile(tf.reshape(g, [1, 1, 1, 5]), [3, 4, 2, 1]));
  return r.map((t) => Array.from(t.dataSync()));
}

it('the fast cpu kernels used for training agree with the stock tfjs kernels', async () => {
  await tf.setBackend('cpu');
  const stock = compute();
  installFastCpuKernels();
  const fast = compute();
  expect(fast.map((a) => a.length)).toEqual(stock.map((a) => a.length));
  stock.forEach((arr, i) =>
    arr.forEach((v, j) =>
      expect(Math.abs(v - fast[i]![j]!)).toBeLessThan(1e-4 * (1 + Math.abs(v))),
    ),
  );
});
