import type { ParamTensor } from '@biasprop/core';
import type { NodeProto } from '../proto/onnx-proto.js';
import type { ConstTensor } from './const-tensor.js';
import { dependsOnBatch } from './const-tensor.js';
import type { ImportContext } from './import-context.js';

/**
 * A float constant as an IR param with its ONNX shape (a weight, a bias).
 *
 * @example
 * ```ts
 * const weight = floatParam(ctx, node, ctx.constInput(node, 1, 'W'), 'W');
 * ```
 */
export function floatParam(
  ctx: ImportContext,
  node: NodeProto,
  c: ConstTensor,
  what: string,
): ParamTensor {
  if (c.kind !== 'float') ctx.unsupported(node, `${what} must be a floating-point tensor`);
  if (dependsOnBatch(c)) ctx.unsupported(node, `${what} depends on the batch size`);
  return { data: c.data, shape: [...c.shape] };
}

/**
 * A constant operand of a broadcasting op (Add, Mul, PRelu...) as a per-example param. ONNX
 * aligns shapes on the right; a constant with the input's full rank must have size 1 on the batch
 * axis (axis 0), which is then dropped. A constant of higher rank, or one that differs along the
 * batch axis, would mix examples and is refused.
 *
 * @example
 * ```ts
 * // x: [N, 3, 8, 8] (per example [3, 8, 8]); c: [1, 3, 1, 1] → param of shape [3, 1, 1]
 * const offset = perExampleParam(ctx, node, c, 3, 'B');
 * ```
 */
export function perExampleParam(
  ctx: ImportContext,
  node: NodeProto,
  c: ConstTensor,
  perExampleRank: number,
  what: string,
): ParamTensor {
  const p = floatParam(ctx, node, c, what);
  if (p.shape.length <= perExampleRank) return p;
  if (p.shape.length === perExampleRank + 1) {
    if (p.shape[0] !== 1) {
      ctx.unsupported(
        node,
        `${what} of shape [${p.shape.join(', ')}] varies along the batch axis (axis 0); biasprop explains one example at a time, so a constant must be the same for every example`,
      );
    }
    return { data: p.data, shape: p.shape.slice(1) };
  }
  return ctx.unsupported(
    node,
    `${what} of shape [${p.shape.join(', ')}] has a higher rank than the input and would broadcast it along new leading axes (moving the batch axis)`,
  );
}
