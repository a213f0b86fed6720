import type { Conv2dParams } from '../backend/kernels.js';
import type { Ops } from '../backend/ops.js';
import type { Tensor } from '../backend/tensor.js';
import type { Shape } from '../tensor/shape.js';

const kernelCache = new Map<string, Float64Array>();

/** Depthwise one-hot kernels `[C·K, 1, kh, kw]`: output channel `c·K + k` copies window position k of channel c. */
export function oneHotPatchKernel(channels: number, kh: number, kw: number): Float64Array {
  const key = `${channels}x${kh}x${kw}`;
  let w = kernelCache.get(key);
  if (!w) {
    const k = kh * kw;
    w = new Float64Array(channels * k * k);
    for (let c = 0; c < channels; c++) for (let j = 0; j < k; j++) w[(c * k + j) * k + j] = 1;
    kernelCache.set(key, w);
  }
  return w;
}

/** `1` where window position k of output (oy, ox) is inside the input: shape `[K, OH, OW]`. */
export function patchValidMask(
  h: number,
  w: number,
  p: Conv2dParams,
  kernel: readonly [number, number],
  out: readonly [number, number],
): Float64Array {
  const [kh, kw] = kernel;
  const mask = new Float64Array(kh * kw * out[0] * out[1]);
  for (let ky = 0; ky < kh; ky++) {
    for (let kx = 0; kx < kw; kx++) {
      for (let oy = 0; oy < out[0]; oy++) {
        const iy = oy * p.strides[0] - p.pads[0] + ky * p.dilations[0];
        for (let ox = 0; ox < out[1]; ox++) {
          const ix = ox * p.strides[1] - p.pads[1] + kx * p.dilations[1];
          if (iy >= 0 && iy < h && ix >= 0 && ix < w)
            mask[((ky * kw + kx) * out[0] + oy) * out[1] + ox] = 1;
        }
      }
    }
  }
  return mask;
}

/** Window patches of an NCHW tensor: `[N, C, K, OH, OW]` (padded positions are 0). */
export function extractPatches(
  ops: Ops,
  x: Tensor,
  p: Conv2dParams,
  kernel: readonly [number, number],
): Tensor {
  const [n, c] = x.shape as [number, number];
  const k = kernel[0] * kernel[1];
  const weight = ops.weight(oneHotPatchKernel(c, kernel[0], kernel[1]), [
    c * k,
    1,
    kernel[0],
    kernel[1],
  ]);
  const cols = ops.conv2d(x, weight, { ...p, groups: c });
  return ops.reshape(cols, [n, c, k, cols.shape[2]!, cols.shape[3]!]);
}

/** The transpose of {@link extractPatches}: adds each patch entry back to its input position. */
export function scatterPatches(
  ops: Ops,
  patches: Tensor,
  p: Conv2dParams,
  kernel: readonly [number, number],
  inputShape: Shape,
): Tensor {
  const [n, c, k, oh, ow] = patches.shape as [number, number, number, number, number];
  const weight = ops.weight(oneHotPatchKernel(c, kernel[0], kernel[1]), [
    c * k,
    1,
    kernel[0],
    kernel[1],
  ]);
  return ops.conv2dTranspose(
    ops.reshape(patches, [n, c * k, oh, ow]),
    weight,
    { ...p, groups: c },
    inputShape,
  );
}
