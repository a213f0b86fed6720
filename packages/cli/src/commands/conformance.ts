import type {
  ConformanceAdapter,
  ConformanceExclusion,
  ConformanceFixture,
  ConformanceRow,
} from '@biasprop/conformance/runner';
import type { Backend } from '@biasprop/core';
import { parseArgs } from '../args/parse-args.js';
import { positiveInt } from '../args/positive-int.js';
import { BACKEND_NAMES, backendAvailability, createBackend, isBackendName } from '../backends.js';
import type { BackendName } from '../backends.js';
import type { CliIo } from '../cli-io.js';
import { CliError, describeError, usageError } from '../errors.js';
import { adapterModule } from '../load-model.js';
import { ProgressBar } from '../progress-bar.js';

/** Help of `biasprop conformance`. */
export const CONFORMANCE_HELP = `Usage: biasprop conformance [--backends LIST] [--adapter MODULE] [--random N]

Runs the conformance suite (fixture networks × every method and rule) on each backend against the
float64 reference and prints the matrix: backend × fixture × method, max error relative to the
reference, completeness residual, and pass / fail / skipped with the reason. Exit code 1 when a
case fails.

Options:
  --backends LIST   comma-separated backends (default: ${BACKEND_NAMES.filter((b) => b !== 'reference').join(',')});
                    one that cannot start here is reported as skipped with the reason
  --adapter MODULE  run the fixtures of a third-party adapter module instead of the built-in ones:
                    a file path (.js/.mjs; .ts when run from the workspace sources) or an
                    installed package name; it exports \`fixtures\` or \`createFixtures()\` (and
                    optionally \`name\`, \`exclude\`), see docs/custom-adapter.md
  --random N        add N seeded random CNNs (random-1 … random-N: strided, dilated, grouped and
                    depthwise convs, pools, square dense layers) to the fixtures
  -h, --help        show this help
`;

/** The part of `@biasprop/conformance/runner` the CLI uses. */
interface ConformanceApi {
  runConformance(options: {
    name: string;
    createBackend: () => Promise<Backend>;
    fixtures?: readonly ConformanceFixture[];
    exclude?: readonly ConformanceExclusion[];
  }): Promise<readonly ConformanceRow[]>;
  formatConformanceTable(rows: readonly ConformanceRow[]): string;
  conformanceFixtures: readonly ConformanceFixture[];
  randomFixtures(count: number): ConformanceFixture[];
}

/**
 * `biasprop conformance`: the conformance matrix as a table. Exit code 1 when a check fails.
 *
 * @example
 * ```ts
 * await conformanceCommand(['--backends', 'tfjs-cpu,ort-cpu'], processIo());
 * ```
 */
export async function conformanceCommand(argv: readonly string[], io: CliIo): Promise<number> {
  const args = parseArgs(
    argv,
    [
      { name: 'backends', value: true },
      { name: 'adapter', value: true },
      { name: 'random', value: true },
    ],
    'conformance',
  );
  if (args.help) {
    io.stdout.write(CONFORMANCE_HELP);
    return 0;
  }
  if (args.positionals.length)
    throw usageError(`unexpected argument '${args.positionals[0]}'`, 'conformance');
  const names = (
    args.options.get('backends') ?? BACKEND_NAMES.filter((b) => b !== 'reference').join(',')
  )
    .split(',')
    .map((s) => s.trim());
  for (const n of names) {
    if (!isBackendName(n))
      throw new CliError(
        `unknown backend '${n}'; use one of ${BACKEND_NAMES.join(', ')} (see 'biasprop conformance --help')`,
        2,
      );
  }
  const randomText = args.options.get('random');
  const random =
    randomText === undefined ? 0 : positiveInt(randomText, 'random', 'conformance', 1000);
  const api: ConformanceApi = await adapterModule(
    () => import('@biasprop/conformance/runner'),
    '@biasprop/conformance',
    ['runConformance', 'formatConformanceTable', ...(random ? ['randomFixtures'] : [])],
  );
  const adapterSpec = args.options.get('adapter');
  let adapter: ConformanceAdapter | undefined;
  if (adapterSpec !== undefined) {
    const node = await adapterModule(
      () => import('@biasprop/conformance/node'),
      '@biasprop/conformance',
      ['loadConformanceAdapter'],
    );
    try {
      adapter = await node.loadConformanceAdapter(adapterSpec, { cwd: io.cwd });
    } catch (e) {
      throw new CliError(`--adapter: ${(e as Error).message}`, 2);
    }
    io.stderr.write(
      `adapter ${adapter.name}: ${adapter.fixtures.length} fixture(s) (${adapter.fixtures.map((f) => f.name).join(', ')})\n`,
    );
  }
  // undefined: the built-in fixtures.
  const fixtures = random
    ? [...(adapter?.fixtures ?? api.conformanceFixtures), ...api.randomFixtures(random)]
    : adapter?.fixtures;
  const rows: ConformanceRow[] = [];
  const skipped: string[] = [];
  const list = [...new Set(names)];
  const bar = list.length > 1 ? new ProgressBar(io.stderr, list.length, 'backends') : undefined;
  for (const [i, n] of list.entries()) {
    bar?.update(i);
    const a = await backendAvailability(n as BackendName);
    if (!a.available) {
      skipped.push(`${n}: SKIPPED (every case): ${a.reason ?? 'not available here'}`);
      continue;
    }
    try {
      rows.push(
        ...(await api.runConformance({
          name: n,
          createBackend: () => createBackend(n),
          ...(fixtures ? { fixtures } : {}),
          ...(adapter ? { exclude: adapter.exclusionsFor(n) } : {}),
        })),
      );
    } catch (e) {
      skipped.push(`${n}: SKIPPED (every case): ${describeError(e).line}`);
    }
  }
  bar?.update(list.length);
  bar?.finish();
  io.stdout.write(`${api.formatConformanceTable(rows)}\n`);
  for (const line of skipped) io.stdout.write(`${line}\n`);
  const failures = rows.filter((r) => r.status === 'fail').length;
  return failures > 0 ? 1 : 0;
}
