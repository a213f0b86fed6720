// The importer's IR forward (core predict on the float64 reference backend) against ONNX Runtime's
// run of the original model, for every supported op, on small models built here.
import { describe, expect, it } from 'vitest';
import { explain, fromOnnxModel, predict } from '../../src/index.js';
import type { IRGraph } from '../../src/index.js';
import { relativeError, runOrt } from './compare.js';
import { OnnxTestModel, f, randoms } from './onnx-test-model.js';

interface Case {
  readonly name: string;
  /** Input dims with the batch (2) first. */
  readonly dims: readonly number[];
  build(m: OnnxTestModel, x: string): string;
  readonly opset?: number;
  /** Extra checks on the prepared graph. */
  check?(g: IRGraph): void;
}

const ops = (g: IRGraph): string[] => g.nodes.map((n) => n.op);

const CASES: Case[] = [
  // Gemm / MatMul
  {
    name: 'Gemm transB, bias [M]',
    dims: [2, 6],
    build: (m, x) => m.node('Gemm', [x, m.weight([4, 6]), m.weight([4])], { transB: 1 }),
  },
  {
    name: 'Gemm alpha, beta, bias [1, M]',
    dims: [2, 6],
    build: (m, x) =>
      m.node('Gemm', [x, m.weight([6, 3]), m.weight([1, 3])], { alpha: f(0.5), beta: f(2) }),
  },
  {
    name: 'Gemm scalar bias',
    dims: [2, 5],
    build: (m, x) => m.node('Gemm', [x, m.weight([5, 3]), m.weight([])], { beta: f(-1.5) }),
  },
  {
    name: 'Gemm without C (opset 11+)',
    dims: [2, 5],
    build: (m, x) => m.node('Gemm', [x, m.weight([5, 3])]),
  },
  {
    name: 'MatMul + Add bias → one dense node',
    dims: [2, 5],
    build: (m, x) => m.node('Add', [m.node('MatMul', [x, m.weight([5, 4])]), m.weight([4])]),
    check: (g) => {
      expect(ops(g)).toEqual(['dense']);
      expect(g.nodes[0]!.params.bias?.shape).toEqual([4]);
    },
  },
  {
    name: 'MatMul − constant → dense with negated bias',
    dims: [2, 5],
    build: (m, x) => m.node('Sub', [m.node('MatMul', [x, m.weight([5, 4])]), m.weight([1, 4])]),
    check: (g) => expect(ops(g)).toEqual(['dense']),
  },
  {
    name: 'MatMul with a Constant-node weight passed through Transpose (folded)',
    dims: [2, 3],
    build: (m, x) => {
      const c = m.node('Constant', [], {
        value: { t: { name: 'c', dims: [4, 3], data_type: 1, float_data: randoms(12, 3) } },
      });
      return m.node('MatMul', [x, m.node('Transpose', [c], { perm: [1, 0] })]);
    },
  },
  // Conv
  {
    name: 'Conv with bias and pads',
    dims: [2, 3, 7, 7],
    build: (m, x) =>
      m.node('Conv', [x, m.weight([4, 3, 3, 3]), m.weight([4])], { pads: [1, 1, 1, 1] }),
  },
  {
    name: 'Conv group 2, dilations, strides, asymmetric pads',
    dims: [2, 4, 9, 8],
    build: (m, x) =>
      m.node('Conv', [x, m.weight([6, 2, 3, 2])], {
        group: 2,
        dilations: [2, 1],
        strides: [2, 3],
        pads: [1, 0, 2, 1],
      }),
  },
  {
    name: 'Conv auto_pad SAME_UPPER stride 2',
    dims: [2, 2, 7, 6],
    build: (m, x) =>
      m.node('Conv', [x, m.weight([3, 2, 4, 3])], { auto_pad: 'SAME_UPPER', strides: [2, 2] }),
  },
  {
    name: 'Conv auto_pad SAME_LOWER',
    dims: [2, 2, 6, 6],
    build: (m, x) => m.node('Conv', [x, m.weight([3, 2, 2, 2])], { auto_pad: 'SAME_LOWER' }),
  },
  {
    name: 'Conv auto_pad VALID, kernel_shape',
    dims: [2, 2, 6, 6],
    build: (m, x) =>
      m.node('Conv', [x, m.weight([3, 2, 3, 3])], { auto_pad: 'VALID', kernel_shape: [3, 3] }),
  },
  {
    name: 'Conv depthwise',
    dims: [2, 3, 6, 6],
    build: (m, x) =>
      m.node('Conv', [x, m.weight([3, 1, 3, 3]), m.weight([3])], { group: 3, pads: [1, 1, 1, 1] }),
  },
  {
    name: 'Conv 1-D: group, stride, dilation, pads (as a 2-D conv between reshapes)',
    dims: [2, 4, 11],
    build: (m, x) =>
      m.node('Conv', [x, m.weight([6, 2, 3]), m.weight([6])], {
        group: 2,
        strides: [2],
        dilations: [2],
        pads: [1, 2],
      }),
  },
  {
    name: 'Conv 1-D auto_pad SAME_UPPER',
    dims: [2, 2, 9],
    build: (m, x) =>
      m.node('Conv', [x, m.weight([3, 2, 4])], { auto_pad: 'SAME_UPPER', strides: [2] }),
  },
  // BatchNormalization
  {
    name: 'Conv + BatchNormalization (folded by the core pass)',
    dims: [2, 2, 5, 5],
    build: (m, x) => {
      const c = m.node('Conv', [x, m.weight([3, 2, 3, 3])]);
      return m.node(
        'BatchNormalization',
        [c, m.weight([3]), m.weight([3]), m.weight([3]), m.weight([3], [0.5, 1.5, 2])],
        { epsilon: f(1e-3) },
      );
    },
    check: (g) => expect(ops(g)).toEqual(['conv2d']),
  },
  {
    name: 'BatchNormalization after Relu (kept as an affine node)',
    dims: [2, 3, 4, 4],
    build: (m, x) =>
      m.node('BatchNormalization', [
        m.node('Relu', [x]),
        m.weight([3]),
        m.weight([3]),
        m.weight([3]),
        m.weight([3], [0.2, 1, 3]),
      ]),
    check: (g) => expect(ops(g)).toEqual(['relu', 'batchNorm']),
  },
  {
    name: 'Gemm + BatchNormalization on [N, C] (folded)',
    dims: [2, 5],
    build: (m, x) =>
      m.node('BatchNormalization', [
        m.node('Gemm', [x, m.weight([5, 4]), m.weight([4])]),
        m.weight([4]),
        m.weight([4]),
        m.weight([4]),
        m.weight([4], [1, 2, 0.5, 0.1]),
      ]),
    check: (g) => expect(ops(g)).toEqual(['dense']),
  },
  // Activations
  { name: 'Relu', dims: [2, 7], build: (m, x) => m.node('Relu', [x]) },
  { name: 'LeakyRelu', dims: [2, 7], build: (m, x) => m.node('LeakyRelu', [x], { alpha: f(0.1) }) },
  { name: 'LeakyRelu default alpha', dims: [2, 7], build: (m, x) => m.node('LeakyRelu', [x]) },
  {
    name: 'PRelu slope [C, 1, 1]',
    dims: [2, 3, 2, 2],
    build: (m, x) => m.node('PRelu', [x, m.weight([3, 1, 1])]),
  },
  {
    name: 'PRelu slope [1]',
    dims: [2, 3, 2, 2],
    build: (m, x) => m.node('PRelu', [x, m.weight([1], [0.25])]),
  },
  { name: 'Sigmoid', dims: [2, 6], build: (m, x) => m.node('Sigmoid', [x]) },
  { name: 'Tanh', dims: [2, 6], build: (m, x) => m.node('Tanh', [x]) },
  { name: 'Softplus', dims: [2, 6], build: (m, x) => m.node('Softplus', [x]) },
  { name: 'Elu', dims: [2, 6], build: (m, x) => m.node('Elu', [x], { alpha: f(0.7) }) },
  {
    name: 'Clip attributes (opset 9)',
    opset: 9,
    dims: [2, 8],
    build: (m, x) => m.node('Clip', [x], { min: f(-0.4), max: f(0.3) }),
  },
  {
    name: 'Clip inputs (opset 13)',
    dims: [2, 8],
    build: (m, x) => m.node('Clip', [x, m.weight([], [-0.25]), m.weight([], [0.5])]),
  },
  {
    name: 'Clip min only',
    dims: [2, 8],
    build: (m, x) => m.node('Clip', [x, m.weight([], [-0.25]), '']),
  },
  {
    name: 'Clip max only (ReLU6-like)',
    dims: [2, 8],
    build: (m, x) => m.node('Clip', [x, '', m.weight([], [0.3])]),
  },
  // Pooling
  {
    name: 'MaxPool pads, strides, dilations, ceil_mode',
    dims: [2, 2, 9, 8],
    build: (m, x) =>
      m.node('MaxPool', [x], {
        kernel_shape: [3, 2],
        strides: [2, 2],
        pads: [1, 0, 1, 1],
        dilations: [2, 1],
        ceil_mode: 1,
      }),
  },
  {
    name: 'MaxPool auto_pad SAME_UPPER',
    dims: [2, 2, 7, 7],
    build: (m, x) =>
      m.node('MaxPool', [x], { kernel_shape: [3, 3], strides: [2, 2], auto_pad: 'SAME_UPPER' }),
  },
  {
    name: 'MaxPool on exact ties (zero input region)',
    dims: [2, 1, 4, 4],
    build: (m, x) =>
      m.node('MaxPool', [m.node('Relu', [x])], { kernel_shape: [2, 2], strides: [1, 1] }),
  },
  {
    name: 'AveragePool count_include_pad, pads',
    dims: [2, 2, 7, 7],
    build: (m, x) =>
      m.node('AveragePool', [x], {
        kernel_shape: [3, 3],
        strides: [2, 2],
        pads: [1, 1, 1, 1],
        count_include_pad: 1,
      }),
  },
  {
    name: 'AveragePool ceil_mode, pads excluded',
    dims: [2, 2, 8, 7],
    build: (m, x) =>
      m.node('AveragePool', [x], {
        kernel_shape: [3, 3],
        strides: [2, 2],
        pads: [1, 1, 0, 1],
        ceil_mode: 1,
      }),
  },
  {
    name: 'AveragePool ceil_mode with count_include_pad',
    dims: [2, 2, 8, 7],
    build: (m, x) =>
      m.node('AveragePool', [x], {
        kernel_shape: [3, 3],
        strides: [2, 2],
        pads: [1, 1, 1, 1],
        ceil_mode: 1,
        count_include_pad: 1,
      }),
  },
  {
    name: 'AveragePool dilations (opset 19)',
    opset: 19,
    dims: [2, 2, 8, 8],
    build: (m, x) => m.node('AveragePool', [x], { kernel_shape: [2, 2], dilations: [2, 2] }),
  },
  {
    name: 'MaxPool 1-D',
    dims: [2, 3, 10],
    build: (m, x) =>
      m.node('MaxPool', [x], { kernel_shape: [3], strides: [2], pads: [1, 1], ceil_mode: 1 }),
  },
  {
    name: 'AveragePool 1-D',
    dims: [2, 3, 10],
    build: (m, x) => m.node('AveragePool', [x], { kernel_shape: [4], strides: [3], pads: [1, 0] }),
  },
  {
    name: 'GlobalAveragePool and GlobalMaxPool 1-D',
    dims: [2, 3, 7],
    build: (m, x) =>
      m.node('Add', [m.node('GlobalAveragePool', [x]), m.node('GlobalMaxPool', [x])]),
  },
  {
    name: 'GlobalAveragePool',
    dims: [2, 3, 4, 5],
    build: (m, x) => m.node('GlobalAveragePool', [x]),
  },
  { name: 'GlobalMaxPool', dims: [2, 3, 4, 5], build: (m, x) => m.node('GlobalMaxPool', [x]) },
  // Shapes
  {
    name: 'Flatten axis 1 + Gemm',
    dims: [2, 2, 3, 2],
    build: (m, x) => m.node('Gemm', [m.node('Flatten', [x]), m.weight([12, 3])]),
  },
  {
    name: 'Flatten axis 2 after a size-1 axis',
    dims: [2, 1, 3, 4],
    build: (m, x) => m.node('Flatten', [x], { axis: 2 }),
  },
  {
    name: 'Reshape [0, -1]',
    dims: [2, 3, 4],
    build: (m, x) => m.node('Reshape', [x, m.ints([0, -1])]),
  },
  {
    name: 'Reshape [-1, 12]',
    dims: [2, 3, 4],
    build: (m, x) => m.node('Reshape', [x, m.ints([-1, 12])]),
  },
  {
    name: 'Reshape [0, 4, -1]',
    dims: [2, 3, 4],
    build: (m, x) => m.node('Reshape', [x, m.ints([0, 4, -1])]),
  },
  {
    name: 'Shape → Gather → Unsqueeze → Concat → Reshape (x.view(x.size(0), -1))',
    dims: [2, 2, 3, 3],
    build: (m, x) => {
      const r = m.node('Relu', [x]);
      const n = m.node('Unsqueeze', [
        m.node('Gather', [m.node('Shape', [r]), m.ints([0], [])], { axis: 0 }),
        m.ints([0]),
      ]);
      const shape = m.node('Concat', [n, m.ints([-1])], { axis: 0 });
      return m.node('Gemm', [m.node('Reshape', [r, shape]), m.weight([18, 4]), m.weight([4])]);
    },
    check: (g) => expect(ops(g)).toEqual(['relu', 'reshape', 'dense']),
  },
  {
    name: 'Shape chain with Slice, Cast and Mul (opset 21)',
    opset: 21,
    dims: [2, 2, 3, 4],
    build: (m, x) => {
      const s = m.node('Shape', [x]);
      const head = m.node('Slice', [s, m.ints([0]), m.ints([2])]);
      const tail = m.node(
        'Cast',
        [m.node('Mul', [m.node('Slice', [s, m.ints([2]), m.ints([4])]), m.ints([1, 1])])],
        { to: 7 },
      );
      const flat = m.node('Reshape', [x, m.node('Concat', [head, m.ints([12])], { axis: 0 })]);
      return m.node('Reshape', [flat, m.node('Concat', [head, tail], { axis: 0 })]);
    },
  },
  {
    name: 'Transpose NCHW → NHWC, Flatten, Gemm',
    dims: [2, 3, 2, 2],
    build: (m, x) =>
      m.node('Gemm', [
        m.node('Flatten', [m.node('Transpose', [x], { perm: [0, 2, 3, 1] })]),
        m.weight([12, 2]),
      ]),
  },
  {
    name: 'Squeeze and Unsqueeze (opset 13 inputs)',
    dims: [2, 3, 1, 4],
    build: (m, x) => m.node('Unsqueeze', [m.node('Squeeze', [x, m.ints([2])]), m.ints([-1, 1])]),
  },
  {
    name: 'Squeeze and Unsqueeze (opset 11 attributes)',
    opset: 11,
    dims: [2, 3, 1, 4],
    build: (m, x) => m.node('Unsqueeze', [m.node('Squeeze', [x], { axes: [-2] })], { axes: [3] }),
  },
  // Pad
  {
    name: 'Pad (zero) before Conv: folded into the conv',
    dims: [2, 2, 5, 5],
    build: (m, x) =>
      m.node('Conv', [
        m.node('Pad', [x, m.ints([0, 0, 1, 2, 0, 0, 2, 1])]),
        m.weight([3, 2, 3, 3]),
      ]),
    check: (g) => expect(ops(g)).toEqual(['conv2d']),
  },
  {
    name: 'Pad attributes (opset 9)',
    opset: 9,
    dims: [2, 2, 3],
    build: (m, x) => m.node('Pad', [x], { pads: [0, 1, 0, 0, 0, 2], mode: 'constant' }),
  },
  {
    name: 'Pad with axes input (opset 18)',
    opset: 18,
    dims: [2, 2, 3, 3],
    build: (m, x) => m.node('Pad', [x, m.ints([1, 2]), '', m.ints([-1])]),
  },
  // Arithmetic
  {
    name: 'Add of two tensors (residual)',
    dims: [2, 6],
    build: (m, x) => m.node('Add', [m.node('Relu', [x]), m.node('Tanh', [x])]),
  },
  {
    name: 'Add of a tensor to itself',
    dims: [2, 6],
    build: (m, x) => {
      const r = m.node('Relu', [x]);
      return m.node('Add', [r, r]);
    },
  },
  {
    name: 'Sub of two tensors',
    dims: [2, 6],
    build: (m, x) => m.node('Sub', [m.node('Relu', [x]), x]),
  },
  {
    name: 'Add constant [C, 1, 1]',
    dims: [2, 3, 2, 2],
    build: (m, x) => m.node('Add', [x, m.weight([3, 1, 1])]),
  },
  {
    name: 'constant − tensor',
    dims: [2, 3, 2],
    build: (m, x) => m.node('Sub', [m.weight([2]), x]),
  },
  {
    name: 'Mul by a full-rank constant [1, C, 1, 1]',
    dims: [2, 3, 2, 2],
    build: (m, x) => m.node('Mul', [m.weight([1, 3, 1, 1]), x]),
  },
  {
    name: 'Div by a constant (input normalization)',
    dims: [2, 3, 2, 2],
    build: (m, x) =>
      m.node('Div', [m.node('Sub', [x, m.weight([3, 1, 1])]), m.weight([3, 1, 1], [0.5, 0.25, 2])]),
  },
  // Concat, pass-through, softmax
  {
    name: 'Concat axis 1',
    dims: [2, 2, 3],
    build: (m, x) =>
      m.node('Concat', [m.node('Relu', [x]), x, m.node('Sigmoid', [x])], { axis: 1 }),
  },
  {
    name: 'Concat axis -1',
    dims: [2, 2, 3],
    build: (m, x) => m.node('Concat', [m.node('Relu', [x]), x], { axis: -1 }),
  },
  { name: 'Identity', dims: [2, 4], build: (m, x) => m.node('Identity', [x]) },
  {
    name: 'Dropout with ratio (opset 12)',
    opset: 12,
    dims: [2, 4],
    build: (m, x) => m.node('Relu', [m.node('Dropout', [x, m.weight([], [0.5])])]),
  },
  {
    name: 'Dropout (opset 9)',
    opset: 9,
    dims: [2, 4],
    build: (m, x) => m.node('Relu', [m.node('Dropout', [x], { ratio: f(0.3) })]),
  },
  {
    name: 'Cast to float',
    dims: [2, 4],
    build: (m, x) => m.node('Relu', [m.node('Cast', [x], { to: 1 })]),
  },
  {
    name: 'final Softmax (opset 13): removed, logits explained',
    dims: [2, 5],
    build: (m, x) => m.node('Softmax', [m.node('Gemm', [x, m.weight([5, 3])])]),
    check: (g) => {
      expect(ops(g)).toEqual(['dense']);
      expect(g.removedSoftmax).toBeDefined();
    },
  },
  {
    name: 'final LogSoftmax (opset 11, axis 1 of [N, K])',
    opset: 11,
    dims: [2, 5],
    build: (m, x) => m.node('LogSoftmax', [m.node('Gemm', [x, m.weight([5, 3])])], { axis: 1 }),
  },
];

function sampleInput(dims: readonly number[], seed: number): Float64Array {
  const n = dims.reduce((a, b) => a * b, 1);
  const data = Float64Array.from(randoms(n, seed), (v) => Math.fround(v * 2));
  // A block of exact zeros: ties for max pooling, dead ReLUs.
  for (let i = 0; i < Math.floor(n / 6); i++) data[i] = 0;
  return data;
}

describe('importer forward equals ONNX Runtime (≤ 1e-5 relative), and the graph is explainable', () => {
  for (const c of CASES) {
    it(c.name, async () => {
      const m = new OnnxTestModel(c.name, c.opset ?? 17);
      const x = m.input('x', ['N', ...c.dims.slice(1)]);
      const y = c.build(m, x);
      m.output(y);
      const bytes = m.bytes();
      const data = sampleInput(c.dims, c.name.length);
      const ref = await runOrt(bytes, { name: 'x', data, dims: c.dims });
      const raw = fromOnnxModel(bytes, { prepare: false });
      const prepared = fromOnnxModel(bytes);
      const input = { data, shape: [...c.dims] };
      const ours = await predict(raw, input);
      expect(ours.shape[0]).toBe(c.dims[0]);
      expect(relativeError(ours.data, ref.data)).toBeLessThanOrEqual(1e-5);
      if (!prepared.removedSoftmax) {
        const prep = await predict(prepared, input);
        expect(relativeError(prep.data, ref.data)).toBeLessThanOrEqual(1e-5);
      }
      c.check?.(prepared);
      // The imported graph is explainable: f = w·x + b and Σ BBp = b hold for every rule.
      const e = await explain(prepared, input, {
        methods: ['gradient', 'bbp'],
        rules: ['contribution', 'weight', 'signed', 'uniform'],
      });
      for (const d of e.decomposition) {
        expect(d.completenessResidual).toBeLessThanOrEqual(1e-9);
        for (const r of Object.values(d.bbpResidual)) expect(r).toBeLessThanOrEqual(1e-9);
      }
    });
  }
});
