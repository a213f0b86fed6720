import { describe, expect, it } from 'vitest';
import { GraphBuilder, explain, prepareGraph } from '../src/index.js';

function rand(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32 - 0.5;
  };
}
const arr = (n: number, r: () => number) => Float64Array.from({ length: n }, r);

describe('smoke', () => {
  it('cnn completeness', async () => {
    const r = rand(1);
    const b = new GraphBuilder('cnn', [2, 8, 8]);
    let h = b.conv2d(b.input, arr(4 * 2 * 9, r), [4, 2, 3, 3], arr(4, r), { pads: [1, 1, 1, 1] });
    h = b.batchNorm(h, { gamma: [1, 2, 0.5, 1], beta: [0.1, -0.2, 0.3, 0], mean: [0, 0.1, 0, 0.2], variance: [1, 2, 1, 0.5], epsilon: 1e-3 });
    h = b.relu(h);
    h = b.maxPool2d(h, [2, 2], { strides: [2, 2] });
    h = b.avgPool2d(h, [2, 2], { strides: [1, 1], pads: [1, 1, 0, 0] });
    h = b.flatten(h);
    h = b.dense(h, arr(4 * 4 * 4 * 5, r), [64, 5], arr(5, r));
    b.softmax(h);
    const g = prepareGraph(b.build(), { foldBatchNorm: false });
    const x = { data: arr(2 * 2 * 64, r), shape: [2, 2, 8, 8] };
    const e = await explain(g, x, { rules: ['contribution', 'weight', 'signed', 'uniform'] });
    console.log(e.decomposition, e.integratedGradients?.delta);
    for (const d of e.decomposition) {
      expect(d.completenessResidual).toBeLessThan(1e-9);
      for (const v of Object.values(d.bbpResidual)) expect(v).toBeLessThan(1e-9);
    }
  });
});
