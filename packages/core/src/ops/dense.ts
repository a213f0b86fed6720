import type { Tensor } from '../backend/tensor.js';
import { sizeOf } from '../tensor/shape.js';
import { requireParam } from './node-access.js';
import type { OpRule } from './op-rule.js';
import { hasZeros, isAllOnes, weightVariant } from './weight-variants.js';

interface DenseState {
  readonly x: Tensor;
}

/**
 * `dense`: `y = x · W + b` on a vector input. Params: `weight` `[in, out]`, optional `bias` `[out]`.
 * A layer (learned affine map).
 */
export const denseOp: OpRule<DenseState> = {
  kind: 'dense',
  linearity: 'linear',
  definesLayer: true,
  inferShape(node, [x], fail) {
    const w = requireParam(node, 'weight', fail);
    if (w.shape.length !== 2) fail(`weight must be [in, out], got [${w.shape.join(', ')}]`);
    if (x!.length !== 1 || x![0] !== w.shape[0]) {
      fail(
        `input of shape [${x!.join(', ')}] does not match weight [${w.shape.join(', ')}] (flatten first)`,
      );
    }
    const b = node.params?.bias;
    if (b && sizeOf(b.shape) !== w.shape[1])
      fail(`bias has ${sizeOf(b.shape)} values for ${w.shape[1]} units`);
    return [w.shape[1]!];
  },
  forward({ ops, node }, [x]) {
    const w = node.params.weight!;
    let y = ops.matMul(x!, ops.weight(w.data, w.shape));
    const b = node.params.bias;
    if (b) y = ops.add(y, ops.weight(b.data, [1, w.shape[1]!]));
    return { y, state: { x: x! } };
  },
  vjp({ ops, node }, _s, g) {
    const w = node.params.weight!;
    return [ops.matMul(g, ops.weight(w.data, w.shape), false, true)];
  },
  tangent({ ops, node }, _s, [dx]) {
    const w = node.params.weight!;
    return ops.matMul(dx!, ops.weight(w.data, w.shape));
  },
  bias({ ops, node }) {
    const b = node.params.bias;
    return b ? ops.weight(b.data, [1, b.data.length]) : null;
  },
  linearMap({ ops, node }, { x }) {
    const w = node.params.weight!;
    const v = (variant: Parameters<typeof weightVariant>[1]) =>
      ops.weight(weightVariant(w.data, variant), w.shape);
    return {
      kind: 'general',
      hasZeroWeights: hasZeros(w.data),
      blocks: [
        {
          h: x,
          // An all-ones variant maps every unit to the sum of its input: no matrix product needed.
          apply: (t, variant) =>
            isAllOnes(w.data, variant)
              ? ops.mul(ops.sum(t, [1], true), ops.fill([1, w.shape[1]!], 1))
              : ops.matMul(t, v(variant)),
          applyTransposed: (t, variant) =>
            isAllOnes(w.data, variant)
              ? ops.mul(ops.sum(t, [1], true), ops.fill([1, w.shape[0]!], 1))
              : ops.matMul(t, v(variant), false, true),
        },
      ],
    };
  },
};
