/** A stream the CLI writes to. */
export interface OutputStream {
  /** Writes text as is (no newline added). */
  write(text: string): void;
  /** True when the stream is a terminal (the progress bar then redraws one line). */
  readonly isTTY?: boolean;
}

/** Where the CLI reads and writes: injected so tests can run commands in-process. */
export interface CliIo {
  /** Where results go. */
  readonly stdout: OutputStream;
  /** Where progress and errors go. */
  readonly stderr: OutputStream;
  /** Directory relative paths are resolved against. */
  readonly cwd: string;
}

/**
 * The real process streams and working directory.
 *
 * @example
 * ```ts
 * const code = await main(process.argv.slice(2), processIo());
 * ```
 */
export function processIo(): CliIo {
  return {
    stdout: { write: (s) => void process.stdout.write(s), isTTY: process.stdout.isTTY === true },
    stderr: { write: (s) => void process.stderr.write(s), isTTY: process.stderr.isTTY === true },
    cwd: process.cwd(),
  };
}

/** A {@link CliIo} that records everything written, for tests and embedding. */
export interface CapturedIo extends CliIo {
  /** Everything written to stdout so far. */
  stdoutText(): string;
  /** Everything written to stderr so far. */
  stderrText(): string;
}

/**
 * An in-memory {@link CliIo}.
 *
 * @example
 * ```ts
 * const io = captureIo('/tmp');
 * await main(['info', 'model.onnx'], io);
 * console.log(io.stdoutText());
 * ```
 */
export function captureIo(cwd: string, options: { tty?: boolean } = {}): CapturedIo {
  let out = '';
  let err = '';
  return {
    stdout: { write: (s) => void (out += s), isTTY: options.tty ?? false },
    stderr: { write: (s) => void (err += s), isTTY: options.tty ?? false },
    cwd,
    stdoutText: () => out,
    stderrText: () => err,
  };
}
