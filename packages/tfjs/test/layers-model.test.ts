import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { UnsupportedOpError, fromLayersModel } from '../src/index.js';
import { forwardError, inputBatch, randomizeWeights } from './helpers/tfjs-models.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** Builds, randomizes and checks one model: the IR forward (raw and prepared) equals model.predict. */
async function expectSameForward(
  model: tfl.LayersModel,
  seed: number,
  opts: { prepared?: boolean } = {},
) {
  randomizeWeights(model, seed);
  const shape = model.inputs[0]!.shape.slice(1) as number[];
  const x = inputBatch(shape, 3, seed + 1);
  const raw = fromLayersModel(model, { prepare: false });
  const rawErr = await forwardError(raw, model, x);
  expect(rawErr).toBeLessThan(1e-5);
  if (opts.prepared ?? true) {
    const prepared = fromLayersModel(model);
    expect(await forwardError(prepared, model, x)).toBeLessThan(1e-5);
    return prepared;
  }
  return raw;
}

describe('fromLayersModel: forward pass equals model.predict', () => {
  it('Conv2D valid/same (asymmetric same padding), pooling, Flatten, Dense', async () => {
    const m = tfl.sequential({
      layers: [
        tfl.layers.conv2d({ inputShape: [9, 8, 2], filters: 4, kernelSize: 3, activation: 'relu' }),
        tfl.layers.conv2d({ filters: 5, kernelSize: [3, 2], strides: 2, padding: 'same' }),
        tfl.layers.maxPooling2d({ poolSize: 2, strides: 1, padding: 'same' }),
        tfl.layers.averagePooling2d({ poolSize: 3, strides: 2, padding: 'same' }),
        tfl.layers.conv2d({
          filters: 3,
          kernelSize: 2,
          dilationRate: 2,
          padding: 'same',
          useBias: false,
        }),
        tfl.layers.maxPooling2d({ poolSize: [2, 1] }),
        tfl.layers.averagePooling2d({ poolSize: 1 }),
        tfl.layers.flatten(),
        tfl.layers.dense({ units: 7, activation: 'relu' }),
        tfl.layers.dense({ units: 4 }),
      ],
    });
    const g = await expectSameForward(m, 1);
    expect(g.nodes.map((n) => n.op)).toContain('maxPool2d');
  });

  it('DepthwiseConv2D (multiplier 2, dilation), SeparableConv2D, BatchNormalization, ReLU6, GlobalAveragePooling2D', async () => {
    const m = tfl.sequential({
      layers: [
        tfl.layers.depthwiseConv2d({
          inputShape: [8, 8, 3],
          kernelSize: 3,
          depthMultiplier: 2,
          padding: 'same',
          dilationRate: 2,
        }),
        tfl.layers.batchNormalization(),
        tfl.layers.reLU({ maxValue: 6 }),
        tfl.layers.separableConv2d({
          filters: 4,
          kernelSize: 3,
          strides: 2,
          padding: 'same',
          activation: 'relu6',
        }),
        tfl.layers.depthwiseConv2d({ kernelSize: 2, activation: 'tanh', useBias: true }),
        tfl.layers.batchNormalization({ center: false }),
        tfl.layers.globalAveragePooling2d({}),
        tfl.layers.dense({ units: 3 }),
        tfl.layers.batchNormalization({ scale: false }),
      ],
    });
    const g = await expectSameForward(m, 2);
    // BNs right after a conv or dense fold into it.
    expect(g.nodes.filter((n) => n.op === 'batchNorm')).toHaveLength(1); // the one after tanh cannot fold
    expect(g.notes.some((n) => n.pass === 'foldBatchNorm')).toBe(true);
  });

  it('functional: residual Add, Average, Concatenate, BN not after a conv, GlobalMaxPooling2D, final Softmax', async () => {
    const input = tfl.input({ shape: [6, 6, 3] });
    const c1 = tfl.layers
      .conv2d({ filters: 4, kernelSize: 3, padding: 'same' })
      .apply(input) as tfl.SymbolicTensor;
    const b1 = tfl.layers.batchNormalization().apply(c1) as tfl.SymbolicTensor;
    const r1 = tfl.layers.reLU().apply(b1) as tfl.SymbolicTensor;
    const c2 = tfl.layers
      .conv2d({ filters: 4, kernelSize: 3, padding: 'same' })
      .apply(r1) as tfl.SymbolicTensor;
    const add = tfl.layers.add().apply([c1, c2]) as tfl.SymbolicTensor;
    // tfjs-layers 4.22 has no Subtract layer to build with; the importer's Subtract is the same add node with coefficients [1, -1].
    const avg = tfl.layers.average().apply([add, r1, c2]) as tfl.SymbolicTensor;
    const bn2 = tfl.layers.batchNormalization().apply(avg) as tfl.SymbolicTensor;
    const cat = tfl.layers.concatenate({ axis: -1 }).apply([bn2, input]) as tfl.SymbolicTensor;
    const gmp = tfl.layers.globalMaxPooling2d({}).apply(cat) as tfl.SymbolicTensor;
    const out = tfl.layers
      .dense({ units: 5, activation: 'softmax' })
      .apply(gmp) as tfl.SymbolicTensor;
    const m = tfl.model({ inputs: input, outputs: out });
    await expectSameForward(m, 3, { prepared: false });
    const prepared = fromLayersModel(m);
    expect(prepared.removedSoftmax).toBeDefined();
    expect(prepared.nodes.some((n) => n.op === 'batchNorm')).toBe(true); // bn2 follows an add: stays
  });

  it('activations: LeakyReLU, PReLU (image and vector), ELU, sigmoid, tanh, elu, selu, softplus, hardSigmoid, linear, Dropout, Rescaling', async () => {
    const m = tfl.sequential({
      layers: [
        tfl.layers.conv2d({ inputShape: [5, 5, 2], filters: 3, kernelSize: 2, activation: 'elu' }),
        tfl.layers.leakyReLU({ alpha: 0.15 }),
        tfl.layers.prelu({ sharedAxes: [1] }),
        tfl.layers.dropout({ rate: 0.5 }),
        tfl.layers.conv2d({ filters: 3, kernelSize: 1, activation: 'selu' }),
        tfl.layers.elu({}),
        tfl.layers.activation({ activation: 'softplus' }),
        tfl.layers.activation({ activation: 'hardSigmoid' }),
        tfl.layers.flatten(),
        tfl.layers.dense({ units: 6, activation: 'sigmoid' }),
        tfl.layers.prelu({}),
        tfl.layers.activation({ activation: 'tanh' }),
        tfl.layers.activation({ activation: 'linear' }),
        tfl.layers.rescaling({ scale: 0.5, offset: 0.25 }),
        tfl.layers.dense({ units: 3 }),
      ],
    });
    await expectSameForward(m, 4);
  });

  it('Reshape, Permute, ZeroPadding2D (folded into the next conv)', async () => {
    const m = tfl.sequential({
      layers: [
        tfl.layers.reshape({ inputShape: [24], targetShape: [4, 3, 2] }),
        tfl.layers.zeroPadding2d({
          padding: [
            [1, 2],
            [0, 1],
          ],
        }),
        tfl.layers.conv2d({ filters: 3, kernelSize: 2 }),
        tfl.layers.permute({ dims: [2, 1, 3] }),
        tfl.layers.conv2d({ filters: 2, kernelSize: 1 }),
        tfl.layers.reshape({ targetShape: [36] }),
        tfl.layers.dense({ units: 2 }),
      ],
    });
    const g = await expectSameForward(m, 5);
    expect(g.nodes.some((n) => n.op === 'pad')).toBe(false);
  });

  it('nested functional and Sequential models used as layers', async () => {
    const innerIn = tfl.input({ shape: [6, 6, 2] });
    const ic = tfl.layers
      .conv2d({ filters: 3, kernelSize: 3, padding: 'same', activation: 'relu' })
      .apply(innerIn) as tfl.SymbolicTensor;
    const inner = tfl.model({ inputs: innerIn, outputs: ic, name: 'inner' });
    const seq = tfl.sequential({
      layers: [
        tfl.layers.flatten({ inputShape: [6, 6, 3] }),
        tfl.layers.dense({ units: 4, activation: 'relu' }),
      ],
      name: 'head',
    });
    const x = tfl.input({ shape: [6, 6, 2] });
    const y = seq.apply(inner.apply(x)) as tfl.SymbolicTensor;
    const z = tfl.layers.dense({ units: 2 }).apply(y) as tfl.SymbolicTensor;
    const m = tfl.model({ inputs: x, outputs: z });
    await expectSameForward(m, 6);
  });
});

describe('fromLayersModel: errors', () => {
  it('an unsupported layer names its class, its name and the model', () => {
    const m = tfl.sequential({
      layers: [
        tfl.layers.upSampling2d({ inputShape: [4, 4, 1], name: 'up' }),
        tfl.layers.flatten(),
        tfl.layers.dense({ units: 2 }),
      ],
      name: 'upsampler',
    });
    let err: unknown;
    try {
      fromLayersModel(m);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(UnsupportedOpError);
    expect((err as Error).message).toContain('UpSampling2D');
    expect((err as Error).message).toContain("'up'");
    expect((err as Error).message).toContain('upsampler');
  });

  it('an unsupported fused activation is named too', () => {
    const m = tfl.sequential({
      layers: [tfl.layers.dense({ inputShape: [3], units: 2, activation: 'swish', name: 'fc' })],
      name: 'swishy',
    });
    expect(() => fromLayersModel(m)).toThrow(/swish.*'fc'.*swishy/);
  });
});
