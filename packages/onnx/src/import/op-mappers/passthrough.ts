import { intAttr } from '../attributes.js';
import type { OpMapper } from './op-mapper.js';

/**
 * `Identity`: the output is the input.
 *
 * @example
 * ```ts
 * identity(ctx, node); // the output aliases the input
 * ```
 */
export const identity: OpMapper = (ctx, node) => ctx.setOutput(node, 0, ctx.dynamicInput(node, 0));

/**
 * `Dropout` at inference: the identity; refuses the mask output and training mode.
 *
 * @example
 * ```ts
 * dropout(ctx, node); // the output aliases the input
 * ```
 */
export const dropout: OpMapper = (ctx, node) => {
  if ((node.output?.length ?? 0) > 1 && node.output![1] !== '')
    ctx.unsupported(node, 'the mask output of Dropout is not supported');
  const training = ctx.opset >= 12 ? ctx.optionalConst(node, 2, 'training_mode') : undefined;
  if (
    (training && training.data[0] !== 0) ||
    (ctx.opset < 7 && intAttr(node, 'is_test', 0) === 0)
  ) {
    ctx.unsupported(node, 'Dropout in training mode is random; export the model in eval mode');
  }
  ctx.setOutput(node, 0, ctx.dynamicInput(node, 0));
};

/**
 * `Cast` of an input-dependent tensor to float32 or float64: the identity (the IR computes in the
 * backend's precision). Casts to 16-bit floats (a rounding) or to other types are refused.
 *
 * @example
 * ```ts
 * cast(ctx, node); // Cast(x, to=FLOAT) aliases x
 * ```
 */
export const cast: OpMapper = (ctx, node) => {
  const to = intAttr(node, 'to', 1);
  if (to !== 1 && to !== 11)
    ctx.unsupported(
      node,
      `Cast of an input-dependent tensor to data type ${to} is not supported; only to float32 (1) or float64 (11)`,
    );
  ctx.setOutput(node, 0, ctx.dynamicInput(node, 0));
};
