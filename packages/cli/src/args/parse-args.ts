import { usageError } from '../errors.js';

/** One option a command accepts. */
export interface OptionSpec {
  /** Long name without dashes, e.g. `ig-steps`. */
  readonly name: string;
  /** Whether it takes a value (`--batch 8`, `--batch=8`); otherwise it is a flag. */
  readonly value: boolean;
}

/** What {@link parseArgs} returns. */
export interface ParsedArgs {
  readonly positionals: readonly string[];
  /** Values by option name; flags have the value `'true'`. */
  readonly options: ReadonlyMap<string, string>;
  readonly help: boolean;
}

/**
 * Parses `argv` against a command's options: `--name value`, `--name=value`, flags, `--` to end
 * options, `-h`/`--help`. An unknown option, a missing value or an option given twice is a usage
 * error naming the command.
 *
 * @example
 * ```ts
 * const a = parseArgs(['m.onnx', 'x.png', '--batch', '4'], [{ name: 'batch', value: true }], 'explain');
 * a.options.get('batch'); // '4'
 * ```
 */
export function parseArgs(
  argv: readonly string[],
  specs: readonly OptionSpec[],
  command: string,
): ParsedArgs {
  const byName = new Map(specs.map((s) => [s.name, s]));
  const positionals: string[] = [];
  const options = new Map<string, string>();
  let help = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (arg === '-h' || arg === '--help') {
      help = true;
      continue;
    }
    if (!arg.startsWith('--') || arg.length === 2) {
      if (arg.startsWith('-') && arg.length > 1 && !/^-\d/.test(arg)) {
        throw usageError(`unknown option '${arg}' for 'biasprop ${command}'`, command);
      }
      positionals.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = arg.slice(2, eq < 0 ? undefined : eq);
    const spec = byName.get(name);
    if (!spec) throw usageError(`unknown option '--${name}' for 'biasprop ${command}'`, command);
    if (options.has(name)) throw usageError(`option '--${name}' is given twice`, command);
    if (!spec.value) {
      if (eq >= 0) throw usageError(`option '--${name}' takes no value`, command);
      options.set(name, 'true');
      continue;
    }
    let value: string | undefined;
    if (eq >= 0) value = arg.slice(eq + 1);
    else {
      value = argv[i + 1];
      if (value === undefined || (value.startsWith('--') && value.length > 2)) {
        throw usageError(`option '--${name}' needs a value`, command);
      }
      i++;
    }
    if (value === '') throw usageError(`option '--${name}' needs a non-empty value`, command);
    options.set(name, value);
  }
  return { positionals, options, help };
}
