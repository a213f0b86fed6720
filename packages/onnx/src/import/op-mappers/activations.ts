import { floatAttr, hasAttr } from '../attributes.js';
import { dependsOnBatch } from '../const-tensor.js';
import type { ImportContext } from '../import-context.js';
import { perExampleParam } from '../params.js';
import type { OpMapper } from './op-mapper.js';
import type { NodeProto } from '../../proto/onnx-proto.js';

function simple(op: string, attrs?: (node: NodeProto) => Record<string, number>): OpMapper {
  return (ctx, node) =>
    ctx.setOutput(node, 0, ctx.emit(node, op, [ctx.dynamicInput(node, 0)], attrs?.(node) ?? {}));
}

/**
 * `Relu` → `relu`.
 *
 * @example
 * ```ts
 * OP_MAPPERS.Relu(ctx, node); // emits a relu IR node for the ONNX node
 * ```
 */
export const relu = simple('relu');
/**
 * `LeakyRelu` → `leakyRelu` (alpha, default 0.01).
 *
 * @example
 * ```ts
 * leakyRelu(ctx, node); // { op: 'leakyRelu', attrs: { alpha: 0.01 } } by default
 * ```
 */
export const leakyRelu = simple('leakyRelu', (n) => ({ alpha: floatAttr(n, 'alpha', 0.01) }));
/**
 * `Sigmoid` → `sigmoid` (tangent linearization).
 *
 * @example
 * ```ts
 * sigmoid(ctx, node);
 * ```
 */
export const sigmoid = simple('sigmoid');
/**
 * `Tanh` → `tanh` (tangent linearization).
 *
 * @example
 * ```ts
 * tanh(ctx, node);
 * ```
 */
export const tanh = simple('tanh');
/**
 * `Softplus` → `softplus` (tangent linearization).
 *
 * @example
 * ```ts
 * softplus(ctx, node);
 * ```
 */
export const softplus = simple('softplus');
/**
 * `Elu` → `elu` (alpha, default 1).
 *
 * @example
 * ```ts
 * elu(ctx, node); // { op: 'elu', attrs: { alpha: 1 } } by default
 * ```
 */
export const elu = simple('elu', (n) => ({ alpha: floatAttr(n, 'alpha', 1) }));

/**
 * `PRelu` → `prelu` with a constant slope broadcast per example.
 *
 * @example
 * ```ts
 * prelu(ctx, node); // slope [C, 1, 1] or [1, C, 1, 1] → param 'slope' [C, 1, 1]
 * ```
 */
export const prelu: OpMapper = (ctx, node) => {
  const x = ctx.dynamicInput(node, 0);
  const slope = perExampleParam(
    ctx,
    node,
    ctx.constInput(node, 1, 'slope'),
    x.shape.length,
    'slope',
  );
  ctx.setOutput(node, 0, ctx.emit(node, 'prelu', [x], {}, { slope }));
};

function bound(
  ctx: ImportContext,
  node: NodeProto,
  i: number,
  what: string,
  fallback: number,
): number {
  const t = ctx.optionalConst(node, i, what);
  if (!t) return fallback;
  if (t.data.length !== 1 || dependsOnBatch(t))
    ctx.unsupported(node, `${what} must be a scalar constant`);
  return t.data[0]!;
}

/**
 * `Clip` → `clip`; bounds from attributes (opset < 11) or constant inputs (opset ≥ 11).
 *
 * @example
 * ```ts
 * clip(ctx, node); // Clip(x, 0, 6) → { op: 'clip', attrs: { min: 0, max: 6 } }
 * ```
 */
export const clip: OpMapper = (ctx, node) => {
  const x = ctx.dynamicInput(node, 0);
  let lo: number;
  let hi: number;
  if (ctx.opset < 11 || hasAttr(node, 'min') || hasAttr(node, 'max')) {
    lo = floatAttr(node, 'min', -Infinity);
    hi = floatAttr(node, 'max', Infinity);
  } else {
    lo = bound(ctx, node, 1, 'min', -Infinity);
    hi = bound(ctx, node, 2, 'max', Infinity);
  }
  if (!(lo < hi))
    ctx.unsupported(node, `Clip with min=${lo} ≥ max=${hi} is constant and not supported`);
  ctx.setOutput(node, 0, ctx.emit(node, 'clip', [x], { min: lo, max: hi }));
};
