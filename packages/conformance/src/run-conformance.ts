import type { Backend, Precision } from '@biasprop/core';
import { ReferenceBackend } from '@biasprop/core';
import { conformanceCases } from './cases.js';
import type { ConformanceExclusion } from './exclusions.js';
import { validateExclusions } from './exclusions.js';
import type { ConformanceFixture } from './fixtures/fixture.js';
import { conformanceFixtures } from './fixtures/networks.js';
import type { ConformanceRow } from './row.js';
import { runFixture } from './run-fixture.js';
import { toleranceFor } from './tolerance.js';

/** Options of {@link runConformance} and `describeConformance`. */
export interface ConformanceOptions {
  /** A name for the backend under test, used in test titles (e.g. `tfjs-wasm`). */
  readonly name: string;
  /** Creates the backend under test; it is disposed after the run. */
  readonly createBackend: () => Backend | Promise<Backend>;
  /**
   * The precision to hold the backend to (default: what the backend reports). Tolerances:
   * float64 1e-9, float32 1e-4, float16 1e-2.
   */
  readonly precision?: Precision;
  /** Cases not to run; each needs a reason, which appears in the skipped rows. */
  readonly exclude?: readonly ConformanceExclusion[];
  /**
   * The fixtures (default: {@link conformanceFixtures}, which test backends). To test an adapter,
   * pass the graphs it produces, wrapped by `adapterFixtures`.
   */
  readonly fixtures?: readonly ConformanceFixture[];
}

/**
 * Runs every fixture × method (gradient, inputXGradient, integratedGradients, bbp and total for every
 * built-in rule) on a backend and on the float64 {@link ReferenceBackend} and returns one row per
 * case. A plain async function (no test framework): the CLI prints its rows, test suites assert on
 * them. Throws if an exclusion has no reason or matches nothing.
 *
 * @example
 * ```ts
 * const rows = await runConformance({ name: 'my-backend', createBackend: () => new MyBackend() });
 * console.log(formatConformanceTable(rows));
 * if (rows.some((r) => r.status === 'fail')) process.exitCode = 1;
 * ```
 */
export async function runConformance(options: ConformanceOptions): Promise<ConformanceRow[]> {
  const fixtures = options.fixtures ?? conformanceFixtures;
  const cases = conformanceCases(fixtures);
  const exclude = options.exclude ?? [];
  validateExclusions(exclude, cases);
  const backend = await options.createBackend();
  const reference = new ReferenceBackend();
  try {
    const precision = options.precision ?? backend.precision;
    const ctx = { backend, reference, precision, tolerance: toleranceFor(precision), exclude };
    const rows: ConformanceRow[] = [];
    for (const f of fixtures) {
      rows.push(
        ...(await runFixture(
          f,
          cases.filter((c) => c.fixture === f.name),
          ctx,
        )),
      );
    }
    return rows;
  } finally {
    await backend.dispose();
    reference.dispose();
  }
}
