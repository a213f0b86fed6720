// A two-layer network small enough to do BBp by hand (DESIGN §2.3). Every expected number below is
// derived in the comments; none comes from library code.
//
//   x = (1, 2)
//   dense1: W1 = [[2, −1], [1, 3]] (rows = inputs), b1 = (−1, 0.5)
//     a = 2·1 + 1·2 − 1 = 3          contributions z_a = (2·1, 1·2) = (2, 2)
//     b = −1·1 + 3·2 + 0.5 = 5.5     contributions z_b = (−1·1, 3·2) = (−1, 6)
//   relu: both alive (slope 1, intercept 0)
//   dense2: W2 = (1, −2), b2 = −4:  y = 3 − 11 − 4 = −12 = f   contributions (1·3, −2·5.5) = (3, −11)
//
//   gradient: g_y = 1, g_relu = g_h1 = (1, −2), w = W1·g = (2·1 + (−1)(−2), 1·1 + 3·(−2)) = (4, −5)
//   w·x = 4 − 10 = −6, b^x = f − w·x = −12 + 6 = −6
//   ρ_dense2 = g_y·b2 = −4, ρ_dense1 = g_h1·b1 = 1·(−1) + (−2)(0.5) = −2; Σρ = −6 = b^x
//   β at dense2's output: β_y = ρ_dense2 = −4. At dense1's output: β_h1 = D(β_y) + ρ_dense1-per-unit,
//   with ρ per unit = (1·(−1), (−2)(0.5)) = (−1, −1).
//
// contribution (α ∝ |z|):
//   dense2: |z| = (3, 11), N = 14 → (−4·3/14, −4·11/14) = (−6/7, −22/7)
//   β_h1 = (−6/7 − 1, −22/7 − 1) = (−13/7, −29/7)
//   unit a: |z_a| = (2, 2) → (−13/14, −13/14); unit b: |z_b| = (1, 6), N = 7 → (−29/49, −174/49)
//   β_0 = (−13/14 − 29/49, −13/14 − 174/49) = (−149/98, −439/98)      sum −588/98 = −6 ✓
// weight (α ∝ |A|):
//   dense2: |W2| = (1, 2) → (−4/3, −8/3); β_h1 = (−7/3, −11/3)
//   unit a: |W| = (2, 1)/3 → (−14/9, −7/9); unit b: |W| = (1, 3)/4 → (−11/12, −33/12)
//   β_0 = (−14/9 − 11/12, −7/9 − 33/12) = (−89/36, −127/36)             sum −216/36 = −6 ✓
// signed (α ∝ max(0, σ z), σ = sign(β·g)):
//   dense2: σ = sign(−4·1) = −1, max(0, −z) = (0, 11) → (0, −4); β_h1 = (0 − 1, −4 − 1) = (−1, −5)
//   unit a: σ = sign(−1·1) = −1, max(0, −z_a) = (0, 0): zero denominator → uniform over the non-zero
//           entries of the row (2 and 1 are both non-zero) → (−1/2, −1/2)
//   unit b: σ = sign(−5·−2) = +1, max(0, z_b) = (0, 6) → (0, −5)
//   β_0 = (−1/2, −11/2)                                                   sum −6 ✓
// uniform (α ∝ 1[A ≠ 0]):
//   dense2: (−2, −2); β_h1 = (−3, −3); unit a: (−3/2, −3/2); unit b: (−3/2, −3/2)
//   β_0 = (−3, −3)                                                         sum −6 ✓
import { describe, expect, it } from 'vitest';
import { BUILTIN_BBP_RULES, GraphBuilder, explain } from '../src/index.js';

function network() {
  const b = new GraphBuilder('hand-worked', [2]);
  const h = b.relu(b.dense(b.input, [2, -1, 1, 3], [2, 2], [-1, 0.5], 'dense1'));
  b.dense(h, [1, -2], [2, 1], [-4], 'dense2');
  return b.build();
}

const EXPECTED: Record<string, [number, number]> = {
  contribution: [-149 / 98, -439 / 98],
  weight: [-89 / 36, -127 / 36],
  signed: [-0.5, -5.5],
  uniform: [-3, -3],
};

describe('hand-worked two-layer network', () => {
  it('f, w, b^x and the per-layer bias terms', async () => {
    const e = await explain(
      network(),
      { data: Float64Array.from([1, 2]), shape: [1, 2] },
      { rules: BUILTIN_BBP_RULES },
    );
    const d = e.decomposition[0]!;
    expect(d.f).toBe(-12);
    expect(Array.from(e.gradient!.data)).toEqual([4, -5]);
    expect(d.wx).toBe(-6);
    expect(d.bias).toBe(-6);
    expect(e.layers.map((l) => [l.layer, l.values[0]])).toEqual([
      ['dense1', -2],
      ['dense2', -4],
    ]);
    expect(e.biasTerms.map((t) => [t.node, t.values[0]])).toEqual([
      ['dense1', -2],
      ['dense2', -4],
    ]);
  });

  for (const rule of BUILTIN_BBP_RULES) {
    it(`β_0 under '${rule}'`, async () => {
      const e = await explain(
        network(),
        { data: Float64Array.from([1, 2]), shape: [1, 2] },
        { rules: [rule], methods: ['bbp', 'total'] },
      );
      const [e0, e1] = EXPECTED[rule]!;
      const beta = e.bbp![rule]!.data;
      expect(beta[0]).toBeCloseTo(e0, 14);
      expect(beta[1]).toBeCloseTo(e1, 14);
      // total = w ⊙ x + β_0 = (4 + β_0[0], −10 + β_0[1]), summing to f = −12.
      expect(e.total![rule]!.data[0]).toBeCloseTo(4 + e0, 14);
      expect(e.total![rule]!.data[1]).toBeCloseTo(-10 + e1, 14);
    });
  }

  it('skipping the first layer distributes only ρ_dense2 = −4', async () => {
    // contribution: β_h1 = (−6/7, −22/7) (no ρ_dense1 added);
    // unit a → (−3/7, −3/7); unit b: (1/7, 6/7)·(−22/7) = (−22/49, −132/49)
    // β_0 = (−3/7 − 22/49, −3/7 − 132/49) = (−43/49, −153/49), sum −196/49 = −4.
    const e = await explain(
      network(),
      { data: Float64Array.from([1, 2]), shape: [1, 2] },
      { biasLayers: { skipFirst: 1 }, methods: ['bbp'] },
    );
    expect(e.decomposition[0]!.selectedBias).toBe(-4);
    expect(e.bbp!.contribution!.data[0]).toBeCloseTo(-43 / 49, 14);
    expect(e.bbp!.contribution!.data[1]).toBeCloseTo(-153 / 49, 14);
  });
});
