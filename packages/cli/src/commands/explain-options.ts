import type {
  BuiltinBbpRule,
  IgMethod,
  IgQuadrature,
  LayerSelection,
  Method,
} from '@biasprop/core';
import { layersOf } from '@biasprop/core';
import type { OptionSpec, ParsedArgs } from '../args/parse-args.js';
import { BACKEND_NAMES, isBackendName } from '../backends.js';
import type { BackendName } from '../backends.js';
import { CliError, usageError } from '../errors.js';
import { positiveInt } from '../args/positive-int.js';
import type { LoadedModel } from '../load-model.js';

/** CLI names of the methods, in the montage's column order, with core's names. */
export const CLI_METHODS = {
  gradient: 'gradient',
  'input-x-gradient': 'inputXGradient',
  'integrated-gradients': 'integratedGradients',
  bbp: 'bbp',
  total: 'total',
} as const satisfies Record<string, Method>;

/** A method as the CLI names it. */
export type CliMethod = keyof typeof CLI_METHODS;

/** CLI names of the IG quadratures with core's names. */
export const CLI_IG_QUADRATURES = {
  'gauss-legendre': 'gaussLegendre',
  'riemann-left': 'riemannLeft',
  'riemann-right': 'riemannRight',
  'riemann-middle': 'riemannMiddle',
  'riemann-trapezoid': 'riemannTrapezoid',
} as const satisfies Record<string, IgQuadrature>;

/**
 * CLI names of every IG method: the quadratures, `exact` (region by region, piecewise-linear
 * networks) and `adaptive` (Gauss–Legendre points doubled until the delta is small).
 */
export const CLI_IG_METHODS = {
  ...CLI_IG_QUADRATURES,
  exact: 'exact',
  adaptive: 'adaptive',
} as const satisfies Record<string, IgMethod>;

/** The BBp rules the CLI offers. */
export const CLI_RULES: readonly BuiltinBbpRule[] = ['contribution', 'weight', 'signed', 'uniform'];

/** Output formats. */
export const FORMATS = ['png', 'npy', 'json'] as const;

/** An output format. */
export type OutputFormat = (typeof FORMATS)[number];

/** The options of `biasprop explain`, validated. */
export interface ExplainCliOptions {
  readonly model: string;
  readonly inputs: readonly string[];
  readonly methods: readonly CliMethod[];
  readonly rules: readonly BuiltinBbpRule[];
  /** A class, or `'pred'`; ignored when `contrast` is set. */
  readonly target: number | 'pred';
  readonly contrast?: readonly [number, number];
  readonly igSteps: number;
  readonly igMethod: keyof typeof CLI_IG_METHODS;
  /** `'zero'` or the path of a `.npy` baseline. */
  readonly baseline: string;
  readonly biasLayers: LayerSelection;
  /** The text given to `--bias-layers`. */
  readonly biasLayersText: string;
  readonly backend?: BackendName;
  readonly batch: number;
  readonly out: string;
  readonly formats: ReadonlySet<OutputFormat>;
  readonly scale: readonly [number, number];
  /** SmoothGrad of every method as well, when `--smoothgrad N` is given. */
  readonly smoothGrad?: SmoothGradCliOptions;
}

/** The SmoothGrad settings of `biasprop explain`. */
export interface SmoothGradCliOptions {
  /** Noisy samples per input. */
  readonly samples: number;
  /** σ as a fraction of each input's value range. */
  readonly noiseLevel: number;
  /** The noise generator's seed (each input starts from it). */
  readonly seed: number;
}

/** Options of `biasprop explain`. */
export const EXPLAIN_OPTIONS: readonly OptionSpec[] = [
  'method',
  'rule',
  'target',
  'contrast',
  'ig-steps',
  'ig-method',
  'baseline',
  'bias-layers',
  'backend',
  'batch',
  'out',
  'format',
  'scale',
  'smoothgrad',
  'noise-level',
  'seed',
].map((name) => ({ name, value: true }));

/** Help of `biasprop explain`. */
export const EXPLAIN_HELP = `Usage: biasprop explain <model> <input...> [options]

Explains a model's prediction for each input as f(x) = w·x + b and attributes both parts.

Arguments:
  <model>             .onnx file, or a tfjs model.json (LayersModel or GraphModel)
  <input...>          .png/.jpg (size and channels must match the model; bytes scaled to [0,1]
                      unless --scale says otherwise), .npy (float32, with or without the batch
                      axis, in the model's own layout), or a directory of them

Options:
  --method LIST       gradient,input-x-gradient,integrated-gradients,bbp,total (default: all)
  --rule LIST         BBp rules: contribution,weight,signed,uniform (default: contribution)
  --target N|pred     class to explain (default: pred, the predicted class)
  --contrast T,S      explain logit T minus logit S instead of one class
  --ig-steps N        Integrated Gradients points (default 50)
  --ig-method NAME    gauss-legendre|riemann-left|riemann-right|riemann-middle|riemann-trapezoid|
                      exact (region by region; piecewise-linear models)|adaptive
                      (default gauss-legendre)
  --baseline B        IG baseline: zero (default) or a .npy file in the model's input shape
  --bias-layers SEL   which layers' bias terms BBp includes: all (default), skip-first:K, or
                      a comma-separated list of layer/node names
  --backend NAME      ${BACKEND_NAMES.join('|')}
                      (default: ort-cpu for .onnx, tfjs-wasm for tfjs)
  --batch N           inputs per call (default 32)
  --out DIR           output directory (default ./biasprop-out)
  --format LIST       png,npy,json (default png,json)
  --scale LO,HI       range image bytes 0..255 map to (default 0,1)
  --smoothgrad N      also SmoothGrad of every method: the mean over N noisy copies of the input,
                      explaining the class decided on the clean input
  --noise-level F     SmoothGrad noise σ as a fraction of the input's value range (default 0.15)
  --seed N            SmoothGrad noise seed, 0..4294967295 (default 0; every input starts from it)
  -h, --help          show this help

Outputs (in --out):
  <input>.<method>[.<rule>].npy   attribution, float32, the input's shape without batch axis
  <input>.<method>[.<rule>].png   heatmap (signed, blue-white-red, symmetric around 0)
  <input>.smoothgrad.<method>[.<rule>].npy|png   with --smoothgrad: the smoothed attributions
  <input>.montage.png             input and every method, signed and |a|/max|a| views
  summary.json                    per input: target, prediction, f(x), w·x, b, Σβ₀, residuals,
                                  IG delta, bias per layer and node, backend, precision, timings

Example:
  biasprop explain packages/model-zoo/models/mnist/model.onnx samples/ --method gradient,bbp --rule contribution,signed
`;

function list(value: string | undefined, allowed: readonly string[], option: string): string[] {
  if (value === undefined) return [];
  const items = value.split(',').map((s) => s.trim());
  for (const item of items) {
    if (!allowed.includes(item)) {
      throw usageError(
        `--${option}: unknown value '${item}'; use ${allowed.join(', ')}`,
        'explain',
      );
    }
  }
  return [...new Set(items)];
}

function classIndex(value: string, option: string): number {
  if (!/^\d+$/.test(value.trim()))
    throw usageError(
      `--${option}: '${value}' is not a class index (a non-negative integer)`,
      'explain',
    );
  return Number(value.trim());
}

/**
 * Parses `--bias-layers`: `all`, `skip-first:K`, or comma-separated layer/node names.
 *
 * @example
 * ```ts
 * parseBiasLayers('skip-first:1', 'explain'); // { skipFirst: 1 }
 * ```
 */
export function parseBiasLayers(value: string, command: string): LayerSelection {
  if (value === 'all') return 'all';
  const skip = /^skip-first:(.*)$/.exec(value);
  if (skip) {
    if (!/^\d+$/.test(skip[1]!))
      throw usageError(
        `--bias-layers skip-first:K needs a non-negative integer K, got '${skip[1]}'`,
        command,
      );
    return { skipFirst: Number(skip[1]) };
  }
  const names = value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
  if (names.length === 0) throw usageError(`--bias-layers: no layer names in '${value}'`, command);
  return names;
}

function parseScale(value: string): [number, number] {
  const parts = value.split(',').map((s) => Number(s.trim()));
  if (parts.length !== 2 || parts.some((v) => !Number.isFinite(v)) || parts[0] === parts[1]) {
    throw usageError(
      `--scale must be LO,HI (two different numbers, e.g. 0,1 or 0,255 or -1,1), got '${value}'`,
      'explain',
    );
  }
  return [parts[0]!, parts[1]!];
}

/**
 * Validates the arguments of `biasprop explain` that do not need the model.
 *
 * @example
 * ```ts
 * const o = parseExplainOptions(parseArgs(argv, EXPLAIN_OPTIONS, 'explain'));
 * ```
 */
export function parseExplainOptions(args: ParsedArgs): ExplainCliOptions {
  const [model, ...inputs] = args.positionals;
  if (model === undefined)
    throw usageError('missing <model> (an .onnx file or a tfjs model.json)', 'explain');
  if (inputs.length === 0)
    throw usageError('missing <input...> (.png/.jpg/.npy files or a directory of them)', 'explain');
  const o = args.options;
  const methods = o.has('method')
    ? list(o.get('method'), Object.keys(CLI_METHODS), 'method')
    : Object.keys(CLI_METHODS);
  const order = Object.keys(CLI_METHODS);
  methods.sort((a, b) => order.indexOf(a) - order.indexOf(b));
  const rules = o.has('rule') ? list(o.get('rule'), CLI_RULES, 'rule') : ['contribution'];
  const targetText = o.get('target') ?? 'pred';
  const target = targetText === 'pred' ? 'pred' : classIndex(targetText, 'target');
  let contrast: [number, number] | undefined;
  if (o.has('contrast')) {
    if (o.has('target'))
      throw usageError('--target and --contrast exclude each other; give one', 'explain');
    const parts = o.get('contrast')!.split(',');
    if (parts.length !== 2)
      throw usageError(`--contrast needs two classes T,S, got '${o.get('contrast')}'`, 'explain');
    contrast = [classIndex(parts[0]!, 'contrast'), classIndex(parts[1]!, 'contrast')];
    if (contrast[0] === contrast[1])
      throw usageError(
        `--contrast compares class ${contrast[0]} with itself; give two different classes`,
        'explain',
      );
  }
  const igMethod = o.get('ig-method') ?? 'gauss-legendre';
  if (!(igMethod in CLI_IG_METHODS)) {
    throw usageError(
      `--ig-method: unknown value '${igMethod}'; use ${Object.keys(CLI_IG_METHODS).join(', ')}`,
      'explain',
    );
  }
  const backend = o.get('backend');
  if (backend !== undefined && !isBackendName(backend)) {
    throw new CliError(
      `unknown backend '${backend}'; use one of ${BACKEND_NAMES.join(', ')} (see 'biasprop explain --help')`,
      2,
    );
  }
  for (const option of ['noise-level', 'seed'])
    if (o.has(option) && !o.has('smoothgrad'))
      throw usageError(`--${option} only applies with --smoothgrad N`, 'explain');
  const formats = o.has('format') ? list(o.get('format'), FORMATS, 'format') : ['png', 'json'];
  const biasLayersText = o.get('bias-layers') ?? 'all';
  return {
    model,
    inputs,
    methods: methods as CliMethod[],
    rules: rules as BuiltinBbpRule[],
    target,
    ...(contrast ? { contrast } : {}),
    igSteps: positiveInt(o.get('ig-steps') ?? '50', 'ig-steps', 'explain', 100_000),
    igMethod: igMethod as keyof typeof CLI_IG_METHODS,
    baseline: o.get('baseline') ?? 'zero',
    biasLayers: parseBiasLayers(biasLayersText, 'explain'),
    biasLayersText,
    ...(backend !== undefined ? { backend: backend } : {}),
    batch: positiveInt(o.get('batch') ?? '32', 'batch', 'explain', 1_000_000),
    out: o.get('out') ?? 'biasprop-out',
    formats: new Set(formats as OutputFormat[]),
    scale: o.has('scale') ? parseScale(o.get('scale')!) : [0, 1],
    ...(o.has('smoothgrad') ? { smoothGrad: parseSmoothGrad(args) } : {}),
  };
}

function parseSmoothGrad(args: ParsedArgs): SmoothGradCliOptions {
  const o = args.options;
  const noiseText = o.get('noise-level') ?? '0.15';
  const noiseLevel = Number(noiseText);
  if (noiseText.trim() === '' || !Number.isFinite(noiseLevel) || noiseLevel < 0)
    throw usageError(
      `--noise-level must be a number ≥ 0 (a fraction of the input's range, e.g. 0.15), got '${noiseText}'`,
      'explain',
    );
  const seedText = o.get('seed') ?? '0';
  if (!/^\d+$/.test(seedText) || Number(seedText) > 0xffffffff)
    throw usageError(
      `--seed must be an integer from 0 to 4294967295, got '${seedText}'`,
      'explain',
    );
  return {
    samples: positiveInt(o.get('smoothgrad')!, 'smoothgrad', 'explain', 100_000),
    noiseLevel,
    seed: Number(seedText),
  };
}

/**
 * Checks the options that depend on the model: class indices in range, bias-layer names known.
 *
 * @example
 * ```ts
 * checkAgainstModel(options, await loadModel(options.model, cwd));
 * ```
 */
export function checkAgainstModel(o: ExplainCliOptions, model: LoadedModel): void {
  const name = model.graph.name;
  const check = (c: number, what: string) => {
    if (c >= model.classes) {
      throw new CliError(
        `${what} ${c} is out of range: model '${name}' has ${model.classes} outputs (classes 0..${model.classes - 1})`,
      );
    }
  };
  if (typeof o.target === 'number') check(o.target, '--target');
  if (o.contrast) {
    check(o.contrast[0], '--contrast class');
    check(o.contrast[1], '--contrast class');
  }
  checkBiasLayers(o.biasLayers, model);
}

/**
 * Checks a `--bias-layers` selection against the model: names must be layers or nodes, and
 * `skip-first:K` may not skip more layers than there are.
 *
 * @example
 * ```ts
 * checkBiasLayers(['conv1'], model);
 * ```
 */
export function checkBiasLayers(selection: LayerSelection, model: LoadedModel): void {
  const name = model.graph.name;
  if (Array.isArray(selection)) {
    const layers = layersOf(model.graph);
    const known = new Set([...layers.map((l) => l.name), ...model.graph.nodes.map((n) => n.name)]);
    for (const n of selection as readonly string[]) {
      if (!known.has(n)) {
        throw new CliError(
          `--bias-layers: '${n}' is neither a layer nor a node of model '${name}'; layers: ${layers.map((l) => l.name).join(', ')}`,
          2,
        );
      }
    }
  } else if (typeof selection === 'object' && 'skipFirst' in selection) {
    const count = layersOf(model.graph).length;
    if (selection.skipFirst > count) {
      throw new CliError(
        `--bias-layers skip-first:${selection.skipFirst} skips more layers than model '${name}' has (${count})`,
        2,
      );
    }
  }
}
