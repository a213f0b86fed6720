import type { NodeProto } from '../proto/onnx-proto.js';
import { TensorDataType } from '../proto/onnx-proto.js';
import { floatAttr, floatsAttr, intAttr, intsAttr, rawAttr } from './attributes.js';
import type { ConstKind, ConstTensor } from './const-tensor.js';
import { constTensor, sizeOfShape, tensorFromProto } from './const-tensor.js';
import type { ImportContext } from './import-context.js';
import {
  binary,
  concatConst,
  gatherConst,
  normalizeAxis,
  sliceConst,
  transposeConst,
  unary,
  withShape,
} from './tensor-math.js';

// Evaluates nodes whose inputs are all constants, in JS, at import time. This is how the
// `Shape → Gather → Unsqueeze → Concat → Reshape` chains that PyTorch writes for
// `x.view(x.size(0), -1)` become constant target shapes: `Shape` of a tensor that depends on the
// input yields its per-example dims plus a symbolic batch size, and the symbol travels through
// the folded ops until Reshape reads it as "keep the batch axis".

type Folder = (
  ctx: ImportContext,
  node: NodeProto,
  inputs: readonly (ConstTensor | undefined)[],
) => ConstTensor[];

function need(
  node: NodeProto,
  inputs: readonly (ConstTensor | undefined)[],
  i: number,
): ConstTensor {
  const t = inputs[i];
  if (!t) throw new Error(`${node.op_type ?? '?'} needs input ${i}`);
  return t;
}

function kindForCast(to: number): ConstKind {
  if (
    to === TensorDataType.FLOAT ||
    to === TensorDataType.DOUBLE ||
    to === TensorDataType.FLOAT16 ||
    to === 16
  )
    return 'float';
  if (to === TensorDataType.BOOL) return 'bool';
  return 'int';
}

function noBatch(what: string): never {
  throw new Error(`${what} of the batch size cannot be evaluated at import time`);
}

function arithmetic(
  op: string,
): (x: number, y: number, xb: boolean, yb: boolean) => [number, boolean] {
  return (x, y, xb, yb) => {
    // The batch size N may pass through neutral arithmetic only (N·1, N/1, N+0, N−0).
    if (xb && yb) return noBatch(op);
    if (xb || yb) {
      const other = xb ? y : x;
      const keeps =
        (op === 'Mul' && other === 1) ||
        (op === 'Div' && xb && other === 1) ||
        ((op === 'Add' || (op === 'Sub' && xb)) && other === 0);
      return keeps ? [0, true] : noBatch(op);
    }
    switch (op) {
      case 'Add':
        return [x + y, false];
      case 'Sub':
        return [x - y, false];
      case 'Mul':
        return [x * y, false];
      default:
        return [x / y, false];
    }
  };
}

function axesOf(
  ctx: ImportContext,
  node: NodeProto,
  inputs: readonly (ConstTensor | undefined)[],
): number[] | undefined {
  if (ctx.opset >= 13) {
    const t = inputs[1];
    return t ? ctx.ints(node, t, 'axes') : undefined;
  }
  const a = intsAttr(node, 'axes', []);
  return a.length > 0 ? a : undefined;
}

/**
 * ONNX Reshape's target for a known input shape (`0` copies the input dim unless `allowzero`,
 * one `-1` is inferred).
 *
 * @example
 * ```ts
 * reshapeTarget([2, 3, 4], [0, -1], false); // [2, 12]
 * ```
 */
export function reshapeTarget(
  input: readonly number[],
  target: readonly number[],
  allowZero: boolean,
): number[] {
  const out = target.map((d, i) => (d === 0 && !allowZero ? input[i]! : d));
  const known = out.filter((d) => d !== -1).reduce((a, b) => a * b, 1);
  const free = out.filter((d) => d === -1).length;
  const n = sizeOfShape(input);
  if (free > 1) throw new Error('at most one -1 in a Reshape target');
  const resolved = out.map((d) => (d === -1 ? n / known : d));
  if (sizeOfShape(resolved) !== n || !resolved.every((d) => Number.isInteger(d) && d >= 0)) {
    throw new Error(`cannot reshape [${input.join(', ')}] to [${target.join(', ')}]`);
  }
  return resolved;
}

const FOLDERS: Record<string, Folder> = {
  Constant(_ctx, node) {
    const t = rawAttr(node, 'value')?.t;
    if (t) return [tensorFromProto(t)];
    if (rawAttr(node, 'value_float'))
      return [constTensor('float', [], [floatAttr(node, 'value_float', 0)])];
    if (rawAttr(node, 'value_floats')) {
      const v = floatsAttr(node, 'value_floats', []);
      return [constTensor('float', [v.length], v)];
    }
    if (rawAttr(node, 'value_int'))
      return [constTensor('int', [], [intAttr(node, 'value_int', 0)])];
    if (rawAttr(node, 'value_ints')) {
      const v = intsAttr(node, 'value_ints', []);
      return [constTensor('int', [v.length], v)];
    }
    throw new Error('only tensor, float(s) and int(s) values are supported');
  },
  Identity: (_c, n, i) => [need(n, i, 0)],
  Dropout: (_c, n, i) => [need(n, i, 0)],
  Cast(_ctx, node, inputs) {
    const kind = kindForCast(intAttr(node, 'to', 1));
    const a = need(node, inputs, 0);
    return [
      unary(a, kind, (x, b) => [
        kind === 'int' ? Math.trunc(x) : kind === 'bool' ? Number(x !== 0) : x,
        b,
      ]),
    ];
  },
  Gather(_ctx, node, inputs) {
    return [gatherConst(need(node, inputs, 0), need(node, inputs, 1), intAttr(node, 'axis', 0))];
  },
  Unsqueeze(ctx, node, inputs) {
    const a = need(node, inputs, 0);
    const axes = axesOf(ctx, node, inputs) ?? [];
    const rank = a.shape.length + axes.length;
    const at = new Set(axes.map((x) => normalizeAxis(x, rank)));
    const shape: number[] = [];
    let k = 0;
    for (let d = 0; d < rank; d++) shape.push(at.has(d) ? 1 : a.shape[k++]!);
    return [withShape(a, shape)];
  },
  Squeeze(ctx, node, inputs) {
    const a = need(node, inputs, 0);
    const axes = axesOf(ctx, node, inputs);
    const drop = new Set(
      axes
        ? axes.map((x) => normalizeAxis(x, a.shape.length))
        : a.shape.flatMap((d, i) => (d === 1 ? [i] : [])),
    );
    return [
      withShape(
        a,
        a.shape.filter((_, i) => !drop.has(i)),
      ),
    ];
  },
  Concat(_ctx, node, inputs) {
    return [
      concatConst(
        inputs.filter((t): t is ConstTensor => t !== undefined),
        intAttr(node, 'axis', 0),
      ),
    ];
  },
  Slice(ctx, node, inputs) {
    const a = need(node, inputs, 0);
    if (ctx.opset < 10) {
      const starts = intsAttr(node, 'starts', []);
      const axes = intsAttr(
        node,
        'axes',
        starts.map((_, i) => i),
      );
      return [sliceConst(a, starts, intsAttr(node, 'ends', []), axes, [])];
    }
    const starts = ctx.ints(node, need(node, inputs, 1), 'starts');
    const ends = ctx.ints(node, need(node, inputs, 2), 'ends');
    const axes = inputs[3] ? ctx.ints(node, inputs[3], 'axes') : starts.map((_, i) => i);
    const steps = inputs[4] ? ctx.ints(node, inputs[4], 'steps') : [];
    return [sliceConst(a, starts, ends, axes, steps)];
  },
  Reshape(ctx, node, inputs) {
    const a = need(node, inputs, 0);
    const shape =
      ctx.opset >= 5 ? ctx.ints(node, need(node, inputs, 1), 'shape') : intsAttr(node, 'shape', []);
    return [withShape(a, reshapeTarget(a.shape, shape, intAttr(node, 'allowzero', 0) === 1))];
  },
  Flatten(_ctx, node, inputs) {
    const a = need(node, inputs, 0);
    const axis = intAttr(node, 'axis', 1);
    const ax = axis < 0 ? axis + a.shape.length : axis;
    return [withShape(a, [sizeOfShape(a.shape.slice(0, ax)), sizeOfShape(a.shape.slice(ax))])];
  },
  Transpose(_ctx, node, inputs) {
    const a = need(node, inputs, 0);
    const perm = intsAttr(
      node,
      'perm',
      a.shape.map((_, i) => a.shape.length - 1 - i),
    );
    return [transposeConst(a, perm)];
  },
  Add: (_c, n, i) => [binary(need(n, i, 0), need(n, i, 1), need(n, i, 0).kind, arithmetic('Add'))],
  Sub: (_c, n, i) => [binary(need(n, i, 0), need(n, i, 1), need(n, i, 0).kind, arithmetic('Sub'))],
  Mul: (_c, n, i) => [binary(need(n, i, 0), need(n, i, 1), need(n, i, 0).kind, arithmetic('Mul'))],
  Div(_ctx, node, inputs) {
    const a = need(node, inputs, 0);
    const div = arithmetic('Div');
    return [
      binary(a, need(node, inputs, 1), a.kind, (x, y, xb, yb) => {
        const [v, b] = div(x, y, xb, yb);
        return [a.kind === 'int' ? Math.trunc(v) : v, b];
      }),
    ];
  },
  Neg: (_c, n, i) => [
    unary(need(n, i, 0), need(n, i, 0).kind, (x, b) => (b ? noBatch('Neg') : [-x, false])),
  ],
  ConstantOfShape(ctx, node, inputs) {
    const shape = ctx.ints(node, need(node, inputs, 0), 'shape');
    const t = rawAttr(node, 'value')?.t;
    const v = t ? tensorFromProto(t) : constTensor('float', [1], [0]);
    return [constTensor(v.kind, shape, new Float64Array(sizeOfShape(shape)).fill(v.data[0] ?? 0))];
  },
};

/**
 * Ops that can be evaluated at import time when all their inputs are constants.
 *
 * @example
 * ```ts
 * FOLDABLE_OPS.has('Gather'); // true
 * ```
 */
export const FOLDABLE_OPS: ReadonlySet<string> = new Set([...Object.keys(FOLDERS), 'Shape']);

/**
 * `Shape` of a value: a constant either way. For a tensor that depends on the input, the first
 * element is the symbolic batch size.
 *
 * @example
 * ```ts
 * shapeOf(node, [1, 28, 28], true, opset); // [N, 1, 28, 28] with element 0 marked as the batch
 * ```
 */
export function shapeOf(
  node: NodeProto,
  dims: readonly number[],
  batchFirst: boolean,
  opset: number,
): ConstTensor {
  const full = batchFirst ? [0, ...dims] : [...dims];
  const mark = full.map((_, i) => (batchFirst && i === 0 ? 1 : 0));
  let start = opset >= 15 ? intAttr(node, 'start', 0) : 0;
  let end = opset >= 15 ? intAttr(node, 'end', full.length) : full.length;
  const r = full.length;
  if (start < 0) start += r;
  if (end < 0) end += r;
  start = Math.min(Math.max(start, 0), r);
  end = Math.min(Math.max(end, 0), r);
  const n = Math.max(0, end - start);
  return constTensor(
    'int',
    [n],
    full.slice(start, start + n),
    Uint8Array.from(mark.slice(start, start + n)),
  );
}

/**
 * Evaluates a node whose inputs are all constants (or a `Shape` of any value) and records its
 * outputs as constants. Returns false when the node must be mapped to the IR instead.
 *
 * @example
 * ```ts
 * if (!foldConstantNode(ctx, node)) mapNode(ctx, node);
 * ```
 */
export function foldConstantNode(ctx: ImportContext, node: NodeProto): boolean {
  const op = node.op_type ?? '';
  if (op === 'Shape') {
    const v = ctx.input(node, 0);
    ctx.setOutput(node, 0, {
      kind: 'const',
      tensor:
        v.kind === 'const'
          ? shapeOf(node, v.tensor.shape, false, ctx.opset)
          : shapeOf(node, v.shape, true, ctx.opset),
    });
    return true;
  }
  const folder = FOLDERS[op];
  if (!folder) return false;
  const inputs = (node.input ?? []).map((_, i) => ctx.optional(node, i));
  if (inputs.some((v) => v?.kind === 'dynamic')) return false;
  if (op === 'Dropout' && (node.output?.length ?? 0) > 1 && node.output![1] !== '') {
    ctx.unsupported(node, 'the mask output of Dropout is not supported');
  }
  let outs: ConstTensor[];
  try {
    outs = folder(
      ctx,
      node,
      inputs.map((v) => (v?.kind === 'const' ? v.tensor : undefined)),
    );
  } catch (e) {
    if (e instanceof Error && e.name === 'BiaspropError') throw e;
    return ctx.invalid(
      node,
      `cannot evaluate this constant node at import time: ${(e as Error).message}`,
    );
  }
  outs.forEach((t, i) => ctx.setOutput(node, i, { kind: 'const', tensor: t }));
  return true;
}
