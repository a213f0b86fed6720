import type { Ops } from '../backend/ops.js';
import type { Tensor } from '../backend/tensor.js';
import type { NodeSpec } from '../ir/types.js';
import type { Shape } from '../tensor/shape.js';
import { broadcastShapes } from '../tensor/shape.js';
import type { Linearity, OpRule, RuleContext } from './op-rule.js';
import { absoluteTolerance } from './path-pieces.js';

/** The piece of an elementwise function at the current input: `y = slope ⊙ x + intercept`. */
export interface ElementwisePiece {
  /** The output `slope ⊙ x + intercept`. */
  readonly y: Tensor;
  /** The slope per unit (or one number for all). */
  readonly slope: Tensor | number;
  /** The intercept per unit, the node's bias term (null when zero). */
  readonly intercept: Tensor | null;
}

/** State of an elementwise rule: the input and its piece. */
export interface ElementwiseState {
  /** The input. */
  readonly x: Tensor;
  /** The output. */
  readonly y: Tensor;
  /** The slope of the piece per unit. */
  readonly slope: Tensor | number;
  /** The intercept of the piece per unit (null when zero). */
  readonly intercept: Tensor | null;
}

/** Reshapes a per-example param shape to a batched broadcast shape `[1, ...shape]`. */
export function batched(shape: Shape): number[] {
  return [1, ...shape];
}

/**
 * Builds the rule of an elementwise op `y_p = s_p x_p + c_p` (an activation, a per-channel affine
 * map). The output may be larger than the input when constants broadcast it; the vjp and the BBp
 * routing then sum over the broadcast axes.
 */
export function elementwiseRule(spec: {
  kind: string;
  linearity: Linearity;
  definesLayer?: boolean;
  /** Extra checks and the constants that broadcast the input (per-example shapes). */
  check?(node: NodeSpec, x: Shape, fail: (m: string) => never): readonly Shape[];
  piece(ctx: RuleContext, x: Tensor): ElementwisePiece;
  /**
   * Piecewise ops: the piece for `(t, t + ε)` along a path with derivative `dx`, and per unit the
   * distance in `t` to the next change of piece (see `aboveRightLimit`, `thresholdCrossing`).
   */
  pathPiece?: (
    ctx: RuleContext,
    x: Tensor,
    dx: Tensor,
    tol: Tensor,
  ) => { piece: ElementwisePiece; breakpoint: Tensor };
}): OpRule<ElementwiseState> {
  const fit = (ops: Ops, t: Tensor, shape: Shape): Tensor =>
    t.shape.length === shape.length && t.shape.every((d, i) => d === shape[i])
      ? t
      : ops.unbroadcast(t, shape);
  /** `dx ⊙ slope`, broadcast to the output's shape. */
  const tangentOf = (ops: Ops, dx: Tensor, slope: Tensor | number, y: Tensor): Tensor => {
    const dy = slope === 1 ? dx : ops.mul(dx, slope);
    return dy.shape.length === y.shape.length && dy.shape.every((d, i) => d === y.shape[i])
      ? dy
      : ops.add(dy, ops.fill(y.shape, 0));
  };
  const pathPiece = spec.pathPiece;
  return {
    kind: spec.kind,
    linearity: spec.linearity,
    ...(spec.definesLayer ? { definesLayer: true } : {}),
    inferShape(node, [x], fail) {
      let out: Shape = x!;
      for (const s of spec.check?.(node, x!, fail) ?? []) {
        out =
          broadcastShapes(out, s) ??
          fail(
            `constant of shape [${s.join(', ')}] does not broadcast with input [${x!.join(', ')}]`,
          );
      }
      if (out.length !== x!.length)
        fail(`constants would change the input's rank [${x!.join(', ')}]`);
      return out;
    },
    forward(ctx, [x]) {
      const p = spec.piece(ctx, x!);
      return { y: p.y, state: { x: x!, y: p.y, slope: p.slope, intercept: p.intercept } };
    },
    vjp({ ops }, s, g) {
      return [fit(ops, s.slope === 1 ? g : ops.mul(g, s.slope), s.x.shape)];
    },
    bias(_ctx, s) {
      return s.intercept;
    },
    linearMap({ ops }, s) {
      return { kind: 'routing', route: (beta) => [fit(ops, beta, s.x.shape)] };
    },
    tangent({ ops }, s, [dx]) {
      return tangentOf(ops, dx!, s.slope, s.y);
    },
    ...(pathPiece
      ? {
          pathForward(
            ctx: RuleContext,
            [x]: readonly Tensor[],
            [dx]: readonly Tensor[],
            tolerance: number,
          ) {
            const { ops } = ctx;
            const { piece, breakpoint } = pathPiece(
              ctx,
              x!,
              dx!,
              absoluteTolerance(ops, x!, tolerance),
            );
            const state = { x: x!, y: piece.y, slope: piece.slope, intercept: piece.intercept };
            return { y: piece.y, dy: tangentOf(ops, dx!, piece.slope, piece.y), state, breakpoint };
          },
        }
      : {}),
  };
}
