// The reference backend on a LeNet-sized network (28×28): timings are printed, not asserted
// (machines differ); the results are checked for completeness so the run is not vacuous.
import { describe, expect, it } from 'vitest';
import { BUILTIN_BBP_RULES, GraphBuilder, explain, prepareGraph } from '../src/index.js';
import { mulberry32, uniform } from './helpers/random.js';

function lenet() {
  const r = mulberry32(51);
  const b = new GraphBuilder('lenet', [1, 28, 28]);
  let h = b.relu(
    b.conv2d(
      b.input,
      uniform(r, 6 * 25, 0.4),
      [6, 1, 5, 5],
      uniform(r, 6, 0.1),
      { pads: [2, 2, 2, 2] },
      'conv1',
    ),
  );
  h = b.maxPool2d(h, [2, 2], { strides: [2, 2] }); // [6, 14, 14]
  h = b.relu(
    b.conv2d(h, uniform(r, 16 * 6 * 25, 0.15), [16, 6, 5, 5], uniform(r, 16, 0.1), {}, 'conv2'),
  ); // [16, 10, 10]
  h = b.maxPool2d(h, [2, 2], { strides: [2, 2] }); // [16, 5, 5]
  h = b.relu(
    b.dense(b.flatten(h), uniform(r, 400 * 120, 0.1), [400, 120], uniform(r, 120, 0.1), 'fc1'),
  );
  h = b.relu(b.dense(h, uniform(r, 120 * 84, 0.2), [120, 84], uniform(r, 84, 0.1), 'fc2'));
  b.dense(h, uniform(r, 84 * 10, 0.2), [84, 10], uniform(r, 10, 0.1), 'fc3');
  b.softmax('fc3');
  return prepareGraph(b.build());
}

describe('reference backend performance', () => {
  it('LeNet on one 28×28 image', async () => {
    const graph = lenet();
    const r = mulberry32(52);
    const img = new Float64Array(28 * 28);
    for (let y = 6; y < 22; y++) for (let x = 9; x < 19; x++) img[y * 28 + x] = r(); // a digit-like blob on blank background
    const x = { data: img, shape: [1, 1, 28, 28] };
    await explain(graph, x, { methods: ['gradient'] }); // warm-up (JIT)
    let t = performance.now();
    await explain(graph, x, { methods: ['gradient'] });
    const gradOnly = performance.now() - t;
    t = performance.now();
    const e = await explain(graph, x, {
      methods: ['gradient', 'inputXGradient', 'bbp', 'total'],
      rules: BUILTIN_BBP_RULES,
    });
    const gradBbp = performance.now() - t;
    t = performance.now();
    const ig = await explain(graph, x, { methods: ['integratedGradients'] });
    const igMs = performance.now() - t;
    console.log(
      `[performance] reference backend, LeNet 28×28, batch 1: gradient ${gradOnly.toFixed(1)} ms; gradient + BBp (4 rules) ${gradBbp.toFixed(1)} ms; ` +
        `Integrated Gradients (50 Gauss–Legendre points) ${igMs.toFixed(1)} ms`,
    );
    expect(e.decomposition[0]!.completenessResidual).toBeLessThan(1e-9);
    for (const rule of BUILTIN_BBP_RULES)
      expect(e.decomposition[0]!.bbpResidual[rule]).toBeLessThan(1e-9);
    // IG on a ReLU network is a quadrature over kinks: its delta is small but not zero.
    expect(Number.isFinite(ig.integratedGradients!.delta[0]!)).toBe(true);
    expect(ig.integratedGradients!.attribution.data.some((v) => v !== 0)).toBe(true);
  });
});
