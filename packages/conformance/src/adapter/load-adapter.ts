import { existsSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ConformanceAdapter } from './adapter-module.js';
import { conformanceAdapterFrom } from './adapter-module.js';

/** Options of {@link loadConformanceAdapter}. */
export interface LoadAdapterOptions {
  /** Where relative paths and package names are resolved from (default `process.cwd()`). */
  readonly cwd?: string;
}

function isPath(spec: string): boolean {
  return (
    spec.startsWith('.') ||
    isAbsolute(spec) ||
    spec.startsWith('file:') ||
    /\.[cm]?[jt]s$/.test(spec)
  );
}

/** The ESM entry file of an installed package (its `exports['.']`, `module` or `main`). */
function packageEntry(dir: string): string {
  const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as Record<
    string,
    unknown
  >;
  let exp: unknown = pkg.exports;
  if (exp && typeof exp === 'object' && !Array.isArray(exp) && '.' in exp)
    exp = (exp as Record<string, unknown>)['.'];
  while (exp && typeof exp === 'object' && !Array.isArray(exp)) {
    const o = exp as Record<string, unknown>;
    exp = o.import ?? o.node ?? o.default;
  }
  const rel =
    typeof exp === 'string'
      ? exp
      : typeof pkg.module === 'string'
        ? pkg.module
        : typeof pkg.main === 'string'
          ? pkg.main
          : 'index.js';
  return join(dir, rel);
}

/** Looks for `node_modules/<name>` from `cwd` upwards. */
function findPackage(name: string, cwd: string): string | undefined {
  for (let dir = resolve(cwd); ; dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', name);
    if (existsSync(join(candidate, 'package.json'))) return candidate;
    if (dirname(dir) === dir) return undefined;
  }
}

/**
 * Imports a third-party adapter module by file path (`./my-adapter/dist/conformance.js`, absolute,
 * or `file:` URL; a `.ts` file when the process runs under a TypeScript loader such as tsx) or by
 * package name (looked up in `node_modules` from `cwd` upwards), and reads it with
 * {@link conformanceAdapterFrom}. Node.js only (`@biasprop/conformance/node`).
 *
 * @example
 * ```ts
 * import { loadConformanceAdapter } from '@biasprop/conformance/node';
 * import { runConformance } from '@biasprop/conformance/runner';
 * const adapter = await loadConformanceAdapter('./dist/conformance.js');
 * const rows = await runConformance({
 *   name: 'reference', createBackend: () => new ReferenceBackend(),
 *   fixtures: adapter.fixtures, exclude: adapter.exclusionsFor('reference'),
 * });
 * ```
 */
export async function loadConformanceAdapter(
  specifier: string,
  options: LoadAdapterOptions = {},
): Promise<ConformanceAdapter> {
  const cwd = options.cwd ?? process.cwd();
  let url: string;
  if (specifier.startsWith('file:')) url = specifier;
  else if (isPath(specifier)) {
    const abs = resolve(cwd, specifier);
    if (!existsSync(abs)) throw new Error(`adapter module '${specifier}' not found (${abs})`);
    url = pathToFileURL(abs).href;
  } else {
    const dir = findPackage(specifier, cwd);
    if (!dir)
      throw new Error(
        `adapter module '${specifier}' is neither a file nor a package installed in node_modules above ${cwd}`,
      );
    url = pathToFileURL(packageEntry(dir)).href;
  }
  let mod: unknown;
  try {
    mod = await import(url);
  } catch (e) {
    throw new Error(
      `adapter module '${specifier}' could not be imported: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`,
      { cause: e },
    );
  }
  return conformanceAdapterFrom(mod, specifier);
}
