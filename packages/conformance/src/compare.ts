import type { HostTensor } from '@biasprop/core';

/** Result of comparing a backend's array with the reference, per example. */
export interface ArrayComparison {
  /** Largest per-example `max|a − ref| / max|ref|` (NaN if `a` has NaN/Inf or the shapes differ). */
  readonly maxRelError: number;
  /** Index of the example where it was reached. */
  readonly worstExample: number;
}

/**
 * Compares two batched tensors example by example: `max|a − ref| / max|ref|` over each example,
 * where an all-zero reference example is scaled by the batch's `max|ref|` (or 1 if that is zero too).
 *
 * @example
 * ```ts
 * compareArrays(backendGradient, referenceGradient).maxRelError <= 1e-4;
 * ```
 */
export function compareArrays(a: HostTensor, ref: HostTensor): ArrayComparison {
  if (
    a.data.length !== ref.data.length ||
    a.shape.length !== ref.shape.length ||
    a.shape.some((d, i) => d !== ref.shape[i])
  ) {
    return { maxRelError: NaN, worstExample: 0 };
  }
  const n = ref.shape[0] ?? 1;
  const per = ref.data.length / n;
  let batchScale = 0;
  for (let i = 0; i < ref.data.length; i++)
    batchScale = Math.max(batchScale, Math.abs(ref.data[i]!));
  let worst = 0;
  let worstExample = 0;
  for (let e = 0; e < n; e++) {
    let diff = 0;
    let scale = 0;
    for (let i = e * per; i < (e + 1) * per; i++) {
      const v = a.data[i]!;
      if (!Number.isFinite(v)) return { maxRelError: NaN, worstExample: e };
      diff = Math.max(diff, Math.abs(v - ref.data[i]!));
      scale = Math.max(scale, Math.abs(ref.data[i]!));
    }
    const rel = diff / (scale > 0 ? scale : batchScale > 0 ? batchScale : 1);
    if (rel > worst) {
      worst = rel;
      worstExample = e;
    }
  }
  return { maxRelError: worst, worstExample };
}
