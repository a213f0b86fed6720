import { createRequire } from 'node:module';
import type { CliIo } from './cli-io.js';
import { benchCommand } from './commands/bench.js';
import { conformanceCommand } from './commands/conformance.js';
import { evalCommand } from './commands/eval.js';
import { explainCommand } from './commands/explain.js';
import { exportCommand } from './commands/export.js';
import { infoCommand } from './commands/info.js';
import { describeError } from './errors.js';

/** Help of `biasprop`. */
export const MAIN_HELP = `Usage: biasprop <command> [options]

Explains neural-network predictions as an exact local linear model f(x) = w·x + b and
attributes both parts: gradient, gradient×input, Integrated Gradients, Bias Backpropagation.

Commands:
  explain <model> <input...>   attributions, heatmaps, montages and summary.json
  info <model>                 the model as biasprop sees it (nodes, shapes, folds, unsupported ops)
  conformance                  the conformance matrix of the backends
  bench <model>                forward / gradient / BBp / IG times on one backend
  export <model>               the traced attribution graph as an .onnx file
  eval digit-flip              DeepLIFT's digit-flip protocol on MNIST (table, JSON, plot)
  eval bias-matters            the paper's Table 1: accuracy with only w·x, only b, no biases

Options:
  -h, --help                   show help (also: biasprop <command> --help)
  -v, --version                show the version

Models: .onnx files and tfjs model.json files (LayersModel or GraphModel).
`;

const COMMANDS: Record<string, (argv: readonly string[], io: CliIo) => Promise<number>> = {
  explain: explainCommand,
  info: infoCommand,
  conformance: conformanceCommand,
  bench: benchCommand,
  export: exportCommand,
  eval: evalCommand,
};

function version(): string {
  const require = createRequire(import.meta.url);
  return (require('../package.json') as { version: string }).version;
}

/**
 * Runs the `biasprop` command line with `argv` (without `node` and the script) and returns the
 * exit code. Every failure is one line on stderr (`biasprop <command>: error: ...`) and a
 * non-zero code; nothing is thrown.
 *
 * @example
 * ```ts
 * process.exitCode = await main(process.argv.slice(2), processIo());
 * ```
 */
export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '-h' || command === '--help' || command === 'help') {
    io.stdout.write(MAIN_HELP);
    return command === undefined ? 2 : 0;
  }
  if (command === '-v' || command === '--version') {
    io.stdout.write(`${version()}\n`);
    return 0;
  }
  const run = COMMANDS[command];
  if (!run) {
    io.stderr.write(
      `biasprop: error: unknown command '${command}'; use one of ${Object.keys(COMMANDS).join(', ')} (see 'biasprop --help')\n`,
    );
    return 2;
  }
  try {
    return await run(rest, io);
  } catch (e) {
    const { line, exitCode } = describeError(e);
    io.stderr.write(`biasprop ${command}: error: ${line}\n`);
    return exitCode;
  }
}
