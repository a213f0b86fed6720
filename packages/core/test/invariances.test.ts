// Invariances of DESIGN §2.3: BatchNorm folding changes no attribution and no layer grouping; the
// same network in NHWC layout gives the same attributions, transposed.
import { describe, expect, it } from 'vitest';
import type { Explanation, ExplainOptions, HostTensor } from '../src/index.js';
import { BUILTIN_BBP_RULES, explain, foldBatchNorm, layersOf, prepareGraph } from '../src/index.js';
import { cnnBn, layoutPair, toNhwc } from './fixtures/networks.js';
import { expectClose, maxAbs } from './helpers/numeric.js';

const TOL = 1e-9;
const OPTIONS: ExplainOptions = {
  rules: BUILTIN_BBP_RULES,
  target: [2, { contrast: [0, 3] }],
  integratedGradients: { steps: 16 },
};

function expectSameAttributions(
  a: Explanation,
  b: Explanation,
  map: (t: HostTensor) => HostTensor = (t) => t,
): void {
  expectClose(map(a.gradient!).data, b.gradient!.data, TOL, 'gradient');
  expectClose(map(a.inputXGradient!).data, b.inputXGradient!.data, TOL, 'inputXGradient');
  expectClose(
    map(a.integratedGradients!.attribution).data,
    b.integratedGradients!.attribution.data,
    TOL,
    'integratedGradients',
  );
  expectClose(a.integratedGradients!.delta, b.integratedGradients!.delta, TOL, 'IG delta');
  for (const rule of BUILTIN_BBP_RULES) {
    expectClose(map(a.bbp![rule]!).data, b.bbp![rule]!.data, TOL, `bbp ${rule}`);
    expectClose(map(a.total![rule]!).data, b.total![rule]!.data, TOL, `total ${rule}`);
    expect(maxAbs(b.bbp![rule]!.data), `bbp ${rule} is not trivially zero`).toBeGreaterThan(1e-6);
  }
  expectClose(
    a.decomposition.map((d) => d.bias),
    b.decomposition.map((d) => d.bias),
    TOL,
    'b^x',
  );
}

describe('BatchNorm folding', () => {
  const unfolded = cnnBn(2, false).graph;
  const input = cnnBn(2, false).input;

  it('folds both BatchNorms with prepareGraph (default) and with foldBatchNorm', () => {
    expect(unfolded.nodes.filter((n) => n.op === 'batchNorm')).toHaveLength(2);
    const viaPrepare = prepareGraph(unfolded);
    const viaPass = foldBatchNorm(unfolded);
    for (const g of [viaPrepare, viaPass]) {
      expect(g.nodes.some((n) => n.op === 'batchNorm')).toBe(false);
      expect(g.notes.filter((n) => n.pass === 'foldBatchNorm')).toHaveLength(2);
    }
  });

  for (const [label, fold] of [
    ['prepareGraph default', prepareGraph],
    ['foldBatchNorm', foldBatchNorm],
  ] as const) {
    it(`${label}: gradient, every BBp rule and IG are unchanged`, async () => {
      const folded = fold(unfolded);
      const a = await explain(unfolded, input, OPTIONS);
      const b = await explain(folded, input, OPTIONS);
      expectSameAttributions(a, b);
    });
  }

  it('the layer grouping and the per-layer breakdown are the same with and without folding', async () => {
    const folded = foldBatchNorm(unfolded);
    const before = layersOf(unfolded);
    const after = layersOf(folded);
    expect(after.map((l) => [l.index, l.name])).toEqual(before.map((l) => [l.index, l.name]));
    const bn = new Set(unfolded.nodes.filter((n) => n.op === 'batchNorm').map((n) => n.name));
    expect(after.map((l) => l.nodes)).toEqual(before.map((l) => l.nodes.filter((n) => !bn.has(n))));
    // The BNs were grouped with the conv they fold into.
    expect(before.find((l) => l.name === 'conv1')!.nodes).toContain('bn1');
    expect(before.find((l) => l.name === 'conv2')!.nodes).toContain('bn2');
    const a = await explain(unfolded, input, OPTIONS);
    const b = await explain(folded, input, OPTIONS);
    expect(b.layers.map((l) => l.layer)).toEqual(a.layers.map((l) => l.layer));
    a.layers.forEach((l, i) => expectClose(l.values, b.layers[i]!.values, TOL, `layer ${l.layer}`));
  });
});

describe('NCHW vs NHWC layout', () => {
  it('gives the same attributions, transposed', async () => {
    const { nchw, nhwc } = layoutPair();
    expect(nhwc.graph.input.shape).toEqual([6, 6, 2]);
    const a = await explain(nchw.graph, nchw.input, OPTIONS);
    const b = await explain(nhwc.graph, nhwc.input, OPTIONS);
    expectClose(a.logits.data, b.logits.data, TOL, 'logits');
    expectSameAttributions(a, b, toNhwc);
    // The comparison is not vacuous: untransposed, the maps differ.
    expect(maxAbs(a.gradient!.data.map((v, i) => v - b.gradient!.data[i]!))).toBeGreaterThan(1e-6);
  });
});
