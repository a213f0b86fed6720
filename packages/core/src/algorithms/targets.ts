import type { Ops } from '../backend/ops.js';
import type { Tensor } from '../backend/tensor.js';
import { BiaspropError } from '../errors.js';
import type { HostTensor } from '../tensor/host-tensor.js';

/**
 * What to explain for one example: a class index, `'pred'` (the predicted class, the default), or
 * a contrast `{ contrast: [t, s] }` meaning logit t minus logit s (the log-odds of t against s for
 * a softmax classifier).
 */
export type Target =
  | number
  | 'pred'
  | {
      /** `[t, s]`: explain logit t minus logit s. */
      readonly contrast: readonly [number, number];
    };

/** Host inputs that encode the readout vectors `r` of a batch. */
export interface ReadoutInputs {
  /** Explicit readout rows `[N, K]` (zero rows where the prediction is used). */
  readonly readout: HostTensor;
  /** `[N, 1]`: 1 where the row is the predicted class. */
  readonly usePredicted: HostTensor;
}

/** Validates targets and encodes them as program inputs. */
export function encodeTargets(
  targets: Target | readonly Target[] | undefined,
  batch: number,
  classes: number,
): ReadoutInputs {
  const list: readonly Target[] = Array.isArray(targets)
    ? targets
    : Array.from({ length: batch }, () => (targets ?? 'pred') as Target);
  if (list.length !== batch) {
    throw new BiaspropError(
      'INVALID_OPTION',
      `${list.length} targets for a batch of ${batch} inputs`,
    );
  }
  const readout = new Float64Array(batch * classes);
  const usePredicted = new Float64Array(batch);
  const check = (c: number, i: number): number => {
    if (!Number.isInteger(c) || c < 0 || c >= classes) {
      throw new BiaspropError(
        'TARGET_OUT_OF_RANGE',
        `target class ${c} of example ${i} is out of range: the model has ${classes} outputs (0..${classes - 1})`,
      );
    }
    return c;
  };
  list.forEach((t, i) => {
    if (t === 'pred') usePredicted[i] = 1;
    else if (typeof t === 'number') readout[i * classes + check(t, i)] = 1;
    else {
      const [a, b] = t.contrast;
      if (check(a, i) === check(b, i))
        throw new BiaspropError(
          'INVALID_OPTION',
          `contrast of example ${i} compares class ${a} with itself`,
        );
      readout[i * classes + a] = 1;
      readout[i * classes + b] = -1;
    }
  });
  return {
    readout: { data: readout, shape: [batch, classes] },
    usePredicted: { data: usePredicted, shape: [batch, 1] },
  };
}

/** Per row of `[N, K]` logits, the index of the first maximum (the predicted class). */
export function firstMaxPerRow(t: HostTensor): number[] {
  const [n, k] = t.shape as [number, number];
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    let best = 0;
    for (let j = 1; j < k; j++) if (t.data[i * k + j]! > t.data[i * k + best]!) best = j;
    out.push(best);
  }
  return out;
}

/** One-hot of the first maximum along the last axis (ties to the first index). */
export function firstMaxMask(ops: Ops, y: Tensor): Tensor {
  const isMax = ops.equal(y, ops.max(y, [-1], true));
  return ops.mul(isMax, ops.equal(ops.cumsum(isMax, -1), 1));
}

/** The readout `r` inside a program: explicit rows, or the predicted class where requested. */
export function resolveReadout(
  ops: Ops,
  logits: Tensor,
  readout: Tensor,
  usePredicted: Tensor,
): Tensor {
  return ops.where(usePredicted, firstMaxMask(ops, logits), readout);
}
