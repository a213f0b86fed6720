// The custom ops' own checks on the float64 reference: values against their formulas, the
// gradient against central finite differences (away from kinks and max-pool ties), completeness of
// f = w·x + b and of every BBp rule, and exact Integrated Gradients through hardSigmoid's path rule.
import type { HostTensor, IRGraph } from '@biasprop/core';
import {
  BUILTIN_BBP_RULES,
  ReferenceBackend,
  createGraph,
  exactIntegratedGradients,
  explain,
  graphSpecOf,
  predict,
} from '@biasprop/core';
import { seededRandom } from '@biasprop/conformance/runner';
import { describe, expect, it } from 'vitest';
import {
  customOpCnn,
  customOpMlp,
  hardSigmoidParams,
  piecewiseCnn,
  registerCustomOps,
} from '../src/index.js';

registerCustomOps();

const hardSwish = (z: number) => (z * Math.min(Math.max(z + 3, 0), 6)) / 6;
const hardSigmoid = (z: number, a: number, b: number) => Math.max(0, Math.min(1, a * z + b));

function randomInput(graph: IRGraph, seed: number): HostTensor {
  const rng = seededRandom(seed);
  const n = graph.input.shape.reduce((a, b) => a * b, 1);
  return {
    data: Float64Array.from({ length: n }, () => 2 * rng() - 1),
    shape: [1, ...graph.input.shape],
  };
}

/** The graph cut at `node` (its output), to read intermediate values. */
function cutAt(graph: IRGraph, node: string): IRGraph {
  return createGraph({ ...graphSpecOf(graph), output: node, removedSoftmax: undefined });
}

/** Smallest distance of any custom-op pre-activation to a kink of its op, for input x. */
async function distanceToKinks(graph: IRGraph, x: HostTensor): Promise<number> {
  let d = Infinity;
  for (const n of graph.nodes) {
    if (n.op !== 'hardSwish' && n.op !== 'hardSigmoid') continue;
    const z = await predict(cutAt(graph, n.inputs[0]!), x);
    const { alpha, beta } = hardSigmoidParams(n);
    const kinks = n.op === 'hardSwish' ? [-3, 3] : [-beta / alpha, (1 - beta) / alpha];
    for (const v of z.data) for (const k of kinks) d = Math.min(d, Math.abs(v - k));
  }
  return d;
}

/** Smallest gap between the largest and second-largest value of any max-pool window. */
async function maxPoolMargin(graph: IRGraph, x: HostTensor): Promise<number> {
  let m = Infinity;
  for (const n of graph.nodes) {
    if (n.op !== 'maxPool2d') continue;
    const z = await predict(cutAt(graph, n.inputs[0]!), x);
    const [c, h, w] = graph.nodes.find((v) => v.name === n.inputs[0])!.shape as [
      number,
      number,
      number,
    ];
    for (let ch = 0; ch < c; ch++)
      for (let y = 0; y + 1 < h; y += 2)
        for (let xx = 0; xx + 1 < w; xx += 2) {
          const v = [0, 1, w, w + 1]
            .map((o) => z.data[ch * h * w + y * w + xx + o]!)
            .sort((a, b) => b - a);
          m = Math.min(m, v[0]! - v[1]!);
        }
  }
  return m;
}

describe('hardSwish and hardSigmoid: values, slopes and intercepts', () => {
  const points = [-5, -3, -2.5, -1, 0, 0.5, 2.75, 3, 4.5];
  it('forward equals the formula and slope·z + intercept equals the value', async () => {
    for (const [op, attrs, fn] of [
      ['hardSwish', {}, hardSwish],
      ['hardSigmoid', { alpha: 1 / 6, beta: 0.5 }, (z: number) => hardSigmoid(z, 1 / 6, 0.5)],
      ['hardSigmoid', {}, (z: number) => hardSigmoid(z, 0.2, 0.5)],
    ] as const) {
      const graph = createGraph({
        name: op,
        input: { name: 'x', shape: [points.length] },
        nodes: [
          { name: 'act', op, inputs: ['x'], attrs },
          // A dense identity readout, so the explained scalar is one unit at a time.
          {
            name: 'readout',
            op: 'dense',
            inputs: ['act'],
            params: {
              weight: {
                data: Float64Array.from({ length: points.length ** 2 }, (_, i) =>
                  i % (points.length + 1) === 0 ? 1 : 0,
                ),
                shape: [points.length, points.length],
              },
            },
          },
        ],
      });
      const x = { data: Float64Array.from(points), shape: [1, points.length] };
      const y = await predict(graph, x);
      points.forEach((p, i) => expect(y.data[i]).toBeCloseTo(fn(p), 14));
      for (let k = 0; k < points.length; k++) {
        const e = await explain(graph, x, { target: k, methods: ['gradient', 'bbp'] });
        // f = w·x + b with b the op's intercept: the tangent (or the piece) reproduces the value.
        expect(e.decomposition[0]!.f).toBeCloseTo(fn(points[k]!), 14);
        expect(e.decomposition[0]!.completenessResidual).toBeLessThan(1e-12);
        // The routing map hands the whole bias to the unit's own input.
        expect(e.bbp!.contribution!.data[k]).toBeCloseTo(e.decomposition[0]!.bias, 14);
      }
    }
  });

  it('rejects a hardSigmoid with alpha ≤ 0, naming the node and model', () => {
    expect(() =>
      createGraph({
        name: 'bad',
        input: { name: 'x', shape: [2] },
        nodes: [{ name: 'hs', op: 'hardSigmoid', inputs: ['x'], attrs: { alpha: 0 } }],
      }),
    ).toThrow("model 'bad', node 'hs' (hardSigmoid): hardSigmoid needs alpha > 0");
  });
});

describe.each([
  ['cnn', customOpCnn],
  ['mlp', customOpMlp],
])('%s with both custom ops on the float64 reference', (_label, make) => {
  const graph = make();

  it('random inputs reach all three pieces of both ops', async () => {
    for (const n of graph.nodes.filter((v) => v.op === 'hardSwish' || v.op === 'hardSigmoid')) {
      const { alpha, beta } = hardSigmoidParams(n);
      const [lo, hi] = n.op === 'hardSwish' ? [-3, 3] : [-beta / alpha, (1 - beta) / alpha];
      const pieces = new Set<string>();
      for (const seed of [1, 2, 3]) {
        const z = await predict(cutAt(graph, n.inputs[0]!), randomInput(graph, seed));
        for (const v of z.data) pieces.add(v <= lo ? 'low' : v >= hi ? 'high' : 'middle');
      }
      expect([...pieces].sort(), `${n.name} (${n.op})`).toEqual(['high', 'low', 'middle']);
    }
  });

  it('the gradient matches central finite differences away from kinks and ties', async () => {
    let checked = 0;
    for (let seed = 1; seed <= 6 && checked < 3; seed++) {
      const x = randomInput(graph, seed);
      const h = 1e-6;
      // Every unit stays on its piece, and every max-pool its arg-max, within ±h of x.
      if ((await distanceToKinks(graph, x)) < 1e-3 || (await maxPoolMargin(graph, x)) < 1e-3)
        continue;
      checked++;
      for (const target of [0, 1, 2]) {
        const e = await explain(graph, x, { target, methods: ['gradient'] });
        const w = e.gradient!.data;
        const scale = Math.max(...Array.from(w, Math.abs));
        for (let i = 0; i < x.data.length; i++) {
          const plus = Float64Array.from(x.data);
          const minus = Float64Array.from(x.data);
          plus[i]! += h;
          minus[i]! -= h;
          const [yp, ym] = await Promise.all([
            predict(graph, { data: plus, shape: x.shape }),
            predict(graph, { data: minus, shape: x.shape }),
          ]);
          const fd = (yp.data[target]! - ym.data[target]!) / (2 * h);
          // Central differences: O(h²) for the smooth parabola, exact on linear pieces; 1e-8 rounding.
          expect(Math.abs(fd - w[i]!)).toBeLessThan(1e-6 * scale);
        }
      }
    }
    expect(checked).toBeGreaterThan(0);
  });

  it('keeps completeness: f = w·x + Σ g·c, Σβ₀ = b for every rule, Σ total = f', async () => {
    const backend = new ReferenceBackend();
    for (const seed of [11, 12]) {
      const x = randomInput(graph, seed);
      const e = await explain(graph, x, {
        backend,
        methods: ['gradient', 'bbp', 'total'],
        rules: BUILTIN_BBP_RULES,
        target: { contrast: [2, 0] },
      });
      const d = e.decomposition[0]!;
      expect(Math.abs(d.f - d.wx - d.bias)).toBe(0); // b is defined as f − w·x …
      expect(d.completenessResidual).toBeLessThan(1e-9); // … and equals Σ_v g_v·c_v
      expect(Math.abs(d.bias)).toBeGreaterThan(1e-3); // the custom ops contribute a real bias
      for (const rule of BUILTIN_BBP_RULES) {
        expect(d.bbpResidual[rule]!).toBeLessThan(1e-9);
        let total = 0;
        for (const v of e.total![rule]!.data) total += v;
        expect(
          Math.abs(total - d.f) / Math.max(Math.abs(d.f), Math.abs(d.wx), Math.abs(d.bias)),
        ).toBeLessThan(1e-9);
      }
    }
  });
});

describe('exact Integrated Gradients through hardSigmoid (piecewise-linear, with pathForward)', () => {
  it('Σ IG = f(x) − f(0) exactly, and agrees with a fine Riemann sum', async () => {
    const graph = piecewiseCnn();
    const x = randomInput(graph, 3);
    const exact = await exactIntegratedGradients(graph, x, { targets: [0] });
    expect(exact.regions[0]!).toBeGreaterThan(1); // the path crosses kinks of hardSigmoid / max pool
    expect(Math.abs(exact.deltas[0]![0]!)).toBeLessThan(
      1e-9 * Math.abs(exact.differences[0]![0]!) + 1e-12,
    );
    const approx = await explain(graph, x, {
      target: 0,
      methods: ['integratedGradients'],
      integratedGradients: { method: 'riemannMiddle', steps: 4000, stepsPerRun: 1000 },
    });
    const a = exact.attributions[0]!.data;
    const b = approx.integratedGradients!.attribution.data;
    const scale = Math.max(...Array.from(a, Math.abs));
    a.forEach((v, i) => expect(Math.abs(v - b[i]!)).toBeLessThan(2e-3 * scale));
  });

  it('refuses exact IG on hardSwish (smooth), naming the node', async () => {
    const graph = customOpCnn();
    await expect(exactIntegratedGradients(graph, randomInput(graph, 1))).rejects.toThrow(
      /node 'hswish1' of model 'custom-op-cnn' is hardSwish \(smooth\)/,
    );
  });
});
