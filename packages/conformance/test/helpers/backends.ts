// Backends for testing the suite itself: a float32 emulation (should pass at 1e-4) and deliberately
// broken ones (must fail).
import type { FloatArray, Kernels, Precision } from '@biasprop/core';
import { EagerBackend, referenceKernels } from '@biasprop/core';
import { seededRandom } from '../../src/index.js';

type K = Kernels<Float64Array>;

/** An eager backend on given float64 kernels. */
export class TestBackend extends EagerBackend<Float64Array> {
  constructor(
    readonly name: string,
    readonly precision: Precision,
    protected readonly kernels: K,
  ) {
    super();
  }

  protected async read(handle: Float64Array): Promise<FloatArray> {
    return handle;
  }

  protected release(): void {}
}

/** Max pooling whose ties go to the LAST index of the window (PyTorch and ONNX use the first). */
const lastTieMaxPool: K['maxPool2d'] = (x, p, outShape) => {
  const [n, c, h, w] = x.shape as [number, number, number, number];
  const [, , oh, ow] = outShape as [number, number, number, number];
  const y = new Float64Array(n * c * oh * ow);
  const arg = new Float64Array(y.length);
  for (let nc = 0; nc < n * c; nc++) {
    for (let oy = 0; oy < oh; oy++) {
      for (let ox = 0; ox < ow; ox++) {
        let best = -Infinity;
        let bestIdx = -1;
        for (let ky = 0; ky < p.kernel[0]; ky++) {
          const iy = oy * p.strides[0] - p.pads[0] + ky * p.dilations[0];
          if (iy < 0 || iy >= h) continue;
          for (let kx = 0; kx < p.kernel[1]; kx++) {
            const ix = ox * p.strides[1] - p.pads[1] + kx * p.dilations[1];
            if (ix < 0 || ix >= w) continue;
            const v = x.handle[nc * h * w + iy * w + ix]!;
            if (bestIdx < 0 || v >= best) {
              best = v;
              bestIdx = iy * w + ix;
            }
          }
        }
        const o = (nc * oh + oy) * ow + ox;
        y[o] = best;
        arg[o] = bestIdx;
      }
    }
  }
  return { y, argmax: arg };
};

/** The reference kernels with max-pool ties broken to the last index. */
export function lastTieBackend(): TestBackend {
  return new TestBackend('broken-last-tie', 'float64', {
    ...referenceKernels,
    maxPool2d: lastTieMaxPool,
  });
}

/**
 * The reference kernels with seeded relative noise of size `eps` on every matMul output (and conv2d
 * output when `conv` is set: that noise also breaks the exact max-pool ties of blank regions).
 */
export function noisyBackend(
  eps: number,
  precision: Precision = 'float64',
  conv = true,
): TestBackend {
  const rng = seededRandom(7);
  const noisy = (a: Float64Array): Float64Array => a.map((v) => v * (1 + eps * (2 * rng() - 1)));
  return new TestBackend(`noisy-${eps}${conv ? '' : '-dense-only'}`, precision, {
    ...referenceKernels,
    matMul: (...args) => noisy(referenceKernels.matMul(...args)),
    ...(conv
      ? { conv2d: (...args: Parameters<K['conv2d']>) => noisy(referenceKernels.conv2d(...args)) }
      : {}),
  });
}

/** Rounds every kernel result to float32, as a float32 backend stores it. */
export function float32Backend(): TestBackend {
  const r = (a: Float64Array): Float64Array => Float64Array.from(Float32Array.from(a));
  const k = referenceKernels;
  return new TestBackend('float32-emulation', 'float32', {
    ...k,
    constant: (data, shape) => r(k.constant(data, shape)),
    fill: (shape, v) => r(k.fill(shape, v)),
    unary: (...a) => r(k.unary(...a)),
    binary: (...a) => r(k.binary(...a)),
    reduce: (...a) => r(k.reduce(...a)),
    cumsum: (...a) => r(k.cumsum(...a)),
    matMul: (...a) => r(k.matMul(...a)),
    conv2d: (...a) => r(k.conv2d(...a)),
    conv2dTranspose: (...a) => r(k.conv2dTranspose(...a)),
    maxPool2dBackward: (...a) => r(k.maxPool2dBackward(...a)),
  });
}

/** A backend whose conv2d kernel throws (an unsupported kernel). */
export function noConvBackend(): TestBackend {
  return new TestBackend('no-conv', 'float64', {
    ...referenceKernels,
    conv2d: () => {
      throw new Error('conv2d is not implemented');
    },
  });
}
