import type { LocalLinearMap, OpRule, RuleContext, Tensor } from '@biasprop/core';

/** What {@link hardSwishOp}'s forward pass keeps for the other rules. */
export interface HardSwishState {
  /** The input `z` (batch axis included). */
  readonly x: Tensor;
  /** `φ'(z)`: 0 for `z ≤ −3`, `(2z + 3)/6` in between, 1 for `z ≥ 3`. */
  readonly slope: Tensor;
  /** `φ(z) − φ'(z)·z`: the tangent's intercept, `−z²/6` in the middle and 0 outside. */
  readonly intercept: Tensor;
}

/**
 * HardSwish `φ(z) = z · relu6(z + 3) / 6`: 0 below −3, `z(z + 3)/6` between −3 and 3, `z` above 3
 * (MobileNetV3; ONNX `HardSwish`, PyTorch `nn.Hardswish`). The middle piece is a parabola, so the op
 * is not piecewise-linear: it is linearized by its tangent at the current input like the smooth
 * activations (`linearity: 'smooth'`), slope `φ'(z)` and intercept `φ(z) − φ'(z)·z`. At the two
 * kinks (z = ±3) the slope of the piece to the right is used.
 *
 * Every method is written with `ctx.ops`, so it runs on every backend: eagerly on the reference and
 * tfjs backends, and traced into one ONNX graph on ONNX Runtime.
 *
 * @example
 * ```ts
 * import { createGraph, registerOp } from '@biasprop/core';
 * registerOp(hardSwishOp);
 * const graph = createGraph({ name: 'm', input: { name: 'x', shape: [4] },
 *   nodes: [{ name: 'hs', op: 'hardSwish', inputs: ['x'] }] });
 * ```
 */
export const hardSwishOp: OpRule<HardSwishState> = {
  kind: 'hardSwish',
  linearity: 'smooth',

  // An elementwise op: the output has the input's shape. Use `fail` to reject bad attributes.
  inferShape(node, inputShapes, fail) {
    if (inputShapes.length !== 1) fail(`needs one input, got ${node.inputs.length}`);
    return inputShapes[0]!;
  },

  forward({ ops }: RuleContext, [x]) {
    const z = x!;
    const relu6 = ops.minimum(ops.maximum(ops.add(z, 3), 0), 6);
    const y = ops.div(ops.mul(z, relu6), 6);
    const middle = ops.mul(ops.greater(z, -3), ops.less(z, 3));
    const slope = ops.where(
      ops.greaterEqual(z, 3),
      1,
      ops.mul(middle, ops.div(ops.add(ops.mul(z, 2), 3), 6)),
    );
    const intercept = ops.sub(y, ops.mul(slope, z));
    return { y, state: { x: z, slope, intercept } };
  },

  // (A^x)ᵀ g for the single input: the Jacobian is diagonal, diag(φ'(z)).
  vjp({ ops }, s, g) {
    return [ops.mul(g, s.slope)];
  },

  // c^x, the constant part of the tangent: it is this node's bias term in f(x) = w·x + b.
  bias(_ctx, s) {
    return s.intercept;
  },

  // Output unit p depends on input unit p only: BBp hands each unit's β to that input whole,
  // whatever the rule (a 'routing' map). The returned tensor has the input's shape.
  linearMap(_ctx, _s): LocalLinearMap {
    return { kind: 'routing', route: (beta) => [beta] };
  },
};
