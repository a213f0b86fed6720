// The IG quadratures of DESIGN §2.4: points and weights of every rule.
import { describe, expect, it } from 'vitest';
import { IG_QUADRATURES, quadrature } from '../src/index.js';
import { sum } from './helpers/numeric.js';

/** Σ w_i t_i^k, the rule's estimate of ∫₀¹ t^k dt = 1/(k+1). */
const moment = (q: { points: Float64Array; weights: Float64Array }, k: number): number =>
  sum(q.weights.map((w, i) => w * q.points[i]! ** k));

describe('quadrature()', () => {
  it('lists the five rules', () => {
    expect([...IG_QUADRATURES].sort()).toEqual([
      'gaussLegendre',
      'riemannLeft',
      'riemannMiddle',
      'riemannRight',
      'riemannTrapezoid',
    ]);
  });

  it('riemannLeft, riemannRight, riemannMiddle: t = i/n, (i+1)/n, (i+½)/n with weights 1/n', () => {
    const n = 4;
    expect(Array.from(quadrature('riemannLeft', n).points)).toEqual([0, 0.25, 0.5, 0.75]);
    expect(Array.from(quadrature('riemannRight', n).points)).toEqual([0.25, 0.5, 0.75, 1]);
    expect(Array.from(quadrature('riemannMiddle', n).points)).toEqual([0.125, 0.375, 0.625, 0.875]);
    for (const m of ['riemannLeft', 'riemannRight', 'riemannMiddle'] as const) {
      expect(Array.from(quadrature(m, n).weights)).toEqual([0.25, 0.25, 0.25, 0.25]);
    }
  });

  it('riemannTrapezoid: t = i/(n−1), end weights halved, weights sum to 1 (not Captum’s (n−1)/n)', () => {
    const q = quadrature('riemannTrapezoid', 5);
    expect(Array.from(q.points)).toEqual([0, 0.25, 0.5, 0.75, 1]);
    expect(Array.from(q.weights)).toEqual([0.125, 0.25, 0.25, 0.25, 0.125]);
    for (const n of [2, 3, 10, 51])
      expect(sum(quadrature('riemannTrapezoid', n).weights)).toBeCloseTo(1, 14);
    // Exact for linear integrands.
    expect(moment(quadrature('riemannTrapezoid', 7), 1)).toBeCloseTo(0.5, 14);
    expect(() => quadrature('riemannTrapezoid', 1)).toThrow(/at least 2/);
  });

  it('gaussLegendre: points in (0, 1), symmetric, weights positive and sum to 1', () => {
    for (const n of [1, 2, 3, 7, 50, 64]) {
      const q = quadrature('gaussLegendre', n);
      expect(sum(q.weights)).toBeCloseTo(1, 13);
      for (let i = 0; i < n; i++) {
        expect(q.points[i]!).toBeGreaterThan(0);
        expect(q.points[i]!).toBeLessThan(1);
        expect(q.weights[i]!).toBeGreaterThan(0);
        expect(q.points[i]! + q.points[n - 1 - i]!).toBeCloseTo(1, 14);
        if (i > 0) expect(q.points[i]!).toBeGreaterThan(q.points[i - 1]!);
      }
    }
    // n = 2: t = ½ ∓ 1/(2√3), weights ½.
    const q2 = quadrature('gaussLegendre', 2);
    expect(q2.points[0]).toBeCloseTo(0.5 - 0.5 / Math.sqrt(3), 15);
    expect(q2.weights[0]).toBeCloseTo(0.5, 15);
  });

  it('gaussLegendre with n points integrates t^k exactly for k ≤ 2n−1, and not for k = 2n', () => {
    for (const n of [1, 2, 3, 5, 8, 12, 20]) {
      const q = quadrature('gaussLegendre', n);
      for (let k = 0; k <= 2 * n - 1; k++) {
        expect(Math.abs(moment(q, k) - 1 / (k + 1)), `n=${n}, k=${k}`).toBeLessThan(1e-13);
      }
      expect(
        Math.abs(moment(q, 2 * n) - 1 / (2 * n + 1)),
        `n=${n}, k=2n is not exact`,
      ).toBeGreaterThan(1e-17);
    }
  });

  it('rejects a non-positive or fractional number of steps and an unknown method', () => {
    expect(() => quadrature('gaussLegendre', 0)).toThrow(/positive integer/);
    expect(() => quadrature('riemannLeft', 2.5)).toThrow(/positive integer/);
    expect(() => quadrature('simpson' as never, 4)).toThrow(/unknown IG method 'simpson'/);
  });
});
