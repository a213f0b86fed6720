import { floatAttr, intsAttr, stringAttr } from '../attributes.js';
import type { OpMapper } from './op-mapper.js';

/**
 * `Pad` (constant mode, zero value) → `pad`; the core pass folds spatial zero padding into a following conv.
 *
 * @example
 * ```ts
 * pad(ctx, node); // pads [0, 0, 1, 1, 0, 0, 1, 1] on [N, C, H, W] → { op: 'pad', attrs: { pads: [[0, 0], [1, 1], [1, 1]] } }
 * ```
 */
export const pad: OpMapper = (ctx, node) => {
  const x = ctx.dynamicInput(node, 0);
  const rank = x.shape.length + 1;
  const mode = stringAttr(node, 'mode', 'constant');
  if (mode !== 'constant')
    ctx.unsupported(
      node,
      `mode '${mode}' is not supported; only constant (zero) padding is linear without reading the input`,
    );
  let pads: number[];
  let value: number;
  let axes = Array.from({ length: rank }, (_, i) => i);
  if (ctx.opset < 11) {
    pads = intsAttr(node, 'pads', []);
    value = floatAttr(node, 'value', 0);
  } else {
    pads = ctx.ints(node, ctx.constInput(node, 1, 'pads'), 'pads');
    const v = ctx.optionalConst(node, 2, 'constant_value');
    value = v ? (v.data[0] ?? 0) : 0;
    const a = ctx.optionalConst(node, 3, 'axes');
    if (a) axes = ctx.ints(node, a, 'axes').map((d) => (d < 0 ? d + rank : d));
  }
  if (value !== 0)
    ctx.unsupported(
      node,
      `padding with the nonzero value ${value} is not supported; only zero padding`,
    );
  if (pads.length !== 2 * axes.length)
    ctx.invalid(node, `pads needs ${2 * axes.length} values, got ${pads.length}`);
  const perAxis: [number, number][] = x.shape.map(() => [0, 0]);
  axes.forEach((axis, k) => {
    const before = pads[k]!;
    const after = pads[k + axes.length]!;
    if (before < 0 || after < 0)
      ctx.unsupported(node, `negative pads (cropping) [${pads.join(', ')}] are not supported`);
    if (axis === 0) {
      if (before !== 0 || after !== 0)
        ctx.unsupported(
          node,
          'padding the batch axis (axis 0) adds examples; biasprop keeps axis 0 as the batch axis',
        );
      return;
    }
    perAxis[axis - 1] = [before, after];
  });
  if (perAxis.every(([b, e]) => b === 0 && e === 0)) ctx.setOutput(node, 0, x);
  else ctx.setOutput(node, 0, ctx.emit(node, 'pad', [x], { pads: perAxis }));
};
