import type { Backend } from '../backend/backend.js';
import { BiaspropError } from '../errors.js';
import type { IRGraph } from '../ir/types.js';
import type { HostTensor } from '../tensor/host-tensor.js';
import { sizeOf } from '../tensor/shape.js';
import { OUT, forwardProgram } from './attribution-program.js';
import { integratedGradientsProgram } from './integrated-gradients-program.js';
import { walkExactPath } from './exact-integrated-gradients.js';
import type { IgQuadrature } from './quadrature.js';
import { quadrature } from './quadrature.js';
import { validateInput } from './validate-input.js';

/** Options of Integrated Gradients. */
export interface IntegratedGradientsOptions {
  /** Quadrature points (default 50). */
  readonly steps?: number;
  /**
   * Quadrature (default `'gaussLegendre'`), `'exact'` (region by region, piecewise-linear networks
   * only) or `'adaptive'` (Gauss–Legendre points doubled until the delta is small).
   */
  readonly method?: IgMethod;
  /** Exact mode: stop with an error past this many regions (default 100 000). */
  readonly maxRegions?: number;
  /** Exact mode: relative tolerance for equal values (default by precision). */
  readonly tolerance?: number;
  /** Adaptive mode: first number of points (default 16). */
  readonly adaptiveStart?: number;
  /** Adaptive mode: stop when `|delta| ≤ adaptiveTolerance · |f(x) − f(x')|` for every example (default 1e-3). */
  readonly adaptiveTolerance?: number;
  /** Adaptive mode: the most points tried (default 4096). */
  readonly adaptiveMaxPoints?: number;
  /**
   * Baseline(s) `x'`: `'zero'` (default), one tensor (per-example shape or `[N, ...]`), or several,
   * whose attributions are averaged.
   */
  readonly baselines?: 'zero' | HostTensor | readonly HostTensor[];
  /** Path points evaluated per backend run (default: the fewest runs `maxPointsPerRun` allows, split evenly). */
  readonly stepsPerRun?: number;
  /** Upper bound on `N × steps` points in one run, used when `stepsPerRun` is not set (default 512). */
  readonly maxPointsPerRun?: number;
  /**
   * Memory budget in bytes for one run (default 512 MiB); bounds the points per run by an estimate
   * of the graph's activations (32 bytes per activation element: values, gradients, temporaries).
   * MobileNetV2 at 96×96 gets at most 6 points per run, LeNet the full `maxPointsPerRun`.
   */
  readonly memoryBudgetBytes?: number;
  /** Called after each backend run with the runs done and in all. */
  readonly onProgress?: (done: number, total: number) => void;
}

/** The IG attribution and its convergence delta per example. */
export interface IntegratedGradientsResult {
  /** Attribution `[N, ...]`, averaged over baselines. */
  readonly attribution: HostTensor;
  /** `Σ IG − (f(x) − f(x'))` per example (`f(x')` averaged over baselines). */
  readonly delta: Float64Array;
  /** `f(x')` per example, averaged over baselines. */
  readonly baselineValue: Float64Array;
  /** Quadrature points used (the last, largest count in adaptive mode; 0 in exact mode). */
  readonly steps: number;
  /** The method that produced it. */
  readonly method: IgMethod;
  /** Exact mode: linear regions crossed per example. */
  readonly regions?: Int32Array;
  /** Adaptive mode: whether every example met the tolerance within the cap. */
  readonly converged?: boolean;
}

/** IG methods: a quadrature, exact region walking, or adaptive Gauss–Legendre. */
export type IgMethod = IgQuadrature | 'exact' | 'adaptive';

function expandBaseline(graph: IRGraph, b: HostTensor, n: number): HostTensor {
  const per = sizeOf(graph.input.shape);
  const v = validateInput(graph, b, 'IG baseline');
  if (v.shape[0] === n) return v;
  if (v.shape[0] !== 1)
    throw new BiaspropError(
      'SHAPE_MISMATCH',
      `IG baseline has batch ${v.shape[0]}, expected 1 or ${n}`,
    );
  const data = new Float64Array(n * per);
  for (let i = 0; i < n; i++) data.set(v.data, i * per);
  return { data, shape: [n, ...graph.input.shape] };
}

/** Default per-run activation budget of Integrated Gradients (512 MiB). */
const DEFAULT_IG_MEMORY_BUDGET_BYTES = 512 * 2 ** 20;

/** Points per run from the options and a rough activation-size estimate. */
function pointsPerRun(
  graph: IRGraph,
  n: number,
  steps: number,
  o: IntegratedGradientsOptions,
): number {
  if (o.stepsPerRun !== undefined) {
    if (!Number.isInteger(o.stepsPerRun) || o.stepsPerRun < 1) {
      throw new BiaspropError(
        'INVALID_OPTION',
        `stepsPerRun must be a positive integer, got ${o.stepsPerRun}`,
      );
    }
    return Math.min(o.stepsPerRun, steps);
  }
  let m = Math.max(1, Math.floor((o.maxPointsPerRun ?? 512) / n));
  // values, gradients and a few temporaries per node, 8 bytes each
  const perPoint =
    8 * 4 * (sizeOf(graph.input.shape) + graph.nodes.reduce((s, v) => s + sizeOf(v.shape), 0));
  const budget = o.memoryBudgetBytes ?? DEFAULT_IG_MEMORY_BUDGET_BYTES;
  m = Math.min(m, Math.max(1, Math.floor(budget / (perPoint * n))));
  return evenPointsPerRun(steps, Math.min(m, steps));
}

/**
 * Points per run for `steps` points and at most `max` per run. Every run has the same size (a
 * compiled program is reused), so the last run pads with zero-weight points: 50 points at 16 per
 * run would compute 64, at 6 per run 54. Picks the size that computes the fewest points, counting
 * each run as half a point of overhead (50 at most 16 → 10 per run; at most 6 → 5).
 */
function evenPointsPerRun(steps: number, max: number): number {
  let best = max;
  let bestCost = Infinity;
  for (let m = max; m >= 1; m--) {
    const runs = Math.ceil(steps / m);
    const cost = runs * m + 0.5 * runs;
    if (cost < bestCost) {
      best = m;
      bestCost = cost;
    }
  }
  return best;
}

/**
 * Integrated Gradients for a validated batch and readout: quadrature over the straight path from
 * each baseline, chunked into runs of several path points, averaged over baselines; the delta
 * compares `Σ IG` with `f(x) − f(x')`.
 */
export async function runIntegratedGradients(
  graph: IRGraph,
  backend: Backend,
  x: HostTensor,
  readout: HostTensor,
  fx: Float64Array,
  options: IntegratedGradientsOptions = {},
): Promise<IntegratedGradientsResult> {
  const method = options.method ?? 'gaussLegendre';
  if (method === 'adaptive')
    return adaptiveIntegratedGradients(graph, backend, x, readout, fx, options);
  const n = x.shape[0]!;
  const steps = method === 'exact' ? 0 : (options.steps ?? 50);
  const raw = options.baselines ?? 'zero';
  const baselines: HostTensor[] =
    raw === 'zero'
      ? [{ data: new Float64Array(x.data.length), shape: x.shape }]
      : (Array.isArray(raw) ? (raw as readonly HostTensor[]) : [raw as HostTensor]).map((b) =>
          expandBaseline(graph, b, n),
        );
  if (baselines.length === 0)
    throw new BiaspropError('INVALID_OPTION', 'at least one IG baseline is needed');
  if (method === 'exact')
    return exactForReadout(graph, backend, x, readout, fx, baselines, options);
  const { points, weights } = quadrature(method, steps);
  const m = pointsPerRun(graph, n, steps, options);
  const program = integratedGradientsProgram(graph);
  const attribution = new Float64Array(x.data.length);
  const total = baselines.length * Math.ceil(steps / m);
  let done = 0;
  for (const base of baselines) {
    const gradSum = new Float64Array(x.data.length);
    for (let s = 0; s < steps; s += m) {
      const count = Math.min(m, steps - s);
      // Keep every run the same size (a compiled program is reused): pad with zero-weight points.
      const t = new Float64Array(m);
      const w = new Float64Array(m);
      t.set(points.subarray(s, s + count));
      w.set(weights.subarray(s, s + count));
      const out = await backend.run(program, {
        x,
        baseline: base,
        readout,
        t: { data: t, shape: [m] },
        weights: { data: w, shape: [m] },
      });
      const g = out.gradSum!.data;
      for (let i = 0; i < gradSum.length; i++) gradSum[i]! += g[i]!;
      options.onProgress?.(++done, total);
    }
    for (let i = 0; i < attribution.length; i++)
      attribution[i]! += ((x.data[i]! - base.data[i]!) * gradSum[i]!) / baselines.length;
  }
  const baselineValue = await baselineValues(graph, backend, readout, baselines);
  const delta = deltasOf(attribution, fx, baselineValue, sizeOf(graph.input.shape));
  return {
    attribution: { data: attribution, shape: [...x.shape] },
    delta,
    baselineValue,
    steps,
    method,
  };
}

/** f(x') per example for a readout, averaged over baselines. */
async function baselineValues(
  graph: IRGraph,
  backend: Backend,
  readout: HostTensor,
  baselines: readonly HostTensor[],
): Promise<Float64Array> {
  const [n, classes] = readout.shape as [number, number];
  const out = new Float64Array(n);
  for (const base of baselines) {
    const logits = (await backend.run(forwardProgram(graph), { x: base }))[OUT.logits]!;
    for (let i = 0; i < n; i++) {
      let v = 0;
      for (let k = 0; k < classes; k++)
        v += readout.data[i * classes + k]! * logits.data[i * classes + k]!;
      out[i]! += v / baselines.length;
    }
  }
  return out;
}

function deltasOf(
  attribution: Float64Array,
  fx: Float64Array,
  fb: Float64Array,
  per: number,
): Float64Array {
  return fx.map((f, i) => {
    let s = 0;
    for (let j = i * per; j < (i + 1) * per; j++) s += attribution[j]!;
    return s - (f - fb[i]!);
  });
}

async function exactForReadout(
  graph: IRGraph,
  backend: Backend,
  x: HostTensor,
  readout: HostTensor,
  fx: Float64Array,
  baselines: readonly HostTensor[],
  options: IntegratedGradientsOptions,
): Promise<IntegratedGradientsResult> {
  const attribution = new Float64Array(x.data.length);
  const regions = new Int32Array(x.shape[0]!);
  let done = 0;
  for (const base of baselines) {
    const walk = await walkExactPath(graph, backend, x, base, [Float64Array.from(readout.data)], {
      ...(options.tolerance !== undefined ? { tolerance: options.tolerance } : {}),
      ...(options.maxRegions !== undefined ? { maxRegions: options.maxRegions } : {}),
    });
    walk.attributions[0]!.data.forEach((v, i) => (attribution[i]! += v / baselines.length));
    walk.regions.forEach((r, i) => (regions[i]! += r));
    options.onProgress?.(++done, baselines.length);
  }
  const baselineValue = await baselineValues(graph, backend, readout, baselines);
  const delta = deltasOf(attribution, fx, baselineValue, sizeOf(graph.input.shape));
  return {
    attribution: { data: attribution, shape: [...x.shape] },
    delta,
    baselineValue,
    steps: 0,
    method: 'exact',
    regions,
  };
}

async function adaptiveIntegratedGradients(
  graph: IRGraph,
  backend: Backend,
  x: HostTensor,
  readout: HostTensor,
  fx: Float64Array,
  options: IntegratedGradientsOptions,
): Promise<IntegratedGradientsResult> {
  const tol = options.adaptiveTolerance ?? 1e-3;
  const cap = options.adaptiveMaxPoints ?? 4096;
  let steps = options.adaptiveStart ?? 16;
  if (!Number.isInteger(steps) || steps < 1 || steps > cap) {
    throw new BiaspropError(
      'INVALID_OPTION',
      `adaptiveStart must be an integer in [1, ${cap}], got ${steps}`,
    );
  }
  for (;;) {
    const r = await runIntegratedGradients(graph, backend, x, readout, fx, {
      ...options,
      method: 'gaussLegendre',
      steps,
    });
    const converged = Array.from(r.delta).every(
      (d, i) => Math.abs(d) <= tol * Math.abs(fx[i]! - r.baselineValue[i]!),
    );
    if (converged || steps * 2 > cap) return { ...r, method: 'adaptive', converged };
    steps *= 2;
  }
}
