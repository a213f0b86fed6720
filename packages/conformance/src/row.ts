import type { BuiltinBbpRule, Precision } from '@biasprop/core';
import type { ConformanceMethod } from './cases.js';

/** Outcome of one conformance case. */
export type ConformanceStatus = 'pass' | 'fail' | 'skipped';

/**
 * One result of the conformance suite: a fixture × method (× rule) on a backend, compared with the
 * float64 reference backend.
 */
export interface ConformanceRow {
  /** The backend's name. */
  readonly backend: string;
  /** The fixture's name. */
  readonly fixture: string;
  /** The method checked. */
  readonly method: ConformanceMethod;
  /** The BBp rule, for `bbp` and `total`. */
  readonly rule?: BuiltinBbpRule;
  /** The precision the backend was held to, and the tolerance that follows from it. */
  readonly precision: Precision;
  /** The tolerance that follows from `precision`. */
  readonly tolerance: number;
  /**
   * `max |backend − reference| / max |reference|`, per input example (the largest over the
   * examples); NaN when the case was not run or produced NaN/Inf.
   */
  readonly maxRelError: number;
  /**
   * The backend's own completeness residual, relative to `max(|f|, |w·x|, |b^x|)`: for `gradient`
   * and `inputXGradient` `|f − w·x − Σ_v g_v·c_v|`, for `bbp` `|Σ β_0 − b^x|`, for `total`
   * `|Σ total − f|`. `null` for Integrated Gradients (its convergence delta is a quadrature error,
   * not a completeness identity; the attribution itself is compared with the reference) and for
   * SmoothGrad (an average over noisy inputs has no completeness identity).
   */
  readonly completenessResidual: number | null;
  /** The input example where `maxRelError` was reached. */
  readonly worstInput?: string;
  /** `pass`, `fail` or `skipped`. */
  readonly status: ConformanceStatus;
  /** Why a case failed or was skipped. */
  readonly reason?: string;
}
