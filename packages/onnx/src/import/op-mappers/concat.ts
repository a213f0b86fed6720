import { intAttr } from '../attributes.js';
import type { DynamicValue } from '../import-context.js';
import type { OpMapper } from './op-mapper.js';

/**
 * `Concat` of input-dependent tensors along a per-example axis → `concat`.
 *
 * @example
 * ```ts
 * concat(ctx, node); // Concat(a, b, axis=1) → { op: 'concat', attrs: { axis: 0 } }
 * ```
 */
export const concat: OpMapper = (ctx, node) => {
  const xs = (node.input ?? []).map((_, i) => ctx.input(node, i));
  if (xs.some((v) => v.kind === 'const')) {
    ctx.unsupported(
      node,
      'Concat of a constant with a tensor that depends on the input is not supported',
    );
  }
  const dyn = xs as DynamicValue[];
  const rank = dyn[0]!.shape.length + 1;
  let axis = intAttr(node, 'axis', 1);
  if (axis < 0) axis += rank;
  if (axis === 0)
    ctx.unsupported(
      node,
      'Concat on axis 0 joins batches; biasprop keeps axis 0 as the batch axis',
    );
  if (dyn.length === 1) ctx.setOutput(node, 0, dyn[0]!);
  else ctx.setOutput(node, 0, ctx.emit(node, 'concat', dyn, { axis: axis - 1 }));
};
