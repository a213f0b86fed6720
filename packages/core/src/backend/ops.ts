import { BiaspropError } from '../errors.js';
import type { FloatArray } from '../tensor/host-tensor.js';
import type { Shape } from '../tensor/shape.js';
import { broadcastShapes, formatShape, sizeOf } from '../tensor/shape.js';
import type {
  BinaryKernel,
  Conv2dParams,
  Kernels,
  MaxPool2dParams,
  UnaryKernel,
} from './kernels.js';
import { Tensor } from './tensor.js';

function fail(message: string): never {
  throw new BiaspropError('SHAPE_MISMATCH', message);
}

/** Output size of a convolution or pooling along one axis. */
export function convOutputSize(
  size: number,
  kernel: number,
  stride: number,
  padBegin: number,
  padEnd: number,
  dilation: number,
): number {
  return Math.floor((size + padBegin + padEnd - dilation * (kernel - 1) - 1) / stride) + 1;
}

/** Operand of a binary op: a tensor or a scalar. */
export type Operand = Tensor | number;

/** Persistent constants kept by a backend across runs (weights uploaded once). */
export interface WeightCache {
  /** The handle stored for this array and shape, if any. */
  get(data: FloatArray, shape: Shape): unknown;
  /** Stores the handle of an uploaded weight. */
  set(data: FloatArray, shape: Shape, handle: unknown): void;
  /**
   * A tensor computed from constants only, stored under an owner object (a graph node) and a key;
   * optional: a backend without it computes such tensors in every run.
   */
  getComputed?(owner: object, key: string): unknown;
  /** Stores a tensor computed from constants only (see {@link WeightCache.getComputed}). */
  setComputed?(owner: object, key: string, handle: unknown): void;
}

/**
 * The typed, shape-checked façade over a backend's {@link Kernels} that algorithms and op rules
 * are written against. Core computes every output shape here; backends only compute values.
 */
export class Ops {
  private readonly created: unknown[] = [];
  private readonly persistent = new Set<unknown>();

  constructor(
    private readonly kernels: Kernels<unknown>,
    private readonly weights?: WeightCache,
  ) {}

  /** Handles created during this run (an eager backend disposes them afterwards). */
  get createdHandles(): readonly unknown[] {
    return this.created;
  }

  /** Handles created during this run that the weight cache now keeps (not to be disposed). */
  get persistentHandles(): ReadonlySet<unknown> {
    return this.persistent;
  }

  private wrap(handle: unknown, shape: Shape): Tensor {
    this.created.push(handle);
    return new Tensor(handle, shape);
  }

  private operand(x: Operand): Tensor {
    return typeof x === 'number' ? this.scalar(x) : x;
  }

  /** A constant tensor for this run. */
  constant(data: FloatArray, shape: Shape): Tensor {
    if (data.length !== sizeOf(shape))
      fail(`constant: ${data.length} values for shape ${formatShape(shape)}`);
    return this.wrap(this.kernels.constant(data, shape), shape);
  }

  /**
   * A model constant (weights): uploaded once per backend and kept across runs. The same array
   * object must be passed each time for the cache to hit.
   */
  weight(data: FloatArray, shape: Shape): Tensor {
    if (data.length !== sizeOf(shape))
      fail(`weight: ${data.length} values for shape ${formatShape(shape)}`);
    if (!this.weights) return this.constant(data, shape);
    let handle = this.weights.get(data, shape);
    if (handle === undefined) {
      handle = this.kernels.constant(data, shape);
      this.weights.set(data, shape, handle);
    }
    return new Tensor(handle, shape);
  }

  /**
   * A tensor that depends only on constants (weights and shapes, never on the inputs), such as
   * BBp's per-unit counts of non-zero weights: computed once per backend and kept with the weights
   * where the backend's weight cache supports it, computed in this run otherwise (tracing backends
   * fold it themselves). `owner` and `key` must identify the computation.
   *
   * @example
   * ```ts
   * const count = ops.cachedConstant(node, `nonzero|${shape}`, () => block.apply(ones, 'nonzero'));
   * ```
   */
  cachedConstant(owner: object, key: string, compute: () => Tensor): Tensor {
    const cache = this.weights;
    const hit = cache?.getComputed?.(owner, key) as Tensor | undefined;
    if (hit) return new Tensor(hit.handle, hit.shape);
    const t = compute();
    if (cache?.setComputed && !this.persistent.has(t.handle)) {
      cache.setComputed(owner, key, new Tensor(t.handle, t.shape));
      this.persistent.add(t.handle);
    }
    return t;
  }

  /** A scalar constant (shape `[]`). */
  scalar(value: number): Tensor {
    return this.wrap(this.kernels.fill([], value), []);
  }

  /** A tensor of `shape` filled with `value`. */
  fill(shape: Shape, value: number): Tensor {
    return this.wrap(this.kernels.fill(shape, value), shape);
  }

  private unary(op: UnaryKernel, x: Tensor): Tensor {
    return this.wrap(this.kernels.unary(op, x, x.shape), x.shape);
  }

  /** `−x`. */
  neg(x: Tensor): Tensor {
    return this.unary('neg', x);
  }
  /** `|x|`. */
  abs(x: Tensor): Tensor {
    return this.unary('abs', x);
  }
  /** The sign of `x`: −1, 0 or 1. */
  sign(x: Tensor): Tensor {
    return this.unary('sign', x);
  }
  /** `eˣ`. */
  exp(x: Tensor): Tensor {
    return this.unary('exp', x);
  }
  /** The natural logarithm. */
  log(x: Tensor): Tensor {
    return this.unary('log', x);
  }
  /** `1/(1 + e⁻ˣ)`. */
  sigmoid(x: Tensor): Tensor {
    return this.unary('sigmoid', x);
  }
  /** The hyperbolic tangent. */
  tanh(x: Tensor): Tensor {
    return this.unary('tanh', x);
  }

  private binary(op: BinaryKernel, a: Operand, b: Operand): Tensor {
    const ta = this.operand(a);
    const tb = this.operand(b);
    const out = broadcastShapes(ta.shape, tb.shape);
    if (!out)
      fail(`${op}: shapes ${formatShape(ta.shape)} and ${formatShape(tb.shape)} do not broadcast`);
    return this.wrap(this.kernels.binary(op, ta, tb, out), out);
  }

  /** `a + b` with broadcasting. */
  add(a: Operand, b: Operand): Tensor {
    return this.binary('add', a, b);
  }
  /** `a − b` with broadcasting. */
  sub(a: Operand, b: Operand): Tensor {
    return this.binary('sub', a, b);
  }
  /** `a ⊙ b` with broadcasting. */
  mul(a: Operand, b: Operand): Tensor {
    return this.binary('mul', a, b);
  }
  /** `a / b` with broadcasting. */
  div(a: Operand, b: Operand): Tensor {
    return this.binary('div', a, b);
  }
  /** `a / b`, and 0 where `b = 0`. */
  divNoNan(a: Operand, b: Operand): Tensor {
    return this.binary('divNoNan', a, b);
  }
  /** The larger of `a` and `b` per element. */
  maximum(a: Operand, b: Operand): Tensor {
    return this.binary('maximum', a, b);
  }
  /** The smaller of `a` and `b` per element. */
  minimum(a: Operand, b: Operand): Tensor {
    return this.binary('minimum', a, b);
  }
  /** 1 where `a > b`, else 0. */
  greater(a: Operand, b: Operand): Tensor {
    return this.binary('greater', a, b);
  }
  /** 1 where `a ≥ b`, else 0. */
  greaterEqual(a: Operand, b: Operand): Tensor {
    return this.binary('greaterEqual', a, b);
  }
  /** 1 where `a < b`, else 0. */
  less(a: Operand, b: Operand): Tensor {
    return this.binary('less', a, b);
  }
  /** 1 where `a ≤ b`, else 0. */
  lessEqual(a: Operand, b: Operand): Tensor {
    return this.binary('lessEqual', a, b);
  }
  /** 1 where `a = b`, else 0. */
  equal(a: Operand, b: Operand): Tensor {
    return this.binary('equal', a, b);
  }
  /** 1 where `a ≠ b`, else 0. */
  notEqual(a: Operand, b: Operand): Tensor {
    return this.binary('notEqual', a, b);
  }

  /** `cond ≠ 0 ? a : b` with broadcasting. */
  where(cond: Tensor, a: Operand, b: Operand): Tensor {
    const ta = this.operand(a);
    const tb = this.operand(b);
    const ab = broadcastShapes(ta.shape, tb.shape);
    const out = ab && broadcastShapes(cond.shape, ab);
    if (!out)
      fail(
        `where: shapes ${formatShape(cond.shape)}, ${formatShape(ta.shape)}, ${formatShape(tb.shape)} do not broadcast`,
      );
    return this.wrap(this.kernels.where(cond, ta, tb, out), out);
  }

  private normalizeAxes(rank: number, axes: readonly number[]): number[] {
    const norm = [...new Set(axes.map((a) => (a < 0 ? a + rank : a)))].sort((a, b) => a - b);
    for (const a of norm) if (a < 0 || a >= rank) fail(`axis ${a} out of range for rank ${rank}`);
    return norm;
  }

  private reduce(op: 'sum' | 'max', x: Tensor, axes: readonly number[], keepDims: boolean): Tensor {
    const norm = this.normalizeAxes(x.rank, axes);
    if (norm.length === 0) return x;
    const out = keepDims
      ? x.shape.map((d, i) => (norm.includes(i) ? 1 : d))
      : x.shape.filter((_, i) => !norm.includes(i));
    return this.wrap(this.kernels.reduce(op, x, norm, keepDims, out), out);
  }

  /** Sum over `axes` (kept as 1 when `keepDims`). */
  sum(x: Tensor, axes: readonly number[], keepDims = false): Tensor {
    return this.reduce('sum', x, axes, keepDims);
  }
  /** Maximum over `axes` (kept as 1 when `keepDims`). */
  max(x: Tensor, axes: readonly number[], keepDims = false): Tensor {
    return this.reduce('max', x, axes, keepDims);
  }
  /** Sum over every axis but the first (the batch axis): shape `[N]`. */
  sumPerExample(x: Tensor): Tensor {
    return this.sum(x, x.shape.map((_, i) => i).slice(1), false);
  }

  /** Inclusive cumulative sum along `axis`. */
  cumsum(x: Tensor, axis: number): Tensor {
    const a = axis < 0 ? axis + x.rank : axis;
    return this.wrap(this.kernels.cumsum(x, a, x.shape), x.shape);
  }

  /** 2-D matrix product `op(a)·op(b)`, with optional transposes. */
  matMul(a: Tensor, b: Tensor, transA = false, transB = false): Tensor {
    if (a.rank !== 2 || b.rank !== 2)
      fail(`matMul: needs 2-D operands, got ${formatShape(a.shape)} and ${formatShape(b.shape)}`);
    const [m, k1] = transA ? [a.shape[1]!, a.shape[0]!] : [a.shape[0]!, a.shape[1]!];
    const [k2, n] = transB ? [b.shape[1]!, b.shape[0]!] : [b.shape[0]!, b.shape[1]!];
    if (k1 !== k2) fail(`matMul: inner dimensions ${k1} and ${k2} differ`);
    return this.wrap(this.kernels.matMul(a, b, transA, transB, [m, n]), [m, n]);
  }

  /** 2-D convolution: NCHW input, OIHW weights. */
  conv2d(x: Tensor, w: Tensor, p: Conv2dParams): Tensor {
    const [n, c, h, wd] = x.shape as [number, number, number, number];
    const [o, ci, kh, kw] = w.shape as [number, number, number, number];
    if (x.rank !== 4 || w.rank !== 4 || ci * p.groups !== c || o % p.groups !== 0) {
      fail(
        `conv2d: input ${formatShape(x.shape)} and weight ${formatShape(w.shape)} with groups=${p.groups} do not match`,
      );
    }
    const oh = convOutputSize(h, kh, p.strides[0], p.pads[0], p.pads[2], p.dilations[0]);
    const ow = convOutputSize(wd, kw, p.strides[1], p.pads[1], p.pads[3], p.dilations[1]);
    if (oh <= 0 || ow <= 0) fail(`conv2d: empty output for input ${formatShape(x.shape)}`);
    const out = [n, o, oh, ow];
    return this.wrap(this.kernels.conv2d(x, w, p, out), out);
  }

  /** Transposed convolution: the input-gradient of `conv2d` for an input of shape `inputShape`. */
  conv2dTranspose(dy: Tensor, w: Tensor, p: Conv2dParams, inputShape: Shape): Tensor {
    const out = [dy.shape[0]!, ...inputShape.slice(1)];
    return this.wrap(this.kernels.conv2dTranspose(dy, w, p, out), out);
  }

  /** Max pooling (ties to the first index in row-major window order; padding never selected) and an opaque arg-max for `maxPool2dBackward`. */
  maxPool2d(
    x: Tensor,
    p: MaxPool2dParams,
  ): {
    /** The pooled values. */
    y: Tensor;
    /** The backend's opaque record of the selected positions. */
    argmax: unknown;
  } {
    const [n, c, h, w] = x.shape as [number, number, number, number];
    const oh = convOutputSize(h, p.kernel[0], p.strides[0], p.pads[0], p.pads[2], p.dilations[0]);
    const ow = convOutputSize(w, p.kernel[1], p.strides[1], p.pads[1], p.pads[3], p.dilations[1]);
    const out = [n, c, oh, ow];
    const { y, argmax } = this.kernels.maxPool2d(x, p, out);
    this.created.push(argmax);
    return { y: this.wrap(y, out), argmax };
  }

  /** Scatter-adds `dy` to the positions the forward pass selected. */
  maxPool2dBackward(dy: Tensor, argmax: unknown, p: MaxPool2dParams, inputShape: Shape): Tensor {
    const out = [dy.shape[0]!, ...inputShape.slice(1)];
    return this.wrap(this.kernels.maxPool2dBackward(dy, argmax, p, out), out);
  }

  /** The same values in another shape. */
  reshape(x: Tensor, shape: Shape): Tensor {
    if (sizeOf(shape) !== sizeOf(x.shape))
      fail(`reshape: cannot reshape ${formatShape(x.shape)} to ${formatShape(shape)}`);
    return this.wrap(this.kernels.reshape(x, shape), shape);
  }

  /** Permutes the axes: output axis i is input axis `perm[i]`. */
  transpose(x: Tensor, perm: readonly number[]): Tensor {
    if (perm.length !== x.rank)
      fail(`transpose: permutation of length ${perm.length} for rank ${x.rank}`);
    const out = perm.map((p) => x.shape[p]!);
    return this.wrap(this.kernels.transpose(x, perm, out), out);
  }

  /** Concatenates along `axis` (shapes equal elsewhere). */
  concat(xs: readonly Tensor[], axis: number): Tensor {
    if (xs.length === 1) return xs[0]!;
    const first = xs[0]!;
    const out = [...first.shape];
    out[axis] = xs.reduce((s, t) => s + t.shape[axis]!, 0);
    return this.wrap(this.kernels.concat(xs, axis, out), out);
  }

  /** The block of `size` starting at `begin`. */
  slice(x: Tensor, begin: readonly number[], size: readonly number[]): Tensor {
    return this.wrap(this.kernels.slice(x, begin, size, size), size);
  }

  /** Zero padding: `pads[i] = [before, after]` for axis i. */
  pad(x: Tensor, pads: readonly (readonly [number, number])[]): Tensor {
    const out = x.shape.map((d, i) => d + pads[i]![0] + pads[i]![1]);
    return this.wrap(this.kernels.pad(x, pads, out), out);
  }

  /** Sums `x` down to `shape` (the inverse of broadcasting `shape` up to `x.shape`). */
  unbroadcast(x: Tensor, shape: Shape): Tensor {
    const lead = x.rank - shape.length;
    const axes: number[] = [];
    for (let i = 0; i < x.rank; i++) {
      const target = i < lead ? 1 : shape[i - lead]!;
      if (target === 1 && x.shape[i] !== 1) axes.push(i);
    }
    const summed = axes.length ? this.sum(x, axes, true) : x;
    return summed.rank === shape.length ? summed : this.reshape(summed, shape);
  }
}
