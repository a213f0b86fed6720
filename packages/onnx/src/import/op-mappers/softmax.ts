import { intAttr } from '../attributes.js';
import type { OpMapper } from './op-mapper.js';

function softmaxLike(op: 'softmax' | 'logSoftmax'): OpMapper {
  return (ctx, node) => {
    const x = ctx.dynamicInput(node, 0);
    const rank = x.shape.length + 1;
    let axis = intAttr(node, 'axis', ctx.opset >= 13 ? -1 : 1);
    if (axis < 0) axis += rank;
    // Before opset 13 the input is coerced to 2-D at `axis`: the same as the last axis only when
    // `axis` is the last axis.
    if (axis !== rank - 1) {
      ctx.unsupported(
        node,
        `${node.op_type ?? op} over axis ${axis} of [N, ${x.shape.join(', ')}] is not supported; only the last axis (as a final classifier layer, which is removed and the logits explained)`,
      );
    }
    ctx.setOutput(node, 0, ctx.emit(node, op, [x], { axis: -1 }));
  };
}

/**
 * `Softmax` over the last axis → `softmax` (removed by prepareGraph when final).
 *
 * @example
 * ```ts
 * softmax(ctx, node); // → { op: 'softmax', attrs: { axis: -1 } }
 * ```
 */
export const softmax = softmaxLike('softmax');
/**
 * `LogSoftmax` over the last axis → `logSoftmax` (removed by prepareGraph when final).
 *
 * @example
 * ```ts
 * logSoftmax(ctx, node); // → { op: 'logSoftmax', attrs: { axis: -1 } }
 * ```
 */
export const logSoftmax = softmaxLike('logSoftmax');
