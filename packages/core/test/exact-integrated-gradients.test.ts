import { describe, expect, it } from 'vitest';
import {
  BiaspropError,
  GraphBuilder,
  exactIntegratedGradients,
  explain,
  foldBatchNorm,
  prepareGraph,
} from '../src/index.js';
import type { HostTensor, IRGraph } from '../src/index.js';

function seeded(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32 - 0.5;
  };
}
const values = (n: number, r: () => number, scale = 1) =>
  Float64Array.from({ length: n }, () => r() * scale);
const sum = (a: ArrayLike<number>) => Array.from(a).reduce((s, v) => s + v, 0);

function relativeL2(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let err = 0;
  let norm = 0;
  for (let i = 0; i < a.length; i++) {
    err += (a[i]! - b[i]!) ** 2;
    norm += b[i]! ** 2;
  }
  return Math.sqrt(err / norm);
}

/** conv(+bias) → BN → ReLU → maxpool → clip → dense → ReLU → dense: blank regions make max-pool ties. */
function tieHeavyCnn(seed: number): IRGraph {
  const r = seeded(seed);
  const b = new GraphBuilder('ties', [1, 8, 8]);
  let h = b.conv2d(
    b.input,
    values(4 * 9, r),
    [4, 1, 3, 3],
    values(4, r, 0.3),
    { pads: [1, 1, 1, 1] },
    'conv',
  );
  h = b.batchNorm(
    h,
    {
      gamma: [1, 0.5, 2, 1],
      beta: [0.1, 0, -0.2, 0.3],
      mean: [0, 0.1, 0, 0],
      variance: [1, 2, 0.5, 1],
      epsilon: 1e-3,
    },
    0,
    'bn',
  );
  h = b.relu(h);
  h = b.maxPool2d(h, [2, 2], { strides: [2, 2] });
  h = b.clip(h, 0, 0.6);
  h = b.flatten(h);
  h = b.relu(b.dense(h, values(64 * 12, r), [64, 12], values(12, r, 0.3), 'fc1'));
  b.dense(h, values(12 * 4, r), [12, 4], values(4, r, 0.3), 'fc2');
  return prepareGraph(b.build(), { foldBatchNorm: false });
}

function digitLike(seed: number): HostTensor {
  const r = seeded(seed);
  // A bright stroke on an exactly blank (zero) background.
  return {
    data: Float64Array.from({ length: 64 }, (_, i) =>
      i % 8 > 2 && i % 8 < 6 && i > 8 ? 0.6 + 0.4 * Math.abs(r()) : 0,
    ),
    shape: [1, 1, 8, 8],
  };
}

describe('exact Integrated Gradients', () => {
  it('matches the hand-computed breakpoints of a one-hidden-layer ReLU network', async () => {
    // h1 = relu(x1 + x2 − 0.5), h2 = relu(3·x1 − x2 − 1), y = 2·h1 + h2. Path from 0 to x = (1, 1):
    // z1(t) = 2t − 0.5 crosses 0 at t = 1/4; z2(t) = 2t − 1 crosses at t = 1/2.
    // ∇f = 0 on (0, ¼), (2, 2) on (¼, ½), (2, 2) + (3, −1) = (5, 1) on (½, 1).
    // IG = x ⊙ ∫∇f = (¼·2 + ½·5, ¼·2 + ½·1) = (3, 1); f(x) − f(0) = 2·1.5 + 1 − 0 = 4.
    const b = new GraphBuilder('hand', [2]);
    const h = b.relu(b.dense(b.input, [1, 3, 1, -1], [2, 2], [-0.5, -1]));
    b.dense(h, [2, 1], [2, 1]);
    const g = b.build();
    const r = await exactIntegratedGradients(
      g,
      { data: Float64Array.from([1, 1]), shape: [1, 2] },
      { targets: [0] },
    );
    expect(r.regions[0]).toBe(3);
    expect(r.attributions[0]!.data[0]).toBeCloseTo(3, 12);
    expect(r.attributions[0]!.data[1]).toBeCloseTo(1, 12);
    expect(r.differences[0]![0]).toBeCloseTo(4, 12);
    expect(Math.abs(r.deltas[0]![0]!)).toBeLessThan(1e-12);
  });

  it('handles two units changing piece at the same t', async () => {
    // h1 = relu(x1 − ½), h2 = relu(x2 − ½), y = h1 + 3·h2; x = (1, 1): both cross at t = ½.
    // IG = (½·1, ½·3) = (0.5, 1.5); f(x) − f(0) = ½ + 3/2 = 2. Two regions.
    const b = new GraphBuilder('simultaneous', [2]);
    const h = b.relu(b.dense(b.input, [1, 0, 0, 1], [2, 2], [-0.5, -0.5]));
    b.dense(h, [1, 3], [2, 1]);
    const r = await exactIntegratedGradients(
      b.build(),
      { data: Float64Array.from([1, 1]), shape: [1, 2] },
      { targets: [0] },
    );
    expect(r.regions[0]).toBe(2);
    expect(Array.from(r.attributions[0]!.data).map((v) => Number(v.toFixed(12)))).toEqual([
      0.5, 1.5,
    ]);
  });

  it('is complete on a max-pool network from a zero baseline (every window starts tied)', async () => {
    const g = tieHeavyCnn(11);
    const x = digitLike(5);
    const r = await exactIntegratedGradients(g, x, { targets: ['pred', { contrast: [1, 2] }] });
    for (let j = 0; j < 2; j++) {
      expect(Math.abs(r.deltas[j]![0]!)).toBeLessThan(
        1e-9 * Math.max(1, Math.abs(r.differences[j]![0]!)),
      );
    }
    expect(r.regions[0]).toBeGreaterThan(3);
  });

  it('agrees with a very fine midpoint rule within that rule’s own error', async () => {
    const g = tieHeavyCnn(12);
    const x = digitLike(6);
    const exact = await exactIntegratedGradients(g, x, { targets: [0] });
    const fine = await explain(g, x, {
      methods: ['integratedGradients'],
      target: 0,
      integratedGradients: { method: 'riemannMiddle', steps: 4000 },
    });
    const coarse = await explain(g, x, {
      methods: ['integratedGradients'],
      target: 0,
      integratedGradients: { method: 'riemannMiddle', steps: 250 },
    });
    const fineErr = relativeL2(
      fine.integratedGradients!.attribution.data,
      exact.attributions[0]!.data,
    );
    const coarseErr = relativeL2(
      coarse.integratedGradients!.attribution.data,
      exact.attributions[0]!.data,
    );
    // The midpoint rule converges to the exact value: the error shrinks with more steps.
    expect(fineErr).toBeLessThan(coarseErr);
    expect(fineErr).toBeLessThan(1e-3);
  });

  it('serves several targets with one walk, identical to separate walks', async () => {
    const g = tieHeavyCnn(13);
    const x = digitLike(7);
    const both = await exactIntegratedGradients(g, x, { targets: [0, { contrast: [3, 1] }] });
    const first = await exactIntegratedGradients(g, x, { targets: [0] });
    const second = await exactIntegratedGradients(g, x, { targets: [{ contrast: [3, 1] }] });
    expect(both.regions).toEqual(first.regions);
    expect(relativeL2(both.attributions[0]!.data, first.attributions[0]!.data)).toBe(0);
    expect(relativeL2(both.attributions[1]!.data, second.attributions[0]!.data)).toBe(0);
  });

  it('is invariant under BatchNorm folding', async () => {
    const g = tieHeavyCnn(14);
    const x = digitLike(8);
    const a = await exactIntegratedGradients(g, x, { targets: [2] });
    const b = await exactIntegratedGradients(foldBatchNorm(g), x, { targets: [2] });
    expect(relativeL2(b.attributions[0]!.data, a.attributions[0]!.data)).toBeLessThan(1e-9);
  });

  it('fails with the count reached when maxRegions is exceeded', async () => {
    const g = tieHeavyCnn(15);
    await expect(exactIntegratedGradients(g, digitLike(9), { maxRegions: 2 })).rejects.toThrow(
      /crossed 3 linear regions/,
    );
  });

  it('refuses smooth networks and points to adaptive mode', async () => {
    const b = new GraphBuilder('smooth', [3]);
    b.dense(b.sigmoid(b.dense(b.input, new Float64Array(9).fill(0.5), [3, 3])), [1, 2, 3], [3, 1]);
    const err = await exactIntegratedGradients(b.build(), {
      data: new Float64Array(3).fill(1),
      shape: [1, 3],
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BiaspropError);
    expect((err as Error).message).toMatch(/sigmoid.*adaptive/);
  });

  it("is available through explain as method 'exact' with regions reported", async () => {
    const g = tieHeavyCnn(16);
    const x = digitLike(10);
    const e = await explain(g, x, {
      methods: ['integratedGradients'],
      integratedGradients: { method: 'exact' },
    });
    const ig = e.integratedGradients!;
    expect(ig.method).toBe('exact');
    expect(ig.regions![0]).toBeGreaterThan(1);
    expect(Math.abs(ig.delta[0]!)).toBeLessThan(
      1e-9 * Math.max(1, Math.abs(e.decomposition[0]!.f)),
    );
    const direct = await exactIntegratedGradients(g, x, { targets: [e.predicted[0]!] });
    expect(relativeL2(ig.attribution.data, direct.attributions[0]!.data)).toBeLessThan(1e-12);
  });

  it('adaptive mode doubles Gauss–Legendre points until the delta is small', async () => {
    const r = seeded(3);
    const b = new GraphBuilder('smooth', [6]);
    const h = b.tanh(b.dense(b.input, values(36, r, 2), [6, 6], values(6, r)));
    b.dense(b.sigmoid(b.dense(h, values(36, r, 2), [6, 6])), values(12, r), [6, 2]);
    const x = { data: values(6, r, 3), shape: [1, 6] };
    const e = await explain(b.build(), x, {
      methods: ['integratedGradients'],
      integratedGradients: { method: 'adaptive', adaptiveStart: 2, adaptiveTolerance: 1e-8 },
    });
    const ig = e.integratedGradients!;
    expect(ig.converged).toBe(true);
    expect(ig.steps).toBeGreaterThan(2);
    expect(Math.abs(ig.delta[0]!)).toBeLessThanOrEqual(
      1e-8 * Math.abs(e.decomposition[0]!.f - ig.baselineValue[0]!),
    );
    expect(
      Math.abs(sum(ig.attribution.data) - (e.decomposition[0]!.f - ig.baselineValue[0]!)),
    ).toBeLessThan(1e-7);
  });
});
