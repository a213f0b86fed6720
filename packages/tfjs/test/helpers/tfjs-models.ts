import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import type { HostTensor, IRGraph } from '../../src/index.js';
import { ReferenceBackend, predict } from '../../src/index.js';
import { randomArray, relativeError, seeded } from './random.js';

/**
 * Gives every weight seeded random values (variances positive, so BatchNorms are far from the
 * identity) — freshly initialized layers would hide layout mistakes (zero biases, unit BN).
 */
export function randomizeWeights(model: tfl.LayersModel, seed: number): void {
  const r = seeded(seed);
  for (const layer of model.layers) {
    const ws = layer.getWeights();
    if (ws.length === 0) continue;
    const fresh = layer.weights.map((w, i) => {
      const n = ws[i]!.size;
      const vals = randomArray(n, r, 1);
      if (w.originalName.endsWith('moving_variance'))
        for (let k = 0; k < n; k++) vals[k] = Math.abs(vals[k]!) + 0.3;
      if (w.originalName.endsWith('gamma')) for (let k = 0; k < n; k++) vals[k] = vals[k]! + 1;
      return tf.tensor(vals, ws[i]!.shape);
    });
    layer.setWeights(fresh);
    fresh.forEach((t) => t.dispose());
  }
}

/** A seeded input batch `[n, ...shape]`. */
export function inputBatch(shape: readonly number[], n: number, seed: number): HostTensor {
  const size = shape.reduce((a, b) => a * b, 1);
  return { data: randomArray(n * size, seeded(seed), 2), shape: [n, ...shape] };
}

/** Something with tfjs's `predict` (a LayersModel or a GraphModel). */
export interface Predictor {
  predict(x: tf.Tensor): tf.Tensor | tf.Tensor[] | tf.NamedTensorMap;
}

/** tfjs's own prediction of a model on `x`. */
export function tfjsPredict(model: Predictor, x: HostTensor): Float32Array {
  const out = tf.tidy(() => {
    const y = model.predict(tf.tensor(Float32Array.from(x.data), [...x.shape]));
    return y instanceof tf.Tensor ? y : Array.isArray(y) ? y[0]! : Object.values(y)[0]!;
  });
  const data = out.dataSync().slice() as Float32Array;
  out.dispose();
  return data;
}

/** max |IR forward (float64 reference) − tfjs predict| / max |tfjs predict|. */
export async function forwardError(
  graph: IRGraph,
  model: Predictor,
  x: HostTensor,
): Promise<number> {
  const ours = await predict(graph, x, new ReferenceBackend());
  const theirs = tfjsPredict(model, x);
  if (ours.data.length !== theirs.length)
    throw new Error(`output sizes differ: ${ours.data.length} vs ${theirs.length}`);
  return relativeError(ours.data, theirs);
}
