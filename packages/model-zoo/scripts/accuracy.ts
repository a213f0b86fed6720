import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import type { Split } from './datasets.js';

/**
 * Predicted classes (argmax of the model output) for every image of a split, in batches.
 *
 * @example
 * ```ts
 * const pred = predictClasses(model, loadSplit('mnist', 'test'));
 * ```
 */
export function predictClasses(model: tfl.LayersModel, split: Split, batch = 500): Int32Array {
  const out = new Int32Array(split.n);
  for (let from = 0; from < split.n; from += batch) {
    const to = Math.min(split.n, from + batch);
    const cls = tf.tidy(() => {
      const x = tf.tensor4d(split.images.subarray(from * 784, to * 784), [to - from, 28, 28, 1]);
      return tf.argMax(model.predict(x) as tf.Tensor, -1);
    });
    out.set(cls.dataSync(), from);
    cls.dispose();
  }
  return out;
}

/**
 * Fraction of images of `split` whose predicted class equals the label.
 *
 * @example
 * ```ts
 * const acc = accuracy(model, loadSplit('mnist', 'test')); // e.g. 0.985
 * ```
 */
export function accuracy(model: tfl.LayersModel, split: Split): number {
  const pred = predictClasses(model, split);
  let ok = 0;
  for (let i = 0; i < split.n; i++) if (pred[i] === split.labels[i]) ok++;
  return ok / split.n;
}
