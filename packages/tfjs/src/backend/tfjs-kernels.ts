import * as tf from '@tensorflow/tfjs-core';
import type { BinaryKernel, KernelInput, Kernels, UnaryKernel } from '@biasprop/core';
import type { FilterCache } from './conv-kernels.js';
import { conv2dNchw, conv2dTransposeNchw } from './conv-kernels.js';
import { fullBroadcast, suffixBroadcast } from './cpu-broadcast.js';
import { maxPool2dBackwardNchw, maxPool2dNchw } from './max-pool-kernels.js';

type In = KernelInput<tf.Tensor>;

const UNARY: Record<UnaryKernel, (x: tf.Tensor) => tf.Tensor> = {
  neg: (x) => tf.neg(x),
  abs: (x) => tf.abs(x),
  sign: (x) => tf.sign(x),
  exp: (x) => tf.exp(x),
  log: (x) => tf.log(x),
  sigmoid: (x) => tf.sigmoid(x),
  tanh: (x) => tf.tanh(x),
};

const asFloat = (t: tf.Tensor): tf.Tensor => tf.cast(t, 'float32');

const BINARY: Record<BinaryKernel, (a: tf.Tensor, b: tf.Tensor) => tf.Tensor> = {
  add: (a, b) => tf.add(a, b),
  sub: (a, b) => tf.sub(a, b),
  mul: (a, b) => tf.mul(a, b),
  div: (a, b) => tf.div(a, b),
  divNoNan: (a, b) => tf.divNoNan(a, b),
  maximum: (a, b) => tf.maximum(a, b),
  minimum: (a, b) => tf.minimum(a, b),
  greater: (a, b) => asFloat(tf.greater(a, b)),
  greaterEqual: (a, b) => asFloat(tf.greaterEqual(a, b)),
  less: (a, b) => asFloat(tf.less(a, b)),
  lessEqual: (a, b) => asFloat(tf.lessEqual(a, b)),
  equal: (a, b) => asFloat(tf.equal(a, b)),
  notEqual: (a, b) => asFloat(tf.notEqual(a, b)),
};

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

function broadcastTo(x: In, out: readonly number[]): tf.Tensor {
  if (sameShape(x.shape, out)) return x.handle;
  const lifted =
    x.shape.length < out.length
      ? tf.reshape(x.handle, [
          ...new Array<number>(out.length - x.shape.length).fill(1),
          ...x.shape,
        ])
      : x.handle;
  return tf.broadcastTo(lifted, [...out]);
}

/**
 * Core's {@link Kernels} on tfjs ops, for whichever tfjs backend is active. Every kernel runs in
 * `tf.tidy`, so only its result survives; model weights' derived filters live in `filters`.
 *
 * @example
 * ```ts
 * const kernels = tfjsKernels(new FilterCache(() => false));
 * const y = kernels.unary('abs', { handle: tf.tensor([-1, 2]), shape: [2] }, [2]);
 * ```
 */
export function tfjsKernels(filters: FilterCache): Kernels<tf.Tensor> {
  const tidy = <T extends tf.TensorContainer>(f: () => T): T => tf.tidy(f);
  return {
    constant(data, shape) {
      const copy = data instanceof Float32Array ? data.slice() : Float32Array.from(data);
      return tf.tensor(copy, [...shape], 'float32');
    },
    fill(shape, value) {
      return shape.length === 0
        ? tf.scalar(value, 'float32')
        : tf.fill([...shape], value, 'float32');
    },
    unary(op, x) {
      return tidy(() => UNARY[op](x.handle));
    },
    binary(op, a, b, out) {
      return tidy(() => {
        if (tf.getBackend() === 'cpu') {
          // Keep tfjs-cpu on its fast elementwise path (see suffixBroadcast).
          if (sameShape(a.shape, out) && !sameShape(b.shape, out)) {
            const bb = suffixBroadcast(b.handle, out);
            if (bb) return BINARY[op](a.handle, bb);
          } else if (sameShape(b.shape, out) && !sameShape(a.shape, out)) {
            const aa = suffixBroadcast(a.handle, out);
            if (aa) return BINARY[op](aa, b.handle);
          }
        }
        return BINARY[op](a.handle, b.handle);
      });
    },
    where(cond, a, b, out) {
      return tidy(() => {
        const expand =
          tf.getBackend() === 'cpu'
            ? (x: In) => fullBroadcast(x.handle, out)
            : (x: In) => broadcastTo(x, out);
        return tf.where(tf.notEqual(expand(cond), 0), expand(a), expand(b));
      });
    },
    reduce(op, x, axes, keepDims, out) {
      return tidy(() => {
        const r =
          op === 'sum'
            ? tf.sum(x.handle, [...axes], keepDims)
            : tf.max(x.handle, [...axes], keepDims);
        return sameShape(r.shape, out) ? r : tf.reshape(r, [...out]);
      });
    },
    cumsum(x, axis) {
      return tidy(() => tf.cumsum(x.handle, axis));
    },
    matMul(a, b, transA, transB) {
      return tidy(() =>
        tf.matMul(a.handle as tf.Tensor2D, b.handle as tf.Tensor2D, transA, transB),
      );
    },
    conv2d(x, w, p) {
      return conv2dNchw(filters, x.handle, w.handle, p);
    },
    conv2dTranspose(dy, w, p, out) {
      return conv2dTransposeNchw(filters, dy.handle, w.handle, p, out);
    },
    maxPool2d(x, p, out) {
      return maxPool2dNchw(x.handle, p, out);
    },
    maxPool2dBackward(dy, argmax, p, out) {
      return maxPool2dBackwardNchw(dy.handle, argmax, p, out);
    },
    reshape(x, out) {
      return tf.reshape(x.handle, [...out]);
    },
    transpose(x, perm) {
      return tf.transpose(x.handle, [...perm]);
    },
    concat(xs, axis) {
      return tf.concat(
        xs.map((x) => x.handle),
        axis,
      );
    },
    slice(x, begin, size) {
      return tf.slice(x.handle, [...begin], [...size]);
    },
    pad(x, pads) {
      return tf.pad(
        x.handle,
        pads.map(([a, b]) => [a, b] as [number, number]),
      );
    },
  };
}
