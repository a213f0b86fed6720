import '@tensorflow/tfjs-backend-cpu';
import { loadGraphModel } from '@tensorflow/tfjs-converter';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  ReferenceBackend,
  UnsupportedOpError,
  fromGraphModel,
  loadGraph,
  predict,
} from '../src/index.js';
import { randomArray, relativeError, seeded } from './helpers/random.js';
import { attr, TfGraphDef } from './helpers/tf-graph-def.js';
import { forwardError, inputBatch } from './helpers/tfjs-models.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const NHWC = { data_format: attr.s('NHWC') };
const conv = (
  strides: number,
  padding: string,
  extra: Record<string, ReturnType<typeof attr.s>> = {},
) => ({
  ...NHWC,
  strides: attr.ints([1, strides, strides, 1]),
  dilations: attr.ints([1, 1, 1, 1]),
  padding: attr.s(padding),
  ...extra,
});
const fused = (
  ops: string[],
  numArgs: number,
  extra: Record<string, ReturnType<typeof attr.s>> = {},
) => ({
  fused_ops: attr.strings(ops),
  num_args: attr.i(numArgs),
  epsilon: attr.f(0),
  ...extra,
});

/**
 * Conv family: Conv2D + BiasAdd + Relu, every _FusedConv2D variant that tfjs executes, depthwise
 * (plain and fused), MaxPool/AvgPool SAME/VALID, Mean over H,W, MatMul + BiasAdd, Softmax, Identity.
 */
function convNet(r: () => number): TfGraphDef {
  const g = new TfGraphDef();
  const x = g.placeholder('x', [-1, 11, 10, 2]);
  let h = g.op(
    'c1',
    'Conv2D',
    [x, g.const('w1', randomArray(3 * 3 * 2 * 4, r), [3, 3, 2, 4])],
    conv(2, 'SAME'),
  );
  h = g.op('b1', 'BiasAdd', [h, g.const('bias1', randomArray(4, r), [4])], NHWC);
  h = g.op('r1', 'Relu', [h]);
  h = g.op(
    'fc2',
    '_FusedConv2D',
    [
      h,
      g.const('w2', randomArray(2 * 2 * 4 * 5, r), [2, 2, 4, 5]),
      g.const('b2', randomArray(5, r), [5]),
    ],
    { ...conv(1, 'VALID'), ...fused(['BiasAdd', 'Relu6'], 1) },
  );
  h = g.op(
    'dw3',
    'DepthwiseConv2dNative',
    [h, g.const('w3', randomArray(3 * 3 * 5 * 2, r), [3, 3, 5, 2])],
    conv(1, 'SAME'),
  );
  h = g.op(
    'fdw4',
    'FusedDepthwiseConv2dNative',
    [
      h,
      g.const('w4', randomArray(3 * 3 * 10, r), [3, 3, 10, 1]),
      g.const('b4', randomArray(10, r), [10]),
    ],
    { ...conv(2, 'SAME'), ...fused(['BiasAdd', 'Relu'], 1) },
  );
  h = g.op('mp', 'MaxPool', [h], {
    ...NHWC,
    ksize: attr.ints([1, 2, 2, 1]),
    strides: attr.ints([1, 1, 1, 1]),
    padding: attr.s('SAME'),
  });
  h = g.op('ap', 'AvgPool', [h], {
    ...NHWC,
    ksize: attr.ints([1, 2, 2, 1]),
    strides: attr.ints([1, 1, 1, 1]),
    padding: attr.s('SAME'),
  });
  h = g.op(
    'fc5',
    '_FusedConv2D',
    [
      h,
      g.const('w5', randomArray(1 * 1 * 10 * 6, r), [1, 1, 10, 6]),
      g.const('b5', randomArray(6, r), [6]),
    ],
    {
      ...conv(1, 'VALID'),
      ...fused(['BiasAdd', 'LeakyRelu'], 1, { leakyrelu_alpha: attr.f(0.1) }),
    },
  );
  h = g.op(
    'fc6',
    '_FusedConv2D',
    [
      h,
      g.const('w6', randomArray(2 * 2 * 6 * 6, r), [2, 2, 6, 6]),
      g.const('b6', randomArray(6, r), [6]),
      g.const('a6', randomArray(6, r), [6]),
    ],
    { ...conv(1, 'SAME'), ...fused(['BiasAdd', 'Prelu'], 2) },
  );
  h = g.op('ap2', 'AvgPool', [h], {
    ...NHWC,
    ksize: attr.ints([1, 2, 2, 1]),
    strides: attr.ints([1, 1, 1, 1]),
    padding: attr.s('VALID'),
  });
  h = g.op('mean', 'Mean', [h, g.const('axes', [1, 2], [2], 'int32')], {
    keep_dims: attr.b(false),
  });
  h = g.op('mm', 'MatMul', [h, g.const('wd', randomArray(6 * 4, r), [6, 4])], {
    transpose_a: attr.b(false),
    transpose_b: attr.b(false),
  });
  h = g.op('bd', 'BiasAdd', [h, g.const('bd_b', randomArray(4, r), [4])], NHWC);
  h = g.op('sm', 'Softmax', [h]);
  g.op('Identity', 'Identity', [h]);
  return g;
}

/**
 * Structural and elementwise ops: Pad, Conv2D EXPLICIT padding, AddV2 of two branches, Add/Sub/Mul/
 * RealDiv by constants, Sigmoid, Tanh, Elu, Prelu, LeakyRelu, Relu6, ConcatV2 on channels,
 * FusedBatchNormV3, Mean with keep_dims, Reshape, ExpandDims, Squeeze, _FusedMatMul, MatMul transpose_b.
 */
function opsNet(r: () => number): TfGraphDef {
  const g = new TfGraphDef();
  const x = g.placeholder('x', [-1, 6, 7, 3]);
  const p = g.op('pad', 'Pad', [x, g.const('pads', [0, 0, 1, 2, 1, 1, 0, 0], [4, 2], 'int32')]);
  const a = g.op(
    'ca',
    'Conv2D',
    [p, g.const('wa', randomArray(3 * 3 * 3 * 4, r), [3, 3, 3, 4])],
    conv(1, 'VALID'),
  );
  const b = g.op('cb', 'Conv2D', [x, g.const('wb', randomArray(2 * 2 * 3 * 4, r), [2, 2, 3, 4])], {
    ...conv(1, 'EXPLICIT'),
    explicit_paddings: attr.ints([0, 0, 1, 1, 0, 1, 0, 0]),
  });
  let h = g.op('sum', 'AddV2', [a, b]);
  h = g.op('subc', 'Sub', [h, g.const('c1', randomArray(4, r), [4])]);
  h = g.op('mulc', 'Mul', [h, g.const('c2', randomArray(4, r, 2), [1, 1, 1, 4])]);
  h = g.op('divc', 'RealDiv', [h, g.const('c3', [1.5, -2, 0.75, 3], [4])]);
  h = g.op('addc', 'Add', [g.const('c4', [0.1], []), h]);
  const s1 = g.op('sig', 'Sigmoid', [h]);
  const s2 = g.op('tanh', 'Tanh', [h]);
  const s3 = g.op('elu', 'Elu', [h]);
  const s4 = g.op('prelu', 'Prelu', [h, g.const('alpha', randomArray(4, r), [4])]);
  const s5 = g.op('lrelu', 'LeakyRelu', [h], { alpha: attr.f(0.3) });
  const s6 = g.op('relu6', 'Relu6', [h]);
  h = g.op('cat', 'ConcatV2', [s1, s2, s3, s4, s5, s6, g.const('cat_axis', [3], [], 'int32')], {
    N: attr.i(6),
  });
  h = g.op(
    'bn',
    'FusedBatchNormV3',
    [
      h,
      g.const('bn_s', randomArray(24, r), [24]),
      g.const('bn_o', randomArray(24, r), [24]),
      g.const('bn_m', randomArray(24, r), [24]),
      g.const(
        'bn_v',
        randomArray(24, r).map((v) => Math.abs(v) + 0.2),
        [24],
      ),
    ],
    { epsilon: attr.f(0.001), is_training: attr.b(false), ...NHWC },
  );
  const m = g.op('mean', 'Mean', [h, g.const('axes', [1, 2], [2], 'int32')], {
    keep_dims: attr.b(true),
  });
  h = g.op('cat2', 'ConcatV2', [m, m, g.const('cat2_axis', [-1], [], 'int32')], { N: attr.i(2) });
  h = g.op('flat', 'Reshape', [h, g.const('shape', [-1, 48], [2], 'int32')]);
  h = g.op(
    'fmm',
    '_FusedMatMul',
    [h, g.const('w7', randomArray(48 * 8, r), [48, 8]), g.const('b7', randomArray(8, r), [8])],
    { transpose_a: attr.b(false), transpose_b: attr.b(false), ...fused(['BiasAdd', 'Relu'], 1) },
  );
  h = g.op('exp', 'ExpandDims', [h, g.const('ax', [1], [], 'int32')]);
  h = g.op('sq', 'Squeeze', [h], { squeeze_dims: attr.ints([1]) });
  h = g.op('mmt', 'MatMul', [h, g.const('w8', randomArray(3 * 8, r), [3, 8])], {
    transpose_a: attr.b(false),
    transpose_b: attr.b(true),
  });
  g.op('out', 'Identity', [h]);
  return g;
}

async function check(def: TfGraphDef, inputShape: number[], seed: number) {
  const model = await loadGraphModel(def.handler());
  try {
    const x = inputBatch(inputShape, 3, seed);
    const raw = fromGraphModel(model, { name: 'hand-built', prepare: false });
    expect(await forwardError(raw, model, x)).toBeLessThan(1e-5);
    const prepared = fromGraphModel(model, { name: 'hand-built' });
    return { raw, prepared, x, model };
  } finally {
    model.dispose();
  }
}

describe('fromGraphModel: forward pass equals GraphModel.predict (graphs written in the converter format by hand)', () => {
  it('conv family, pooling, Mean, MatMul, Softmax', async () => {
    const { prepared } = await check(convNet(seeded(11)), [11, 10, 2], 12);
    expect(prepared.removedSoftmax).toBe('sm');
  });

  it('elementwise, structural, FusedBatchNormV3, _FusedMatMul', async () => {
    await check(opsNet(seeded(13)), [6, 7, 3], 14);
  });

  it('_FusedConv2D with FusedBatchNorm (which tfjs itself cannot execute) equals Conv2D + FusedBatchNormV3', async () => {
    const r = seeded(15);
    const w = randomArray(3 * 3 * 2 * 3, r);
    const stats = [
      randomArray(3, r),
      randomArray(3, r),
      randomArray(3, r),
      randomArray(3, r).map((v) => Math.abs(v) + 0.2),
    ];
    const make = (fusedBn: boolean) => {
      const g = new TfGraphDef();
      const x = g.placeholder('x', [-1, 5, 5, 2]);
      const consts = stats.map((s, i) => g.const(`bn${i}`, s, [3]));
      const wn = g.const('w', w, [3, 3, 2, 3]);
      let h: string;
      if (fusedBn)
        h = g.op('c', '_FusedConv2D', [x, wn, ...consts], {
          ...conv(1, 'SAME'),
          ...fused(['FusedBatchNorm', 'Relu'], 4, { epsilon: attr.f(0.001) }),
        });
      else {
        h = g.op('c', 'Conv2D', [x, wn], conv(1, 'SAME'));
        h = g.op('bn', 'FusedBatchNormV3', [h, ...consts], {
          epsilon: attr.f(0.001),
          is_training: attr.b(false),
          ...NHWC,
        });
        h = g.op('relu', 'Relu', [h]);
      }
      g.op('out', 'Identity', [h]);
      return g;
    };
    const reference = await loadGraphModel(make(false).handler());
    const fusedModel = await loadGraphModel(make(true).handler());
    const x = inputBatch([5, 5, 2], 2, 16);
    const graph = fromGraphModel(fusedModel);
    expect(await forwardError(graph, reference, x)).toBeLessThan(1e-5);
    const ours = await predict(graph, x, new ReferenceBackend());
    const unfused = await predict(fromGraphModel(reference), x, new ReferenceBackend());
    expect(relativeError(ours.data, unfused.data)).toBeLessThan(1e-12);
    reference.dispose();
    fusedModel.dispose();
  });

  it('loadGraph detects the graph format from an IOHandler', async () => {
    const def = convNet(seeded(11));
    const graph = await loadGraph(def.handler(), { name: 'conv-net' });
    expect(graph.name).toBe('conv-net');
    expect(graph.input.shape).toEqual([11, 10, 2]);
    expect(graph.removedSoftmax).toBe('sm');
  });
});

describe('fromGraphModel: errors', () => {
  it('an unsupported op names the op, the node and the model before anything is mapped', async () => {
    const g = new TfGraphDef();
    const x = g.placeholder('x', [-1, 4, 4, 1]);
    const h = g.op('gelu_like', 'Erf', [x]);
    g.op('out', 'Identity', [h]);
    const model = await loadGraphModel(g.handler());
    expect(() => fromGraphModel(model, { name: 'erfnet' })).toThrow(UnsupportedOpError);
    expect(() => fromGraphModel(model, { name: 'erfnet' })).toThrow(/'Erf'.*'gelu_like'.*'erfnet'/);
    model.dispose();
  });

  it('a product of two computed tensors is refused with the node named', async () => {
    const g = new TfGraphDef();
    const x = g.placeholder('x', [-1, 3]);
    const h = g.op('sq', 'Mul', [x, x]);
    g.op('out', 'Identity', [h]);
    const model = await loadGraphModel(g.handler());
    expect(() => fromGraphModel(model, { name: 'square' })).toThrow(/'Mul'.*'sq'.*'square'/);
    model.dispose();
  });
});
