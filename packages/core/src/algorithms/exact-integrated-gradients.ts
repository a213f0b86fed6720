import type { Backend, Program } from '../backend/backend.js';
import type { Tensor } from '../backend/tensor.js';
import { BiaspropError } from '../errors.js';
import type { IRGraph } from '../ir/types.js';
import { ReferenceBackend } from '../reference/reference-backend.js';
import type { HostTensor } from '../tensor/host-tensor.js';
import { sizeOf } from '../tensor/shape.js';
import { OUT, forwardProgram } from './attribution-program.js';
import { backward } from './linearize.js';
import { assertLinearizable } from './linearize.js';
import { assertPiecewiseLinear, linearizeAlongPath } from './path-linearize.js';
import type { Target } from './targets.js';
import { encodeTargets } from './targets.js';
import { validateInput } from './validate-input.js';

/** Default relative tolerance for "equal" values on the path, per backend precision. */
export const EXACT_IG_TOLERANCE = {
  /** float64 backends. */
  float64: 1e-9,
  /** float32 backends. */
  float32: 1e-5,
  /** float16 backends. */
  float16: 1e-2,
} as const;

/** Options of {@link exactIntegratedGradients}. */
export interface ExactIntegratedGradientsOptions {
  /** Where to compute (default: a new `ReferenceBackend`). */
  readonly backend?: Backend;
  /** One target for all examples, or several targets explained with the same walk (default `['pred']`). */
  readonly targets?: readonly (Target | readonly Target[])[];
  /** Baseline (per-example shape or `[N, ...]`); default zeros. */
  readonly baseline?: HostTensor;
  /** Stop with an error after this many linear regions on one path (default 100 000). */
  readonly maxRegions?: number;
  /**
   * Values closer than `tolerance × max |node value|` count as equal when choosing pieces
   * (default by precision: 1e-9 float64, 1e-5 float32, 1e-2 float16).
   */
  readonly tolerance?: number;
  /** Called after each region with the most regions crossed and the least `t` reached. */
  readonly onProgress?: (regions: number, t: number) => void;
}

/** Exact IG for every requested target of a batch. */
export interface ExactIntegratedGradientsResult {
  /** One attribution `[N, ...]` per target, in the order requested. */
  readonly attributions: readonly HostTensor[];
  /** Per target, per example: `Σ IG − (f(x) − f(x'))`. */
  readonly deltas: readonly Float64Array[];
  /** Per target, per example: `f(x) − f(x')`. */
  readonly differences: readonly Float64Array[];
  /** Linear regions crossed by each example's path. */
  readonly regions: Int32Array;
}

function stepProgram(graph: IRGraph, targets: number, tolerance: number): Program {
  return {
    key: `exact-ig-step|${graph.name}|${targets}|${tolerance}`,
    build(ops, inputs) {
      const base = inputs.baseline!;
      const diff = inputs.diff!;
      const n = base.shape[0]!;
      const t = ops.reshape(inputs.t!, [n, ...base.shape.slice(1).map(() => 1)]);
      const points = ops.add(base, ops.mul(t, diff));
      const { lin, step } = linearizeAlongPath(ops, graph, points, diff, tolerance);
      const out: Record<string, Tensor> = { step };
      const classes = lin.logits.shape[1]!;
      for (let j = 0; j < targets; j++) {
        const r = ops.reshape(ops.slice(inputs.readouts!, [j, 0, 0], [1, n, classes]), [
          n,
          classes,
        ]);
        out[`gradient:${j}`] = backward(ops, graph, lin, r).get(graph.input.name)!;
      }
      return out;
    },
  };
}

function readoutValues(
  logits: HostTensor,
  readout: Float64Array,
  n: number,
  classes: number,
): Float64Array {
  const v = new Float64Array(n);
  for (let i = 0; i < n; i++)
    for (let k = 0; k < classes; k++)
      v[i]! += readout[i * classes + k]! * logits.data[i * classes + k]!;
  return v;
}

/**
 * Exact Integrated Gradients for piecewise-linear networks: walks the straight path from the
 * baseline region by region (one backend run per region gives every unit's value and derivative
 * along the path and the next breakpoint), accumulating `(t' − t)·∇f ⊙ (x − x')`. One walk serves
 * every target. `Σ IG = f(x) − f(x')` up to rounding.
 *
 * @example
 * ```ts
 * const r = await exactIntegratedGradients(graph, x, { targets: [3, { contrast: [8, 3] }] });
 * console.log(r.regions, r.deltas[0]);
 * ```
 */
export async function exactIntegratedGradients(
  graph: IRGraph,
  input: HostTensor,
  options: ExactIntegratedGradientsOptions = {},
): Promise<ExactIntegratedGradientsResult> {
  assertLinearizable(graph);
  assertPiecewiseLinear(graph);
  const backend = options.backend ?? new ReferenceBackend();
  const x = validateInput(graph, input);
  const n = x.shape[0]!;
  const per = sizeOf(graph.input.shape);
  const classes = sizeOf(graph.nodes.find((v) => v.name === graph.output)!.shape);
  const base = options.baseline
    ? validateInput(graph, options.baseline, 'IG baseline')
    : { data: new Float64Array(x.data.length), shape: x.shape };
  const baseline: HostTensor =
    base.shape[0] === n
      ? base
      : {
          data: Float64Array.from({ length: n * per }, (_, i) => base.data[i % per]!),
          shape: x.shape,
        };
  if (baseline.shape[0] !== n)
    throw new BiaspropError(
      'SHAPE_MISMATCH',
      `IG baseline has batch ${base.shape[0]}, expected 1 or ${n}`,
    );
  const maxRegions = options.maxRegions ?? 100_000;
  const tolerance = options.tolerance ?? EXACT_IG_TOLERANCE[backend.precision];

  // Resolve the targets at x (the predicted class is the one at x, not along the path).
  const logitsX = (await backend.run(forwardProgram(graph), { x }))[OUT.logits]!;
  const logitsB = (await backend.run(forwardProgram(graph), { x: baseline }))[OUT.logits]!;
  const targetList = options.targets ?? ['pred'];
  const readouts = targetList.map((t) => {
    const enc = encodeTargets(t, n, classes);
    const r = Float64Array.from(enc.readout.data);
    for (let i = 0; i < n; i++) {
      if (enc.usePredicted.data[i] === 1) {
        let best = 0;
        for (let k = 1; k < classes; k++)
          if (logitsX.data[i * classes + k]! > logitsX.data[i * classes + best]!) best = k;
        r[i * classes + best] = 1;
      }
    }
    return r;
  });
  const walk = await walkExactPath(graph, backend, x, baseline, readouts, {
    ...options,
    tolerance,
    maxRegions,
  });
  const differences = readouts.map((r) => {
    const fx = readoutValues(logitsX, r, n, classes);
    const fb = readoutValues(logitsB, r, n, classes);
    return fx.map((v, i) => v - fb[i]!);
  });
  const deltas = walk.attributions.map((a, j) =>
    differences[j]!.map((d, i) => {
      let s = 0;
      for (let q = i * per; q < (i + 1) * per; q++) s += a.data[q]!;
      return s - d;
    }),
  );
  return { attributions: walk.attributions, deltas, differences, regions: walk.regions };
}

/**
 * The exact-IG walk for explicit readout rows (`[N·K]` each): attributions per readout and the
 * regions crossed per example. Inputs are validated by the caller.
 */
export async function walkExactPath(
  graph: IRGraph,
  backend: Backend,
  x: HostTensor,
  baseline: HostTensor,
  readouts: readonly Float64Array[],
  options: {
    tolerance?: number;
    maxRegions?: number;
    onProgress?: (regions: number, t: number) => void;
  },
): Promise<{ attributions: HostTensor[]; regions: Int32Array }> {
  assertPiecewiseLinear(graph);
  const n = x.shape[0]!;
  const per = sizeOf(graph.input.shape);
  const classes = readouts[0]!.length / n;
  const tolerance = options.tolerance ?? EXACT_IG_TOLERANCE[backend.precision];
  const maxRegions = options.maxRegions ?? 100_000;
  const minStep = backend.precision === 'float64' ? 1e-14 : 2 ** -23;
  const stacked = new Float64Array(readouts.length * n * classes);
  readouts.forEach((r, j) => stacked.set(r, j * n * classes));
  const diff = new Float64Array(x.data.length);
  for (let i = 0; i < diff.length; i++) diff[i] = x.data[i]! - baseline.data[i]!;
  const program = stepProgram(graph, readouts.length, tolerance);
  const t = new Float64Array(n);
  const regions = new Int32Array(n);
  const acc = readouts.map(() => new Float64Array(x.data.length));
  while (t.some((v) => v < 1)) {
    const out = await backend.run(program, {
      baseline,
      diff: { data: diff, shape: x.shape },
      t: { data: t, shape: [n] },
      readouts: { data: stacked, shape: [readouts.length, n, classes] },
    });
    for (let i = 0; i < n; i++) {
      if (t[i]! >= 1) continue;
      const step = out.step!.data[i]!;
      const next = Math.min(1, t[i]! + Math.max(Number.isFinite(step) ? step : 1, minStep));
      const width = next - t[i]!;
      acc.forEach((a, j) => {
        const g = out[`gradient:${j}`]!.data;
        for (let q = i * per; q < (i + 1) * per; q++) a[q]! += width * g[q]! * diff[q]!;
      });
      t[i] = next;
      regions[i]!++;
      if (regions[i]! > maxRegions) {
        throw new BiaspropError(
          'INVALID_OPTION',
          `exact Integrated Gradients crossed ${regions[i]} linear regions for example ${i} (reached t = ${t[i]!.toFixed(6)}) without finishing: raise maxRegions or use method 'adaptive'`,
        );
      }
    }
    options.onProgress?.(Math.max(...regions), Math.min(...t));
  }
  return { attributions: acc.map((a) => ({ data: a, shape: [...x.shape] })), regions };
}
