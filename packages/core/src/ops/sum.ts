import type { Tensor } from '../backend/tensor.js';
import { shapesEqual } from '../tensor/shape.js';
import { numbersAttr } from './node-access.js';
import type { OpRule } from './op-rule.js';
import { absoluteTolerance, thresholdCrossing } from './path-pieces.js';

interface SumState {
  readonly xs: readonly Tensor[];
  readonly coefficients: readonly number[];
}

/**
 * `add`: `y = Σ_i k_i x_i` over tensors of equal shape, attribute `coefficients` (default all 1;
 * a subtraction is `[1, -1]`). Residual connections are this op. BBp splits `β` between the
 * inputs by the rule (e.g. in proportion to `|k_i x_i|`).
 */
export const addOp: OpRule<SumState> = {
  kind: 'add',
  linearity: 'linear',
  inferShape(node, shapes, fail) {
    if (shapes.length < 2) fail('needs at least two inputs');
    const k = numbersAttr(
      node,
      'coefficients',
      shapes.map(() => 1),
    );
    if (k.length !== shapes.length) fail(`${k.length} coefficients for ${shapes.length} inputs`);
    for (const s of shapes) {
      if (!shapesEqual(s, shapes[0]!)) {
        fail(
          `inputs must have equal shapes, got ${shapes.map((x) => `[${x.join(', ')}]`).join(' and ')}`,
        );
      }
    }
    return shapes[0]!;
  },
  forward({ ops, node }, xs) {
    const k = numbersAttr(
      node,
      'coefficients',
      xs.map(() => 1),
    );
    const terms = xs.map((x, i) => (k[i] === 1 ? x : ops.mul(x, k[i]!)));
    const y = terms.slice(1).reduce((a, b) => ops.add(a, b), terms[0]!);
    return { y, state: { xs, coefficients: k } };
  },
  vjp({ ops }, s, g) {
    return s.coefficients.map((k) => (k === 1 ? g : ops.mul(g, k)));
  },
  bias() {
    return null;
  },
  linearMap({ ops }, s) {
    const coef = (k: number, v: string): number => {
      switch (v) {
        case 'abs':
          return Math.abs(k);
        case 'positive':
          return Math.max(k, 0);
        case 'negative':
          return Math.min(k, 0);
        case 'nonzero':
          return k !== 0 ? 1 : 0;
        case 'connectivity':
          return 1;
        default:
          return k;
      }
    };
    const scaled = (t: Tensor, c: number): Tensor => (c === 1 ? t : ops.mul(t, c));
    return {
      kind: 'general',
      hasZeroWeights: s.coefficients.some((k) => k === 0),
      blocks: s.xs.map((x, i) => ({
        h: x,
        apply: (t, v) => scaled(t, coef(s.coefficients[i]!, v)),
        applyTransposed: (t, v) => scaled(t, coef(s.coefficients[i]!, v)),
      })),
    };
  },
};

interface SelectState {
  readonly firstSelected: Tensor;
}

function selectRule(kind: 'maximum' | 'minimum'): OpRule<SelectState> {
  return {
    kind,
    linearity: 'piecewise',
    inferShape(_node, shapes, fail) {
      if (shapes.length !== 2 || !shapesEqual(shapes[0]!, shapes[1]!))
        fail('needs two inputs of equal shape');
      return shapes[0]!;
    },
    forward({ ops }, [a, b]) {
      // Ties go to the first input.
      const firstSelected = kind === 'maximum' ? ops.greaterEqual(a!, b!) : ops.lessEqual(a!, b!);
      return { y: ops.where(firstSelected, a!, b!), state: { firstSelected } };
    },
    vjp({ ops }, { firstSelected }, g) {
      return [ops.mul(g, firstSelected), ops.mul(g, ops.sub(1, firstSelected))];
    },
    bias() {
      return null;
    },
    linearMap({ ops }, { firstSelected }) {
      return {
        kind: 'routing',
        route: (beta) => [ops.mul(beta, firstSelected), ops.mul(beta, ops.sub(1, firstSelected))],
      };
    },
    pathForward({ ops }, [a, b], [da, db], tolerance) {
      // The first input wins on (t, t + ε) when clearly better, or tied in value and not worse in slope.
      const sign = kind === 'maximum' ? 1 : -1;
      const gap = ops.mul(ops.sub(a!, b!), sign);
      const rate = ops.mul(ops.sub(da!, db!), sign);
      const tolV = absoluteTolerance(ops, ops.maximum(ops.abs(a!), ops.abs(b!)), tolerance);
      const tolS = absoluteTolerance(ops, ops.maximum(ops.abs(da!), ops.abs(db!)), tolerance);
      const tiedValue = ops.lessEqual(ops.abs(gap), tolV);
      const firstSelected = ops.maximum(
        ops.greater(gap, tolV),
        ops.mul(tiedValue, ops.greaterEqual(rate, ops.neg(tolS))),
      );
      const pick = (p: Tensor, q: Tensor) => ops.where(firstSelected, p, q);
      return {
        y: pick(a!, b!),
        dy: pick(da!, db!),
        state: { firstSelected },
        breakpoint: thresholdCrossing(ops, gap, rate, 0, tolV),
      };
    },
  };
}

/** `maximum` of two tensors: selects the larger input per element (ties to the first). */
export const maximumOp = selectRule('maximum');
/** `minimum` of two tensors: selects the smaller input per element (ties to the first). */
export const minimumOp = selectRule('minimum');
