import type { Backend } from '@biasprop/core';
import { ReferenceBackend } from '@biasprop/core';
import { afterAll, describe, expect, it } from 'vitest';
import { caseLabel, conformanceCases } from './cases.js';
import { exclusionFor, validateExclusions } from './exclusions.js';
import type { ConformanceFixture } from './fixtures/fixture.js';
import { conformanceFixtures } from './fixtures/networks.js';
import type { ConformanceRow } from './row.js';
import type { ConformanceOptions } from './run-conformance.js';
import { runFixture } from './run-fixture.js';
import { toleranceFor } from './tolerance.js';

/**
 * Registers the conformance suite with vitest: one test per fixture × method (× rule), each passing
 * when the backend matches the float64 reference within the precision's tolerance and keeps
 * completeness. Excluded cases are registered with `it.skip` and their reason is printed. Each
 * fixture runs once (on first use) and its tests share the result; the backend is created lazily and
 * disposed after the suite.
 *
 * @example
 * ```ts
 * // my-backend.conformance.test.ts
 * import { describeConformance } from '@biasprop/conformance';
 * describeConformance({
 *   name: 'my-backend',
 *   createBackend: () => new MyBackend(),
 *   exclude: [{ fixture: 'sigmoid-tanh', method: 'integratedGradients', reason: 'no exp kernel yet' }],
 * });
 * ```
 */
export function describeConformance(options: ConformanceOptions): void {
  const fixtures: readonly ConformanceFixture[] = options.fixtures ?? conformanceFixtures;
  const cases = conformanceCases(fixtures);
  const exclude = options.exclude ?? [];
  validateExclusions(exclude, cases);

  describe(`conformance: ${options.name}`, () => {
    let backend: Promise<Backend> | undefined;
    const reference = new ReferenceBackend();
    const results = new Map<string, Promise<ConformanceRow[]>>();
    const getBackend = (): Promise<Backend> =>
      (backend ??= Promise.resolve(options.createBackend()));
    const rowsOf = (f: ConformanceFixture): Promise<ConformanceRow[]> => {
      let p = results.get(f.name);
      if (!p) {
        p = getBackend().then((b) => {
          const precision = options.precision ?? b.precision;
          return runFixture(
            f,
            cases.filter((c) => c.fixture === f.name),
            { backend: b, reference, precision, tolerance: toleranceFor(precision), exclude },
          );
        });
        results.set(f.name, p);
      }
      return p;
    };

    afterAll(async () => {
      if (backend) await (await backend).dispose();
      reference.dispose();
    });

    for (const f of fixtures) {
      describe(f.name, () => {
        for (const c of cases.filter((k) => k.fixture === f.name)) {
          const label = caseLabel(c);
          const excluded = exclusionFor(exclude, c);
          if (excluded) {
            console.log(
              `[conformance: ${options.name}] skipped ${f.name} ${label}: ${excluded.reason}`,
            );
            it.skip(`${label} (skipped: ${excluded.reason})`, () => {});
            continue;
          }
          it(label, async () => {
            const rows = await rowsOf(f);
            const row = rows.find((r) => r.method === c.method && r.rule === c.rule)!;
            expect(
              row.status,
              `${options.name} ${f.name} ${label} [${row.precision}, tol ${row.tolerance}]: ${row.reason ?? ''}`,
            ).toBe('pass');
          });
        }
      });
    }
  });
}
