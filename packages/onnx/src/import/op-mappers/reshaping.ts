import { intAttr, intsAttr } from '../attributes.js';
import { isBatchAt, sizeOfShape } from '../const-tensor.js';
import type { DynamicValue, ImportContext } from '../import-context.js';
import type { OpMapper } from './op-mapper.js';
import type { NodeProto } from '../../proto/onnx-proto.js';

function emitReshape(
  ctx: ImportContext,
  node: NodeProto,
  x: DynamicValue,
  shape: readonly number[],
): void {
  if (shape.length === x.shape.length && shape.every((d, i) => d === x.shape[i])) {
    ctx.setOutput(node, 0, x);
    return;
  }
  ctx.setOutput(node, 0, ctx.emit(node, 'reshape', [x], { shape: [...shape] }));
}

function batchAxisError(ctx: ImportContext, node: NodeProto, what: string): never {
  return ctx.unsupported(
    node,
    `${what}; biasprop keeps axis 0 as the batch axis (one explanation per example), so an op that moves, merges or removes it cannot be explained`,
  );
}

/**
 * `Reshape` with a constant target. Entry 0 must keep the batch: the symbolic batch size (from a
 * folded `Shape` chain), `0` (copy), `-1` when the other entries account for a whole example, or
 * the input's declared static batch size.
 *
 * @example
 * ```ts
 * reshape(ctx, node); // x [N, 4, 2, 2] to [N(symbolic), -1] → { op: 'reshape', attrs: { shape: [16] } }
 * ```
 */
export const reshape: OpMapper = (ctx, node) => {
  const x = ctx.dynamicInput(node, 0);
  const t = ctx.constInput(node, 1, 'shape');
  const allowZero = intAttr(node, 'allowzero', 0) === 1;
  const target = Array.from(t.data);
  if (target.length === 0) batchAxisError(ctx, node, 'Reshape to a scalar removes the batch axis');
  for (let i = 1; i < target.length; i++)
    if (isBatchAt(t, i))
      batchAxisError(ctx, node, `the target shape puts the batch size at axis ${i}`);
  const full = [NaN, ...x.shape];
  const rest = target.slice(1).map((d, i) => {
    if (d === 0 && !allowZero) {
      const copied = full[i + 1];
      return (
        copied ?? ctx.invalid(node, `0 at axis ${i + 1} copies a dimension the input does not have`)
      );
    }
    if (d === 0)
      return batchAxisError(ctx, node, 'a zero-size dimension (allowzero = 1) empties the tensor');
    return d;
  });
  const per = sizeOfShape(x.shape);
  const restKnown = rest.filter((d) => d !== -1).reduce((a, b) => a * b, 1);
  const first = target[0]!;
  const keepsBatch =
    isBatchAt(t, 0) ||
    (first === 0 && !allowZero) ||
    (first === -1 && !rest.includes(-1) && restKnown === per) ||
    (ctx.staticBatch !== undefined && first === ctx.staticBatch);
  if (!keepsBatch) {
    batchAxisError(
      ctx,
      node,
      `Reshape of [N, ${x.shape.join(', ')}] to [${target.join(', ')}] does not keep the batch axis`,
    );
  }
  const free = rest.filter((d) => d === -1).length;
  if (free > 1 || (free === 0 && restKnown !== per) || (free === 1 && per % restKnown !== 0)) {
    batchAxisError(
      ctx,
      node,
      `Reshape of [N, ${x.shape.join(', ')}] to [${target.join(', ')}] changes the number of elements per example`,
    );
  }
  emitReshape(
    ctx,
    node,
    x,
    rest.map((d) => (d === -1 ? per / restKnown : d)),
  );
};

/**
 * `Flatten`: axis 1 (or an axis with only size-1 dims before it) → `reshape` to `[-1]`.
 *
 * @example
 * ```ts
 * flatten(ctx, node); // Flatten(axis=1) of [N, 4, 2, 2] → { op: 'reshape', attrs: { shape: [16] } }
 * ```
 */
export const flatten: OpMapper = (ctx, node) => {
  const x = ctx.dynamicInput(node, 0);
  const rank = x.shape.length + 1;
  let axis = intAttr(node, 'axis', 1);
  if (axis < 0) axis += rank;
  if (axis === 0)
    batchAxisError(ctx, node, 'Flatten with axis = 0 merges the batch axis into the features');
  if (sizeOfShape(x.shape.slice(0, axis - 1)) !== 1) {
    batchAxisError(
      ctx,
      node,
      `Flatten with axis = ${axis} merges the batch axis with axes 1..${axis - 1}`,
    );
  }
  emitReshape(ctx, node, x, [sizeOfShape(x.shape)]);
};

/**
 * `Transpose` with `perm[0] = 0` → `transpose` of the per-example axes.
 *
 * @example
 * ```ts
 * transpose(ctx, node); // perm [0, 2, 3, 1] → { op: 'transpose', attrs: { perm: [1, 2, 0] } }
 * ```
 */
export const transpose: OpMapper = (ctx, node) => {
  const x = ctx.dynamicInput(node, 0);
  const rank = x.shape.length + 1;
  const perm = intsAttr(
    node,
    'perm',
    Array.from({ length: rank }, (_, i) => rank - 1 - i),
  );
  if (perm[0] !== 0)
    batchAxisError(ctx, node, `Transpose with perm [${perm.join(', ')}] moves the batch axis`);
  const per = perm.slice(1).map((p) => p - 1);
  if (per.every((p, i) => p === i)) ctx.setOutput(node, 0, x);
  else ctx.setOutput(node, 0, ctx.emit(node, 'transpose', [x], { perm: per }));
};

function axesOf(ctx: ImportContext, node: NodeProto): number[] | undefined {
  if (ctx.opset >= 13) {
    const t = ctx.optionalConst(node, 1, 'axes');
    return t ? ctx.ints(node, t, 'axes') : undefined;
  }
  const a = intsAttr(node, 'axes', []);
  return a.length > 0 ? a : undefined;
}

/**
 * `Squeeze` of per-example axes → `reshape`.
 *
 * @example
 * ```ts
 * squeeze(ctx, node); // axes [2] of [N, 3, 1, 4] → { op: 'reshape', attrs: { shape: [3, 4] } }
 * ```
 */
export const squeeze: OpMapper = (ctx, node) => {
  const x = ctx.dynamicInput(node, 0);
  const rank = x.shape.length + 1;
  const axes = axesOf(ctx, node);
  if (!axes)
    batchAxisError(
      ctx,
      node,
      'Squeeze without axes would remove the batch axis when a batch holds one example',
    );
  const drop = new Set(axes.map((a) => (a < 0 ? a + rank : a)));
  if (drop.has(0)) batchAxisError(ctx, node, 'Squeeze of axis 0 removes the batch axis');
  for (const a of drop)
    if (a < 1 || a >= rank || x.shape[a - 1] !== 1)
      ctx.invalid(node, `cannot squeeze axis ${a} of [N, ${x.shape.join(', ')}]`);
  emitReshape(
    ctx,
    node,
    x,
    x.shape.filter((_, i) => !drop.has(i + 1)),
  );
};

/**
 * `Unsqueeze` at per-example axes → `reshape`.
 *
 * @example
 * ```ts
 * unsqueeze(ctx, node); // axes [1] of [N, 4] → { op: 'reshape', attrs: { shape: [1, 4] } }
 * ```
 */
export const unsqueeze: OpMapper = (ctx, node) => {
  const x = ctx.dynamicInput(node, 0);
  const axes = axesOf(ctx, node) ?? ctx.invalid(node, 'needs axes');
  const rank = x.shape.length + 1 + axes.length;
  const at = new Set(axes.map((a) => (a < 0 ? a + rank : a)));
  if (at.has(0))
    batchAxisError(ctx, node, 'Unsqueeze at axis 0 puts a new axis before the batch axis');
  const out: number[] = [];
  let k = 0;
  for (let d = 1; d < rank; d++) out.push(at.has(d) ? 1 : x.shape[k++]!);
  emitReshape(ctx, node, x, out);
};
