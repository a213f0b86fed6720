// Finite-difference check of the gradient w = ∂f/∂x (DESIGN §4) for every op kind, on float64,
// at points chosen away from kinks (ReLU/clip inputs bounded away from the breakpoints, max-pool
// inputs with distinct, well-separated values, maximum/minimum operands with a checked gap).
import { describe, expect, it } from 'vitest';
import type { HostTensor, IRGraph, Target } from '../src/index.js';
import { GraphBuilder, explain, registeredOpKinds } from '../src/index.js';
import { centralDifferences } from './helpers/finite-difference.js';
import { denseReadout, nodeValues } from './helpers/graphs.js';
import { maxAbs, maxAbsDiff } from './helpers/numeric.js';
import { awayFromZero, distinctValues, mulberry32, uniform } from './helpers/random.js';

interface GradCase {
  readonly name: string;
  /** Op kinds the case exercises (to check coverage of the registry). */
  readonly ops: readonly string[];
  build(rng: () => number): {
    graph: IRGraph;
    x: HostTensor;
    target?: Target | Target[];
    check?: (graph: IRGraph, x: HostTensor) => Promise<void>;
  };
}

const size = (s: readonly number[]): number => s.reduce((a, b) => a * b, 1);

/** Input → conv2d with the given options → dense readout. */
function convCase(
  name: string,
  inShape: [number, number, number],
  wShape: [number, number, number, number],
  options: Parameters<GraphBuilder['conv2d']>[4],
  outSize: number,
): GradCase {
  return {
    name,
    ops: ['conv2d', 'reshape', 'dense'],
    build(rng) {
      const b = new GraphBuilder(name, inShape);
      const h = b.conv2d(
        b.input,
        uniform(rng, size(wShape)),
        wShape,
        uniform(rng, wShape[0], 0.3),
        options,
      );
      denseReadout(b, h, outSize, rng);
      return {
        graph: b.build(),
        x: { data: uniform(rng, 2 * size(inShape)), shape: [2, ...inShape] },
        target: [1, { contrast: [2, 0] }],
      };
    },
  };
}

/** Input (distinct values, no near-ties) → pooling → dense readout. */
function poolCase(
  name: string,
  op: 'maxPool2d' | 'avgPool2d',
  inShape: [number, number, number],
  kernel: [number, number],
  options: Record<string, unknown>,
  outSize: number,
): GradCase {
  return {
    name,
    ops: [op, 'reshape', 'dense'],
    build(rng) {
      const b = new GraphBuilder(name, inShape);
      const h =
        op === 'maxPool2d'
          ? b.maxPool2d(b.input, kernel, options)
          : b.avgPool2d(b.input, kernel, options);
      denseReadout(b, h, outSize, rng);
      const per = size(inShape);
      const x = new Float64Array(2 * per);
      x.set(distinctValues(rng, per), 0);
      x.set(distinctValues(rng, per, 0.03, 0.2), per);
      return { graph: b.build(), x: { data: x, shape: [2, ...inShape] }, target: 0 };
    },
  };
}

/** Input (away from the op's kinks) → one elementwise op → dense readout. */
function elementwiseCase(
  name: string,
  op: string,
  apply: (b: GraphBuilder, x: string, rng: () => number) => string,
  values: (rng: () => number, n: number) => Float64Array,
): GradCase {
  const shape: [number, number, number] = [3, 2, 4];
  return {
    name,
    ops: [op, 'reshape', 'dense'],
    build(rng) {
      const b = new GraphBuilder(name, shape);
      const h = apply(b, b.input, rng);
      denseReadout(b, h, size(shape), rng);
      return {
        graph: b.build(),
        x: { data: values(rng, 2 * size(shape)), shape: [2, ...shape] },
        target: 2,
      };
    },
  };
}

const CASES: GradCase[] = [
  {
    name: 'dense',
    ops: ['dense'],
    build(rng) {
      const b = new GraphBuilder('dense', [6]);
      const h = b.dense(b.input, uniform(rng, 24), [6, 4], uniform(rng, 4));
      b.dense(h, uniform(rng, 12), [4, 3]);
      return { graph: b.build(), x: { data: uniform(rng, 12), shape: [2, 6] }, target: [0, 2] };
    },
  },
  convCase('conv2d basic', [2, 5, 5], [3, 2, 3, 3], { pads: [1, 1, 1, 1] }, 3 * 25),
  // [2,7,8]: H: (7+0+2-3)/2+1 = 4; W: (8+1+1-2*2-1)/1+1 = 6.
  convCase(
    'conv2d strides/dilations/asymmetric pads',
    [2, 7, 8],
    [3, 2, 3, 3],
    { strides: [2, 1], dilations: [1, 2], pads: [0, 1, 2, 1] },
    3 * 4 * 6,
  ),
  // groups=2: [4 in, 6 out], weight [6, 2, 3, 2]; H: (6+1+0-3)/1+1 = 5, W: (5+0+1-2)/2+1 = 3.
  convCase(
    'conv2d grouped',
    [4, 6, 5],
    [6, 2, 3, 2],
    { groups: 2, strides: [1, 2], pads: [1, 0, 0, 1] },
    6 * 5 * 3,
  ),
  convCase('conv2d depthwise', [3, 5, 5], [3, 1, 3, 3], { groups: 3, pads: [1, 1, 1, 1] }, 3 * 25),
  convCase(
    'conv2d depthwise, multiplier 2, stride 2',
    [3, 6, 6],
    [6, 1, 3, 3],
    { groups: 3, strides: [2, 2], pads: [0, 0, 1, 1] },
    6 * 3 * 3,
  ),
  poolCase(
    'maxPool2d 2x2 stride 2',
    'maxPool2d',
    [2, 4, 6],
    [2, 2],
    { strides: [2, 2] },
    2 * 2 * 3,
  ),
  // H: (7+2-3)/2+1 = 4, W: ceil((6+2-3)/2)+1 = 4 (floor: 3; the last window starts at 6 < 6+1).
  poolCase(
    'maxPool2d 3x3 stride 2 pads 1 ceilMode',
    'maxPool2d',
    [2, 7, 6],
    [3, 3],
    { strides: [2, 2], pads: [1, 1, 1, 1], ceilMode: true },
    2 * 4 * 4,
  ),
  poolCase(
    'maxPool2d dilated, asymmetric pads',
    'maxPool2d',
    [1, 7, 7],
    [2, 2],
    { dilations: [2, 2], pads: [1, 0, 0, 1] },
    1 * 6 * 6,
  ),
  poolCase(
    'avgPool2d 3x3 stride 2 pads 1 (count excludes pad)',
    'avgPool2d',
    [2, 5, 6],
    [3, 3],
    { strides: [2, 2], pads: [1, 1, 1, 1] },
    2 * 3 * 3,
  ),
  poolCase(
    'avgPool2d 3x3 stride 2 pads 1 countIncludePad',
    'avgPool2d',
    [2, 5, 6],
    [3, 3],
    { strides: [2, 2], pads: [1, 1, 1, 1], countIncludePad: true },
    2 * 3 * 3,
  ),
  // H: ceil((6+1+0-2)/2)+1 = 4 (floor: 3), W: ceil((5-2)/2)+1 = 3 (floor: 2); the readout size checks it.
  poolCase(
    'avgPool2d ceilMode, asymmetric pads',
    'avgPool2d',
    [2, 6, 5],
    [2, 2],
    { strides: [2, 2], pads: [1, 0, 0, 0], ceilMode: true },
    2 * 4 * 3,
  ),
  {
    name: 'global average and max pooling',
    ops: ['avgPool2d', 'maxPool2d', 'concat', 'reshape', 'dense'],
    build(rng) {
      const b = new GraphBuilder('global', [3, 4, 5]);
      const h = b.concat([b.globalAvgPool(b.input), b.globalMaxPool(b.input)], 0);
      denseReadout(b, h, 6, rng);
      return {
        graph: b.build(),
        x: { data: distinctValues(rng, 60), shape: [1, 3, 4, 5] },
        target: 1,
      };
    },
  },
  {
    name: 'batchNorm (channel axis 0 and on a vector)',
    ops: ['batchNorm', 'dense'],
    build(rng) {
      const b = new GraphBuilder('bn', [3, 2, 2]);
      let h = b.batchNorm(b.input, {
        gamma: [1.5, -0.5, 2],
        beta: [0.1, 0.2, -0.3],
        mean: [0.2, -0.1, 0],
        variance: [0.5, 2, 1],
        epsilon: 1e-3,
      });
      h = b.flatten(h);
      h = b.dense(h, uniform(rng, 12 * 4), [12, 4], uniform(rng, 4));
      h = b.batchNorm(h, {
        gamma: [1, 2, 3, 4],
        beta: [0, 1, 0, 1],
        mean: [1, 0, 1, 0],
        variance: [1, 1, 2, 2],
        epsilon: 1e-5,
      });
      b.dense(h, uniform(rng, 12), [4, 3]);
      return { graph: b.build(), x: { data: uniform(rng, 24), shape: [2, 3, 2, 2] }, target: 0 };
    },
  },
  {
    name: 'scaleShift with broadcasting (including an output larger than the input)',
    ops: ['scaleShift', 'dense'],
    build(rng) {
      const b = new GraphBuilder('scaleShift', [1, 4, 5]);
      // scale [3,1,1] broadcasts the [1,4,5] input up to [3,4,5]; offset [1,4,1] per row.
      let h = b.scaleShift(
        b.input,
        { data: uniform(rng, 3), shape: [3, 1, 1] },
        { data: uniform(rng, 4), shape: [1, 4, 1] },
      );
      h = b.scaleShift(h, { data: uniform(rng, 5), shape: [5] });
      h = b.scaleShift(h, undefined, { data: uniform(rng, 60), shape: [3, 4, 5] });
      denseReadout(b, h, 60, rng);
      return {
        graph: b.build(),
        x: { data: uniform(rng, 40), shape: [2, 1, 4, 5] },
        target: [0, 1],
      };
    },
  },
  elementwiseCase(
    'relu',
    'relu',
    (b, x) => b.relu(x),
    (r, n) => awayFromZero(r, n),
  ),
  elementwiseCase(
    'leakyRelu',
    'leakyRelu',
    (b, x) => b.leakyRelu(x, 0.1),
    (r, n) => awayFromZero(r, n),
  ),
  elementwiseCase(
    'prelu (per-channel slope)',
    'prelu',
    (b, x, r) => b.prelu(x, uniform(r, 3), [3, 1, 1]),
    (r, n) => awayFromZero(r, n),
  ),
  elementwiseCase(
    'prelu (full slope)',
    'prelu',
    (b, x, r) => b.prelu(x, uniform(r, 24), [3, 2, 4]),
    (r, n) => awayFromZero(r, n),
  ),
  // Values in (-1.5, -0.6) ∪ (-0.4, 0.4) ∪ (0.6, 1.5): both sides of both bounds of clip(-0.5, 0.5).
  elementwiseCase(
    'clip',
    'clip',
    (b, x) => b.clip(x, -0.5, 0.5),
    (r, n) =>
      Float64Array.from({ length: n }, (_, i) =>
        [() => -0.6 - 0.9 * r(), () => 0.8 * r() - 0.4, () => 0.6 + 0.9 * r()][i % 3]!(),
      ),
  ),
  elementwiseCase(
    'clip with one bound (relu-like, min only)',
    'clip',
    (b, x) => b.add('clip', [x], { min: 0.2 }),
    (r, n) => Float64Array.from(awayFromZero(r, n, 0.1), (v) => v + 0.2),
  ),
  elementwiseCase(
    'sigmoid',
    'sigmoid',
    (b, x) => b.sigmoid(x),
    (r, n) => uniform(r, n, 3),
  ),
  elementwiseCase(
    'tanh',
    'tanh',
    (b, x) => b.tanh(x),
    (r, n) => uniform(r, n, 2),
  ),
  elementwiseCase(
    'softplus',
    'softplus',
    (b, x) => b.add('softplus', [x]),
    (r, n) => uniform(r, n, 4),
  ),
  elementwiseCase(
    'elu (alpha 1.5)',
    'elu',
    (b, x) => b.add('elu', [x], { alpha: 1.5 }),
    (r, n) => awayFromZero(r, n),
  ),
  elementwiseCase(
    'identity',
    'identity',
    (b, x) => b.add('identity', [x]),
    (r, n) => uniform(r, n),
  ),
  {
    name: 'add with coefficients (three inputs)',
    ops: ['add', 'dense'],
    build(rng) {
      const b = new GraphBuilder('add', [5]);
      const p = b.dense(b.input, uniform(rng, 25), [5, 5], uniform(rng, 5));
      const q = b.tanh(b.dense(b.input, uniform(rng, 25), [5, 5]));
      const s = b.sum([p, q, b.input], [1, -0.5, 2]);
      b.dense(s, uniform(rng, 15), [5, 3]);
      return {
        graph: b.build(),
        x: { data: uniform(rng, 10), shape: [2, 5] },
        target: [0, { contrast: [1, 2] }],
      };
    },
  },
  ...(['maximum', 'minimum'] as const).map((op): GradCase => ({
    name: op,
    ops: [op, 'dense'],
    build(rng) {
      const b = new GraphBuilder(op, [6]);
      const p = b.dense(b.input, uniform(rng, 48), [6, 8], uniform(rng, 8), 'p');
      const q = b.dense(b.input, uniform(rng, 48), [6, 8], uniform(rng, 8), 'q');
      const m = b.add(op, [p, q]);
      b.dense(m, uniform(rng, 24), [8, 3]);
      return {
        graph: b.build(),
        x: { data: uniform(rng, 12), shape: [2, 6] },
        target: 1,
        // Away from the kink p = q.
        async check(graph, x) {
          const pv = await nodeValues(graph, x, 'p');
          const qv = await nodeValues(graph, x, 'q');
          const gap = Math.min(...Array.from(pv.data, (v, i) => Math.abs(v - qv.data[i]!)));
          expect(gap).toBeGreaterThan(1e-3);
        },
      };
    },
  })),
  {
    name: 'concat (channel and spatial axes)',
    ops: ['concat', 'conv2d', 'dense'],
    build(rng) {
      const b = new GraphBuilder('concat', [2, 4, 4]);
      const c1 = b.conv2d(b.input, uniform(rng, 2 * 2 * 9), [2, 2, 3, 3], uniform(rng, 2), {
        pads: [1, 1, 1, 1],
      });
      const c2 = b.conv2d(b.input, uniform(rng, 3 * 2 * 1), [3, 2, 1, 1]);
      const ch = b.concat([c1, c2, b.input], 0); // [7, 4, 4]
      const sp = b.concat([ch, ch], 2); // [7, 4, 8]
      denseReadout(b, sp, 7 * 32, rng);
      return { graph: b.build(), x: { data: uniform(rng, 64), shape: [2, 2, 4, 4] }, target: 0 };
    },
  },
  {
    name: 'reshape, transpose and pad',
    ops: ['reshape', 'transpose', 'pad', 'conv2d', 'dense'],
    build(rng) {
      const b = new GraphBuilder('moves', [4, 6]);
      let h = b.reshape(b.input, [2, 3, 4]);
      h = b.transpose(h, [1, 2, 0]); // [3, 4, 2]
      h = b.pad(h, [
        [0, 1],
        [2, 0],
        [1, 1],
      ]); // [4, 6, 4]
      h = b.conv2d(h, uniform(rng, 2 * 4 * 4), [2, 4, 2, 2], uniform(rng, 2)); // [2, 5, 3]
      h = b.transpose(h, [2, 0, 1]); // [3, 2, 5]
      denseReadout(b, h, 30, rng);
      return { graph: b.build(), x: { data: uniform(rng, 48), shape: [2, 4, 6] }, target: [2, 1] };
    },
  },
];

describe('gradient against central differences (float64)', () => {
  it('the cases cover every registered op kind except the final-only softmaxes', () => {
    const covered = new Set(CASES.flatMap((c) => c.ops));
    const missing = registeredOpKinds().filter(
      (k) => !covered.has(k) && k !== 'softmax' && k !== 'logSoftmax',
    );
    expect(missing).toEqual([]);
  });

  CASES.forEach((c, index) => {
    it(c.name, async () => {
      const rng = mulberry32(1000 + index);
      const { graph, x, target, check } = c.build(rng);
      for (const op of c.ops)
        expect(
          graph.nodes.some((n) => n.op === op),
          `graph uses ${op}`,
        ).toBe(true);
      await check?.(graph, x);
      const e = await explain(graph, x, {
        methods: ['gradient'],
        ...(target !== undefined ? { target } : {}),
      });
      const numeric = await centralDifferences(graph, x, e.readout);
      const analytic = e.gradient!.data;
      expect(maxAbs(analytic), 'gradient is not trivially zero').toBeGreaterThan(1e-3);
      const err = maxAbsDiff(analytic, numeric);
      expect(err, `max |analytic − numeric| = ${err}`).toBeLessThan(
        1e-6 * Math.max(1, maxAbs(numeric)),
      );
    });
  });
});
