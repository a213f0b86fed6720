import type { KernelInput, MaxPool2dParams, Shape } from '@biasprop/core';
import { TensorDataType } from '../proto/onnx-proto.js';
import type { OnnxGraphRecorder } from './onnx-graph-recorder.js';

/**
 * Whether the windows tile the input without overlap, padding or dilation (stride = kernel):
 * then they are a reshape of the input instead of one strided slice per offset.
 */
function isTiling(p: MaxPool2dParams): boolean {
  return (
    p.strides[0] === p.kernel[0] &&
    p.strides[1] === p.kernel[1] &&
    p.dilations[0] === 1 &&
    p.dilations[1] === 1 &&
    p.pads.every((v) => v === 0)
  );
}

/**
 * The windows of a max pool as a tensor `[N, C, K, oh, ow]` (K = kh·kw in row-major window
 * order). Values are copied exactly (no arithmetic); padded positions hold −∞ so they are never
 * the maximum (every window has at least one real position).
 */
function extractWindows(
  rec: OnnxGraphRecorder,
  x: KernelInput<string>,
  p: MaxPool2dParams,
  out: Shape,
): string {
  const [n, c] = x.shape as [number, number, number, number];
  const [, , oh, ow] = out as [number, number, number, number];
  const [kh, kw] = p.kernel;
  const [pt, pl, pb, pr] = p.pads;
  let padded = x.handle;
  const paddedShape = [n, c, x.shape[2]! + pt + pb, x.shape[3]! + pl + pr];
  if (pt || pl || pb || pr) {
    padded = rec.node('Pad', [
      x.handle,
      rec.int64s([0, 0, pt, pl, 0, 0, pb, pr]),
      rec.floatScalar(rec.belowEveryInput),
    ]);
  }
  const parts: string[] = [];
  for (let ky = 0; ky < kh; ky++) {
    for (let kx = 0; kx < kw; kx++) {
      const sy = ky * p.dilations[0];
      const sx = kx * p.dilations[1];
      const s = rec.stridedSlice2d(padded, paddedShape, [sy, sx], [oh, ow], p.strides);
      parts.push(rec.node('Reshape', [s, rec.int64s([n, c, 1, oh, ow])]));
    }
  }
  return rec.concatValues(parts, 2);
}

/**
 * Whether ONNX Runtime's own `MaxPool` (with its `Indices` output) can stand in for the portable
 * lowering: ONNX Runtime requires every pad to be smaller than the kernel.
 */
export function nativeMaxPoolApplies(p: MaxPool2dParams): boolean {
  return p.pads.every((v, i) => v < p.kernel[i % 2]!);
}

/**
 * Channel counts (multiples of this) for which {@link nativeMaxPool2dGraph} takes the planes of
 * 2×2 windows with `Conv`s: a multiple of ONNX Runtime's NCHWc block (8 or 16 floats, by the
 * machine's vector width), so that its CPU provider keeps those convs in the blocked layout.
 */
const CONV_PLANES_CHANNEL_MULTIPLE = 16;

/**
 * Max pooling with ONNX Runtime's own operators, the selection as flat indices into the whole
 * `[N, C, H, W]` input (as `MaxPool`'s `Indices` output defines them).
 *
 * - Square non-overlapping windows (the common 2×2 / stride 2): `y` is a plain `MaxPool` and the
 *   selection is the first maximum over the window positions in row-major order: for 2×2
 *   windows the first of the four window planes equal to `y`, else `ArgMax`'s first index (the
 *   ONNX default, `select_last_index = 0`) over the channel blocks of `SpaceToDepth(x)` and a
 *   lookup table of offsets; a broadcast base turns the offsets into flat indices. Several times
 *   faster on the CPU provider than `MaxPool` with `Indices`. The 2×2 planes come from
 *   `SpaceToDepth`, or with `convWindowPlanes` (channel counts a multiple of 16) from depthwise
 *   `Conv`s with one-hot 2×2 kernels and stride 2 (three: the last plane is never compared):
 *   `1·v` plus three `0·u` is `v` exactly for finite activations, and the CPU provider keeps
 *   these convs in its blocked layout, where `SpaceToDepth` needs a layout conversion and a slow
 *   reorder of the whole input.
 * - Otherwise `MaxPool` with its `Indices` output; the CPU provider's scan keeps the first
 *   maximum in row-major window order.
 *
 * Both keep the tie rule of DESIGN §2 (the conformance tie fixtures check it); the backend uses
 * this lowering only on the CPU providers.
 *
 * @example
 * ```ts
 * const { y, argmax } = nativeMaxPool2dGraph(rec, { handle: 'x', shape: [1, 1, 4, 4] }, params, [1, 1, 2, 2]);
 * ```
 */
export function nativeMaxPool2dGraph(
  rec: OnnxGraphRecorder,
  x: KernelInput<string>,
  p: MaxPool2dParams,
  out: Shape,
  { convWindowPlanes = false }: { readonly convWindowPlanes?: boolean } = {},
): { y: string; argmax: string } {
  const attrs = {
    kernel_shape: [...p.kernel],
    strides: [...p.strides],
    pads: [...p.pads],
    dilations: [...p.dilations],
  };
  if (isTiling(p) && p.kernel[0] === p.kernel[1]) {
    const y = rec.node('MaxPool', [x.handle], attrs);
    const offset =
      p.kernel[0] === 2 && convWindowPlanes && x.shape[1]! % CONV_PLANES_CHANNEL_MULTIPLE === 0
        ? firstMaximumOfFour(rec, convWindowPlanesOf(rec, x), y, windowOffsets(x, 2))
        : spaceToDepthOffsets(rec, x, y, p.kernel[0], out);
    return { y, argmax: rec.node('Add', [offset, flatWindowBase(rec, x.shape, p.kernel[0], out)]) };
  }
  const [y, indices] = rec.nodeN('MaxPool', [x.handle], attrs, 2);
  return { y: y!, argmax: indices! };
}

/** Window position `ky·k + kx` → its offset `ky·W + kx` from the window's top-left input position. */
function windowOffsets(x: KernelInput<string>, k: number): number[] {
  const w = x.shape[3]!;
  return Array.from({ length: k * k }, (_, j) => Math.floor(j / k) * w + (j % k));
}

/** The flat input index of each `k×k` window's top-left position, `[N, C, oh, ow]` (broadcast). */
function flatWindowBase(rec: OnnxGraphRecorder, shape: Shape, k: number, out: Shape): string {
  const [n, c, h, w] = shape as [number, number, number, number];
  const [, , oh, ow] = out as [number, number, number, number];
  const range = (count: number, step: number) => Array.from({ length: count }, (_, i) => i * step);
  return [
    rec.int64Array(range(n, c * h * w), [n, 1, 1, 1]),
    rec.int64Array(range(c, h * w), [1, c, 1, 1]),
    rec.int64Array(range(oh, k * w), [1, 1, oh, 1]),
    rec.int64Array(range(ow, k), [1, 1, 1, ow]),
  ].reduce((a, b) => rec.node('Add', [a, b]));
}

/**
 * The first three planes `[N, C, oh, ow]` of 2×2 windows in row-major position order (all that
 * {@link firstMaximumOfFour} compares), each a depthwise `Conv` (stride 2) whose kernel is 1 at
 * that position and 0 elsewhere.
 */
function convWindowPlanesOf(rec: OnnxGraphRecorder, x: KernelInput<string>): string[] {
  const c = x.shape[1]!;
  return [0, 1, 2].map((j) =>
    rec.node('Conv', [x.handle, rec.constant(oneHotKernel(c, j), [c, 1, 2, 2])], {
      kernel_shape: [2, 2],
      strides: [2, 2],
      group: c,
    }),
  );
}

/**
 * One-hot 2×2 depthwise kernels by channel count and position, shared so that the recorder's
 * weight cache (by array identity) records each once per graph.
 */
const oneHotKernels = new Map<string, Float32Array>();

/** The `[C, 1, 2, 2]` kernel that is 1 at window position `j` of every channel, 0 elsewhere. */
function oneHotKernel(c: number, j: number): Float32Array {
  const key = `${c},${j}`;
  let kernel = oneHotKernels.get(key);
  if (!kernel) {
    kernel = new Float32Array(c * 4);
    for (let ch = 0; ch < c; ch++) kernel[ch * 4 + j] = 1;
    oneHotKernels.set(key, kernel);
  }
  return kernel;
}

/**
 * The first-maximum offsets `[N, C, oh, ow]` of the `k×k` windows of a square tiling from the
 * channel blocks of `SpaceToDepth(x)` (one per window position, row-major).
 */
function spaceToDepthOffsets(
  rec: OnnxGraphRecorder,
  x: KernelInput<string>,
  y: string,
  k: number,
  out: Shape,
): string {
  const [n, c, h, w] = x.shape as [number, number, number, number];
  const [, , oh, ow] = out as [number, number, number, number];
  let v = x.handle;
  if (oh * k !== h || ow * k !== w)
    v = rec.node('Slice', [
      v,
      rec.int64s([0, 0]),
      rec.int64s([oh * k, ow * k]),
      rec.int64s([2, 3]),
    ]);
  const blocks = rec.node('Reshape', [
    rec.node('SpaceToDepth', [v], { blocksize: k }),
    rec.int64s([n, k * k, c, oh, ow]),
  ]);
  const offsets = windowOffsets(x, k);
  return rec.node('Reshape', [
    k === 2
      ? firstMaximumOfFour(
          rec,
          rec.nodeN('Split', [blocks, rec.int64s([1, 1, 1, 1])], { axis: 1 }, 4),
          rec.node('Reshape', [y, rec.int64s([n, 1, c, oh, ow])]),
          offsets,
        )
      : rec.node('Gather', [
          rec.int64Array(offsets, [k * k]),
          rec.node('ArgMax', [blocks], { axis: 1, keepdims: 1 }),
        ]),
    rec.int64s([n, c, oh, ow]),
  ]);
}

/**
 * The offset of the first maximum of 2×2 windows given their planes (positions in row-major
 * order, offsets `[0, 1, W, W + 1]`; the last plane is never read): the first plane equal to
 * `y`, the windows' maximum (`MaxPool`'s own output, of the planes' shape; a maximum is one of
 * the window's values, so equality is exact), as a chain of `Where`s on float offsets from the
 * last candidate to the first, cast to int64 once. Equal values tie to the first position, as
 * DESIGN §2 requires. On the CPU provider these few elementwise operators take less time than a
 * pairwise tournament of comparisons (0.965× a LeNet gradient), or `ArgMax` over the window axis
 * plus a `Gather` of the offsets.
 */
function firstMaximumOfFour(
  rec: OnnxGraphRecorder,
  planes: readonly string[],
  y: string,
  offsets: readonly number[],
): string {
  const offset = (j: number) => rec.floatScalar(offsets[j]!);
  let first = offset(3);
  for (let j = 2; j >= 0; j--)
    first = rec.node('Where', [rec.node('Equal', [planes[j]!, y]), offset(j), first]);
  return rec.node('Cast', [first], { to: TensorDataType.INT64 });
}

/**
 * The adjoint of {@link nativeMaxPool2dGraph}: `dy` written at the flat indices of a zero input
 * (`MaxUnpool` where windows do not overlap, else a `ScatterElements` that adds).
 *
 * @example
 * ```ts
 * const dx = nativeMaxPool2dBackwardGraph(rec, { handle: dy, shape: [1, 1, 2, 2] }, indices, params, [1, 1, 4, 4]);
 * ```
 */
export function nativeMaxPool2dBackwardGraph(
  rec: OnnxGraphRecorder,
  dy: KernelInput<string>,
  indices: string,
  p: MaxPool2dParams,
  out: Shape,
): string {
  const overlapping = p.strides[0] < p.kernel[0] || p.strides[1] < p.kernel[1];
  if (!overlapping) {
    const dx = rec.node('MaxUnpool', [dy.handle, indices, rec.int64s(out)], {
      kernel_shape: [...p.kernel],
      strides: [...p.strides],
      pads: [...p.pads],
    });
    rec.declareShape(dx, out);
    return dx;
  }
  const flat = rec.int64s([-1]);
  const dx = rec.node(
    'ScatterElements',
    [
      rec.fill([out.reduce((a, b) => a * b, 1)], 0),
      rec.node('Reshape', [indices, flat]),
      rec.node('Reshape', [dy.handle, flat]),
    ],
    { axis: 0, reduction: { string: 'add' } },
  );
  return rec.node('Reshape', [dx, rec.int64s(out)]);
}

/**
 * Max pooling with an exact first-index arg-max: `y = ReduceMax(windows)`, and the selection
 * one-hot `[N, C, K, oh, ow]` is `isMax · (CumSum(isMax) = 1)` with `isMax = (windows = y)`.
 * The selection is the opaque arg-max handle consumed by {@link maxPool2dBackwardGraph}.
 *
 * @example
 * ```ts
 * const { y, argmax } = maxPool2dGraph(rec, { handle: 'x', shape: [1, 1, 4, 4] }, params, [1, 1, 2, 2]);
 * ```
 */
export function maxPool2dGraph(
  rec: OnnxGraphRecorder,
  x: KernelInput<string>,
  p: MaxPool2dParams,
  out: Shape,
): { y: string; argmax: string } {
  if (isTiling(p)) return tilingMaxPool(rec, x, p, out);
  const windows = extractWindows(rec, x, p, out);
  const max = rec.node('ReduceMax', [windows], { axes: [2], keepdims: 1 });
  const y = rec.node('Reshape', [max, rec.int64s(out)]);
  const isMax = rec.toFloat(rec.node('Equal', [windows, max]));
  const [n, c, oh, ow] = out as [number, number, number, number];
  const k = p.kernel[0] * p.kernel[1];
  const running = rec.cumsumNode({ handle: isMax, shape: [n, c, k, oh, ow] }, 2, false);
  const first = rec.toFloat(rec.node('Equal', [running, rec.floatScalar(1)]));
  return { y, argmax: rec.node('Mul', [isMax, first]) };
}

/**
 * Non-overlapping windows without a transpose: the input viewed as `[N, C, oh, kh, ow, kw]`
 * (cropped to whole windows), the maximum over axes 3 and 5, and the first maximum in row-major
 * window order: a maximum with no maximum in an earlier window row (exclusive CumSum over kh of
 * the per-row flags) and none earlier in its own row (exclusive CumSum over kw). The selection
 * keeps that 6-D layout.
 */
function tilingMaxPool(
  rec: OnnxGraphRecorder,
  x: KernelInput<string>,
  p: MaxPool2dParams,
  out: Shape,
): { y: string; argmax: string } {
  const [n, c, h, w] = x.shape as [number, number, number, number];
  const [, , oh, ow] = out as [number, number, number, number];
  const [kh, kw] = p.kernel;
  let v = x.handle;
  if (oh * kh !== h || ow * kw !== w)
    v = rec.node('Slice', [
      v,
      rec.int64s([0, 0]),
      rec.int64s([oh * kh, ow * kw]),
      rec.int64s([2, 3]),
    ]);
  const windowShape = [n, c, oh, kh, ow, kw];
  const windows = rec.node('Reshape', [v, rec.int64s(windowShape)]);
  const max = rec.node('ReduceMax', [windows], { axes: [3, 5], keepdims: 1 });
  const y = rec.node('Reshape', [max, rec.int64s(out)]);
  const isMax = rec.toFloat(rec.node('Equal', [windows, max]));
  const zero = rec.floatScalar(0);
  let first = isMax;
  if (kw > 1) {
    const earlierInRow = rec.cumsumNode({ handle: isMax, shape: windowShape }, 5, true);
    first = rec.node('Mul', [first, rec.toFloat(rec.node('Equal', [earlierInRow, zero]))]);
  }
  if (kh > 1) {
    const rowHasMax = rec.node('ReduceMax', [isMax], { axes: [5], keepdims: 1 });
    const rowShape = [n, c, oh, kh, ow, 1];
    const earlierRows = rec.cumsumNode({ handle: rowHasMax, shape: rowShape }, 3, true);
    first = rec.node('Mul', [first, rec.toFloat(rec.node('Equal', [earlierRows, zero]))]);
  }
  return { y, argmax: first };
}

/**
 * The adjoint of max pooling: `dy` routed to the selected position of each window and summed
 * into the input shape `out`. It is the exact transpose of the window extraction (reshapes,
 * zero pads and crops, adds), so it involves no arithmetic beyond adding the routed values.
 *
 * @example
 * ```ts
 * const dx = maxPool2dBackwardGraph(rec, { handle: dy, shape: [1, 1, 2, 2] }, argmax, params, [1, 1, 4, 4]);
 * ```
 */
export function maxPool2dBackwardGraph(
  rec: OnnxGraphRecorder,
  dy: KernelInput<string>,
  selection: string,
  p: MaxPool2dParams,
  out: Shape,
): string {
  const [n, c, h, w] = out as [number, number, number, number];
  const [, , oh, ow] = dy.shape as [number, number, number, number];
  const [kh, kw] = p.kernel;
  const k = kh * kw;
  if (isTiling(p)) {
    const routed = rec.node('Mul', [
      selection,
      rec.node('Reshape', [dy.handle, rec.int64s([n, c, oh, 1, ow, 1])]),
    ]);
    const tiled = rec.node('Reshape', [routed, rec.int64s([n, c, oh * kh, ow * kw])]);
    return rec.cropAndExtend(tiled, [oh * kh, ow * kw], [0, 0], [h, w]);
  }
  const routed = rec.node('Mul', [
    selection,
    rec.node('Reshape', [dy.handle, rec.int64s([n, c, 1, oh, ow])]),
  ]);
  const [sh, sw] = p.strides;
  const parts: string[] = [];
  for (let ky = 0; ky < kh; ky++) {
    for (let kx = 0; kx < kw; kx++) {
      const j = ky * kw + kx;
      let v =
        k === 1
          ? routed
          : rec.node('Slice', [routed, rec.int64s([j]), rec.int64s([j + 1]), rec.int64s([2])]);
      // Spread the [oh, ow] grid to stride spacing: value (oy, ox) lands at (oy·sh, ox·sw).
      if (sh > 1 || sw > 1) {
        v = rec.node('Reshape', [v, rec.int64s([n, c, oh, 1, ow, 1])]);
        v = rec.node('Pad', [v, rec.int64s([0, 0, 0, 0, 0, 0, 0, 0, 0, sh - 1, 0, sw - 1])]);
      }
      v = rec.node('Reshape', [v, rec.int64s([n, c, oh * sh, ow * sw])]);
      // Window offset (ky·dh, kx·dw) in the padded frame; the input starts at (pt, pl) there.
      const begin = [p.pads[0] - ky * p.dilations[0], p.pads[1] - kx * p.dilations[1]];
      parts.push(rec.cropAndExtend(v, [oh * sh, ow * sw], begin, [h, w]));
    }
  }
  return rec.sumValues(parts);
}
