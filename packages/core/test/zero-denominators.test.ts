// Zero denominators (DESIGN §2.3): the rule's weights sum to 0 → uniform over the non-zero entries of
// the row of A^x; none → uniform over the static connectivity. Completeness must hold and nothing
// may be NaN or Inf.
import { describe, expect, it } from 'vitest';
import type { Explanation, HostTensor, IRGraph } from '../src/index.js';
import { BUILTIN_BBP_RULES, GraphBuilder, explain } from '../src/index.js';
import { cnnBn, depthwise, leaky, mlp, residual, smooth, structural } from './fixtures/networks.js';
import { nodeValues } from './helpers/graphs.js';
import { exampleOf, expectFiniteExplanation, sum } from './helpers/numeric.js';
import { mulberry32, uniform } from './helpers/random.js';

const TOL = 1e-9;

async function explainChecked(
  graph: IRGraph,
  x: HostTensor,
  target: number | 'pred' = 'pred',
): Promise<Explanation> {
  const e = await explain(graph, x, {
    rules: BUILTIN_BBP_RULES,
    target,
    integratedGradients: { steps: 8 },
  });
  expectFiniteExplanation(e);
  e.decomposition.forEach((d, i) => {
    const scale = Math.max(Math.abs(d.f), Math.abs(d.wx), Math.abs(d.bias), 1e-300);
    expect(d.completenessResidual).toBeLessThanOrEqual(TOL);
    for (const rule of BUILTIN_BBP_RULES) {
      const s = sum(exampleOf(e.bbp![rule]!, i));
      expect(
        Math.abs(s - d.bias) / scale,
        `example ${i}, rule ${rule}: Σβ_0 = ${s}, b^x = ${d.bias}`,
      ).toBeLessThanOrEqual(TOL);
    }
  });
  return e;
}

function zeros(shape: readonly number[]): HostTensor {
  return { data: new Float64Array(shape.reduce((a, b) => a * b, 1)), shape };
}

describe('all-zero input', () => {
  for (const fixture of [
    mlp(),
    cnnBn(),
    residual(),
    depthwise(),
    leaky(),
    smooth(),
    structural(),
  ]) {
    it(fixture.name, async () => {
      const x = zeros([1, ...fixture.graph.input.shape]);
      const e = await explainChecked(fixture.graph, x);
      const d = e.decomposition[0]!;
      // w·x = 0, so the whole output is bias.
      expect(d.wx).toBe(0);
      expect(d.bias).toBe(d.f);
      expect(Math.abs(d.bias)).toBeGreaterThan(1e-3);
      // The zero baseline equals the input: IG is exactly zero.
      expect(e.integratedGradients!.attribution.data.every((v) => v === 0)).toBe(true);
      expect(e.integratedGradients!.delta[0]).toBe(0);
    });
  }
});

describe('dead ReLU rows', () => {
  it('every unit of a hidden layer dead: the bias still reaches the input', async () => {
    const r = mulberry32(21);
    const b = new GraphBuilder('dead', [5]);
    // Hidden biases of -100 kill every unit for inputs in [-1, 1].
    const h = b.relu(b.dense(b.input, uniform(r, 20), [5, 4], [-100, -100, -100, -100], 'fc1'));
    b.dense(h, uniform(r, 12), [4, 3], [0.5, -0.25, 1], 'fc2');
    const g = b.build();
    const x = { data: uniform(r, 10), shape: [2, 5] };
    expect((await nodeValues(g, x, h)).data.every((v) => v === 0)).toBe(true);
    const e = await explainChecked(g, x, 2);
    for (const d of e.decomposition) expect(d.bias).toBeCloseTo(1, 12);
    expect(e.gradient!.data.every((v) => v === 0)).toBe(true);
    for (const rule of BUILTIN_BBP_RULES)
      expect(e.bbp![rule]!.data.some((v) => v !== 0)).toBe(true);
  });

  it('some dead rows in a conv network (large negative biases)', async () => {
    const r = mulberry32(22);
    const b = new GraphBuilder('dead-conv', [2, 6, 6]);
    let h = b.relu(
      b.conv2d(
        b.input,
        uniform(r, 4 * 2 * 9),
        [4, 2, 3, 3],
        [-50, 0.1, -50, 0.2],
        { pads: [1, 1, 1, 1] },
        'conv',
      ),
    );
    h = b.maxPool2d(h, [2, 2], { strides: [2, 2] });
    b.dense(b.flatten(h), uniform(r, 36 * 3), [36, 3], [0.1, 0.2, 0.3], 'fc');
    await explainChecked(b.build(), { data: uniform(r, 144), shape: [2, 2, 6, 6] }, 1);
  });
});

describe('saturated clip (ReLU6)', () => {
  it('every clip saturated at the top or the bottom', async () => {
    const f = depthwise();
    const x = { data: f.input.data.map((v) => 1000 * v), shape: f.input.shape };
    const e = await explainChecked(f.graph, x, 0);
    // Fully saturated first clip: nothing flows back to the input.
    expect(e.gradient!.data.every((v) => v === 0)).toBe(true);
  });

  it('a clip saturated at the upper bound hands its intercept back as bias', async () => {
    // x → clip(0, 1) → dense(1): for x > 1 the network is the constant 2·1 + 0.5.
    const b = new GraphBuilder('clip-top', [3]);
    b.dense(b.clip(b.input, 0, 1), [2, 2, 2], [3, 1], [0.5]);
    const e = await explainChecked(
      b.build(),
      { data: Float64Array.from([5, 7, 9]), shape: [1, 3] },
      0,
    );
    expect(e.decomposition[0]!.bias).toBe(6.5);
    // The dense layer sees h = (1, 1, 1): every rule splits evenly, then the clip routes elementwise.
    for (const rule of BUILTIN_BBP_RULES) {
      const beta = Array.from(e.bbp![rule]!.data);
      expect(beta.map((v) => Number(v.toFixed(12)))).toEqual(
        [6.5 / 3, 6.5 / 3, 6.5 / 3].map((v) => Number(v.toFixed(12))),
      );
    }
  });
});

describe('all-zero weights', () => {
  it('dense unit with all-zero weights: its bias goes uniformly to all inputs (static connectivity)', async () => {
    // f = 0·x + 6 → β_0 = (2, 2, 2) for every rule.
    const b = new GraphBuilder('zero-row', [3]);
    b.dense(b.input, [0, 0, 0], [3, 1], [6]);
    const e = await explainChecked(
      b.build(),
      { data: Float64Array.from([1, -2, 3]), shape: [1, 3] },
      0,
    );
    for (const rule of BUILTIN_BBP_RULES) expect(Array.from(e.bbp![rule]!.data)).toEqual([2, 2, 2]);
  });

  it('zero input, some zero weights: uniform over the non-zero entries of the row', async () => {
    // x = 0, W = (1, 0, −2), bias 3: contribution, signed and uniform have zero weights → (1.5, 0, 1.5);
    // weight ∝ |W| = (1, 0, 2)/3 → (1, 0, 2).
    const b = new GraphBuilder('zero-input-row', [3]);
    b.dense(b.input, [1, 0, -2], [3, 1], [3]);
    const e = await explainChecked(b.build(), zeros([1, 3]), 0);
    expect(Array.from(e.bbp!.contribution!.data)).toEqual([1.5, 0, 1.5]);
    expect(Array.from(e.bbp!.signed!.data)).toEqual([1.5, 0, 1.5]);
    expect(Array.from(e.bbp!.uniform!.data)).toEqual([1.5, 0, 1.5]);
    expect(Array.from(e.bbp!.weight!.data)).toEqual([1, 0, 2]);
  });

  it('conv output channel with an all-zero kernel: uniform over the in-bounds receptive field', async () => {
    // 1×3×3 input, 2×2 zero kernel, bias 1, pads 1 → 4×4 outputs, each 1; readout sums them (f = 16).
    // Output (oy, ox) reads rows oy−1..oy, cols ox−1..ox; in bounds: rows(oy) = [1, 2, 2, 1][oy] (same for cols).
    // Pixel (i, j) receives Σ_{oy∈{i,i+1}} Σ_{ox∈{j,j+1}} 1 / (rows(oy)·cols(ox)) = a_i·a_j with
    // a = (1 + 1/2, 1/2 + 1/2, 1/2 + 1) = (1.5, 1, 1.5): corners 2.25, edges 1.5, centre 1 (sum 16).
    const b = new GraphBuilder('zero-kernel', [1, 3, 3]);
    const c = b.conv2d(b.input, [0, 0, 0, 0], [1, 1, 2, 2], [1], { pads: [1, 1, 1, 1] });
    b.dense(b.flatten(c), new Float64Array(16).fill(1), [16, 1]);
    const e = await explainChecked(
      b.build(),
      { data: Float64Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9]), shape: [1, 1, 3, 3] },
      0,
    );
    expect(e.decomposition[0]!.f).toBe(16);
    for (const rule of BUILTIN_BBP_RULES) {
      expect(Array.from(e.bbp![rule]!.data), rule).toEqual([
        2.25, 1.5, 2.25, 1.5, 1, 1.5, 2.25, 1.5, 2.25,
      ]);
    }
  });

  it('a zero kernel slice in a grouped conv and a zero channel among live ones', async () => {
    const r = mulberry32(23);
    const w = uniform(r, 4 * 1 * 9);
    w.fill(0, 9, 18); // output channel 1 (group 1) is all zeros
    w.fill(0, 27, 30); // part of output channel 3
    const b = new GraphBuilder('zero-slice', [2, 5, 5]);
    let h = b.relu(
      b.conv2d(b.input, w, [4, 1, 3, 3], [0.2, 0.7, -0.1, 0.3], { groups: 2, pads: [1, 1, 1, 1] }),
    );
    h = b.avgPool2d(h, [2, 2], { strides: [2, 2], ceilMode: true });
    b.dense(b.flatten(h), uniform(r, 36 * 3), [36, 3], [0.1, 0.2, 0.3]);
    const x = { data: uniform(r, 100), shape: [2, 2, 5, 5] };
    x.data.fill(0, 50, 75); // second example: first channel blank
    await explainChecked(b.build(), x, 1);
  });
});

describe('explicit zero pad that is not folded into a conv', () => {
  // β that reaches a padded position of a `pad` node has no input to go to (its row of A is
  // empty and it has no static connectivity), so completeness cannot hold there. The explanation
  // must say so: a warning naming the node, and the lost part visible in bbpResidual.
  it('reports the lost bias instead of hiding it', async () => {
    const b = new GraphBuilder('pad-pool', [1, 3, 3]);
    let h = b.conv2d(b.input, [1, -1, 0.5, 2], [1, 1, 2, 2], [0.3]);
    h = b.pad(
      h,
      [
        [0, 0],
        [1, 1],
        [1, 1],
      ],
      'explicit-pad',
    );
    h = b.maxPool2d(h, [2, 2], { strides: [2, 2] });
    b.dense(b.flatten(h), [1, 2, -1, 0.5], [4, 1], [0.1]);
    // Negative conv outputs: every window's maximum is a padded zero.
    const e = await explain(
      b.build(),
      { data: Float64Array.from([-1, -2, -3, -1, -2, -1, -3, -1, -2]), shape: [1, 1, 3, 3] },
      { target: 0, methods: ['bbp'] },
    );
    expect(e.warnings.join('\n')).toMatch(/padding node 'explicit-pad'/);
    expect(e.decomposition[0]!.completenessResidual).toBeLessThan(1e-12);
    expect(e.decomposition[0]!.bbpResidual.contribution).toBeGreaterThan(0.5);
  });
});
