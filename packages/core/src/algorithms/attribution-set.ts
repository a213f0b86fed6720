import type { HostTensor } from '../tensor/host-tensor.js';
import type { Explanation } from './explain.js';

/**
 * The attribution tensors of one result, each shaped like the input `[N, ...]`: those of an
 * {@link Explanation} (see {@link attributionSetOf}) or the smoothed ones of a SmoothGrad result.
 */
export interface AttributionSet {
  /** The gradient `w` (saliency). */
  readonly gradient?: HostTensor;
  /** Gradient × input, `w ⊙ x`. */
  readonly inputXGradient?: HostTensor;
  /** The Integrated Gradients attribution. */
  readonly integratedGradients?: HostTensor;
  /** BBp's `β_0` per rule name. */
  readonly bbp?: Readonly<Record<string, HostTensor>>;
  /** `w ⊙ x + β_0` per rule name. */
  readonly total?: Readonly<Record<string, HostTensor>>;
}

/**
 * An explanation's attribution tensors as an {@link AttributionSet} (Integrated Gradients as its
 * attribution array, without the convergence delta).
 *
 * @example
 * ```ts
 * const { gradient, bbp } = attributionSetOf(await explain(graph, x));
 * ```
 */
export function attributionSetOf(e: Explanation): AttributionSet {
  return {
    ...(e.gradient ? { gradient: e.gradient } : {}),
    ...(e.inputXGradient ? { inputXGradient: e.inputXGradient } : {}),
    ...(e.integratedGradients ? { integratedGradients: e.integratedGradients.attribution } : {}),
    ...(e.bbp ? { bbp: e.bbp } : {}),
    ...(e.total ? { total: e.total } : {}),
  };
}
