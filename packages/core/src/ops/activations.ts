import type { Ops } from '../backend/ops.js';
import type { Tensor } from '../backend/tensor.js';
import { numberAttr, requireParam } from './node-access.js';
import { batched, elementwiseRule } from './elementwise-rule.js';
import { aboveRightLimit, thresholdCrossing } from './path-pieces.js';

/** Path piece of a function with slope 1 above 0 and `below` under it (ReLU, LeakyReLU, PReLU). */
function kinkAtZero(ops: Ops, x: Tensor, dx: Tensor, tol: Tensor, below: Tensor | number) {
  const above = aboveRightLimit(ops, x, dx, 0, tol);
  const slope = below === 0 ? above : ops.where(above, 1, below);
  return {
    piece: { y: ops.mul(x, slope), slope, intercept: null },
    breakpoint: thresholdCrossing(ops, x, dx, 0, tol),
  };
}

/** `relu`: slope 1 where `z > 0`, else 0; no intercept. */
export const reluOp = elementwiseRule({
  kind: 'relu',
  linearity: 'piecewise',
  piece({ ops }, x) {
    const slope = ops.greater(x, 0);
    return { y: ops.mul(x, slope), slope, intercept: null };
  },
  pathPiece: ({ ops }, x, dx, tol) => kinkAtZero(ops, x, dx, tol, 0),
});

/** `leakyRelu` (attribute `alpha`): slope 1 where `z > 0`, else `alpha`. */
export const leakyReluOp = elementwiseRule({
  kind: 'leakyRelu',
  linearity: 'piecewise',
  piece({ ops, node }, x) {
    const slope = ops.where(ops.greater(x, 0), 1, numberAttr(node, 'alpha', 0.2));
    return { y: ops.mul(x, slope), slope, intercept: null };
  },
  pathPiece: ({ ops, node }, x, dx, tol) =>
    kinkAtZero(ops, x, dx, tol, numberAttr(node, 'alpha', 0.2)),
});

/** `prelu` (param `slope`, broadcastable per-example shape): slope 1 where `z > 0`, else the learned slope. */
export const preluOp = elementwiseRule({
  kind: 'prelu',
  linearity: 'piecewise',
  check: (node, _x, fail) => [requireParam(node, 'slope', fail).shape],
  piece({ ops, node }, x) {
    const a = node.params.slope!;
    const slope = ops.where(ops.greater(x, 0), 1, ops.weight(a.data, batched(a.shape)));
    return { y: ops.mul(x, slope), slope, intercept: null };
  },
  pathPiece: ({ ops, node }, x, dx, tol) => {
    const a = node.params.slope!;
    return kinkAtZero(ops, x, dx, tol, ops.weight(a.data, batched(a.shape)));
  },
});

/**
 * `clip` (attributes `min`, `max`, either may be ±Infinity): slope 1 strictly inside `(min, max)`;
 * outside, slope 0 and the intercept is the bound that was hit. ReLU6 is `clip(0, 6)`.
 */
export const clipOp = elementwiseRule({
  kind: 'clip',
  linearity: 'piecewise',
  check(node, _x, fail) {
    const lo = numberAttr(node, 'min', -Infinity);
    const hi = numberAttr(node, 'max', Infinity);
    if (!(lo < hi)) fail(`clip bounds must satisfy min < max, got min=${lo}, max=${hi}`);
    return [];
  },
  piece({ ops, node }, x) {
    const lo = numberAttr(node, 'min', -Infinity);
    const hi = numberAttr(node, 'max', Infinity);
    let slope = ops.fill([1], 1);
    let intercept = null;
    if (Number.isFinite(lo)) {
      slope = ops.mul(slope, ops.greater(x, lo));
      intercept = ops.where(ops.lessEqual(x, lo), lo, 0);
    }
    if (Number.isFinite(hi)) {
      slope = ops.mul(slope, ops.less(x, hi));
      const top = ops.where(ops.greaterEqual(x, hi), hi, 0);
      intercept = intercept ? ops.add(intercept, top) : top;
    }
    const y = intercept ? ops.add(ops.mul(x, slope), intercept) : ops.mul(x, slope);
    return { y, slope, intercept };
  },
  pathPiece({ ops, node }, x, dx, tol) {
    const lo = numberAttr(node, 'min', -Infinity);
    const hi = numberAttr(node, 'max', Infinity);
    let slope: Tensor = ops.fill([1], 1);
    let intercept: Tensor | null = null;
    let breakpoint: Tensor = ops.fill([1], Infinity);
    if (Number.isFinite(lo)) {
      const aboveLo = aboveRightLimit(ops, x, dx, lo, tol);
      slope = ops.mul(slope, aboveLo);
      intercept = ops.where(aboveLo, 0, lo);
      breakpoint = ops.minimum(breakpoint, thresholdCrossing(ops, x, dx, lo, tol));
    }
    if (Number.isFinite(hi)) {
      const aboveHi = aboveRightLimit(ops, x, dx, hi, tol);
      slope = ops.mul(slope, ops.sub(1, aboveHi));
      const top = ops.where(aboveHi, hi, 0);
      intercept = intercept ? ops.add(intercept, top) : top;
      breakpoint = ops.minimum(breakpoint, thresholdCrossing(ops, x, dx, hi, tol));
    }
    const y = intercept ? ops.add(ops.mul(x, slope), intercept) : ops.mul(x, slope);
    return { piece: { y, slope, intercept }, breakpoint };
  },
});

/** `sigmoid`, linearized by its tangent: slope `σ(z)(1 − σ(z))`, intercept `σ(z) − slope·z`. */
export const sigmoidOp = elementwiseRule({
  kind: 'sigmoid',
  linearity: 'smooth',
  piece({ ops }, x) {
    const y = ops.sigmoid(x);
    const slope = ops.mul(y, ops.sub(1, y));
    return { y, slope, intercept: ops.sub(y, ops.mul(slope, x)) };
  },
});

/** `tanh`, linearized by its tangent: slope `1 − tanh²(z)`. */
export const tanhOp = elementwiseRule({
  kind: 'tanh',
  linearity: 'smooth',
  piece({ ops }, x) {
    const y = ops.tanh(x);
    const slope = ops.sub(1, ops.mul(y, y));
    return { y, slope, intercept: ops.sub(y, ops.mul(slope, x)) };
  },
});

/** `softplus` `log(1 + eᶻ)`, linearized by its tangent: slope `σ(z)`. */
export const softplusOp = elementwiseRule({
  kind: 'softplus',
  linearity: 'smooth',
  piece({ ops }, x) {
    const y = ops.add(ops.maximum(x, 0), ops.log(ops.add(1, ops.exp(ops.neg(ops.abs(x))))));
    const slope = ops.sigmoid(x);
    return { y, slope, intercept: ops.sub(y, ops.mul(slope, x)) };
  },
});

/** `elu` (attribute `alpha`, default 1), linearized by its tangent: slope 1 for `z > 0`, else `alpha·eᶻ`. */
export const eluOp = elementwiseRule({
  kind: 'elu',
  linearity: 'smooth',
  piece({ ops, node }, x) {
    const alpha = numberAttr(node, 'alpha', 1);
    const positive = ops.greater(x, 0);
    const e = ops.exp(ops.minimum(x, 0));
    const y = ops.where(positive, x, ops.mul(ops.sub(e, 1), alpha));
    const slope = ops.where(positive, 1, ops.mul(e, alpha));
    return { y, slope, intercept: ops.sub(y, ops.mul(slope, x)) };
  },
});
