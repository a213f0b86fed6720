import { BiaspropError } from '@biasprop/core';

/**
 * An error the CLI reports as one line and a non-zero exit code: a bad option, a missing file,
 * an input that does not fit the model. The message says what, where, and what to do.
 *
 * @example
 * ```ts
 * throw new CliError(`model file not found: ${path}; pass an .onnx file or a tfjs model.json`);
 * ```
 */
export class CliError extends Error {
  constructor(
    message: string,
    /** Process exit code: 2 for usage errors, 1 for everything else. */
    readonly exitCode = 1,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

/**
 * A usage error (unknown option, bad option value): exit code 2.
 *
 * @example
 * ```ts
 * throw usageError(`--batch must be a positive integer, got '${value}'`, 'explain');
 * ```
 */
export function usageError(message: string, command: string): CliError {
  return new CliError(`${message} (see 'biasprop ${command} --help')`, 2);
}

/**
 * Turns anything thrown into one line of text and an exit code.
 *
 * @example
 * ```ts
 * const { line, exitCode } = describeError(new Error('boom'));
 * ```
 */
export function describeError(e: unknown): {
  /** The message on one line. */
  line: string;
  /** The exit code: the `CliError`'s, else 1. */
  exitCode: number;
} {
  if (e instanceof CliError) return { line: oneLine(e.message), exitCode: e.exitCode };
  if (e instanceof BiaspropError) return { line: oneLine(e.message), exitCode: 1 };
  if (e instanceof Error) return { line: oneLine(e.message || e.name), exitCode: 1 };
  return { line: oneLine(String(e)), exitCode: 1 };
}

/** The message collapsed to a single line. */
function oneLine(text: string): string {
  return text
    .split('\n')
    .map((s) => s.trim())
    .filter((s) => s.length > 0)
    .join(' ');
}
