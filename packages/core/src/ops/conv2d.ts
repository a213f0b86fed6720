import type { Conv2dParams } from '../backend/kernels.js';
import type { Tensor } from '../backend/tensor.js';
import type { IRNode } from '../ir/types.js';
import { sizeOf } from '../tensor/shape.js';
import { numberAttr, requireParam } from './node-access.js';
import type { MapVariant, OpRule, RuleContext } from './op-rule.js';
import { windowGeometry } from './window-geometry.js';
import {
  onesKernelConv2d,
  onesKernelConv2dTranspose,
  onesKernelConvPays,
} from './ones-kernel-conv.js';
import { hasZeros, isAllOnes, weightVariant } from './weight-variants.js';

interface ConvState {
  readonly x: Tensor;
  readonly params: Conv2dParams;
}

function convParams(node: IRNode, inputShape: readonly number[]): Conv2dParams {
  const w = node.params.weight!;
  const g = windowGeometry(
    node,
    [inputShape[1]!, inputShape[2]!],
    [w.shape[2]!, w.shape[3]!],
    (m) => {
      throw new Error(m);
    },
  );
  return {
    strides: g.strides,
    pads: g.effectivePads,
    dilations: g.dilations,
    groups: numberAttr(node, 'groups', 1),
  };
}

/**
 * `conv2d` on NCHW input: weight `[outChannels, inChannels / groups, kh, kw]`, optional `bias`
 * `[outChannels]`; attributes `strides`, `pads` `[top, left, bottom, right]`, `dilations`, `groups`
 * (depthwise: `groups = inChannels`). A layer.
 */
export const conv2dOp: OpRule<ConvState> = {
  kind: 'conv2d',
  linearity: 'linear',
  definesLayer: true,
  inferShape(node, [x], fail) {
    const w = requireParam(node, 'weight', fail);
    if (w.shape.length !== 4)
      fail(`weight must be [O, C/groups, kh, kw], got [${w.shape.join(', ')}]`);
    if (x!.length !== 3) fail(`input must be [C, H, W], got [${x!.join(', ')}]`);
    const groups = numberAttr(node, 'groups', 1);
    const [o, cg] = w.shape as [number, number];
    if (!Number.isInteger(groups) || groups < 1 || cg * groups !== x![0] || o % groups !== 0) {
      fail(
        `weight [${w.shape.join(', ')}] with groups=${groups} does not fit ${x![0]} input channels`,
      );
    }
    const b = node.params?.bias;
    if (b && sizeOf(b.shape) !== o) fail(`bias has ${sizeOf(b.shape)} values for ${o} channels`);
    const g = windowGeometry(node, [x![1]!, x![2]!], [w.shape[2]!, w.shape[3]!], fail);
    return [o, g.out[0], g.out[1]];
  },
  forward({ ops, node, inputShapes }, [x]) {
    const w = node.params.weight!;
    const params = convParams(node, inputShapes[0]!);
    let y = ops.conv2d(x!, ops.weight(w.data, w.shape), params);
    const b = node.params.bias;
    if (b) y = ops.add(y, ops.weight(b.data, [1, w.shape[0]!, 1, 1]));
    return { y, state: { x: x!, params } };
  },
  vjp({ ops, node }, { x, params }, g) {
    const w = node.params.weight!;
    return [ops.conv2dTranspose(g, ops.weight(w.data, w.shape), params, x.shape)];
  },
  tangent({ ops, node }, { params }, [dx]) {
    const w = node.params.weight!;
    return ops.conv2d(dx!, ops.weight(w.data, w.shape), params);
  },
  bias({ ops, node }) {
    const b = node.params.bias;
    return b ? ops.weight(b.data, [1, b.data.length, 1, 1]) : null;
  },
  linearMap(ctx: RuleContext, { x, params }) {
    const { ops, node } = ctx;
    const w = node.params.weight!;
    const v = (variant: MapVariant) => ops.weight(weightVariant(w.data, variant), w.shape);
    // An all-ones variant (connectivity; the non-zero indicator of a weight without zeros) is a
    // window sum of channel sums: far cheaper than a conv over every channel pair.
    const onesForm = (variant: MapVariant) =>
      onesKernelConvPays(w.shape, params.groups) && isAllOnes(w.data, variant);
    return {
      kind: 'general',
      hasZeroWeights: hasZeros(w.data),
      blocks: [
        {
          h: x,
          apply: (t, variant) =>
            onesForm(variant)
              ? onesKernelConv2d(ops, t, w.shape, params)
              : ops.conv2d(t, v(variant), params),
          applyTransposed: (t, variant) => {
            const out = [t.shape[0]!, ...x.shape.slice(1)];
            return onesForm(variant)
              ? onesKernelConv2dTranspose(ops, t, w.shape, params, out)
              : ops.conv2dTranspose(t, v(variant), params, out);
          },
        },
      ],
    };
  },
};
