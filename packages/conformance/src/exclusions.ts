import type { BuiltinBbpRule } from '@biasprop/core';
import type { ConformanceCase, ConformanceMethod } from './cases.js';

/**
 * Cases a backend does not run, and why. Every field but `reason` narrows the match (an exclusion
 * with only a reason excludes everything); `reason` is required and shown in the results.
 */
export interface ConformanceExclusion {
  /** Only this fixture (default: every fixture). */
  readonly fixture?: string;
  /** Only this method (default: every method). */
  readonly method?: ConformanceMethod;
  /** Only this BBp rule (default: every rule). */
  readonly rule?: BuiltinBbpRule;
  /** Why the cases are not run; printed with the skipped rows. Required. */
  readonly reason: string;
}

/**
 * Checks exclusions: each needs a non-empty reason and must match at least one case (a typo in a
 * fixture name would otherwise silently exclude nothing). Throws an `Error` that says which.
 *
 * @example
 * ```ts
 * validateExclusions([{ method: 'integratedGradients', reason: 'too slow on webgl' }], cases);
 * ```
 */
export function validateExclusions(
  exclude: readonly ConformanceExclusion[],
  cases: readonly ConformanceCase[],
): void {
  exclude.forEach((e, i) => {
    const what = `exclusion ${i} (${JSON.stringify({ fixture: e.fixture, method: e.method, rule: e.rule })})`;
    if (typeof e.reason !== 'string' || e.reason.trim() === '')
      throw new Error(`${what} needs a reason`);
    if (!cases.some((c) => matches(e, c))) throw new Error(`${what} matches no conformance case`);
  });
}

function matches(e: ConformanceExclusion, c: ConformanceCase): boolean {
  return (
    (e.fixture === undefined || e.fixture === c.fixture) &&
    (e.method === undefined || e.method === c.method) &&
    (e.rule === undefined || e.rule === c.rule)
  );
}

/**
 * The first exclusion matching a case, if any.
 *
 * @example
 * ```ts
 * exclusionFor(exclude, { fixture: 'mlp', method: 'gradient' })?.reason;
 * ```
 */
export function exclusionFor(
  exclude: readonly ConformanceExclusion[],
  c: ConformanceCase,
): ConformanceExclusion | undefined {
  return exclude.find((e) => matches(e, c));
}
