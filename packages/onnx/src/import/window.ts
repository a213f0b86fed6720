import type { NodeProto } from '../proto/onnx-proto.js';
import { intAttr, intsAttr, stringAttr } from './attributes.js';
import type { ImportContext } from './import-context.js';

/** Resolved window attributes of a 2-D Conv or pooling node, in the IR's terms. */
export interface Window2d {
  readonly strides: [number, number];
  readonly dilations: [number, number];
  /** `[top, left, bottom, right]` (ONNX's own order for 2-D). */
  readonly pads: [number, number, number, number];
  readonly ceilMode: boolean;
}

/**
 * Reads `strides`, `dilations`, `pads`, `auto_pad` and `ceil_mode` of a 2-D window op and turns
 * `auto_pad` (`SAME_UPPER`, `SAME_LOWER`, `VALID`) into explicit pads for the input size. A 1-D
 * window (`spatialRank = 1`, input `[C, L]` seen as `[C, 1, L]`, `hw = [1, L]`, `kernel = [1, k]`)
 * is returned as the equivalent 2-D window.
 *
 * @example
 * ```ts
 * const w = window2d(ctx, node, [28, 28], [3, 3]); // { strides: [1, 1], pads: [1, 1, 1, 1], ... }
 * ```
 */
export function window2d(
  ctx: ImportContext,
  node: NodeProto,
  hw: readonly [number, number],
  kernel: readonly [number, number],
  spatialRank: 1 | 2 = 2,
): Window2d {
  let strides = intsAttr(node, 'strides', spatialRank === 2 ? [1, 1] : [1]);
  let dilations = intsAttr(node, 'dilations', spatialRank === 2 ? [1, 1] : [1]);
  let pads = intsAttr(node, 'pads', spatialRank === 2 ? [0, 0, 0, 0] : [0, 0]);
  if (
    strides.length !== spatialRank ||
    dilations.length !== spatialRank ||
    pads.length !== 2 * spatialRank
  ) {
    ctx.invalid(
      node,
      `strides and dilations need ${spatialRank} values and pads ${2 * spatialRank} for a ${spatialRank}-D window`,
    );
  }
  if (spatialRank === 1) {
    // A 1-D window on [C, L] runs as a 2-D window on [C, 1, L].
    strides = [1, strides[0]!];
    dilations = [1, dilations[0]!];
    pads = [0, pads[0]!, 0, pads[1]!];
  }
  let ceilMode = intAttr(node, 'ceil_mode', 0) === 1;
  const autoPad = stringAttr(node, 'auto_pad', 'NOTSET');
  if (autoPad === 'VALID') {
    pads = [0, 0, 0, 0];
  } else if (autoPad === 'SAME_UPPER' || autoPad === 'SAME_LOWER') {
    const begin: number[] = [];
    const end: number[] = [];
    for (let a = 0; a < 2; a++) {
      const out = Math.ceil(hw[a]! / strides[a]!);
      const total = Math.max(
        0,
        (out - 1) * strides[a]! + (kernel[a]! - 1) * dilations[a]! + 1 - hw[a]!,
      );
      const small = Math.floor(total / 2);
      begin.push(autoPad === 'SAME_UPPER' ? small : total - small);
      end.push(autoPad === 'SAME_UPPER' ? total - small : small);
    }
    pads = [begin[0]!, begin[1]!, end[0]!, end[1]!];
    ceilMode = false;
  } else if (autoPad !== 'NOTSET') {
    ctx.invalid(node, `unknown auto_pad '${autoPad}'`);
  }
  if (pads.some((p) => p < 0))
    ctx.unsupported(node, `negative pads [${pads.join(', ')}] are not supported`);
  return {
    strides: [strides[0]!, strides[1]!],
    dilations: [dilations[0]!, dilations[1]!],
    pads: [pads[0]!, pads[1]!, pads[2]!, pads[3]!],
    ceilMode,
  };
}
