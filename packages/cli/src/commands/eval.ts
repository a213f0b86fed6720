import type { CliIo } from '../cli-io.js';
import { usageError } from '../errors.js';
import { evalBiasMattersCommand } from './eval-bias-matters.js';
import { evalDigitFlipCommand } from './eval-digit-flip.js';

/** Help of `biasprop eval`. */
export const EVAL_HELP = `Usage: biasprop eval <protocol> [options]

Runs an evaluation protocol of the paper and writes its tables and plots.

Protocols:
  digit-flip       DeepLIFT's digit flip on MNIST (8→3, 8→6, 9→1, 4→1)
  bias-matters     the paper's Table 1: accuracy with only w·x, only b, and without biases

Options:
  -h, --help       show help (also: biasprop eval <protocol> --help)
`;

const PROTOCOLS: Record<string, (argv: readonly string[], io: CliIo) => Promise<number>> = {
  'digit-flip': evalDigitFlipCommand,
  'bias-matters': evalBiasMattersCommand,
};

/**
 * `biasprop eval <protocol>`: dispatches to an evaluation protocol.
 *
 * @example
 * ```ts
 * await evalCommand(['digit-flip', '--limit', '20'], processIo());
 * ```
 */
export async function evalCommand(argv: readonly string[], io: CliIo): Promise<number> {
  const [protocol, ...rest] = argv;
  if (protocol === undefined || protocol === '-h' || protocol === '--help') {
    io.stdout.write(EVAL_HELP);
    return protocol === undefined ? 2 : 0;
  }
  const run = PROTOCOLS[protocol];
  if (!run)
    throw usageError(
      `unknown protocol '${protocol}'; use one of ${Object.keys(PROTOCOLS).join(', ')}`,
      'eval',
    );
  return run(rest, io);
}
