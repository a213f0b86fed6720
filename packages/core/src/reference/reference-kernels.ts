import type {
  BinaryKernel,
  Conv2dParams,
  KernelInput,
  Kernels,
  UnaryKernel,
} from '../backend/kernels.js';
import type { FloatArray } from '../tensor/host-tensor.js';
import type { Shape } from '../tensor/shape.js';
import { sizeOf, stridesOf } from '../tensor/shape.js';

/** A float64 array; the reference backend's handle. */
export type RefHandle = Float64Array;
type In = KernelInput<RefHandle>;

const UNARY: Record<UnaryKernel, (v: number) => number> = {
  neg: (v) => -v,
  abs: Math.abs,
  sign: (v) => (v > 0 ? 1 : v < 0 ? -1 : 0),
  exp: Math.exp,
  log: Math.log,
  sigmoid: (v) => (v >= 0 ? 1 / (1 + Math.exp(-v)) : Math.exp(v) / (1 + Math.exp(v))),
  tanh: Math.tanh,
};

const BINARY: Record<BinaryKernel, (a: number, b: number) => number> = {
  add: (a, b) => a + b,
  sub: (a, b) => a - b,
  mul: (a, b) => a * b,
  div: (a, b) => a / b,
  divNoNan: (a, b) => (b === 0 ? 0 : a / b),
  maximum: (a, b) => (a >= b ? a : b),
  minimum: (a, b) => (a <= b ? a : b),
  greater: (a, b) => (a > b ? 1 : 0),
  greaterEqual: (a, b) => (a >= b ? 1 : 0),
  less: (a, b) => (a < b ? 1 : 0),
  lessEqual: (a, b) => (a <= b ? 1 : 0),
  equal: (a, b) => (a === b ? 1 : 0),
  notEqual: (a, b) => (a !== b ? 1 : 0),
};

/** Strides of `shape` broadcast to `out` (0 on broadcast axes). */
function broadcastStrides(shape: Shape, out: Shape): number[] {
  const s = stridesOf(shape);
  const lead = out.length - shape.length;
  return out.map((d, i) => (i < lead || shape[i - lead] === 1 ? 0 : s[i - lead]!));
}

/** Calls `fn(outIndex, offsets...)` for each element of `out`, with offsets into each operand. */
function forEachBroadcast(
  out: Shape,
  operands: readonly Shape[],
  fn: (i: number, offs: number[]) => void,
): void {
  const n = sizeOf(out);
  const rank = out.length;
  const strides = operands.map((s) => broadcastStrides(s, out));
  const idx = new Array<number>(rank).fill(0);
  const offs = operands.map(() => 0);
  for (let i = 0; i < n; i++) {
    fn(i, offs);
    for (let ax = rank - 1; ax >= 0; ax--) {
      idx[ax]!++;
      for (let k = 0; k < offs.length; k++) offs[k]! += strides[k]![ax]!;
      if (idx[ax]! < out[ax]!) break;
      for (let k = 0; k < offs.length; k++) offs[k]! -= strides[k]![ax]! * out[ax]!;
      idx[ax] = 0;
    }
  }
}

function sameShape(a: Shape, b: Shape): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/** The float64 kernels of the reference backend: straightforward loops, no tricks. */
export const referenceKernels: Kernels<RefHandle> = {
  constant(data: FloatArray): RefHandle {
    return data instanceof Float64Array ? data : Float64Array.from(data);
  },

  fill(shape, value) {
    return new Float64Array(sizeOf(shape)).fill(value);
  },

  unary(op, x) {
    const f = UNARY[op];
    const out = new Float64Array(x.handle.length);
    for (let i = 0; i < out.length; i++) out[i] = f(x.handle[i]!);
    return out;
  },

  binary(op, a, b, outShape) {
    const f = BINARY[op];
    const out = new Float64Array(sizeOf(outShape));
    const A = a.handle;
    const B = b.handle;
    if (sameShape(a.shape, outShape) && sameShape(b.shape, outShape)) {
      for (let i = 0; i < out.length; i++) out[i] = f(A[i]!, B[i]!);
    } else if (sameShape(a.shape, outShape) && B.length === 1) {
      const bv = B[0]!;
      for (let i = 0; i < out.length; i++) out[i] = f(A[i]!, bv);
    } else {
      forEachBroadcast(outShape, [a.shape, b.shape], (i, o) => {
        out[i] = f(A[o[0]!]!, B[o[1]!]!);
      });
    }
    return out;
  },

  where(cond, a, b, outShape) {
    const out = new Float64Array(sizeOf(outShape));
    const C = cond.handle;
    const A = a.handle;
    const B = b.handle;
    forEachBroadcast(outShape, [cond.shape, a.shape, b.shape], (i, o) => {
      out[i] = C[o[0]!] !== 0 ? A[o[1]!]! : B[o[2]!]!;
    });
    return out;
  },

  reduce(op, x, axes, _keepDims, outShape) {
    const keptShape = x.shape.map((d, i) => (axes.includes(i) ? 1 : d));
    const out = new Float64Array(sizeOf(outShape)).fill(op === 'sum' ? 0 : -Infinity);
    const X = x.handle;
    // Iterate over the input; map each element to its output slot via broadcast strides.
    const outStrides = stridesOf(keptShape).map((s, i) => (keptShape[i] === 1 ? 0 : s));
    const rank = x.shape.length;
    const idx = new Array<number>(rank).fill(0);
    let o = 0;
    for (let i = 0; i < X.length; i++) {
      if (op === 'sum') out[o]! += X[i]!;
      else if (X[i]! > out[o]!) out[o] = X[i]!;
      for (let ax = rank - 1; ax >= 0; ax--) {
        idx[ax]!++;
        o += outStrides[ax]!;
        if (idx[ax]! < x.shape[ax]!) break;
        o -= outStrides[ax]! * x.shape[ax]!;
        idx[ax] = 0;
      }
    }
    return out;
  },

  cumsum(x, axis) {
    const out = Float64Array.from(x.handle);
    const inner = sizeOf(x.shape.slice(axis + 1));
    const len = x.shape[axis]!;
    const outer = sizeOf(x.shape.slice(0, axis));
    for (let a = 0; a < outer; a++) {
      for (let k = 1; k < len; k++) {
        const base = (a * len + k) * inner;
        for (let j = 0; j < inner; j++) out[base + j]! += out[base - inner + j]!;
      }
    }
    return out;
  },

  matMul(a, b, transA, transB, outShape) {
    const [m, n] = outShape as [number, number];
    const k = transA ? a.shape[0]! : a.shape[1]!;
    const A = a.handle;
    const B = b.handle;
    const out = new Float64Array(m * n);
    const aRow = transA ? 1 : k;
    const aCol = transA ? m : 1;
    const bRow = transB ? 1 : n;
    const bCol = transB ? k : 1;
    for (let i = 0; i < m; i++) {
      for (let p = 0; p < k; p++) {
        const av = A[i * aRow + p * aCol]!;
        if (av === 0) continue;
        const bBase = p * bRow;
        const oBase = i * n;
        for (let j = 0; j < n; j++) out[oBase + j]! += av * B[bBase + j * bCol]!;
      }
    }
    return out;
  },

  conv2d(x, w, p, outShape) {
    const out = new Float64Array(sizeOf(outShape));
    convLoop(x.shape, w, p, outShape, (xi, oi, wv) => {
      out[oi]! += wv * x.handle[xi]!;
    });
    return out;
  },

  conv2dTranspose(dy, w, p, outShape) {
    const out = new Float64Array(sizeOf(outShape));
    convLoop(outShape, w, p, dy.shape, (xi, oi, wv) => {
      out[xi]! += wv * dy.handle[oi]!;
    });
    return out;
  },

  maxPool2d(x, p, outShape) {
    const [n, c, h, w] = x.shape as [number, number, number, number];
    const [, , oh, ow] = outShape as [number, number, number, number];
    const y = new Float64Array(sizeOf(outShape));
    const arg = new Float64Array(sizeOf(outShape));
    const X = x.handle;
    for (let nc = 0; nc < n * c; nc++) {
      const base = nc * h * w;
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
              const v = X[base + iy * w + ix]!;
              if (bestIdx < 0 || v > best) {
                best = v;
                bestIdx = iy * w + ix;
              }
            }
          }
          const o = (nc * oh + oy) * ow + ox;
          y[o] = bestIdx < 0 ? 0 : best;
          arg[o] = bestIdx;
        }
      }
    }
    return { y, argmax: arg };
  },

  maxPool2dBackward(dy, argmax, _p, outShape) {
    const [n, c, h, w] = outShape as [number, number, number, number];
    const plane = dy.shape[2]! * dy.shape[3]!;
    const out = new Float64Array(sizeOf(outShape));
    for (let nc = 0; nc < n * c; nc++) {
      for (let j = 0; j < plane; j++) {
        const idx = argmax[nc * plane + j]!;
        if (idx >= 0) out[nc * h * w + idx]! += dy.handle[nc * plane + j]!;
      }
    }
    return out;
  },

  reshape(x) {
    return x.handle;
  },

  transpose(x, perm, outShape) {
    const inStrides = stridesOf(x.shape);
    const permStrides = perm.map((p) => inStrides[p]!);
    const out = new Float64Array(x.handle.length);
    const rank = outShape.length;
    const idx = new Array<number>(rank).fill(0);
    let src = 0;
    for (let i = 0; i < out.length; i++) {
      out[i] = x.handle[src]!;
      for (let ax = rank - 1; ax >= 0; ax--) {
        idx[ax]!++;
        src += permStrides[ax]!;
        if (idx[ax]! < outShape[ax]!) break;
        src -= permStrides[ax]! * outShape[ax]!;
        idx[ax] = 0;
      }
    }
    return out;
  },

  concat(xs, axis, outShape) {
    const out = new Float64Array(sizeOf(outShape));
    const outer = sizeOf(outShape.slice(0, axis));
    const inner = sizeOf(outShape.slice(axis + 1));
    const outRow = outShape[axis]! * inner;
    let offset = 0;
    for (const x of xs) {
      const row = x.shape[axis]! * inner;
      for (let a = 0; a < outer; a++)
        out.set(x.handle.subarray(a * row, (a + 1) * row), a * outRow + offset);
      offset += row;
    }
    return out;
  },

  slice(x, begin, size) {
    const out = new Float64Array(sizeOf(size));
    const strides = stridesOf(x.shape);
    let i = 0;
    const rank = size.length;
    const idx = new Array<number>(rank).fill(0);
    if (out.length === 0) return out;
    for (;;) {
      let src = 0;
      for (let ax = 0; ax < rank; ax++) src += (begin[ax]! + idx[ax]!) * strides[ax]!;
      out[i++] = x.handle[src]!;
      let ax = rank - 1;
      for (; ax >= 0; ax--) {
        idx[ax]!++;
        if (idx[ax]! < size[ax]!) break;
        idx[ax] = 0;
      }
      if (ax < 0) break;
    }
    return out;
  },

  pad(x, pads, outShape) {
    const out = new Float64Array(sizeOf(outShape));
    const outStrides = stridesOf(outShape);
    const rank = x.shape.length;
    const idx = new Array<number>(rank).fill(0);
    for (let i = 0; i < x.handle.length; i++) {
      let dst = 0;
      for (let ax = 0; ax < rank; ax++) dst += (idx[ax]! + pads[ax]![0]) * outStrides[ax]!;
      out[dst] = x.handle[i]!;
      for (let ax = rank - 1; ax >= 0; ax--) {
        idx[ax]!++;
        if (idx[ax]! < x.shape[ax]!) break;
        idx[ax] = 0;
      }
    }
    return out;
  },
};

/**
 * Visits every (input, output, weight) triple of a grouped 2-D convolution:
 * `visit(inputIndex, outputIndex, weightValue)`.
 */
function convLoop(
  xShape: Shape,
  w: In,
  p: Conv2dParams,
  yShape: Shape,
  visit: (xi: number, oi: number, wv: number) => void,
): void {
  const [n, c, h, wd] = xShape as [number, number, number, number];
  const [o, cg, kh, kw] = w.shape as [number, number, number, number];
  const [, , oh, ow] = yShape as [number, number, number, number];
  const og = o / p.groups;
  const W = w.handle;
  const [sh, sw] = p.strides;
  const [dh, dw] = p.dilations;
  const [pt, pl] = p.pads;
  for (let b = 0; b < n; b++) {
    for (let oc = 0; oc < o; oc++) {
      const g = Math.floor(oc / og);
      for (let ic = 0; ic < cg; ic++) {
        const cin = g * cg + ic;
        const xBase = (b * c + cin) * h * wd;
        const yBase = (b * o + oc) * oh * ow;
        for (let ky = 0; ky < kh; ky++) {
          for (let kx = 0; kx < kw; kx++) {
            const wv = W[((oc * cg + ic) * kh + ky) * kw + kx]!;
            if (wv === 0) continue;
            // valid output range for this tap
            const oyMin = Math.max(0, Math.ceil((pt - ky * dh) / sh));
            const oyMax = Math.min(oh - 1, Math.floor((h - 1 + pt - ky * dh) / sh));
            const oxMin = Math.max(0, Math.ceil((pl - kx * dw) / sw));
            const oxMax = Math.min(ow - 1, Math.floor((wd - 1 + pl - kx * dw) / sw));
            for (let oy = oyMin; oy <= oyMax; oy++) {
              const iy = oy * sh - pt + ky * dh;
              const xRow = xBase + iy * wd;
              const yRow = yBase + oy * ow;
              for (let ox = oxMin; ox <= oxMax; ox++) {
                visit(xRow + ox * sw - pl + kx * dw, yRow + ox, wv);
              }
            }
          }
        }
      }
    }
  }
}
