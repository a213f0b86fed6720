import type { NodeSpec, ParamTensor } from '../ir/types.js';
import { sizeOf } from '../tensor/shape.js';
import type { Shape } from '../tensor/shape.js';
import { numberAttr, requireParam } from './node-access.js';
import { batched, elementwiseRule } from './elementwise-rule.js';

/** Shape of a per-channel vector broadcast along `axis` of a per-example shape. */
export function channelShape(x: Shape, axis: number, channels: number): number[] {
  return x.map((d, i) => (i === axis ? channels : 1));
}

function channelParams(
  node: NodeSpec,
  x: Shape,
  fail: (m: string) => never,
): [ParamTensor, ParamTensor, number] {
  const scale = requireParam(node, 'scale', fail);
  const shift = requireParam(node, 'shift', fail);
  const axis = numberAttr(node, 'axis', 0);
  if (axis < 0 || axis >= x.length)
    fail(`channel axis ${axis} out of range for input [${x.join(', ')}]`);
  const c = x[axis]!;
  if (sizeOf(scale.shape) !== c || sizeOf(shift.shape) !== c) {
    fail(`scale and shift need ${c} values (channel axis ${axis} of [${x.join(', ')}])`);
  }
  return [scale, shift, axis];
}

/**
 * `batchNorm` in inference mode as a per-channel affine node: params `scale = γ/√(σ²+ε)` and
 * `shift = β − μ·scale` (`[C]`), attribute `axis` (the per-example channel axis, default 0).
 * Folded into the preceding conv/dense where possible; otherwise it is a layer of its own.
 */
export const batchNormOp = elementwiseRule({
  kind: 'batchNorm',
  linearity: 'linear',
  definesLayer: true,
  check(node, x, fail) {
    channelParams(node, x, fail);
    return [];
  },
  piece({ ops, node, inputShapes }, x) {
    const x0 = inputShapes[0]!;
    const [scale, shift, axis] = channelParams(node, x0, (m) => {
      throw new Error(m);
    });
    const shape = batched(channelShape(x0, axis, x0[axis]!));
    const s = ops.weight(scale.data, shape);
    const c = ops.weight(shift.data, shape);
    return { y: ops.add(ops.mul(x, s), c), slope: s, intercept: c };
  },
});

/**
 * `scaleShift`: `y = x ⊙ scale + offset` with constants (optional params `scale` and `offset`,
 * per-example shapes that broadcast with the input). Mul/Div/Add/Sub by constants and input
 * normalization map to it. Not a layer: it has no learned parameters.
 */
export const scaleShiftOp = elementwiseRule({
  kind: 'scaleShift',
  linearity: 'linear',
  check(node, _x, fail) {
    const shapes: Shape[] = [];
    for (const k of ['scale', 'offset']) {
      const p = node.params?.[k];
      if (p) shapes.push(p.shape);
    }
    if (shapes.length === 0) fail(`needs a 'scale' or an 'offset' param`);
    return shapes;
  },
  piece({ ops, node }, x) {
    const { scale, offset } = node.params;
    const s = scale ? ops.weight(scale.data, batched(scale.shape)) : null;
    const c = offset ? ops.weight(offset.data, batched(offset.shape)) : null;
    let y = s ? ops.mul(x, s) : x;
    if (c) y = ops.add(y, c);
    return { y, slope: s ?? 1, intercept: c };
  },
});
