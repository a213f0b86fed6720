import type { BuiltinBbpRule, Method } from '@biasprop/core';
import { BUILTIN_BBP_RULES } from '@biasprop/core';
import type { ConformanceFixture } from './fixtures/fixture.js';

/**
 * What a case checks: an attribution method of `explain`, or `smoothGrad` (SmoothGrad of the
 * gradient, whose seeded noise must give every backend the same noisy inputs).
 */
export type ConformanceMethod = Method | 'smoothGrad';

/** One checked quantity: a fixture, a method and, for `bbp` and `total`, a rule. */
export interface ConformanceCase {
  /** The fixture's name. */
  readonly fixture: string;
  /** The attribution method checked. */
  readonly method: ConformanceMethod;
  /** The BBp rule, for `bbp` and `total`. */
  readonly rule?: BuiltinBbpRule;
}

/**
 * Every case of a fixture list, in order: per fixture, each applicable method; `bbp` and `total`
 * once per built-in rule; then `smoothGrad` where the gradient applies.
 *
 * @example
 * ```ts
 * conformanceCases(conformanceFixtures).length; // 6 fixtures × 12 cases
 * ```
 */
export function conformanceCases(fixtures: readonly ConformanceFixture[]): ConformanceCase[] {
  return fixtures.flatMap((f) => [
    ...f.methods.flatMap((method): ConformanceCase[] =>
      method === 'bbp' || method === 'total'
        ? BUILTIN_BBP_RULES.map((rule) => ({ fixture: f.name, method, rule }))
        : [{ fixture: f.name, method }],
    ),
    ...(f.methods.includes('gradient') ? [{ fixture: f.name, method: 'smoothGrad' as const }] : []),
  ]);
}

/**
 * A short label of a case, e.g. `bbp[contribution]`.
 *
 * @example
 * ```ts
 * caseLabel({ fixture: 'mlp', method: 'bbp', rule: 'signed' }); // 'bbp[signed]'
 * ```
 */
export function caseLabel(c: Pick<ConformanceCase, 'method' | 'rule'>): string {
  return c.rule ? `${c.method}[${c.rule}]` : c.method;
}
