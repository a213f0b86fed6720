// Integrated Gradients (DESIGN §2.4): convergence, quadrature accuracy, baselines, chunking.
import { describe, expect, it } from 'vitest';
import type { HostTensor, IntegratedGradientsOptions } from '../src/index.js';
import { GraphBuilder, IG_QUADRATURES, explain } from '../src/index.js';
import { cnnBn, mlp, smooth } from './fixtures/networks.js';
import { expectClose, maxAbs, maxAbsDiff, sum } from './helpers/numeric.js';
import { mulberry32, uniform } from './helpers/random.js';

async function ig(
  graph: Parameters<typeof explain>[0],
  x: HostTensor,
  o: IntegratedGradientsOptions,
  target: number | 'pred' = 0,
) {
  const e = await explain(graph, x, {
    methods: ['integratedGradients'],
    target,
    integratedGradients: o,
  });
  return e.integratedGradients!;
}

describe('Integrated Gradients', () => {
  const { graph, input } = smooth();

  it('the convergence delta falls as steps grow (every Riemann rule)', async () => {
    for (const method of [
      'riemannLeft',
      'riemannRight',
      'riemannMiddle',
      'riemannTrapezoid',
    ] as const) {
      const deltas: number[] = [];
      for (const steps of [4, 16, 64, 256])
        deltas.push(maxAbs((await ig(graph, input, { method, steps })).delta));
      for (let i = 1; i < deltas.length; i++)
        expect(deltas[i]!, `${method}: ${deltas.join(', ')}`).toBeLessThan(deltas[i - 1]!);
      expect(deltas[0]!).toBeGreaterThan(1e-6); // the network is not linear along the path
    }
  });

  it('gaussLegendre beats riemannTrapezoid at equal steps on a sigmoid/tanh network', async () => {
    const exact = (await ig(graph, input, { method: 'gaussLegendre', steps: 200 })).attribution
      .data;
    for (const steps of [4, 8, 16]) {
      const gl = await ig(graph, input, { method: 'gaussLegendre', steps });
      const tr = await ig(graph, input, { method: 'riemannTrapezoid', steps });
      expect(maxAbs(gl.delta), `steps ${steps}: |delta| GL vs trapezoid`).toBeLessThan(
        maxAbs(tr.delta),
      );
      expect(maxAbsDiff(gl.attribution.data, exact)).toBeLessThan(
        maxAbsDiff(tr.attribution.data, exact),
      );
    }
    // And converges to Σ IG = f(x) − f(x').
    expect(maxAbs((await ig(graph, input, { steps: 50 })).delta)).toBeLessThan(1e-10);
  });

  it('is exact for a network that is linear along the path, at any number of steps', async () => {
    // Dense + tanh-free: a linear network; IG = (x − x')·w for every quadrature.
    const r = mulberry32(31);
    const b = new GraphBuilder('linear', [4]);
    b.dense(
      b.dense(b.input, uniform(r, 12), [4, 3], uniform(r, 3)),
      uniform(r, 6),
      [3, 2],
      uniform(r, 2),
    );
    const g = b.build();
    const x = { data: uniform(r, 8), shape: [2, 4] };
    const e = await explain(g, x, { methods: ['gradient'], target: 1 });
    const wx = e.gradient!.data.map((w, i) => w * x.data[i]!);
    for (const method of IG_QUADRATURES) {
      const res = await ig(g, x, { method, steps: 3 }, 1);
      expectClose(res.attribution.data, wx, 1e-12, method);
      expect(maxAbs(res.delta)).toBeLessThan(1e-12);
    }
  });

  it('several baselines are averaged', async () => {
    const r = mulberry32(32);
    const per = input.data.length / 2;
    const b1: HostTensor = { data: uniform(r, per, 0.5), shape: graph.input.shape };
    const b2: HostTensor = { data: uniform(r, 2 * per, 0.5), shape: input.shape };
    const o = { steps: 12 };
    const one = await ig(graph, input, { ...o, baselines: b1 });
    const two = await ig(graph, input, { ...o, baselines: b2 });
    const both = await ig(graph, input, { ...o, baselines: [b1, b2] });
    expectClose(
      both.attribution.data,
      one.attribution.data.map((v, i) => (v + two.attribution.data[i]!) / 2),
      1e-12,
      'averaged attribution',
    );
    expectClose(
      both.baselineValue,
      one.baselineValue.map((v, i) => (v + two.baselineValue[i]!) / 2),
      1e-12,
      'averaged f(x′)',
    );
    // The delta is a small difference of O(1) numbers: compare it in absolute terms.
    expect(
      maxAbsDiff(
        both.delta,
        one.delta.map((v, i) => (v + two.delta[i]!) / 2),
      ),
    ).toBeLessThan(1e-12);
    // Different baselines really give different maps.
    expect(maxAbsDiff(one.attribution.data, two.attribution.data)).toBeGreaterThan(1e-3);
  });

  it('a baseline equal to the input gives zero attribution and zero delta', async () => {
    const res = await ig(graph, input, { steps: 8, baselines: input });
    expect(res.attribution.data.every((v) => v === 0)).toBe(true);
    expect(maxAbs(res.delta)).toBe(0);
  });

  it('stepsPerRun, maxPointsPerRun and memoryBudgetBytes chunking give the same result as one run', async () => {
    for (const f of [smooth(), cnnBn(), mlp()]) {
      const whole = await ig(f.graph, f.input, { steps: 20, stepsPerRun: 20 }, 1);
      for (const o of [
        { stepsPerRun: 1 },
        { stepsPerRun: 7 },
        { stepsPerRun: 64 },
        { maxPointsPerRun: 6 },
        { memoryBudgetBytes: 1 },
      ]) {
        let runs = 0;
        const chunked = await explain(f.graph, f.input, {
          methods: ['integratedGradients'],
          target: 1,
          integratedGradients: { steps: 20, ...o },
          onProgress: (p) => {
            if (p.stage === 'integratedGradients') runs = p.total;
          },
        });
        expect(runs).toBe(
          Math.ceil(20 / Math.min(20, o.stepsPerRun ?? (o.maxPointsPerRun ? 3 : 1))),
        );
        expectClose(
          chunked.integratedGradients!.attribution.data,
          whole.attribution.data,
          1e-12,
          `${f.name} ${JSON.stringify(o)}`,
        );
        expect(maxAbsDiff(chunked.integratedGradients!.delta, whole.delta)).toBeLessThan(1e-12);
      }
    }
  });

  it('the delta is Σ IG − (f(x) − f(x′)) per example', async () => {
    const e = await explain(graph, input, {
      methods: ['integratedGradients', 'gradient'],
      target: 2,
      integratedGradients: { steps: 10 },
    });
    const res = e.integratedGradients!;
    const per = input.data.length / 2;
    for (let i = 0; i < 2; i++) {
      const s = sum(res.attribution.data, i * per, (i + 1) * per);
      expect(res.delta[i]).toBeCloseTo(s - (e.decomposition[i]!.f - res.baselineValue[i]!), 12);
    }
  });
});
