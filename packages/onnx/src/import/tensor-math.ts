import type { ConstKind, ConstTensor } from './const-tensor.js';
import { constTensor, isBatchAt, sizeOfShape } from './const-tensor.js';

// Small N-D array helpers for constants evaluated at import time (shape arithmetic, weight
// transposes). Elements that stand for the batch size travel with their values.

function stridesOf(shape: readonly number[]): number[] {
  const s = new Array<number>(shape.length);
  let acc = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    s[i] = acc;
    acc *= shape[i]!;
  }
  return s;
}

function build(
  kind: ConstKind,
  shape: readonly number[],
  n: number,
  at: (i: number) => [number, boolean],
): ConstTensor {
  const data = new Float64Array(n);
  const batch = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const [v, b] = at(i);
    data[i] = v;
    batch[i] = b ? 1 : 0;
  }
  return constTensor(kind, shape, data, batch);
}

/**
 * Normalizes a possibly negative axis for a rank; throws when out of range.
 *
 * @example
 * ```ts
 * normalizeAxis(-1, 3); // 2
 * ```
 */
export function normalizeAxis(axis: number, rank: number): number {
  const a = axis < 0 ? axis + rank : axis;
  if (a < 0 || a >= rank) throw new Error(`axis ${axis} is out of range for rank ${rank}`);
  return a;
}

/**
 * NumPy broadcast of shapes, or throws.
 *
 * @example
 * ```ts
 * broadcastShape([3, 1], [4]); // [3, 4]
 * ```
 */
export function broadcastShape(a: readonly number[], b: readonly number[]): number[] {
  const n = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const da = a[a.length - n + i] ?? 1;
    const db = b[b.length - n + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1)
      throw new Error(`shapes [${a.join(', ')}] and [${b.join(', ')}] do not broadcast`);
    out.push(da === 1 ? db : da);
  }
  return out;
}

/** Index into a tensor of shape `from` for a flat index into its broadcast shape `to`. */
function broadcastIndex(
  flat: number,
  to: readonly number[],
  toStrides: readonly number[],
  from: readonly number[],
  fromStrides: readonly number[],
): number {
  let idx = 0;
  const off = to.length - from.length;
  for (let d = 0; d < to.length; d++) {
    const coord = Math.floor(flat / toStrides[d]!) % to[d]!;
    if (d >= off && from[d - off] !== 1) idx += coord * fromStrides[d - off]!;
  }
  return idx;
}

/**
 * Elementwise binary op with broadcasting. `f` sees each pair with its batch flags and returns the
 * value and whether it is the batch size (or throws when a batch-dependent value cannot be kept).
 *
 * @example
 * ```ts
 * const sum = binary(a, b, 'float', (x, y) => [x + y, false]);
 * ```
 */
export function binary(
  a: ConstTensor,
  b: ConstTensor,
  kind: ConstKind,
  f: (x: number, y: number, xb: boolean, yb: boolean) => [number, boolean],
): ConstTensor {
  const shape = broadcastShape(a.shape, b.shape);
  const s = stridesOf(shape);
  const sa = stridesOf(a.shape);
  const sb = stridesOf(b.shape);
  return build(kind, shape, sizeOfShape(shape), (i) => {
    const ia = broadcastIndex(i, shape, s, a.shape, sa);
    const ib = broadcastIndex(i, shape, s, b.shape, sb);
    return f(a.data[ia]!, b.data[ib]!, isBatchAt(a, ia), isBatchAt(b, ib));
  });
}

/**
 * Elementwise unary op keeping batch flags.
 *
 * @example
 * ```ts
 * const neg = unary(a, a.kind, (x, b) => [-x, b]);
 * ```
 */
export function unary(
  a: ConstTensor,
  kind: ConstKind,
  f: (x: number, xb: boolean) => [number, boolean],
): ConstTensor {
  return build(kind, a.shape, a.data.length, (i) => f(a.data[i]!, isBatchAt(a, i)));
}

/**
 * The same data under a new shape.
 *
 * @example
 * ```ts
 * withShape(t, [2, 6]);
 * ```
 */
export function withShape(a: ConstTensor, shape: readonly number[]): ConstTensor {
  if (sizeOfShape(shape) !== a.data.length)
    throw new Error(`cannot reshape [${a.shape.join(', ')}] to [${shape.join(', ')}]`);
  return constTensor(a.kind, shape, a.data, a.batch);
}

/**
 * Transposes by `perm`.
 *
 * @example
 * ```ts
 * transposeConst(w, [1, 0]); // [K, M] → [M, K]
 * ```
 */
export function transposeConst(a: ConstTensor, perm: readonly number[]): ConstTensor {
  const shape = perm.map((p) => a.shape[p]!);
  const s = stridesOf(shape);
  const sa = stridesOf(a.shape);
  return build(a.kind, shape, a.data.length, (i) => {
    let src = 0;
    for (let d = 0; d < shape.length; d++)
      src += (Math.floor(i / s[d]!) % shape[d]!) * sa[perm[d]!]!;
    return [a.data[src]!, isBatchAt(a, src)];
  });
}

/**
 * Gathers along `axis` with integer `indices` (negative indices count from the end).
 *
 * @example
 * ```ts
 * gatherConst(shape, constTensor('int', [], [0]), 0); // the batch size of Shape(x)
 * ```
 */
export function gatherConst(a: ConstTensor, indices: ConstTensor, axis: number): ConstTensor {
  const ax = normalizeAxis(axis, a.shape.length);
  const outer = a.shape.slice(0, ax);
  const inner = a.shape.slice(ax + 1);
  const shape = [...outer, ...indices.shape, ...inner];
  const innerN = sizeOfShape(inner);
  const idxN = indices.data.length;
  const dim = a.shape[ax]!;
  return build(a.kind, shape, sizeOfShape(shape), (i) => {
    const inn = i % innerN;
    const k = Math.floor(i / innerN) % idxN;
    const o = Math.floor(i / (innerN * idxN));
    let j = indices.data[k]!;
    if (j < 0) j += dim;
    if (j < 0 || j >= dim)
      throw new Error(`index ${indices.data[k]} is out of range for a dimension of ${dim}`);
    const src = (o * dim + j) * innerN + inn;
    return [a.data[src]!, isBatchAt(a, src)];
  });
}

/**
 * Concatenates along `axis`.
 *
 * @example
 * ```ts
 * concatConst([batchDim, constTensor('int', [1], [-1])], 0); // [N, -1]
 * ```
 */
export function concatConst(parts: readonly ConstTensor[], axis: number): ConstTensor {
  const first = parts[0]!;
  const ax = normalizeAxis(axis, first.shape.length);
  const shape = [...first.shape];
  shape[ax] = parts.reduce((acc, p) => acc + p.shape[ax]!, 0);
  const innerN = sizeOfShape(first.shape.slice(ax + 1));
  const outerN = sizeOfShape(first.shape.slice(0, ax));
  const data: number[] = [];
  const batch: number[] = [];
  const kind = parts.some((p) => p.kind === 'float') ? 'float' : first.kind;
  for (let o = 0; o < outerN; o++) {
    for (const p of parts) {
      const chunk = p.shape[ax]! * innerN;
      for (let j = 0; j < chunk; j++) {
        const src = o * chunk + j;
        data.push(p.data[src]!);
        batch.push(isBatchAt(p, src) ? 1 : 0);
      }
    }
  }
  return constTensor(kind, shape, data, Uint8Array.from(batch));
}

/**
 * Slices with ONNX semantics (clamped starts/ends, negative steps).
 *
 * @example
 * ```ts
 * sliceConst(shape, [2], [4], [0], [1]); // the spatial dims of Shape(x)
 * ```
 */
export function sliceConst(
  a: ConstTensor,
  starts: readonly number[],
  ends: readonly number[],
  axes: readonly number[],
  steps: readonly number[],
): ConstTensor {
  const rank = a.shape.length;
  const begin = a.shape.map(() => 0);
  const step = a.shape.map(() => 1);
  const count = [...a.shape];
  axes.forEach((axis0, k) => {
    const axis = normalizeAxis(axis0, rank);
    const dim = a.shape[axis]!;
    const st = steps[k] ?? 1;
    if (st === 0) throw new Error('slice step cannot be 0');
    let s = starts[k]!;
    let e = ends[k]!;
    if (s < 0) s += dim;
    if (e < 0) e += dim;
    if (st > 0) {
      s = Math.min(Math.max(s, 0), dim);
      e = Math.min(Math.max(e, 0), dim);
      count[axis] = Math.max(0, Math.ceil((e - s) / st));
    } else {
      s = Math.min(Math.max(s, -1), dim - 1);
      e = Math.min(Math.max(e, -1), dim - 1);
      count[axis] = Math.max(0, Math.ceil((s - e) / -st));
    }
    begin[axis] = s;
    step[axis] = st;
  });
  const s = stridesOf(count);
  const sa = stridesOf(a.shape);
  return build(a.kind, count, sizeOfShape(count), (i) => {
    let src = 0;
    for (let d = 0; d < rank; d++)
      src += (begin[d]! + (Math.floor(i / s[d]!) % count[d]!) * step[d]!) * sa[d]!;
    return [a.data[src]!, isBatchAt(a, src)];
  });
}
