import type { Tensor } from '../backend/tensor.js';
import type { AttrValue } from '../ir/types.js';
import { sizeOf } from '../tensor/shape.js';
import { numberAttr, numbersAttr } from './node-access.js';
import type { OpRule } from './op-rule.js';

/** Rule of an op that only moves values: its vjp and its BBp routing are the same map. */
function movingRule<S>(spec: {
  kind: string;
  inferShape: OpRule<S>['inferShape'];
  forward: OpRule<S>['forward'];
  back: (ctx: Parameters<OpRule<S>['vjp']>[0], s: S, t: Tensor) => (Tensor | null)[];
}): OpRule<S> {
  return {
    kind: spec.kind,
    linearity: 'linear',
    inferShape: spec.inferShape,
    forward: spec.forward,
    vjp: spec.back,
    bias: () => null,
    linearMap: (ctx, s) => ({ kind: 'routing', route: (beta) => spec.back(ctx, s, beta) }),
  };
}

/** `identity` (also Dropout at inference). */
export const identityOp = movingRule<null>({
  kind: 'identity',
  inferShape: (_n, [x]) => x!,
  forward: (_c, [x]) => ({ y: x!, state: null }),
  back: (_c, _s, t) => [t],
});

/** `reshape` to attribute `shape` (per example; one entry may be -1). Flatten is `shape: [-1]`. */
export const reshapeOp = movingRule<null>({
  kind: 'reshape',
  inferShape(node, [x], fail) {
    const target = numbersAttr(node, 'shape', []);
    const n = sizeOf(x!);
    const known = target.filter((d) => d !== -1).reduce((a, b) => a * b, 1);
    const free = target.filter((d) => d === -1).length;
    if (free > 1 || target.some((d) => d === 0 || d < -1))
      fail(`invalid target shape [${target.join(', ')}]`);
    const out = target.map((d) => (d === -1 ? n / known : d));
    if (sizeOf(out) !== n || !out.every(Number.isInteger)) {
      fail(`cannot reshape [${x!.join(', ')}] to [${target.join(', ')}]`);
    }
    return out;
  },
  forward: ({ ops, node }, [x]) => ({
    y: ops.reshape(x!, [x!.shape[0]!, ...node.shape]),
    state: null,
  }),
  back: ({ ops, inputShapes }, _s, t) => [ops.reshape(t, [t.shape[0]!, ...inputShapes[0]!])],
});

/** `transpose` by attribute `perm`, a permutation of the per-example axes (NHWC→NCHW is `[2, 0, 1]`). */
export const transposeOp = movingRule<null>({
  kind: 'transpose',
  inferShape(node, [x], fail) {
    const perm = numbersAttr(node, 'perm', []);
    const sorted = [...perm].sort((a, b) => a - b);
    if (perm.length !== x!.length || sorted.some((v, i) => v !== i)) {
      fail(`perm [${perm.join(', ')}] is not a permutation of ${x!.length} axes`);
    }
    return perm.map((p) => x![p]!);
  },
  forward: ({ ops, node }, [x]) => {
    const perm = numbersAttr(node, 'perm', []);
    return { y: ops.transpose(x!, [0, ...perm.map((p) => p + 1)]), state: null };
  },
  back: ({ ops, node }, _s, t) => {
    const perm = numbersAttr(node, 'perm', []);
    const inverse = new Array<number>(perm.length);
    perm.forEach((p, i) => (inverse[p] = i));
    return [ops.transpose(t, [0, ...inverse.map((p) => p + 1)])];
  },
});

function padsOf(v: AttrValue | undefined, rank: number): [number, number][] | null {
  if (!Array.isArray(v) || v.length !== rank) return null;
  const out: [number, number][] = [];
  for (const p of v as unknown[]) {
    if (
      !Array.isArray(p) ||
      p.length !== 2 ||
      !p.every((e) => Number.isInteger(e) && (e as number) >= 0)
    )
      return null;
    out.push([p[0] as number, p[1] as number]);
  }
  return out;
}

/**
 * `pad` with zeros; attribute `pads`: `[before, after]` per per-example axis. BBp that reaches a
 * padded position has no input to go to; fold spatial zero padding into the following conv with
 * the `foldZeroPad` pass so none is lost.
 */
export const padOp = movingRule<[number, number][]>({
  kind: 'pad',
  inferShape(node, [x], fail) {
    const pads =
      padsOf(node.attrs?.pads, x!.length) ??
      fail(
        `attribute 'pads' needs [before, after] non-negative integers for each of ${x!.length} axes`,
      );
    return x!.map((d, i) => d + pads[i]![0] + pads[i]![1]);
  },
  forward: ({ ops, node, inputShapes }, [x]) => {
    const pads = padsOf(node.attrs.pads, inputShapes[0]!.length)!;
    return { y: ops.pad(x!, [[0, 0], ...pads]), state: pads };
  },
  back: ({ ops, inputShapes }, pads, t) => [
    ops.slice(t, [0, ...pads.map((p) => p[0])], [t.shape[0]!, ...inputShapes[0]!]),
  ],
});

/** `concat` along attribute `axis` (a per-example axis). */
export const concatOp = movingRule<null>({
  kind: 'concat',
  inferShape(node, shapes, fail) {
    const axis = numberAttr(node, 'axis', 0);
    const first = shapes[0]!;
    if (axis < 0 || axis >= first.length)
      fail(`axis ${axis} out of range for rank ${first.length}`);
    for (const s of shapes) {
      if (s.length !== first.length || s.some((d, i) => i !== axis && d !== first[i])) {
        fail(
          `inputs ${shapes.map((x) => `[${x.join(', ')}]`).join(', ')} differ outside axis ${axis}`,
        );
      }
    }
    return first.map((d, i) => (i === axis ? shapes.reduce((a, s) => a + s[axis]!, 0) : d));
  },
  forward: ({ ops, node }, xs) => ({
    y: ops.concat(xs, numberAttr(node, 'axis', 0) + 1),
    state: null,
  }),
  back: ({ ops, node, inputShapes }, _s, t) => {
    const axis = numberAttr(node, 'axis', 0);
    let offset = 0;
    return inputShapes.map((shape) => {
      const begin = [0, ...shape.map((_, i) => (i === axis ? offset : 0))];
      offset += shape[axis]!;
      return ops.slice(t, begin, [t.shape[0]!, ...shape]);
    });
  },
});

interface SoftmaxState {
  readonly kind: string;
}

function softmaxRule(kind: 'softmax' | 'logSoftmax'): OpRule<SoftmaxState> {
  const notLinearizable = (): never => {
    throw new Error(
      `${kind} is only supported as the final node, where it is removed and the logits are explained`,
    );
  };
  return {
    kind,
    linearity: 'smooth',
    inferShape(node, [x], fail) {
      const axis = numberAttr(node, 'axis', -1);
      if (axis !== -1 && axis !== x!.length - 1) fail('only the last axis is supported');
      return x!;
    },
    forward({ ops }, [x]) {
      const shifted = ops.sub(x!, ops.max(x!, [-1], true));
      const logZ = ops.log(ops.sum(ops.exp(shifted), [-1], true));
      const logP = ops.sub(shifted, logZ);
      return { y: kind === 'softmax' ? ops.exp(logP) : logP, state: { kind } };
    },
    vjp: notLinearizable,
    bias: notLinearizable,
    linearMap: notLinearizable,
  };
}

/** `softmax` over the last axis; allowed only as the final node (the `removeFinalSoftmax` pass drops it). */
export const softmaxOp = softmaxRule('softmax');
/** `logSoftmax` over the last axis; allowed only as the final node. */
export const logSoftmaxOp = softmaxRule('logSoftmax');
