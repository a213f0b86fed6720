import type { Ops } from '../backend/ops.js';
import type { Tensor } from '../backend/tensor.js';
import type { Conv2dParams } from '../backend/kernels.js';

const onesKernels = new Map<string, Float64Array>();

/** The all-ones `[groups, 1, kh, kw]` kernel, one array per shape (so backends upload it once). */
function onesKernel(ops: Ops, groups: number, kh: number, kw: number): Tensor {
  const key = `${groups}x${kh}x${kw}`;
  let data = onesKernels.get(key);
  if (!data) onesKernels.set(key, (data = new Float64Array(groups * kh * kw).fill(1)));
  return ops.weight(data, [groups, 1, kh, kw]);
}

/** `[N, C, H, W]` → `[N, G, H, W]`: the sum over the `C / G` channels of each group. */
function sumPerGroup(ops: Ops, t: Tensor, groups: number): Tensor {
  const [n, c, h, w] = t.shape as [number, number, number, number];
  if (c === groups) return t;
  return ops.sum(ops.reshape(t, [n, groups, c / groups, h, w]), [2]);
}

/** `[N, G, H, W]` → `[N, G · perGroup, H, W]`: each group's plane repeated `perGroup` times. */
function repeatPerGroup(ops: Ops, t: Tensor, perGroup: number): Tensor {
  const [n, g, h, w] = t.shape as [number, number, number, number];
  if (perGroup === 1) return t;
  const repeated = ops.mul(ops.reshape(t, [n, g, 1, h, w]), ops.fill([1, 1, perGroup, 1, 1], 1));
  return ops.reshape(repeated, [n, g * perGroup, h, w]);
}

/**
 * Whether a conv whose every weight is 1 is cheaper through {@link onesKernelConv2d} /
 * {@link onesKernelConv2dTranspose} than as a conv with that weight: when a group has more than
 * one input or output channel.
 */
export function onesKernelConvPays(weightShape: readonly number[], groups: number): boolean {
  return weightShape[0]! / groups > 1 || weightShape[1]! > 1;
}

/**
 * `conv2d(t, 1)` for an all-ones weight of shape `weightShape` (`[O, C/G, kh, kw]`), without its
 * `O · C/G` channel pairs: every output channel of a group is the window sum of the group's
 * channel sum. Exactly the same linear map (only the order of float additions differs); BBp's
 * `connectivity` variant and the `nonzero` variant of a weight with no zeros are such weights.
 *
 * @example
 * ```ts
 * const counts = onesKernelConv2d(ops, ones, [16, 8, 3, 3], params); // = conv2d(ones, 1[16,8,3,3])
 * ```
 */
export function onesKernelConv2d(
  ops: Ops,
  t: Tensor,
  weightShape: readonly number[],
  params: Conv2dParams,
): Tensor {
  const [o, , kh, kw] = weightShape as [number, number, number, number];
  const g = params.groups;
  const summed = ops.conv2d(sumPerGroup(ops, t, g), onesKernel(ops, g, kh, kw), params);
  return repeatPerGroup(ops, summed, o / g);
}

/**
 * `conv2dTranspose(t, 1, …)` for an all-ones weight of shape `weightShape`: the transposed window
 * sum of each group's output-channel sum, repeated over the group's input channels (the adjoint of
 * {@link onesKernelConv2d}).
 *
 * @example
 * ```ts
 * const spread = onesKernelConv2dTranspose(ops, beta, [16, 8, 3, 3], params, [1, 8, 32, 32]);
 * ```
 */
export function onesKernelConv2dTranspose(
  ops: Ops,
  t: Tensor,
  weightShape: readonly number[],
  params: Conv2dParams,
  outShape: readonly number[],
): Tensor {
  const [, cg, kh, kw] = weightShape as [number, number, number, number];
  const g = params.groups;
  const [n, , h, w] = outShape as [number, number, number, number];
  const spread = ops.conv2dTranspose(sumPerGroup(ops, t, g), onesKernel(ops, g, kh, kw), params, [
    n,
    g,
    h,
    w,
  ]);
  return repeatPerGroup(ops, spread, cg);
}
