import type { ConformanceExclusion } from '../exclusions.js';
import type { ConformanceFixture } from '../fixtures/fixture.js';

/**
 * What a third-party adapter module exports so that `biasprop conformance --adapter <module>` (and
 * {@link conformanceAdapterFrom}) can run the suite on its graphs. Export either `fixtures` or
 * `createFixtures` (build them with `adapterFixtures`); the other fields are optional. The same
 * object may be the module's default export instead.
 *
 * Importing the module must make everything its graphs need available: an adapter that adds op
 * kinds calls `registerOp` at the top level of the module (on the same `@biasprop/core` the runner
 * uses: declare `@biasprop/core` as a peer dependency).
 *
 * @example
 * ```ts
 * // my-adapter/src/conformance.ts
 * import { adapterFixtures } from '@biasprop/conformance/runner';
 * import type { ConformanceAdapterModule } from '@biasprop/conformance/runner';
 * export const name = 'my-format';
 * export function createFixtures() {
 *   return adapterFixtures([{ name: 'tiny', graph: fromMyFormat(readTinyModel()) }]);
 * }
 * export const exclude: ConformanceAdapterModule['exclude'] = [];
 * ```
 */
export interface ConformanceAdapterModule {
  /** A display name of the adapter (default: how the module was named). */
  readonly name?: string;
  /** The fixtures, built when the module loads. */
  readonly fixtures?: readonly ConformanceFixture[];
  /** Builds the fixtures (may read files, may be async); called once. */
  readonly createFixtures?: () =>
    readonly ConformanceFixture[] | Promise<readonly ConformanceFixture[]>;
  /**
   * Cases not to run, each with a reason: a list for every backend, or a function of the backend's
   * name (`reference`, `tfjs-cpu`, `ort-cpu`, …) for backend-specific exclusions.
   */
  readonly exclude?:
    readonly ConformanceExclusion[] | ((backend: string) => readonly ConformanceExclusion[]);
}

/** A loaded adapter module: its fixtures and exclusions, ready for `runConformance`. */
export interface ConformanceAdapter {
  /** The adapter's name. */
  readonly name: string;
  /** The adapter's fixtures (at least one, unique names). */
  readonly fixtures: readonly ConformanceFixture[];
  /** The exclusions that apply to a backend (by the backend name the caller uses). */
  exclusionsFor(backend: string): readonly ConformanceExclusion[];
}

function isFixture(f: unknown): f is ConformanceFixture {
  const o = f as Partial<ConformanceFixture> | null;
  return (
    !!o &&
    typeof o.name === 'string' &&
    !!o.graph &&
    Array.isArray(o.graph.nodes) &&
    Array.isArray(o.inputs) &&
    Array.isArray(o.methods)
  );
}

/**
 * Reads an imported adapter module (see {@link ConformanceAdapterModule}): takes its `fixtures` or
 * calls `createFixtures()`, looking inside a default export too, and checks what it got. Throws an
 * `Error` naming the module and what is missing or malformed.
 *
 * @example
 * ```ts
 * const adapter = await conformanceAdapterFrom(await import('./my-adapter.js'), 'my-adapter');
 * const rows = await runConformance({
 *   name: 'ort-cpu', createBackend, fixtures: adapter.fixtures, exclude: adapter.exclusionsFor('ort-cpu'),
 * });
 * ```
 */
export async function conformanceAdapterFrom(
  mod: unknown,
  label: string,
): Promise<ConformanceAdapter> {
  const top = (mod ?? {}) as Record<string, unknown>;
  const inner = (top.default ?? {}) as Record<string, unknown>;
  const pick = (key: keyof ConformanceAdapterModule): unknown => top[key] ?? inner[key];
  const fixturesExport = pick('fixtures');
  const create = pick('createFixtures');
  let fixtures: unknown;
  if (fixturesExport !== undefined) fixtures = fixturesExport;
  else if (typeof create === 'function') fixtures = await (create as () => unknown)();
  else
    throw new Error(
      `adapter module '${label}' exports neither 'fixtures' nor 'createFixtures()'; see ConformanceAdapterModule in @biasprop/conformance`,
    );
  if (!Array.isArray(fixtures) || fixtures.length === 0)
    throw new Error(`adapter module '${label}': its fixtures must be a non-empty array`);
  const names = new Set<string>();
  fixtures.forEach((f, i) => {
    if (!isFixture(f))
      throw new Error(
        `adapter module '${label}': fixture ${i} is not a ConformanceFixture ({ name, description, graph, inputs, methods }); build it with adapterFixtures()`,
      );
    if (names.has(f.name))
      throw new Error(`adapter module '${label}': fixture name '${f.name}' is used twice`);
    names.add(f.name);
  });
  const exclude = pick('exclude');
  if (exclude !== undefined && typeof exclude !== 'function' && !Array.isArray(exclude))
    throw new Error(
      `adapter module '${label}': 'exclude' must be an array of exclusions or a function of the backend name`,
    );
  const name = pick('name');
  return {
    name: typeof name === 'string' && name ? name : label,
    fixtures: fixtures as ConformanceFixture[],
    exclusionsFor: (backend) =>
      typeof exclude === 'function'
        ? ((exclude as (b: string) => readonly ConformanceExclusion[])(backend) ?? [])
        : ((exclude as readonly ConformanceExclusion[] | undefined) ?? []),
  };
}
