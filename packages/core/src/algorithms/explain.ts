import type { Backend, Precision } from '../backend/backend.js';
import type { BbpRule } from '../bbp/bbp-rule.js';
import { ruleName } from '../bbp/bbp-rule.js';
import { BiaspropError } from '../errors.js';
import type { LayerInfo } from '../ir/layers.js';
import { layerOfNode, layersOf } from '../ir/layers.js';
import type { IRGraph } from '../ir/types.js';
import { ReferenceBackend } from '../reference/reference-backend.js';
import type { HostTensor } from '../tensor/host-tensor.js';
import { sizeOf } from '../tensor/shape.js';
import { OUT, attributionProgram, forwardProgram } from './attribution-program.js';
import type {
  IntegratedGradientsOptions,
  IntegratedGradientsResult,
} from './integrated-gradients.js';
import { assertFiniteResults } from './assert-finite-results.js';
import { runIntegratedGradients } from './integrated-gradients.js';
import type { LayerSelection } from './layer-selection.js';
import { selectBiasNodes, selectionKey } from './layer-selection.js';
import { assertLinearizable } from './linearize.js';
import type { Target } from './targets.js';
import { encodeTargets, firstMaxPerRow } from './targets.js';
import { validateInput } from './validate-input.js';

/** The attribution methods. */
export type Method = 'gradient' | 'inputXGradient' | 'integratedGradients' | 'bbp' | 'total';

/** Every method, in documentation order. */
export const METHODS: readonly Method[] = [
  'gradient',
  'inputXGradient',
  'integratedGradients',
  'bbp',
  'total',
];

/** Returns `methods` after checking that each is a {@link Method}. */
export function assertMethods(methods: readonly Method[]): readonly Method[] {
  for (const m of methods)
    if (!METHODS.includes(m))
      throw new BiaspropError('INVALID_OPTION', `unknown method '${m}'; use ${METHODS.join(', ')}`);
  return methods;
}

/** Progress of a long explanation. */
export interface Progress {
  /** Which part is running. */
  readonly stage: 'attribution' | 'integratedGradients' | 'smoothGrad';
  /** Steps finished so far. */
  readonly done: number;
  /** Steps in all. */
  readonly total: number;
}

/** Options of {@link explain}. */
export interface ExplainOptions {
  /** Where to compute (default: a new {@link ReferenceBackend}). */
  readonly backend?: Backend;
  /** Methods to compute (default: all). */
  readonly methods?: readonly Method[];
  /** What to explain, for all examples or one per example (default `'pred'`). */
  readonly target?: Target | readonly Target[];
  /** BBp rules (default `['contribution']`). */
  readonly rules?: readonly BbpRule[];
  /** Which layers' bias terms BBp includes (default `'all'`). */
  readonly biasLayers?: LayerSelection;
  /** Integrated Gradients settings. */
  readonly integratedGradients?: IntegratedGradientsOptions;
  /** Called as the explanation progresses (backend runs, IG batches). */
  readonly onProgress?: (p: Progress) => void;
}

/** The decomposition `f(x) = w·x + b^x` of one example, with the completeness checks. */
export interface Decomposition {
  /** The explained scalar `f(x) = rᵀy`. */
  readonly f: number;
  /** `w·x`. */
  readonly wx: number;
  /** `b^x = f(x) − w·x`. */
  readonly bias: number;
  /** `Σ_v g_v·c_v^x` over all nodes (equals `b^x` exactly in exact arithmetic). */
  readonly biasTerms: number;
  /** `Σ_v g_v·c_v^x` over the selected nodes: what BBp distributes. */
  readonly selectedBias: number;
  /** `f − w·x − Σ_v g_v·c_v` relative to `max(|f|, |w·x|, |b|)`. */
  readonly completenessResidual: number;
  /** Per rule: `Σ β_0`. */
  readonly bbpSum: Readonly<Record<string, number>>;
  /** Per rule: `(Σ β_0 − selectedBias)` relative to `max(|f|, |w·x|, |b|)`. */
  readonly bbpResidual: Readonly<Record<string, number>>;
}

/** A node's bias term `Σ g_v ⊙ c_v` per example. */
export interface BiasTerm {
  /** The node's name. */
  readonly node: string;
  /** The node's op kind. */
  readonly op: string;
  /** The layer the node belongs to. */
  readonly layer: string;
  /** Whether BBp includes this node's term (see `biasLayers`). */
  readonly selected: boolean;
  /** `Σ g_v ⊙ c_v` per example. */
  readonly values: Float64Array;
}

/** A layer's bias terms summed per example. */
export interface LayerBias {
  /** The layer's name (its first node with learned parameters). */
  readonly layer: string;
  /** Position of the layer in the model, from 0. */
  readonly index: number;
  /** Whether BBp includes this layer's terms. */
  readonly selected: boolean;
  /** The layer's bias terms summed, per example. */
  readonly values: Float64Array;
}

/** Everything {@link explain} returns. Attribution tensors have the input's shape `[N, ...]`. */
export interface Explanation {
  /** The graph's name. */
  readonly model: string;
  /** The backend that computed it. */
  readonly backend: string;
  /** The precision the backend computes in. */
  readonly precision: Precision;
  /** Number of examples. */
  readonly batch: number;
  /** Set when a final Softmax was removed and the logits are explained. */
  readonly removedSoftmax?: string;
  /** The model's output (logits) `[N, K]`. */
  readonly logits: HostTensor;
  /** Predicted class per example (first maximum). */
  readonly predicted: readonly number[];
  /** The readout vectors `r` `[N, K]` that were explained. */
  readonly readout: HostTensor;
  /** Per example: `f = w·x + b` and the completeness checks. */
  readonly decomposition: readonly Decomposition[];
  /** The gradient `w` (saliency). */
  readonly gradient?: HostTensor;
  /** Gradient × input, `w ⊙ x`. */
  readonly inputXGradient?: HostTensor;
  /** Integrated Gradients with its convergence delta. */
  readonly integratedGradients?: IntegratedGradientsResult;
  /** `β_0` per rule name. */
  readonly bbp?: Readonly<Record<string, HostTensor>>;
  /** `w ⊙ x + β_0` per rule name: sums to `f(x)` (when all layers are selected). */
  readonly total?: Readonly<Record<string, HostTensor>>;
  /** Every node's bias term per example. */
  readonly biasTerms: readonly BiasTerm[];
  /** The bias terms summed per layer. */
  readonly layers: readonly LayerBias[];
  /** Milliseconds per stage. */
  readonly timings: Readonly<Record<string, number>>;
  /** Caveats about this graph, e.g. padding nodes through which BBp can lose bias (see `bbpResidual`). */
  readonly warnings: readonly string[];
}

/** Caveats of a graph for BBp: zero padding that could not be folded into a conv. */
export function bbpWarnings(graph: IRGraph): string[] {
  return graph.nodes
    .filter((n) => n.op === 'pad')
    .map(
      (n) =>
        `BBp: padding node '${n.name}' has output positions with no input; bias that reaches them cannot be attributed and shows up in bbpResidual (fold the padding into the following conv to avoid this)`,
    );
}

function perExample(t: HostTensor | undefined, n: number): Float64Array {
  const out = new Float64Array(n);
  if (t) for (let i = 0; i < n; i++) out[i] = t.data[i]!;
  return out;
}

function mapTensor(
  a: HostTensor,
  b: HostTensor | null,
  f: (x: number, y: number) => number,
): HostTensor {
  const out = new Float64Array(a.data.length);
  for (let i = 0; i < out.length; i++) out[i] = f(a.data[i]!, b ? b.data[i]! : 0);
  return { data: out, shape: [...a.shape] };
}

/**
 * Explains a batch: the local linear model `f(x) = w·x + b^x` and the attributions of both parts.
 * Computes the requested methods in as few backend runs as possible (gradient, BBp for every rule
 * and the decomposition in one run; IG in chunks of path points).
 *
 * @example
 * ```ts
 * const graph = prepareGraph(importedGraph);
 * const e = await explain(graph, { data: pixels, shape: [1, 28, 28, 1] }, { rules: ['contribution', 'signed'] });
 * console.log(e.decomposition[0]); // { f, wx, bias, bbpSum, bbpResidual, ... }
 * ```
 */
export async function explain(
  graph: IRGraph,
  input: HostTensor,
  options: ExplainOptions = {},
): Promise<Explanation> {
  assertLinearizable(graph);
  const backend = options.backend ?? new ReferenceBackend();
  const methods = new Set(assertMethods(options.methods ?? METHODS));
  const rules = options.rules ?? ['contribution'];
  const names = rules.map(ruleName);
  if (new Set(names).size !== names.length)
    throw new BiaspropError('INVALID_OPTION', `duplicate BBp rule in ${names.join(', ')}`);
  for (const r of rules) {
    if (typeof r === 'string' && !['contribution', 'weight', 'signed', 'uniform'].includes(r)) {
      throw new BiaspropError(
        'INVALID_OPTION',
        `unknown BBp rule '${r}'; use contribution, weight, signed, uniform or a custom rule`,
      );
    }
  }
  const x = validateInput(graph, input);
  const n = x.shape[0]!;
  const outNode = graph.nodes.find((v) => v.name === graph.output)!;
  const classes = sizeOf(outNode.shape);
  const targets = encodeTargets(options.target, n, classes);
  const selected = selectBiasNodes(graph, options.biasLayers);
  const needBbp = methods.has('bbp') || methods.has('total');
  const bbpRules = needBbp ? rules : [];
  const timings: Record<string, number> = {};

  let start = performance.now();
  options.onProgress?.({ stage: 'attribution', done: 0, total: 1 });
  const program = attributionProgram(graph, {
    rules: bbpRules,
    selected,
    key: `${bbpRules.map(ruleName).join(',')}|${selectionKey(selected, graph)}`,
  });
  const out = await backend.run(program, {
    x,
    readout: targets.readout,
    usePredicted: targets.usePredicted,
  });
  timings.attribution = performance.now() - start;
  const context = { model: graph.name, backend };
  assertFiniteResults(out, context);
  options.onProgress?.({ stage: 'attribution', done: 1, total: 1 });

  const f = perExample(out[OUT.f], n);
  const wx = perExample(out[OUT.wx], n);
  const biasTotal = perExample(out[OUT.biasTotal], n);
  const biasSelected = perExample(out[OUT.biasSelected], n);
  const decomposition: Decomposition[] = [];
  for (let i = 0; i < n; i++) {
    const bias = f[i]! - wx[i]!;
    const scale = Math.max(Math.abs(f[i]!), Math.abs(wx[i]!), Math.abs(bias), Number.MIN_VALUE);
    const bbpSum: Record<string, number> = {};
    const bbpResidual: Record<string, number> = {};
    for (const name of bbpRules.map(ruleName)) {
      const s = out[OUT.bbpSum(name)]!.data[i]!;
      bbpSum[name] = s;
      bbpResidual[name] = Math.abs(s - biasSelected[i]!) / scale;
    }
    decomposition.push({
      f: f[i]!,
      wx: wx[i]!,
      bias,
      biasTerms: biasTotal[i]!,
      selectedBias: biasSelected[i]!,
      completenessResidual: Math.abs(bias - biasTotal[i]!) / scale,
      bbpSum,
      bbpResidual,
    });
  }

  const layers = layersOf(graph);
  const layerOf = layerOfNode(layers);
  const biasTerms: BiasTerm[] = graph.nodes
    .filter((v) => out[OUT.rho(v.name)])
    .map((v) => ({
      node: v.name,
      op: v.op,
      layer: layerOf.get(v.name)?.name ?? '',
      selected: selected.has(v.name),
      values: perExample(out[OUT.rho(v.name)], n),
    }));
  const layerBias: LayerBias[] = layers.map((l: LayerInfo) => {
    const values = new Float64Array(n);
    for (const t of biasTerms)
      if (t.layer === l.name) for (let i = 0; i < n; i++) values[i]! += t.values[i]!;
    return {
      layer: l.name,
      index: l.index,
      selected: l.nodes.some((v) => selected.has(v)),
      values,
    };
  });

  const gradient = out[OUT.gradient]!;
  let integratedGradients: IntegratedGradientsResult | undefined;
  if (methods.has('integratedGradients')) {
    start = performance.now();
    integratedGradients = await runIntegratedGradients(graph, backend, x, out[OUT.readout]!, f, {
      ...options.integratedGradients,
      onProgress: (done, total) =>
        options.onProgress?.({ stage: 'integratedGradients', done, total }),
    });
    timings.integratedGradients = performance.now() - start;
    assertFiniteResults({ integratedGradients: integratedGradients.attribution }, context);
  }
  const bbp: Record<string, HostTensor> = {};
  const total: Record<string, HostTensor> = {};
  const needInputXGradient = methods.has('inputXGradient') || methods.has('total');
  const inputXGradient = needInputXGradient ? mapTensor(gradient, x, (g, v) => g * v) : undefined;
  for (const name of bbpRules.map(ruleName)) {
    bbp[name] = out[OUT.bbp(name)]!;
    if (methods.has('total')) total[name] = mapTensor(inputXGradient!, bbp[name], (a, b) => a + b);
  }
  return {
    model: graph.name,
    backend: backend.name,
    precision: backend.precision,
    batch: n,
    ...(graph.removedSoftmax ? { removedSoftmax: graph.removedSoftmax } : {}),
    logits: out[OUT.logits]!,
    predicted: firstMaxPerRow(out[OUT.logits]!),
    readout: out[OUT.readout]!,
    decomposition,
    ...(methods.has('gradient') ? { gradient } : {}),
    ...(methods.has('inputXGradient') ? { inputXGradient: inputXGradient! } : {}),
    ...(integratedGradients ? { integratedGradients } : {}),
    ...(methods.has('bbp') ? { bbp } : {}),
    ...(methods.has('total') ? { total } : {}),
    biasTerms,
    layers: layerBias,
    timings,
    warnings: needBbp ? bbpWarnings(graph) : [],
  };
}

/**
 * Runs the graph forward and returns its output (logits when a final Softmax was removed) `[N, K]`.
 *
 * @example
 * ```ts
 * const logits = await predict(graph, x, new ReferenceBackend());
 * ```
 */
export async function predict(
  graph: IRGraph,
  input: HostTensor,
  backend: Backend = new ReferenceBackend(),
): Promise<HostTensor> {
  const x = validateInput(graph, input);
  const out = await backend.run(forwardProgram(graph), { x });
  return out[OUT.logits]!;
}
