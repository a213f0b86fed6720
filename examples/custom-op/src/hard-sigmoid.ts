import type { ElementwisePiece, NodeSpec, Ops, Tensor } from '@biasprop/core';
import { aboveRightLimit, elementwiseRule, thresholdCrossing } from '@biasprop/core';

/** `alpha` and `beta` of a hardSigmoid node (ONNX defaults 0.2 and 0.5; PyTorch uses 1/6 and 0.5). */
export function hardSigmoidParams(node: NodeSpec): { alpha: number; beta: number } {
  const a = node.attrs?.alpha;
  const b = node.attrs?.beta;
  return { alpha: typeof a === 'number' ? a : 0.2, beta: typeof b === 'number' ? b : 0.5 };
}

/** The input values where the pieces change: `αz + β = 0` and `αz + β = 1`. */
function kinks(node: NodeSpec): { lo: number; hi: number } {
  const { alpha, beta } = hardSigmoidParams(node);
  return { lo: -beta / alpha, hi: (1 - beta) / alpha };
}

/** The piece given the indicators "above lo" and "above hi" (1/0 tensors). */
function pieceOf(
  ops: Ops,
  x: Tensor,
  aboveLo: Tensor,
  aboveHi: Tensor,
  alpha: number,
  beta: number,
): ElementwisePiece {
  const middle = ops.mul(aboveLo, ops.sub(1, aboveHi));
  const slope = ops.mul(middle, alpha);
  // Intercept: β in the middle, 1 on the top piece, 0 on the bottom one.
  const intercept = ops.add(ops.mul(middle, beta), aboveHi);
  return { y: ops.add(ops.mul(x, slope), intercept), slope, intercept };
}

/**
 * HardSigmoid `φ(z) = max(0, min(1, αz + β))` (attributes `alpha` > 0, default 0.2, and `beta`,
 * default 0.5, as in ONNX): piecewise-linear with slope α strictly between the kinks and 0 outside;
 * its intercept is β in the middle, 0 on the bottom piece and 1 on the top one (the bound that was
 * hit, like Clip). Built with `elementwiseRule`, which derives vjp, bias and the routing BBp map from
 * the piece; `pathPiece` makes exact Integrated Gradients possible.
 *
 * @example
 * ```ts
 * registerOp(hardSigmoidOp);
 * b.add('hardSigmoid', [h], { alpha: 1 / 6, beta: 0.5 });
 * ```
 */
export const hardSigmoidOp = elementwiseRule({
  kind: 'hardSigmoid',
  linearity: 'piecewise',
  check(node, _x, fail) {
    const { alpha, beta } = hardSigmoidParams(node);
    if (!(alpha > 0) || !Number.isFinite(beta))
      fail(`hardSigmoid needs alpha > 0 and a finite beta, got alpha=${alpha}, beta=${beta}`);
    return []; // no constants that broadcast the input
  },
  // The piece at the current point: strict inequalities, so a value exactly at a kink is on the
  // saturated piece (slope 0), as for Clip.
  piece({ ops, node }, x) {
    const { alpha, beta } = hardSigmoidParams(node);
    const { lo, hi } = kinks(node);
    return pieceOf(ops, x, ops.greater(x, lo), ops.greaterEqual(x, hi), alpha, beta);
  },
  // The piece for (t, t + ε) along the path x(t) = x' + t·d (x moves by dx per unit of t), and how
  // far t can go before some unit reaches a kink.
  pathPiece({ ops, node }, x, dx, tol) {
    const { alpha, beta } = hardSigmoidParams(node);
    const { lo, hi } = kinks(node);
    const piece = pieceOf(
      ops,
      x,
      aboveRightLimit(ops, x, dx, lo, tol),
      aboveRightLimit(ops, x, dx, hi, tol),
      alpha,
      beta,
    );
    const breakpoint = ops.minimum(
      thresholdCrossing(ops, x, dx, lo, tol),
      thresholdCrossing(ops, x, dx, hi, tol),
    );
    return { piece, breakpoint };
  },
});
