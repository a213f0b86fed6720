import type { FloatArray } from '../tensor/host-tensor.js';
import type { Shape } from '../tensor/shape.js';

/** A backend value together with its static shape. Kernels receive inputs in this form. */
export interface KernelInput<H> {
  /** The backend's value. */
  readonly handle: H;
  /** Its static shape (batch axis included). */
  readonly shape: Shape;
}

/** Elementwise functions of one tensor. */
export type UnaryKernel = 'neg' | 'abs' | 'sign' | 'exp' | 'log' | 'sigmoid' | 'tanh';

/**
 * Elementwise functions of two tensors with NumPy broadcasting. Comparisons return 1 or 0.
 * `divNoNan` returns 0 wherever the divisor is 0 (never NaN or Inf).
 */
export type BinaryKernel =
  | 'add'
  | 'sub'
  | 'mul'
  | 'div'
  | 'divNoNan'
  | 'maximum'
  | 'minimum'
  | 'greater'
  | 'greaterEqual'
  | 'less'
  | 'lessEqual'
  | 'equal'
  | 'notEqual';

/**
 * 2-D convolution parameters, NCHW input and `[outChannels, inChannels / groups, kh, kw]` weights.
 * `pads` is `[top, left, bottom, right]`; padded positions are zeros.
 */
export interface Conv2dParams {
  /** `[strideH, strideW]`. */
  readonly strides: readonly [number, number];
  /** `[top, left, bottom, right]` zero padding. */
  readonly pads: readonly [number, number, number, number];
  /** `[dilationH, dilationW]`. */
  readonly dilations: readonly [number, number];
  /** Channel groups (input channels / weight's second dimension; depthwise: the channel count). */
  readonly groups: number;
}

/**
 * 2-D max-pooling parameters on NCHW input. Padded positions are never selected; ties go to the
 * first index in row-major window order.
 */
export interface MaxPool2dParams {
  /** `[kh, kw]` window size. */
  readonly kernel: readonly [number, number];
  /** `[strideH, strideW]`. */
  readonly strides: readonly [number, number];
  /** `[top, left, bottom, right]` padding (never selected). */
  readonly pads: readonly [number, number, number, number];
  /** `[dilationH, dilationW]`. */
  readonly dilations: readonly [number, number];
}

/**
 * The primitive tensor kernels a backend implements. Handles (`H`) are opaque: an eager backend
 * holds data, a symbolic one holds a value in a graph it is recording. Shapes are static and are
 * computed by core (`out` is always the output shape), so a backend never infers shapes.
 *
 * Algorithms built on these kernels never read tensor values to choose what to do next, so one
 * implementation serves eager execution and graph tracing alike.
 */
export interface Kernels<H> {
  /** A constant tensor that lives for the current run. */
  constant(data: FloatArray, shape: Shape): H;
  /** A tensor filled with one value. */
  fill(shape: Shape, value: number): H;
  /** An elementwise function of one tensor. */
  unary(op: UnaryKernel, x: KernelInput<H>, out: Shape): H;
  /** An elementwise function of two tensors, broadcast to `out`. */
  binary(op: BinaryKernel, a: KernelInput<H>, b: KernelInput<H>, out: Shape): H;
  /** `cond ≠ 0 ? a : b`, broadcasting all three. */
  where(cond: KernelInput<H>, a: KernelInput<H>, b: KernelInput<H>, out: Shape): H;
  /** Sum or max over `axes` (sorted, distinct); `out` keeps the reduced axes as 1 when `keepDims`. */
  reduce(
    op: 'sum' | 'max',
    x: KernelInput<H>,
    axes: readonly number[],
    keepDims: boolean,
    out: Shape,
  ): H;
  /** Inclusive cumulative sum along one axis. */
  cumsum(x: KernelInput<H>, axis: number, out: Shape): H;
  /** 2-D matrix product `op(a) · op(b)`. */
  matMul(a: KernelInput<H>, b: KernelInput<H>, transA: boolean, transB: boolean, out: Shape): H;
  /** 2-D convolution, NCHW input and OIHW weights. */
  conv2d(x: KernelInput<H>, w: KernelInput<H>, p: Conv2dParams, out: Shape): H;
  /** The vector–Jacobian product of `conv2d` with respect to its input (a transposed convolution). */
  conv2dTranspose(dy: KernelInput<H>, w: KernelInput<H>, p: Conv2dParams, out: Shape): H;
  /** Max pooling; `argmax` is an opaque handle consumed by `maxPool2dBackward`. */
  maxPool2d(
    x: KernelInput<H>,
    p: MaxPool2dParams,
    out: Shape,
  ): {
    /** The pooled values. */
    y: H;
    /** Whatever `maxPool2dBackward` needs to find the selected positions (indices, masks, …). */
    argmax: H;
  };
  /** Scatter-adds `dy` to the selected positions of an input of shape `out`. */
  maxPool2dBackward(dy: KernelInput<H>, argmax: H, p: MaxPool2dParams, out: Shape): H;
  /** The same values in another shape (row-major order kept). */
  reshape(x: KernelInput<H>, out: Shape): H;
  /** Permutes the axes: output axis i is input axis `perm[i]`. */
  transpose(x: KernelInput<H>, perm: readonly number[], out: Shape): H;
  /** Concatenates along an axis. */
  concat(xs: readonly KernelInput<H>[], axis: number, out: Shape): H;
  /** The block of `size` starting at `begin`. */
  slice(x: KernelInput<H>, begin: readonly number[], size: readonly number[], out: Shape): H;
  /** Zero padding; `pads[i] = [before, after]` for axis i. */
  pad(x: KernelInput<H>, pads: readonly (readonly [number, number])[], out: Shape): H;
}
