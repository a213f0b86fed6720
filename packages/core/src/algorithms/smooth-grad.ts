import type { Backend, Precision } from '../backend/backend.js';
import { BiaspropError, ShapeMismatchError } from '../errors.js';
import type { IRGraph } from '../ir/types.js';
import { ReferenceBackend } from '../reference/reference-backend.js';
import type { HostTensor } from '../tensor/host-tensor.js';
import { sizeOf } from '../tensor/shape.js';
import type { AttributionSet } from './attribution-set.js';
import { attributionSetOf } from './attribution-set.js';
import type { ExplainOptions, Method, Progress } from './explain.js';
import { assertMethods, explain, predict } from './explain.js';
import { GaussianStream, assertSeed } from './gaussian-noise.js';
import type { IntegratedGradientsOptions } from './integrated-gradients.js';
import type { Target } from './targets.js';
import { encodeTargets, firstMaxPerRow } from './targets.js';
import { validateInput } from './validate-input.js';

/**
 * How the attributions of the noisy samples are combined, per element: their mean (`smoothgrad`,
 * Smilkov et al. 2017), the mean of their squares (`smoothgradSquared`), or their variance over the
 * samples, divided by the sample count (`vargrad`, Adebayo et al. 2018).
 */
export type SmoothGradVariant = 'smoothgrad' | 'smoothgradSquared' | 'vargrad';

/** The variants, in documentation order. */
export const SMOOTH_GRAD_VARIANTS: readonly SmoothGradVariant[] = [
  'smoothgrad',
  'smoothgradSquared',
  'vargrad',
];

/**
 * Options of {@link smoothGrad}: those of {@link explain} (`backend`, `rules`, `biasLayers`,
 * `integratedGradients`, applied at every noisy sample) and the noise's.
 */
export interface SmoothGradOptions extends Pick<
  ExplainOptions,
  'backend' | 'rules' | 'biasLayers' | 'integratedGradients'
> {
  /** Methods to smooth (default `['gradient']`); every method of {@link explain} can be smoothed. */
  readonly methods?: readonly Method[];
  /** What to explain, decided on the clean input (default `'pred'`: its predicted class). */
  readonly target?: Target | readonly Target[];
  /** Noisy samples per example (default 50). */
  readonly samples?: number;
  /**
   * The noise's standard deviation as a fraction of each example's value range,
   * `σ = noiseLevel · (max x − min x)` (default 0.15; Smilkov et al. found 10–20% best).
   */
  readonly noiseLevel?: number;
  /** An absolute standard deviation, the same for every example (instead of `noiseLevel`). */
  readonly stdev?: number;
  /** Seed of the noise generator, an integer in [0, 2^32) (default 0). */
  readonly seed?: number;
  /**
   * Standard normal draws to use instead of the generator's (e.g. the noise another library drew,
   * to compare with it exactly): shape `[N · samples, ...inputShape]`, example-major (the samples
   * of example 0 first); each is scaled by the example's σ. `seed` is then unused.
   */
  readonly noise?: HostTensor;
  /** How the samples' attributions are combined (default `'smoothgrad'`). */
  readonly variant?: SmoothGradVariant;
  /** Noisy inputs per backend run (default: `samples`, one example's samples per run). */
  readonly batchSize?: number;
  /** Called after each backend run, with `stage: 'smoothGrad'`. */
  readonly onProgress?: (p: Progress) => void;
}

/**
 * What {@link smoothGrad} returns: the smoothed attributions of the requested methods (gradient ×
 * input is each sample's gradient times that sample's input) and the run's parameters.
 */
export interface SmoothGradResult extends AttributionSet {
  /** The graph's name. */
  readonly model: string;
  /** The backend that computed it. */
  readonly backend: string;
  /** The precision the backend computes in. */
  readonly precision: Precision;
  /** Number of examples. */
  readonly batch: number;
  /** Noisy samples per example. */
  readonly samples: number;
  /** The noise's standard deviation per example. */
  readonly sigma: Float64Array;
  /** The generator's seed. */
  readonly seed: number;
  /** How the samples were combined. */
  readonly variant: SmoothGradVariant;
  /** The readout vectors `r` `[N, K]` explained at every sample (decided on the clean input). */
  readonly readout: HostTensor;
  /** The mean over the samples of the explained scalar `f(x + ε)`, per example. */
  readonly meanF: Float64Array;
  /** Caveats about the graph, as {@link explain} reports them. */
  readonly warnings: readonly string[];
}

/** Running per-element mean and sum of squared deviations (Welford), one row per example. */
class Accumulator {
  readonly mean: Float64Array;
  readonly m2: Float64Array;
  readonly meanSquare: Float64Array;
  private readonly count: Int32Array;

  constructor(
    readonly shape: readonly number[],
    private readonly per: number,
  ) {
    const size = sizeOf(shape);
    this.mean = new Float64Array(size);
    this.m2 = new Float64Array(size);
    this.meanSquare = new Float64Array(size);
    this.count = new Int32Array(shape[0]!);
  }

  /** Adds one sample's attribution `values[from, from + per)` to example `example`. */
  add(example: number, values: ArrayLike<number>, from: number): void {
    const k = ++this.count[example]!;
    const base = example * this.per;
    for (let j = 0; j < this.per; j++) {
      const v = values[from + j]!;
      const i = base + j;
      const before = this.mean[i]!;
      const after = before + (v - before) / k;
      this.mean[i] = after;
      this.m2[i]! += (v - before) * (v - after);
      this.meanSquare[i]! += (v * v - this.meanSquare[i]!) / k;
    }
  }

  result(variant: SmoothGradVariant, samples: number): HostTensor {
    const data =
      variant === 'smoothgrad'
        ? this.mean
        : variant === 'smoothgradSquared'
          ? this.meanSquare
          : this.m2.map((v) => v / samples);
    return { data, shape: [...this.shape] };
  }
}

function positiveInteger(name: string, v: number): number {
  if (!Number.isInteger(v) || v < 1)
    throw new BiaspropError('INVALID_OPTION', `${name} must be a positive integer, got ${v}`);
  return v;
}

function nonNegative(name: string, v: number): number {
  if (!Number.isFinite(v) || v < 0)
    throw new BiaspropError('INVALID_OPTION', `${name} must be finite and ≥ 0, got ${v}`);
  return v;
}

/** σ per example: `stdev`, or `noiseLevel · (max − min)` of the example's values. */
function noiseScales(x: HostTensor, per: number, options: SmoothGradOptions): Float64Array {
  const n = x.shape[0]!;
  if (options.stdev !== undefined)
    return new Float64Array(n).fill(nonNegative('stdev', options.stdev));
  const level = nonNegative('noiseLevel', options.noiseLevel ?? 0.15);
  const sigma = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let lo = Infinity;
    let hi = -Infinity;
    for (let j = i * per; j < (i + 1) * per; j++) {
      lo = Math.min(lo, x.data[j]!);
      hi = Math.max(hi, x.data[j]!);
    }
    sigma[i] = level * (hi - lo);
  }
  return sigma;
}

/** Per example, the target as a class or contrast: `'pred'` becomes the clean input's prediction. */
async function resolveTargets(
  graph: IRGraph,
  x: HostTensor,
  backend: Backend,
  target: Target | readonly Target[] | undefined,
  classes: number,
): Promise<{ targets: Target[]; readout: HostTensor }> {
  const n = x.shape[0]!;
  const encoded = encodeTargets(target, n, classes); // validates
  const list: readonly Target[] = Array.isArray(target)
    ? target
    : Array.from({ length: n }, () => (target ?? 'pred') as Target);
  const predicted = encoded.usePredicted.data.some((v) => v === 1)
    ? firstMaxPerRow(await predict(graph, x, backend))
    : [];
  const targets = list.map((t, i): Target => (t === 'pred' ? predicted[i]! : t));
  return { targets, readout: encodeTargets(targets, n, classes).readout };
}

/** IG baselines given per example (batch N > 1) repeated for each row of a chunk. */
function baselinesForRows(
  graph: IRGraph,
  options: IntegratedGradientsOptions | undefined,
  n: number,
  rows: readonly number[],
): IntegratedGradientsOptions | undefined {
  const raw = options?.baselines;
  if (!raw || raw === 'zero' || n === 1) return options;
  const per = sizeOf(graph.input.shape);
  const list = Array.isArray(raw) ? (raw as readonly HostTensor[]) : [raw as HostTensor];
  const expand = (b: HostTensor): HostTensor => {
    const v = validateInput(graph, b, 'IG baseline');
    if (v.shape[0] !== n) return v; // batch 1 (or wrong, which explain reports)
    const data = new Float64Array(rows.length * per);
    rows.forEach((example, r) =>
      data.set(v.data.subarray(example * per, (example + 1) * per), r * per),
    );
    return { data, shape: [rows.length, ...graph.input.shape] };
  };
  return { ...options, baselines: list.map(expand) };
}

/** Fills `out` with the standard normal draws of noisy row `row`: given ones, or the generator's. */
function noiseSource(
  graph: IRGraph,
  given: HostTensor | undefined,
  rows: number,
  seed: number,
): (row: number, out: Float64Array) => void {
  if (!given) {
    const stream = new GaussianStream(seed);
    return (_row, out) => void stream.fill(out); // rows are drawn in order
  }
  const v = validateInput(graph, given, 'SmoothGrad noise');
  if (v.shape[0] !== rows)
    throw new ShapeMismatchError(
      `SmoothGrad noise of model '${graph.name}'`,
      [rows, ...graph.input.shape],
      [...given.shape],
    );
  return (row, out) => out.set(v.data.subarray(row * out.length, (row + 1) * out.length));
}

/** An attribution set's tensors keyed `gradient`, `bbp:<rule>`, …. */
function keyedTensors(a: AttributionSet): Map<string, HostTensor> {
  const m = new Map<string, HostTensor>();
  for (const key of ['gradient', 'inputXGradient', 'integratedGradients'] as const) {
    const t = a[key];
    if (t) m.set(key, t);
  }
  for (const kind of ['bbp', 'total'] as const)
    for (const [rule, t] of Object.entries(a[kind] ?? {})) m.set(`${kind}:${rule}`, t);
  return m;
}

/**
 * SmoothGrad on any method: each example's attributions averaged over `samples` noisy copies
 * `x + ε`, `ε ~ N(0, σ²)` per element (Smilkov et al. 2017, "SmoothGrad: removing noise by adding
 * noise"), or their mean square or variance (see {@link SmoothGradVariant}). Each method is applied
 * at the noisy input, explaining the class decided on the clean input. The noise comes from a
 * seeded generator (see {@link gaussianNoise}), drawn example by example, sample by sample, element
 * by element, so every backend explains the same noisy points and results are reproducible.
 * SmoothGrad attributions do not sum to `f(x)`; `meanF` is the mean of `f(x + ε)`.
 *
 * @example
 * ```ts
 * const s = await smoothGrad(graph, { data: pixels, shape: [1, 1, 28, 28] }, {
 *   methods: ['gradient', 'bbp'],
 *   samples: 50,
 *   noiseLevel: 0.15,
 *   seed: 1,
 * });
 * s.gradient; // the smoothed saliency map
 * s.bbp!.contribution; // the smoothed bias attribution
 * ```
 */
export async function smoothGrad(
  graph: IRGraph,
  input: HostTensor,
  options: SmoothGradOptions = {},
): Promise<SmoothGradResult> {
  const methods = assertMethods(options.methods ?? ['gradient']);
  const samples = positiveInteger('samples', options.samples ?? 50);
  const batchSize = positiveInteger('batchSize', options.batchSize ?? samples);
  const seed = options.seed ?? 0;
  assertSeed(seed);
  const variant = options.variant ?? 'smoothgrad';
  if (!SMOOTH_GRAD_VARIANTS.includes(variant))
    throw new BiaspropError(
      'INVALID_OPTION',
      `unknown SmoothGrad variant '${String(variant)}'; use ${SMOOTH_GRAD_VARIANTS.join(', ')}`,
    );
  if (options.stdev !== undefined && options.noiseLevel !== undefined)
    throw new BiaspropError('INVALID_OPTION', 'give either stdev or noiseLevel, not both');
  const x = validateInput(graph, input);
  const n = x.shape[0]!;
  const per = sizeOf(graph.input.shape);
  const sigma = noiseScales(x, per, options);
  const draw = noiseSource(graph, options.noise, n * samples, seed);
  const backend = options.backend ?? new ReferenceBackend();
  const outNode = graph.nodes.find((v) => v.name === graph.output)!;
  const classes = sizeOf(outNode.shape);
  const { targets, readout } = await resolveTargets(graph, x, backend, options.target, classes);

  const accumulators = new Map<string, Accumulator>();
  const meanF = new Float64Array(n);
  const totalRows = n * samples;
  const runs = Math.ceil(totalRows / batchSize);
  const noise = new Float64Array(per);
  const warnings = new Set<string>();
  for (let run = 0; run < runs; run++) {
    const first = run * batchSize;
    const count = Math.min(batchSize, totalRows - first);
    const rows = Array.from({ length: count }, (_, r) => Math.floor((first + r) / samples));
    const data = new Float64Array(count * per);
    rows.forEach((example, r) => {
      draw(first + r, noise);
      const s = sigma[example]!;
      for (let j = 0; j < per; j++) data[r * per + j] = x.data[example * per + j]! + s * noise[j]!;
    });
    const e = await explain(
      graph,
      { data, shape: [count, ...graph.input.shape] },
      {
        backend,
        methods,
        target: rows.map((i) => targets[i]!),
        ...(options.rules ? { rules: options.rules } : {}),
        ...(options.biasLayers !== undefined ? { biasLayers: options.biasLayers } : {}),
        ...(methods.includes('integratedGradients')
          ? { integratedGradients: baselinesForRows(graph, options.integratedGradients, n, rows) }
          : {}),
      },
    );
    for (const [key, t] of keyedTensors(attributionSetOf(e))) {
      let acc = accumulators.get(key);
      if (!acc) accumulators.set(key, (acc = new Accumulator(x.shape, per)));
      rows.forEach((example, r) => acc.add(example, t.data, r * per));
    }
    rows.forEach((example, r) => (meanF[example]! += e.decomposition[r]!.f / samples));
    for (const w of e.warnings) warnings.add(w);
    options.onProgress?.({ stage: 'smoothGrad', done: run + 1, total: runs });
  }

  const get = (key: string) => accumulators.get(key)!.result(variant, samples);
  const perRule = (prefix: string): Record<string, HostTensor> =>
    Object.fromEntries(
      [...accumulators.keys()]
        .filter((k) => k.startsWith(`${prefix}:`))
        .map((k) => [k.slice(prefix.length + 1), get(k)]),
    );
  return {
    model: graph.name,
    backend: backend.name,
    precision: backend.precision,
    batch: n,
    samples,
    sigma,
    seed,
    variant,
    readout,
    meanF,
    ...(methods.includes('gradient') ? { gradient: get('gradient') } : {}),
    ...(methods.includes('inputXGradient') ? { inputXGradient: get('inputXGradient') } : {}),
    ...(methods.includes('integratedGradients')
      ? { integratedGradients: get('integratedGradients') }
      : {}),
    ...(methods.includes('bbp') ? { bbp: perRule('bbp') } : {}),
    ...(methods.includes('total') ? { total: perRule('total') } : {}),
    warnings: [...warnings],
  };
}
