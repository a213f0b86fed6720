// Worker side: computes what the page shows, one method at a time so that each gets its own time.
import type { Backend, Explanation, HostTensor, IRGraph, Target } from '@biasprop/core';
import { explain, smoothGrad } from '@biasprop/core';
import type {
  DemoDecomposition,
  DemoLayerBias,
  DemoResult,
  ExplainParams,
  MethodTiming,
  ProgressInfo,
} from './protocol.js';

/** SmoothGrad's σ as a fraction of the input's value range (Smilkov et al.: 10–20%). */
const SMOOTH_GRAD_NOISE_LEVEL = 0.15;

function describeTarget(target: Target, predicted: number): string {
  if (target === 'pred') return `class ${predicted} (predicted)`;
  if (typeof target === 'number') return `class ${target}`;
  return `class ${target.contrast[0]} − class ${target.contrast[1]}`;
}

/**
 * Runs the requested methods on `backend`: gradient and gradient×input (one run, which also gives
 * the decomposition), Integrated Gradients, and BBp once per rule with the layer selection
 * `skipFirst`. Returns maps, the decomposition with its residuals, per-layer bias and timings.
 *
 * @example
 * ```ts
 * const result = await runExplanation(graph, backend, params, (p) => postProgress(p));
 * ```
 */
export async function runExplanation(
  graph: IRGraph,
  backend: Backend,
  params: ExplainParams,
  onProgress: (p: ProgressInfo) => void,
): Promise<DemoResult> {
  const methods = new Set(params.methods);
  const common = { backend, target: params.target } as const;
  const timings: MethodTiming[] = [];
  // Backends that compile programs (ONNX Runtime) count the time; report it with each method.
  const compiled = (): number =>
    (backend as { stats?: { compileMs?: number } }).stats?.compileMs ?? 0;
  let mark = compiled();
  const compileSince = (): { compileMs?: number } => {
    const now = compiled();
    const d = now - mark;
    mark = now;
    return d > 0 ? { compileMs: d } : {};
  };
  const rules = methods.has('bbp') ? params.rules : [];
  const steps =
    1 +
    (methods.has('integratedGradients') ? 1 : 0) +
    (methods.has('smoothGrad') ? 1 : 0) +
    rules.length;
  let step = 0;

  onProgress({ stage: 'gradient', done: step, total: steps });
  const base = await explain(graph, params.input, {
    ...common,
    methods: ['gradient', 'inputXGradient'],
  });
  timings.push({
    method: 'gradient, gradient×input',
    ms: base.timings.attribution ?? 0,
    note: 'forward + backward',
    ...compileSince(),
  });
  onProgress({ stage: 'gradient', done: ++step, total: steps });

  let ig: Explanation | undefined;
  if (methods.has('integratedGradients')) {
    const perRun = Math.max(1, Math.ceil(params.igSteps / 8));
    ig = await explain(graph, params.input, {
      ...common,
      methods: ['integratedGradients'],
      // About eight runs of equal size, so that the page can show the progress of the path.
      integratedGradients: {
        steps: params.igSteps,
        method: params.igMethod,
        stepsPerRun: perRun,
      },
      onProgress: (p) => {
        if (p.stage === 'attribution' && p.done === 1) compileSince();
        if (p.stage === 'integratedGradients')
          onProgress({
            stage: `Integrated Gradients: ${Math.min(p.done * perRun, params.igSteps)}/${params.igSteps} points`,
            done: step + p.done / Math.max(p.total, 1),
            total: steps,
          });
      },
    });
    const igCompile = compileSince().compileMs ?? 0;
    timings.push({
      method: 'Integrated Gradients',
      ms: ig.timings.integratedGradients ?? 0,
      note: `${params.igSteps} points, ${params.igMethod}`,
      ...(igCompile > 0 ? { compileMs: igCompile } : {}),
    });
    onProgress({ stage: 'Integrated Gradients', done: ++step, total: steps });
  }

  let smoothed: HostTensor | undefined;
  if (methods.has('smoothGrad')) {
    const samples = params.smoothGradSamples;
    onProgress({ stage: `SmoothGrad: ${samples} noisy copies`, done: step, total: steps });
    compileSince();
    const started = performance.now();
    const s = await smoothGrad(graph, params.input, {
      ...common,
      samples,
      noiseLevel: SMOOTH_GRAD_NOISE_LEVEL,
      seed: 0,
    });
    smoothed = s.gradient!;
    timings.push({
      method: 'SmoothGrad',
      ms: performance.now() - started,
      note: `${samples} noisy copies, σ = ${s.sigma[0]!.toPrecision(3)}`,
      ...compileSince(),
    });
    onProgress({ stage: 'SmoothGrad', done: ++step, total: steps });
  }

  const bbp: Record<string, HostTensor> = {};
  const total: Record<string, HostTensor> = {};
  const bbpSum: Record<string, number> = {};
  const bbpResidual: Record<string, number> = {};
  let selectedBias = base.decomposition[0]!.biasTerms;
  let layersFrom: Explanation = base;
  for (const rule of rules) {
    onProgress({ stage: `BBp (${rule})`, done: step, total: steps });
    compileSince();
    const e = await explain(graph, params.input, {
      ...common,
      methods: ['bbp', 'total'],
      rules: [rule],
      biasLayers: { skipFirst: params.skipFirst },
    });
    bbp[rule] = e.bbp![rule]!;
    total[rule] = e.total![rule]!;
    bbpSum[rule] = e.decomposition[0]!.bbpSum[rule]!;
    bbpResidual[rule] = e.decomposition[0]!.bbpResidual[rule]!;
    selectedBias = e.decomposition[0]!.selectedBias;
    layersFrom = e;
    timings.push({
      method: `BBp (${rule})`,
      ms: e.timings.attribution ?? 0,
      note: 'forward + backward + bias propagation',
      ...compileSince(),
    });
    onProgress({ stage: `BBp (${rule})`, done: ++step, total: steps });
  }

  const d = base.decomposition[0]!;
  const scale = Math.max(Math.abs(d.f), Math.abs(d.wx), Math.abs(d.bias), Number.MIN_VALUE);
  let igDelta: Pick<DemoDecomposition, 'igDelta' | 'igDeltaAbs' | 'igWork'> = {};
  if (ig?.integratedGradients) {
    const r = ig.integratedGradients;
    const delta = r.delta[0]!;
    const igWork = r.regions ? `${r.regions[0]} linear regions (exact)` : `${r.steps} points`;
    igDelta = { igDelta: Math.abs(delta) / scale, igDeltaAbs: delta, igWork };
  }
  const decomposition: DemoDecomposition = {
    f: d.f,
    wx: d.wx,
    bias: d.bias,
    biasTerms: d.biasTerms,
    completenessResidual: d.completenessResidual,
    selectedBias,
    bbpSum,
    bbpResidual,
    ...igDelta,
  };
  const layers: DemoLayerBias[] = layersFrom.layers.map((l) => ({
    layer: l.layer,
    index: l.index,
    selected: rules.length > 0 ? l.selected : l.index >= params.skipFirst,
    value: l.values[0]!,
  }));
  const predicted = base.predicted[0]!;
  return {
    backend: base.backend,
    precision: base.precision,
    logits: Float64Array.from(base.logits.data),
    predicted,
    explained: describeTarget(params.target, predicted),
    ...(base.removedSoftmax ? { removedSoftmax: base.removedSoftmax } : {}),
    decomposition,
    ...(methods.has('gradient') ? { gradient: base.gradient! } : {}),
    ...(methods.has('inputXGradient') ? { inputXGradient: base.inputXGradient! } : {}),
    ...(ig?.integratedGradients ? { integratedGradients: ig.integratedGradients.attribution } : {}),
    ...(smoothed ? { smoothGrad: smoothed } : {}),
    bbp,
    total,
    layers,
    skipFirst: params.skipFirst,
    timings,
  };
}
