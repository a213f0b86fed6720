import type { ParamTensor } from '@biasprop/core';
import type { ConstTensor } from '../const-tensor.js';
import type { DynamicValue, ImportContext } from '../import-context.js';
import { perExampleParam } from '../params.js';
import type { OpMapper } from './op-mapper.js';
import type { NodeProto } from '../../proto/onnx-proto.js';

type Arith = 'Add' | 'Sub' | 'Mul' | 'Div';

function negate(p: ParamTensor): ParamTensor {
  return { data: p.data.map((v) => -v), shape: p.shape };
}

function ones(rank: number): ParamTensor {
  return { data: new Float64Array([1]), shape: new Array<number>(rank).fill(1) };
}

/**
 * A dense node's bias: `MatMul` (or a Gemm without C) followed by `Add` of a constant `[M]`
 * becomes one dense node. Only when the dense output has no other consumer.
 */
function tryDenseBias(
  ctx: ImportContext,
  node: NodeProto,
  x: DynamicValue,
  xName: string,
  c: ParamTensor,
  sign: 1 | -1,
): boolean {
  const dense = ctx.producer(x);
  if (!dense || dense.op !== 'dense' || dense.params.bias || ctx.usesOf(xName) !== 1) return false;
  const units = x.shape[0]!;
  if (!(c.data.length === units || c.data.length === 1) || c.shape.length > 1) return false;
  const bias = new Float64Array(units);
  for (let j = 0; j < units; j++) bias[j] = sign * c.data[c.data.length === 1 ? 0 : j]!;
  dense.params = { ...dense.params, bias: { data: bias, shape: [units] } };
  dense.source = `${dense.source}+${node.op_type ?? ''}`;
  ctx.setOutput(node, 0, x);
  return true;
}

function withConstant(
  ctx: ImportContext,
  node: NodeProto,
  op: Arith,
  x: DynamicValue,
  c: ConstTensor,
  constFirst: boolean,
): void {
  const rank = x.shape.length;
  const p = perExampleParam(ctx, node, c, rank, constFirst ? 'A' : 'B');
  const xName = node.input![constFirst ? 1 : 0]!;
  let params: Record<string, ParamTensor>;
  switch (op) {
    case 'Add':
      if (tryDenseBias(ctx, node, x, xName, p, 1)) return;
      params = { offset: p };
      break;
    case 'Sub':
      if (!constFirst && tryDenseBias(ctx, node, x, xName, p, -1)) return;
      params = constFirst ? { scale: negate(ones(rank)), offset: p } : { offset: negate(p) };
      break;
    case 'Mul':
      params = { scale: p };
      break;
    case 'Div':
      if (constFirst)
        ctx.unsupported(
          node,
          'dividing a constant by a tensor that depends on the input is not linearizable as an affine map; only division by a constant is supported',
        );
      params = { scale: { data: p.data.map((v) => 1 / v), shape: p.shape } };
      break;
  }
  ctx.setOutput(node, 0, ctx.emit(node, 'scaleShift', [x], {}, params));
}

function arith(op: Arith): OpMapper {
  return (ctx, node) => {
    const a = ctx.input(node, 0);
    const b = ctx.input(node, 1);
    if (a.kind === 'dynamic' && b.kind === 'dynamic') {
      if (op === 'Mul' || op === 'Div') {
        ctx.unsupported(
          node,
          `${op} of two tensors that both depend on the input is not linearizable (the product of two functions of the input is not an affine map of it); only ${op} by a constant is supported`,
        );
      }
      if (a.shape.join(',') !== b.shape.join(',')) {
        ctx.unsupported(
          node,
          `${op} of tensors [N, ${a.shape.join(', ')}] and [N, ${b.shape.join(', ')}] needs broadcasting between two input-dependent tensors, which is not supported`,
        );
      }
      ctx.setOutput(
        node,
        0,
        ctx.emit(node, 'add', [a, b], { coefficients: [1, op === 'Sub' ? -1 : 1] }),
      );
      return;
    }
    if (a.kind === 'dynamic' && b.kind === 'const') withConstant(ctx, node, op, a, b.tensor, false);
    else if (a.kind === 'const' && b.kind === 'dynamic')
      withConstant(ctx, node, op, b, a.tensor, true);
  };
}

/**
 * `Add`: two tensors → `add`; tensor and constant → `scaleShift` (or a dense node's bias).
 *
 * @example
 * ```ts
 * add(ctx, node); // x + y → add; x + c → scaleShift { offset: c }
 * ```
 */
export const add = arith('Add');
/**
 * `Sub`: two tensors → `add` with coefficients `[1, -1]`; with a constant → `scaleShift`.
 *
 * @example
 * ```ts
 * sub(ctx, node); // c − x → scaleShift { scale: −1, offset: c }
 * ```
 */
export const sub = arith('Sub');
/**
 * `Mul` by a constant → `scaleShift`; of two tensors → refused (not linearizable).
 *
 * @example
 * ```ts
 * mul(ctx, node); // x · c → scaleShift { scale: c }
 * ```
 */
export const mul = arith('Mul');
/**
 * `Div` by a constant → `scaleShift` with the reciprocal; anything else → refused.
 *
 * @example
 * ```ts
 * div(ctx, node); // x / c → scaleShift { scale: 1/c }
 * ```
 */
export const div = arith('Div');
