import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Backend, Explanation, HostTensor, IRGraph } from '../src/index.js';
import { ReferenceBackend, TfjsBackend, explain, fromLayersModel } from '../src/index.js';
import { relativeError } from './helpers/random.js';
import { inputBatch, randomizeWeights } from './helpers/tfjs-models.js';

const RULES = ['contribution', 'weight', 'signed', 'uniform'] as const;

beforeAll(async () => {
  await tf.setBackend('cpu');
});

function copyWeights(from: tfl.LayersModel, to: tfl.LayersModel): void {
  const src = from.layers.filter((l) => l.weights.length > 0);
  const dst = to.layers.filter((l) => l.weights.length > 0);
  expect(dst.length).toBe(src.length);
  src.forEach((l, i) => dst[i]!.setWeights(l.getWeights()));
}

async function explainBoth(
  a: IRGraph,
  b: IRGraph,
  x: HostTensor,
  backend: Backend,
): Promise<[Explanation, Explanation]> {
  const opts = { backend, rules: [...RULES], integratedGradients: { steps: 16 } };
  return [await explain(a, x, opts), await explain(b, x, opts)];
}

function expectSame(a: Explanation, b: Explanation, tol: number): void {
  expect(relativeError(a.logits.data, b.logits.data)).toBeLessThan(tol);
  expect(relativeError(a.gradient!.data, b.gradient!.data)).toBeLessThan(tol);
  expect(
    relativeError(a.integratedGradients!.attribution.data, b.integratedGradients!.attribution.data),
  ).toBeLessThan(tol);
  for (const r of RULES)
    expect(relativeError(a.bbp![r]!.data, b.bbp![r]!.data), r).toBeLessThan(tol);
  // The paper's per-layer bias breakdown is invariant too.
  expect(a.layers.length).toBe(b.layers.length);
  a.layers.forEach((l, i) =>
    expect(relativeError(l.values, b.layers[i]!.values), l.layer).toBeLessThan(tol),
  );
}

const backends: [string, () => Promise<Backend>, number][] = [
  ['reference (float64)', async () => new ReferenceBackend(), 1e-9],
  ['tfjs-cpu (float32)', () => TfjsBackend.create({ backend: 'cpu' }), 1e-4],
];

describe.each(backends)('invariances on %s', (_label, create, tol) => {
  it("Dense/Conv2D with activation 'relu' vs a separate ReLU layer give equal attributions", async () => {
    const fused = tfl.sequential({
      layers: [
        tfl.layers.conv2d({ inputShape: [7, 7, 2], filters: 3, kernelSize: 3, activation: 'relu' }),
        tfl.layers.maxPooling2d({ poolSize: 2 }),
        tfl.layers.flatten(),
        tfl.layers.dense({ units: 6, activation: 'relu' }),
        tfl.layers.dense({ units: 3 }),
      ],
    });
    const split = tfl.sequential({
      layers: [
        tfl.layers.conv2d({ inputShape: [7, 7, 2], filters: 3, kernelSize: 3 }),
        tfl.layers.reLU(),
        tfl.layers.maxPooling2d({ poolSize: 2 }),
        tfl.layers.flatten(),
        tfl.layers.dense({ units: 6 }),
        tfl.layers.reLU(),
        tfl.layers.dense({ units: 3 }),
      ],
    });
    randomizeWeights(fused, 31);
    copyWeights(fused, split);
    const backend = await create();
    const [a, b] = await explainBoth(
      fromLayersModel(fused),
      fromLayersModel(split),
      inputBatch([7, 7, 2], 2, 32),
      backend,
    );
    await backend.dispose();
    expectSame(a, b, tol);
  });

  it('BatchNormalization folded into the preceding conv/dense vs kept as a node give equal attributions', async () => {
    const m = tfl.sequential({
      layers: [
        tfl.layers.conv2d({ inputShape: [6, 6, 3], filters: 4, kernelSize: 3, padding: 'same' }),
        tfl.layers.batchNormalization(),
        tfl.layers.reLU({ maxValue: 6 }),
        tfl.layers.depthwiseConv2d({ kernelSize: 3, padding: 'same' }),
        tfl.layers.batchNormalization(),
        tfl.layers.reLU(),
        tfl.layers.globalAveragePooling2d({}),
        tfl.layers.dense({ units: 5 }),
        tfl.layers.batchNormalization(),
      ],
    });
    randomizeWeights(m, 33);
    const folded = fromLayersModel(m);
    const kept = fromLayersModel(m, { prepare: { foldBatchNorm: false } });
    expect(folded.nodes.filter((n) => n.op === 'batchNorm')).toHaveLength(0);
    expect(kept.nodes.filter((n) => n.op === 'batchNorm')).toHaveLength(3);
    const backend = await create();
    const [a, b] = await explainBoth(folded, kept, inputBatch([6, 6, 3], 2, 34), backend);
    await backend.dispose();
    expectSame(a, b, tol);
  });
});
