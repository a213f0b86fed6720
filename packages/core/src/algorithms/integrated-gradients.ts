import type { Backend } from '../backend/backend.js';
import { BiaspropError } from '../errors.js';
import type { IRGraph } from '../ir/types.js';
import type { HostTensor } from '../tensor/host-tensor.js';
import { sizeOf } from '../tensor/shape.js';
import { OUT, forwardProgram } from './attribution-program.js';
import { integratedGradientsProgram } from './integrated-gradients-program.js';
import type { IgQuadrature } from './quadrature.js';
import { quadrature } from './quadrature.js';
import { validateInput } from './validate-input.js';

/** Options of Integrated Gradients. */
export interface IntegratedGradientsOptions {
  /** Quadrature points (default 50). */
  readonly steps?: number;
  /** Quadrature (default `'gaussLegendre'`). */
  readonly method?: IgQuadrature;
  /**
   * Baseline(s) `x'`: `'zero'` (default), one tensor (per-example shape or `[N, ...]`), or several,
   * whose attributions are averaged.
   */
  readonly baselines?: 'zero' | HostTensor | readonly HostTensor[];
  /** Path points evaluated per backend run (default: as many as fit `maxPointsPerRun`). */
  readonly stepsPerRun?: number;
  /** Upper bound on `N × steps` points in one run, used when `stepsPerRun` is not set (default 512). */
  readonly maxPointsPerRun?: number;
  /** Memory budget in bytes for one run; bounds the points per run by an estimate of the graph's activations. */
  readonly memoryBudgetBytes?: number;
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
  readonly steps: number;
  readonly method: IgQuadrature;
}

function expandBaseline(graph: IRGraph, b: HostTensor, n: number): HostTensor {
  const per = sizeOf(graph.input.shape);
  const v = validateInput(graph, b, 'IG baseline');
  if (v.shape[0] === n) return v;
  if (v.shape[0] !== 1) throw new BiaspropError('SHAPE_MISMATCH', `IG baseline has batch ${v.shape[0]}, expected 1 or ${n}`);
  const data = new Float64Array(n * per);
  for (let i = 0; i < n; i++) data.set(v.data, i * per);
  return { data, shape: [n, ...graph.input.shape] };
}

/** Points per run from the options and a rough activation-size estimate. */
function pointsPerRun(graph: IRGraph, n: number, steps: number, o: IntegratedGradientsOptions): number {
  if (o.stepsPerRun !== undefined) {
    if (!Number.isInteger(o.stepsPerRun) || o.stepsPerRun < 1) {
      throw new BiaspropError('INVALID_OPTION', `stepsPerRun must be a positive integer, got ${o.stepsPerRun}`);
    }
    return Math.min(o.stepsPerRun, steps);
  }
  let m = Math.max(1, Math.floor((o.maxPointsPerRun ?? 512) / n));
  if (o.memoryBudgetBytes !== undefined) {
    // values, gradients and a few temporaries per node, 8 bytes each
    const perPoint = 8 * 4 * (sizeOf(graph.input.shape) + graph.nodes.reduce((s, v) => s + sizeOf(v.shape), 0));
    m = Math.min(m, Math.max(1, Math.floor(o.memoryBudgetBytes / (perPoint * n))));
  }
  return Math.min(m, steps);
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
  const n = x.shape[0]!;
  const steps = options.steps ?? 50;
  const method = options.method ?? 'gaussLegendre';
  const { points, weights } = quadrature(method, steps);
  const raw = options.baselines ?? 'zero';
  const baselines: HostTensor[] =
    raw === 'zero'
      ? [{ data: new Float64Array(x.data.length), shape: x.shape }]
      : (Array.isArray(raw) ? (raw as readonly HostTensor[]) : [raw as HostTensor]).map((b) => expandBaseline(graph, b, n));
  if (baselines.length === 0) throw new BiaspropError('INVALID_OPTION', 'at least one IG baseline is needed');
  const m = pointsPerRun(graph, n, steps, options);
  const program = integratedGradientsProgram(graph);
  const attribution = new Float64Array(x.data.length);
  const baselineValue = new Float64Array(n);
  const total = baselines.length * Math.ceil(steps / m);
  let done = 0;
  const classes = readout.shape[1]!;
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
    for (let i = 0; i < attribution.length; i++) attribution[i]! += ((x.data[i]! - base.data[i]!) * gradSum[i]!) / baselines.length;
    const logits = (await backend.run(forwardProgram(graph), { x: base }))[OUT.logits]!;
    for (let i = 0; i < n; i++) {
      let v = 0;
      for (let k = 0; k < classes; k++) v += readout.data[i * classes + k]! * logits.data[i * classes + k]!;
      baselineValue[i]! += v / baselines.length;
    }
  }
  const per = sizeOf(graph.input.shape);
  const delta = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < per; j++) s += attribution[i * per + j]!;
    delta[i] = s - (fx[i]! - baselineValue[i]!);
  }
  return { attribution: { data: attribution, shape: [...x.shape] }, delta, baselineValue, steps, method };
}
