import type { Ops } from '../backend/ops.js';
import type { Tensor } from '../backend/tensor.js';
import type { NodeSpec } from '../ir/types.js';
import type { Shape } from '../tensor/shape.js';
import { broadcastShapes } from '../tensor/shape.js';
import type { Linearity, OpRule, RuleContext } from './op-rule.js';

/** The piece of an elementwise function at the current input: `y = slope ⊙ x + intercept`. */
export interface ElementwisePiece {
  readonly y: Tensor;
  readonly slope: Tensor | number;
  readonly intercept: Tensor | null;
}

/** State of an elementwise rule: the input and its piece. */
export interface ElementwiseState {
  readonly x: Tensor;
  readonly slope: Tensor | number;
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
}): OpRule<ElementwiseState> {
  const fit = (ops: Ops, t: Tensor, shape: Shape): Tensor =>
    t.shape.length === shape.length && t.shape.every((d, i) => d === shape[i]) ? t : ops.unbroadcast(t, shape);
  return {
    kind: spec.kind,
    linearity: spec.linearity,
    ...(spec.definesLayer ? { definesLayer: true } : {}),
    inferShape(node, [x], fail) {
      let out: Shape = x!;
      for (const s of spec.check?.(node, x!, fail) ?? []) {
        out = broadcastShapes(out, s) ?? fail(`constant of shape [${s.join(', ')}] does not broadcast with input [${x!.join(', ')}]`);
      }
      if (out.length !== x!.length) fail(`constants would change the input's rank [${x!.join(', ')}]`);
      return out;
    },
    forward(ctx, [x]) {
      const p = spec.piece(ctx, x!);
      return { y: p.y, state: { x: x!, slope: p.slope, intercept: p.intercept } };
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
  };
}
