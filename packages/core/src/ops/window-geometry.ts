import type { NodeSpec } from '../ir/types.js';
import { numbersAttr, boolAttr } from './node-access.js';

/** Resolved geometry of a 2-D sliding window (conv or pooling) on an `[H, W]` input. */
export interface WindowGeometry {
  readonly kernel: [number, number];
  readonly strides: [number, number];
  readonly dilations: [number, number];
  /** The node's own pads `[top, left, bottom, right]`. */
  readonly pads: [number, number, number, number];
  /** Pads including the extra bottom/right rows that ceil mode needs. */
  readonly effectivePads: [number, number, number, number];
  readonly out: [number, number];
}

function axisOut(
  size: number,
  k: number,
  s: number,
  pb: number,
  pe: number,
  d: number,
  ceil: boolean,
): [number, number] {
  const span = size + pb + pe - d * (k - 1) - 1;
  let out = (ceil ? Math.ceil(span / s) : Math.floor(span / s)) + 1;
  // The last window must start inside the input or its leading padding (PyTorch and ONNX Runtime).
  if (ceil && (out - 1) * s >= size + pb) out--;
  const extra = Math.max(0, (out - 1) * s + d * (k - 1) + 1 - (size + pb + pe));
  return [out, extra];
}

/**
 * Reads `kernel`, `strides`, `pads`, `dilations` and `ceilMode` attributes and resolves the output size.
 */
export function windowGeometry(
  node: NodeSpec,
  hw: readonly [number, number],
  kernel: readonly [number, number],
  fail: (m: string) => never,
): WindowGeometry {
  const strides = numbersAttr(node, 'strides', [1, 1]) as [number, number];
  const dilations = numbersAttr(node, 'dilations', [1, 1]) as [number, number];
  const pads = numbersAttr(node, 'pads', [0, 0, 0, 0]) as [number, number, number, number];
  const ceil = boolAttr(node, 'ceilMode', false);
  if (strides.length !== 2 || dilations.length !== 2 || pads.length !== 4) {
    fail('strides and dilations need 2 values, pads 4 ([top, left, bottom, right])');
  }
  if ([...strides, ...dilations, ...kernel].some((v) => !Number.isInteger(v) || v < 1)) {
    fail('kernel, strides and dilations must be positive integers');
  }
  if (pads.some((v) => !Number.isInteger(v) || v < 0)) fail('pads must be non-negative integers');
  const [oh, eh] = axisOut(hw[0], kernel[0], strides[0], pads[0], pads[2], dilations[0], ceil);
  const [ow, ew] = axisOut(hw[1], kernel[1], strides[1], pads[1], pads[3], dilations[1], ceil);
  if (oh < 1 || ow < 1) fail(`window ${kernel.join('x')} does not fit the input ${hw.join('x')}`);
  return {
    kernel: [kernel[0], kernel[1]],
    strides,
    dilations,
    pads,
    effectivePads: [pads[0], pads[1], pads[2] + eh, pads[3] + ew],
    out: [oh, ow],
  };
}
