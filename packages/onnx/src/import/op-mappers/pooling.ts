import type { AttrValue } from '@biasprop/core';
import { intAttr, intsAttr } from '../attributes.js';
import type { DynamicValue, ImportContext } from '../import-context.js';
import { window2d } from '../window.js';
import type { OpMapper } from './op-mapper.js';
import type { NodeProto } from '../../proto/onnx-proto.js';

function spatialInput(ctx: ImportContext, node: NodeProto): DynamicValue {
  const x = ctx.dynamicInput(node, 0);
  if (x.shape.length !== 2 && x.shape.length !== 3) {
    ctx.unsupported(
      node,
      `only 1-D and 2-D pooling are supported, got input [N, ${x.shape.join(', ')}]`,
    );
  }
  return x;
}

/** Emits a 2-D pooling node; a 1-D input `[C, L]` is pooled as `[C, 1, L]` between two reshapes. */
function emitPool(
  ctx: ImportContext,
  node: NodeProto,
  op: string,
  x: DynamicValue,
  attrs: (hw: [number, number], rank: 1 | 2) => Record<string, AttrValue>,
): void {
  if (x.shape.length === 3) {
    ctx.setOutput(node, 0, ctx.emit(node, op, [x], attrs([x.shape[1]!, x.shape[2]!], 2)));
    return;
  }
  const as2d = ctx.emit(node, 'reshape', [x], { shape: [x.shape[0]!, 1, x.shape[1]!] }, {}, 'as2d');
  const y = ctx.emit(node, op, [as2d], attrs([1, x.shape[1]!], 1));
  ctx.setOutput(
    node,
    0,
    ctx.emit(node, 'reshape', [y], { shape: [y.shape[0]!, y.shape[2]!] }, {}, 'as1d'),
  );
}

function windowAttrs(
  ctx: ImportContext,
  node: NodeProto,
  hw: [number, number],
  rank: 1 | 2,
): Record<string, AttrValue> {
  const kernel = intsAttr(node, 'kernel_shape', []);
  if (kernel.length !== rank) ctx.invalid(node, `kernel_shape needs ${rank} values`);
  const k: [number, number] = rank === 2 ? [kernel[0]!, kernel[1]!] : [1, kernel[0]!];
  const w = window2d(ctx, node, hw, k, rank);
  return {
    kernel: k,
    strides: w.strides,
    pads: w.pads,
    dilations: w.dilations,
    ceilMode: w.ceilMode,
  };
}

/**
 * `MaxPool` (1-D or 2-D) → `maxPool2d`; refuses `storage_order = 1` and the Indices output.
 *
 * @example
 * ```ts
 * maxPool(ctx, node); // → { op: 'maxPool2d', attrs: { kernel, strides, pads, dilations, ceilMode } }
 * ```
 */
export const maxPool: OpMapper = (ctx, node) => {
  if ((node.output?.length ?? 0) > 1 && node.output![1] !== '') {
    ctx.unsupported(
      node,
      'the second output (Indices) of MaxPool is not supported; export the model without return_indices',
    );
  }
  if (intAttr(node, 'storage_order', 0) === 1)
    ctx.unsupported(node, 'storage_order = 1 (column-major indices) is not supported');
  emitPool(ctx, node, 'maxPool2d', spatialInput(ctx, node), (hw, rank) =>
    windowAttrs(ctx, node, hw, rank),
  );
};

/**
 * `AveragePool` (1-D or 2-D) → `avgPool2d` with count_include_pad and ceil_mode.
 *
 * @example
 * ```ts
 * averagePool(ctx, node); // → { op: 'avgPool2d', attrs: { ..., countIncludePad } }
 * ```
 */
export const averagePool: OpMapper = (ctx, node) => {
  const countIncludePad = intAttr(node, 'count_include_pad', 0) === 1;
  emitPool(ctx, node, 'avgPool2d', spatialInput(ctx, node), (hw, rank) => ({
    ...windowAttrs(ctx, node, hw, rank),
    countIncludePad,
  }));
};

/**
 * `GlobalAveragePool` → global `avgPool2d`.
 *
 * @example
 * ```ts
 * globalAveragePool(ctx, node); // → { op: 'avgPool2d', attrs: { global: true } }
 * ```
 */
export const globalAveragePool: OpMapper = (ctx, node) =>
  emitPool(ctx, node, 'avgPool2d', spatialInput(ctx, node), () => ({ global: true }));

/**
 * `GlobalMaxPool` → global `maxPool2d`.
 *
 * @example
 * ```ts
 * globalMaxPool(ctx, node); // → { op: 'maxPool2d', attrs: { global: true } }
 * ```
 */
export const globalMaxPool: OpMapper = (ctx, node) =>
  emitPool(ctx, node, 'maxPool2d', spatialInput(ctx, node), () => ({ global: true }));
