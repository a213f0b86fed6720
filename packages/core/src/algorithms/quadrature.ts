import { BiaspropError } from '../errors.js';

/** Quadrature rules for Integrated Gradients (DESIGN §2.4). */
export type IgQuadrature =
  'gaussLegendre' | 'riemannLeft' | 'riemannRight' | 'riemannMiddle' | 'riemannTrapezoid';

/** Names of the quadratures. */
export const IG_QUADRATURES: readonly IgQuadrature[] = [
  'gaussLegendre',
  'riemannLeft',
  'riemannRight',
  'riemannMiddle',
  'riemannTrapezoid',
];

/** Points `t_i ∈ [0, 1]` and weights `w_i` of a quadrature (the weights sum to 1). */
export interface QuadraturePoints {
  /** The points `t_i` in [0, 1]. */
  readonly points: Float64Array;
  /** The weights, summing to 1. */
  readonly weights: Float64Array;
}

/** Gauss–Legendre nodes and weights on [-1, 1] by Newton's method on the Legendre polynomial. */
function gaussLegendreNodes(n: number): { x: Float64Array; w: Float64Array } {
  const x = new Float64Array(n);
  const w = new Float64Array(n);
  for (let i = 0; i < Math.ceil(n / 2); i++) {
    let z = Math.cos((Math.PI * (i + 0.75)) / (n + 0.5));
    let derivative = 1;
    for (let iter = 0; iter < 100; iter++) {
      // Legendre recurrence: p1 = P_n(z), p2 = P_{n-1}(z).
      let p1 = 1;
      let p2 = 0;
      for (let j = 1; j <= n; j++) {
        const p3 = p2;
        p2 = p1;
        p1 = ((2 * j - 1) * z * p2 - (j - 1) * p3) / j;
      }
      derivative = (n * (z * p1 - p2)) / (z * z - 1);
      const step = p1 / derivative;
      z -= step;
      if (Math.abs(step) <= 1e-15) break;
    }
    x[i] = -z;
    x[n - 1 - i] = z;
    w[i] = w[n - 1 - i] = 2 / ((1 - z * z) * derivative * derivative);
  }
  return { x, w };
}

/**
 * The points and weights of an IG quadrature with `n` points on [0, 1]: Riemann left `i/n`,
 * right `(i+1)/n`, middle `(i+½)/n` (weights `1/n`); trapezoid `i/(n−1)` with trapezoid weights
 * summing to 1; Gauss–Legendre mapped from [-1, 1].
 *
 * @example
 * ```ts
 * const { points, weights } = quadrature('gaussLegendre', 50);
 * ```
 */
export function quadrature(method: IgQuadrature, n: number): QuadraturePoints {
  if (!Number.isInteger(n) || n < 1)
    throw new BiaspropError('INVALID_OPTION', `IG steps must be a positive integer, got ${n}`);
  const points = new Float64Array(n);
  const weights = new Float64Array(n);
  switch (method) {
    case 'riemannLeft':
    case 'riemannRight':
    case 'riemannMiddle': {
      const shift = method === 'riemannLeft' ? 0 : method === 'riemannRight' ? 1 : 0.5;
      for (let i = 0; i < n; i++) {
        points[i] = (i + shift) / n;
        weights[i] = 1 / n;
      }
      break;
    }
    case 'riemannTrapezoid': {
      if (n < 2)
        throw new BiaspropError('INVALID_OPTION', 'riemannTrapezoid needs at least 2 steps');
      for (let i = 0; i < n; i++) {
        points[i] = i / (n - 1);
        weights[i] = (i === 0 || i === n - 1 ? 0.5 : 1) / (n - 1);
      }
      break;
    }
    case 'gaussLegendre': {
      const { x, w } = gaussLegendreNodes(n);
      for (let i = 0; i < n; i++) {
        points[i] = (x[i]! + 1) / 2;
        weights[i] = w[i]! / 2;
      }
      break;
    }
    default:
      throw new BiaspropError(
        'INVALID_OPTION',
        `unknown IG method '${String(method)}'; use one of ${IG_QUADRATURES.join(', ')}`,
      );
  }
  return { points, weights };
}
