import type { Conv2dParams, MaxPool2dParams } from '../backend/kernels.js';
import type { Ops } from '../backend/ops.js';
import type { Tensor } from '../backend/tensor.js';
import type { IRNode, NodeSpec } from '../ir/types.js';
import type { Shape } from '../tensor/shape.js';
import { boolAttr, numbersAttr } from './node-access.js';
import type { OpRule } from './op-rule.js';
import type { WindowGeometry } from './window-geometry.js';
import { windowGeometry } from './window-geometry.js';
import { absoluteTolerance } from './path-pieces.js';
import { extractPatches, patchValidMask, scatterPatches } from './window-patches.js';

function kernelOf(node: NodeSpec, x: Shape, fail: (m: string) => never): [number, number] {
  if (x.length !== 3) fail(`input must be [C, H, W], got [${x.join(', ')}]`);
  if (boolAttr(node, 'global', false)) return [x[1]!, x[2]!];
  const k = numbersAttr(node, 'kernel', []);
  if (k.length !== 2) fail(`attribute 'kernel' needs 2 values`);
  return [k[0]!, k[1]!];
}

function geometry(node: NodeSpec, x: Shape, fail: (m: string) => never): WindowGeometry {
  const g = windowGeometry(node, [x[1]!, x[2]!], kernelOf(node, x, fail), fail);
  // A window made only of padding would select nothing: require pads smaller than the window.
  if (g.pads.some((p, i) => p > (g.kernel[i % 2]! - 1) * g.dilations[i % 2]!)) {
    fail(`pads [${g.pads.join(', ')}] must be smaller than the window`);
  }
  return g;
}

const throwing = (m: string): never => {
  throw new Error(m);
};

/** Cached per node and input shape: the reciprocal divisor map of an average pool. */
const divisorCache = new WeakMap<IRNode, Map<string, Float64Array>>();

function axisCounts(size: number, g: WindowGeometry, axis: 0 | 1, includePad: boolean): number[] {
  const k = g.kernel[axis];
  const s = g.strides[axis];
  const d = g.dilations[axis];
  const pb = g.pads[axis];
  const pe = g.pads[axis + 2]!;
  const lo = includePad ? -pb : 0;
  const hi = includePad ? size + pe : size;
  const counts: number[] = [];
  for (let o = 0; o < g.out[axis]; o++) {
    let c = 0;
    for (let t = 0; t < k; t++) {
      const i = o * s - pb + t * d;
      if (i >= lo && i < hi) c++;
    }
    counts.push(c);
  }
  return counts;
}

function inverseDivisor(node: IRNode, x: Shape, g: WindowGeometry): Float64Array {
  const key = x.join(',');
  let m = divisorCache.get(node);
  if (!m) divisorCache.set(node, (m = new Map<string, Float64Array>()));
  let inv = m.get(key);
  if (!inv) {
    const includePad = boolAttr(node, 'countIncludePad', false);
    const ch = axisCounts(x[1]!, g, 0, includePad);
    const cw = axisCounts(x[2]!, g, 1, includePad);
    inv = new Float64Array(ch.length * cw.length);
    ch.forEach((a, i) =>
      cw.forEach((b, j) => (inv![i * cw.length + j] = a * b === 0 ? 0 : 1 / (a * b))),
    );
    m.set(key, inv);
  }
  return inv;
}

/** Depthwise all-ones kernels that sum each window: `[C, 1, kh, kw]`. */
const onesKernelCache = new Map<string, Float64Array>();
function onesKernel(c: number, k: readonly [number, number]): Float64Array {
  const key = `${c}x${k[0]}x${k[1]}`;
  let w = onesKernelCache.get(key);
  if (!w) onesKernelCache.set(key, (w = new Float64Array(c * k[0] * k[1]).fill(1)));
  return w;
}

interface AvgState {
  readonly x: Tensor;
  readonly params: Conv2dParams;
  readonly kernelShape: Shape;
  readonly kernel: Float64Array;
  readonly inv: Float64Array;
}

/**
 * `avgPool2d`: average pooling on NCHW input; attributes `kernel` (or `global: true`), `strides`,
 * `pads`, `ceilMode`, `countIncludePad`. Computed as a depthwise all-ones convolution times a
 * constant reciprocal-count map; its BBp map is that convolution (row scaling changes no rule).
 */
export const avgPool2dOp: OpRule<AvgState> = {
  kind: 'avgPool2d',
  linearity: 'linear',
  inferShape(node, [x], fail) {
    const g = geometry(node, x!, fail);
    return [x![0]!, g.out[0], g.out[1]];
  },
  forward({ ops, node, inputShapes }, [x]) {
    const shape = inputShapes[0]!;
    const g = geometry(node, shape, throwing);
    const params: Conv2dParams = {
      strides: g.strides,
      pads: g.effectivePads,
      dilations: g.dilations,
      groups: shape[0]!,
    };
    const kernelShape = [shape[0]!, 1, g.kernel[0], g.kernel[1]];
    const kernel = onesKernel(shape[0]!, g.kernel);
    const inv = inverseDivisor(node, shape, g);
    const sum = ops.conv2d(x!, ops.weight(kernel, kernelShape), params);
    const y = ops.mul(sum, ops.weight(inv, [1, 1, g.out[0], g.out[1]]));
    return { y, state: { x: x!, params, kernelShape, kernel, inv } };
  },
  vjp({ ops }, s, g) {
    const scaled = ops.mul(g, ops.weight(s.inv, [1, 1, g.shape[2]!, g.shape[3]!]));
    return [ops.conv2dTranspose(scaled, ops.weight(s.kernel, s.kernelShape), s.params, s.x.shape)];
  },
  bias() {
    return null;
  },
  linearMap({ ops }, s) {
    const ones = ops.weight(s.kernel, s.kernelShape);
    // Every entry of the map is positive: its negative part is zero.
    return {
      kind: 'general',
      hasZeroWeights: false,
      blocks: [
        {
          h: s.x,
          apply: (t, v) => {
            const sum = ops.conv2d(t, ones, s.params);
            return v === 'negative' ? ops.fill(sum.shape, 0) : sum;
          },
          applyTransposed: (t, v) =>
            v === 'negative'
              ? ops.fill([t.shape[0]!, ...s.x.shape.slice(1)], 0)
              : ops.conv2dTranspose(t, ones, s.params, s.x.shape),
        },
      ],
    };
  },
};

type MaxState =
  | {
      readonly kind: 'argmax';
      readonly x: Tensor;
      readonly argmax: unknown;
      readonly params: MaxPool2dParams;
    }
  | {
      readonly kind: 'patches';
      readonly x: Tensor;
      readonly selection: Tensor;
      readonly params: Conv2dParams;
      readonly kernel: [number, number];
    };

function maxPoolBack(ops: Ops, s: MaxState, t: Tensor): Tensor {
  if (s.kind === 'argmax') return ops.maxPool2dBackward(t, s.argmax, s.params, s.x.shape);
  const [n, c, , oh, ow] = s.selection.shape as [number, number, number, number, number];
  return scatterPatches(
    ops,
    ops.mul(s.selection, ops.reshape(t, [n, c, 1, oh, ow])),
    s.params,
    s.kernel,
    s.x.shape,
  );
}

/**
 * `maxPool2d`: max pooling on NCHW input; attributes `kernel` (or `global: true`), `strides`, `pads`,
 * `dilations`, `ceilMode`. The local map selects the arg-max of each window (padded positions are
 * never selected; ties go to the first index in row-major window order).
 */
export const maxPool2dOp: OpRule<MaxState> = {
  kind: 'maxPool2d',
  linearity: 'piecewise',
  inferShape(node, [x], fail) {
    const g = geometry(node, x!, fail);
    return [x![0]!, g.out[0], g.out[1]];
  },
  forward({ ops, node, inputShapes }, [x]) {
    const g = geometry(node, inputShapes[0]!, throwing);
    const params: MaxPool2dParams = {
      kernel: g.kernel,
      strides: g.strides,
      pads: g.effectivePads,
      dilations: g.dilations,
    };
    const { y, argmax } = ops.maxPool2d(x!, params);
    return { y, state: { kind: 'argmax', x: x!, argmax, params } };
  },
  vjp({ ops }, s, g) {
    return [maxPoolBack(ops, s, g)];
  },
  bias() {
    return null;
  },
  linearMap({ ops }, s) {
    return { kind: 'routing', route: (beta) => [maxPoolBack(ops, s, beta)] };
  },
  pathForward({ ops, node, inputShapes }, [x], [dx], tolerance) {
    const shape = inputShapes[0]!;
    const g = geometry(node, shape, throwing);
    const params: Conv2dParams = {
      strides: g.strides,
      pads: g.effectivePads,
      dilations: g.dilations,
      groups: 1,
    };
    const k = g.kernel[0] * g.kernel[1];
    const valid = ops.weight(validMask(node, shape, params, g), [1, 1, k, g.out[0], g.out[1]]);
    const v = extractPatches(ops, x!, params, g.kernel);
    const s = extractPatches(ops, dx!, params, g.kernel);
    const tolV = ops.reshape(absoluteTolerance(ops, x!, tolerance), [x!.shape[0]!, 1, 1, 1, 1]);
    const tolS = ops.reshape(absoluteTolerance(ops, dx!, tolerance), [x!.shape[0]!, 1, 1, 1, 1]);
    // Piece for (t, t + ε): the largest value, then the largest slope, then the first index.
    const vm = ops.where(valid, v, -Infinity);
    const tiedValue = ops.mul(valid, ops.greaterEqual(vm, ops.sub(ops.max(vm, [2], true), tolV)));
    const sm = ops.where(tiedValue, s, -Infinity);
    const tied = ops.mul(tiedValue, ops.greaterEqual(sm, ops.sub(ops.max(sm, [2], true), tolS)));
    const selection = ops.mul(tied, ops.equal(ops.cumsum(tied, 2), 1));
    const vSel = ops.sum(ops.mul(selection, v), [2], true);
    const sSel = ops.sum(ops.mul(selection, s), [2], true);
    // A candidate with a larger slope overtakes the selected value after (vSel − v)/(s − sSel).
    const rise = ops.sub(s, sSel);
    const step = ops.divNoNan(ops.sub(vSel, v), rise);
    const overtakes = ops.mul(ops.mul(valid, ops.greater(rise, tolS)), ops.greater(step, 0));
    const breakpoint = ops.max(ops.neg(ops.where(overtakes, step, Infinity)), [2]);
    const n = x!.shape[0]!;
    const outShape = [n, shape[0]!, g.out[0], g.out[1]];
    return {
      y: ops.reshape(vSel, outShape),
      dy: ops.reshape(sSel, outShape),
      state: { kind: 'patches', x: x!, selection, params, kernel: g.kernel },
      breakpoint: ops.neg(breakpoint),
    };
  },
};

const validCache = new WeakMap<IRNode, Map<string, Float64Array>>();
function validMask(
  node: IRNode,
  shape: Shape,
  params: Conv2dParams,
  g: WindowGeometry,
): Float64Array {
  const key = shape.join(',');
  let m = validCache.get(node);
  if (!m) validCache.set(node, (m = new Map<string, Float64Array>()));
  let mask = m.get(key);
  if (!mask) m.set(key, (mask = patchValidMask(shape[1]!, shape[2]!, params, g.kernel, g.out)));
  return mask;
}
