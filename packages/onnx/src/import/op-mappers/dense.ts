import { intAttr, floatAttr } from '../attributes.js';
import type { ConstTensor } from '../const-tensor.js';
import type { ImportContext } from '../import-context.js';
import { floatParam } from '../params.js';
import { transposeConst } from '../tensor-math.js';
import type { OpMapper } from './op-mapper.js';
import type { NodeProto } from '../../proto/onnx-proto.js';

function vectorInput(ctx: ImportContext, node: NodeProto, what: string) {
  const a = ctx.input(node, 0);
  if (a.kind !== 'dynamic') {
    const b = ctx.input(node, 1);
    if (b.kind === 'dynamic') {
      ctx.unsupported(
        node,
        `the model input reaches the second operand of ${what}, which contracts its batch axis; only A (dynamic) × B (constant weight) is supported`,
      );
    }
  }
  const x = ctx.dynamicInput(node, 0);
  if (x.shape.length !== 1) {
    ctx.unsupported(
      node,
      `${what} on an input of shape [N, ${x.shape.join(', ')}] is not supported; only [N, K] × [K, M] with a constant weight (flatten first)`,
    );
  }
  return x;
}

function bias(
  ctx: ImportContext,
  node: NodeProto,
  c: ConstTensor,
  beta: number,
  units: number,
): Float64Array {
  const p = floatParam(ctx, node, c, 'C');
  const s = p.shape;
  const fits =
    s.length === 0 ||
    (s.length === 1 && (s[0] === 1 || s[0] === units)) ||
    (s.length === 2 && s[0] === 1 && (s[1] === 1 || s[1] === units));
  if (!fits) {
    ctx.unsupported(
      node,
      `bias C of shape [${s.join(', ')}] varies along the batch axis or does not fit ${units} units; it must broadcast to [${units}]`,
    );
  }
  const out = new Float64Array(units);
  for (let j = 0; j < units; j++) out[j] = beta * p.data[p.data.length === 1 ? 0 : j]!;
  return out;
}

/**
 * `Gemm` → `dense`: `Y = alpha·A'·B' + beta·C` with A the input `[N, K]` (transA = 0), B a
 * constant (transB allowed) and C a constant that broadcasts to `[M]`.
 *
 * @example
 * ```ts
 * gemm(ctx, node); // Gemm(x, W, b, transB=1) → { op: 'dense', params: { weight: Wᵀ, bias: b } }
 * ```
 */
export const gemm: OpMapper = (ctx, node) => {
  const x = vectorInput(ctx, node, 'Gemm');
  if (intAttr(node, 'transA', 0) !== 0)
    ctx.unsupported(node, 'transA = 1 would make the batch axis a contracted axis');
  let b = ctx.constInput(node, 1, 'B');
  if (b.shape.length !== 2) ctx.invalid(node, `B must be 2-D, got [${b.shape.join(', ')}]`);
  if (intAttr(node, 'transB', 0) === 1) b = transposeConst(b, [1, 0]);
  const alpha = floatAttr(node, 'alpha', 1);
  const beta = floatAttr(node, 'beta', 1);
  const w = floatParam(ctx, node, b, 'B');
  const data = alpha === 1 ? w.data : w.data.map((v) => v * alpha);
  const units = w.shape[1]!;
  const c = ctx.optionalConst(node, 2, 'C');
  const params = {
    weight: { data, shape: w.shape },
    ...(c ? { bias: { data: bias(ctx, node, c, beta, units), shape: [units] } } : {}),
  };
  ctx.setOutput(node, 0, ctx.emit(node, 'dense', [x], {}, params));
};

/**
 * `MatMul` → `dense` (no bias; a following `Add` of a constant becomes its bias).
 *
 * @example
 * ```ts
 * matMul(ctx, node); // MatMul(x, W) → { op: 'dense', params: { weight: W } }
 * ```
 */
export const matMul: OpMapper = (ctx, node) => {
  const x = vectorInput(ctx, node, 'MatMul');
  const b = ctx.constInput(node, 1, 'B');
  if (b.shape.length !== 2)
    ctx.unsupported(node, `only a 2-D constant B is supported, got [${b.shape.join(', ')}]`);
  ctx.setOutput(
    node,
    0,
    ctx.emit(node, 'dense', [x], {}, { weight: floatParam(ctx, node, b, 'B') }),
  );
};
