import { intAttr, intsAttr } from '../attributes.js';
import { floatParam } from '../params.js';
import { window2d } from '../window.js';
import type { OpMapper } from './op-mapper.js';

/**
 * `Conv` → `conv2d` with group, strides, dilations, pads or auto_pad; W and B constant. 2-D on
 * `[N, C, H, W]`; 1-D on `[N, C, L]` runs as a 2-D conv on `[C, 1, L]` between two reshapes.
 *
 * @example
 * ```ts
 * conv(ctx, node); // → { op: 'conv2d', attrs: { strides, pads, dilations, groups } }
 * ```
 */
export const conv: OpMapper = (ctx, node) => {
  const x = ctx.dynamicInput(node, 0);
  const rank = x.shape.length - 1;
  if (rank !== 1 && rank !== 2)
    return ctx.unsupported(
      node,
      `only 1-D and 2-D convolution are supported, got input [N, ${x.shape.join(', ')}]`,
    );
  const w = floatParam(ctx, node, ctx.constInput(node, 1, 'W'), 'W');
  if (w.shape.length !== rank + 2)
    ctx.invalid(
      node,
      `W must be [M, C/group, ${rank === 2 ? 'kH, kW' : 'k'}], got [${w.shape.join(', ')}]`,
    );
  const k: [number, number] = rank === 2 ? [w.shape[2]!, w.shape[3]!] : [1, w.shape[2]!];
  const kernel = intsAttr(node, 'kernel_shape', w.shape.slice(2));
  if (kernel.join(',') !== w.shape.slice(2).join(','))
    ctx.invalid(node, `kernel_shape [${kernel.join(', ')}] does not match W`);
  const b = ctx.optionalConst(node, 2, 'B');
  const hw: [number, number] = rank === 2 ? [x.shape[1]!, x.shape[2]!] : [1, x.shape[1]!];
  const win = window2d(ctx, node, hw, k, rank);
  const attrs = {
    strides: win.strides,
    pads: win.pads,
    dilations: win.dilations,
    groups: intAttr(node, 'group', 1),
  };
  const weight =
    rank === 2 ? w : { data: w.data, shape: [w.shape[0]!, w.shape[1]!, 1, w.shape[2]!] };
  const params = { weight, ...(b ? { bias: floatParam(ctx, node, b, 'B') } : {}) };
  if (rank === 2) {
    ctx.setOutput(node, 0, ctx.emit(node, 'conv2d', [x], attrs, params));
    return;
  }
  const as2d = ctx.emit(node, 'reshape', [x], { shape: [x.shape[0]!, 1, x.shape[1]!] }, {}, 'as2d');
  const y = ctx.emit(node, 'conv2d', [as2d], attrs, params);
  ctx.setOutput(
    node,
    0,
    ctx.emit(node, 'reshape', [y], { shape: [y.shape[0]!, y.shape[2]!] }, {}, 'as1d'),
  );
};
