import type { BbpRule, IgQuadrature, IRGraph, LayerSelection, Shape, Tensor } from '@biasprop/core';
import {
  BiaspropError,
  Ops,
  PROGRAM_OUTPUTS,
  Tensor as CoreTensor,
  attributionProgram,
  forwardProgram,
  integratedGradientsProgram,
  quadrature,
  ruleName,
  selectBiasNodes,
  selectionKey,
  sizeOf,
} from '@biasprop/core';
import type { OrtExecutionProvider } from '../backend/execution-providers.js';
import { OnnxGraphRecorder } from '../backend/onnx-graph-recorder.js';
import { recordingOptionsFor } from '../backend/provider-recording-options.js';
import type { ModelProto } from '../proto/onnx-proto.js';
import { TensorDataType, encodeModel } from '../proto/onnx-proto.js';

/** Options of {@link exportAttributionGraph}. */
export interface ExportAttributionOptions {
  /** The batch size the graph is built for (shapes are static; default 1). */
  readonly batch?: number;
  /**
   * The second input: `'classIndex'` (default) — `target`, int64 `[batch]`, the class to explain
   * per example, `-1` meaning the predicted class (first maximum of the logits); or `'readout'` —
   * `readout`, float32 `[batch, classes]`, the readout vector `r` per example (e.g. `e_t − e_s` for
   * a contrast).
   */
  readonly target?: 'classIndex' | 'readout';
  /** BBp rules (default `['contribution']`); one `bbp_<rule>` output each. */
  readonly rules?: readonly BbpRule[];
  /** Which layers' bias terms BBp includes (default `'all'`). */
  readonly biasLayers?: LayerSelection;
  /** Also export Integrated Gradients from the zero baseline (all path points in one batch). */
  readonly integratedGradients?: {
    /** Quadrature points (default 50). */
    readonly steps?: number;
    /** Quadrature (default Gauss–Legendre). */
    readonly method?: IgQuadrature;
  };
  /** Graph optimization is up to the runtime; a model name for the file (default the graph's). */
  readonly name?: string;
  /**
   * The ONNX Runtime execution provider the file is meant for, when it needs a graph of its own:
   * the graph is then recorded as {@link OrtBackend} records it there. `webgpu`: conv input
   * channels are zero-padded to a multiple of 4, because ONNX Runtime's WebGPU `Conv` returns
   * wrong values for some channel counts (e.g. 6 input channels, LeNet's second conv); `cpu` and
   * `wasm`: max pooling uses ONNX Runtime's own `MaxPool`. Default: none, the portable graph,
   * right on every provider but WebGPU. The legacy `webgl` provider cannot be exported for.
   */
  readonly executionProvider?: Exclude<OrtExecutionProvider, 'webgl'>;
}

/** One input or output of the exported model. */
export interface ExportedTensorInfo {
  /** The graph input or output name. */
  readonly name: string;
  /** Its element type. */
  readonly type: 'float32' | 'int64';
  /** Its static shape. */
  readonly shape: Shape;
  /** What it holds. */
  readonly description: string;
}

/** The exported attribution model. */
export interface ExportedAttributionGraph {
  /** The serialized `.onnx` model. */
  readonly bytes: Uint8Array;
  /** The ONNX model (encode it with `encodeModel`). */
  readonly model: ModelProto;
  /** The graph inputs. */
  readonly inputs: readonly ExportedTensorInfo[];
  /** The graph outputs. */
  readonly outputs: readonly ExportedTensorInfo[];
}

function safeName(s: string): string {
  return s.replace(/[^A-Za-z0-9_]/g, '_');
}

/**
 * Exports a whole attribution — forward, readout, gradient, gradient×input, BBp per rule, total,
 * the decomposition `f = w·x + b` and optionally Integrated Gradients — as one standalone ONNX
 * model (opset 17, float32) that any ONNX Runtime binding runs without biasprop.
 *
 * Inputs: `x` float32 `[batch, ...inputShape]`, and `target` int64 `[batch]` (class index, `-1` =
 * predicted class) or `readout` float32 `[batch, classes]` (see {@link ExportAttributionOptions.target}).
 *
 * Outputs (float32): `logits` `[B, K]`, `readout` `[B, K]` (the `r` explained; only with class-index
 * targets, where it is not an input), `gradient`,
 * `input_x_gradient`, `bbp_<rule>`, `total_<rule>` (= w⊙x + β₀, sums to f) — each `[B, ...inputShape]`;
 * per example `[B]`: `f`, `wx` (w·x), `b` (f − w·x), `bias_terms` (Σ_v g_v·c_v), `selected_bias`,
 * `bbp_sum_<rule>` (Σ β₀); with IG: `integrated_gradients` and `ig_delta` (Σ IG − (f(x) − f(0))).
 *
 * @example
 * ```ts
 * const exported = exportAttributionGraph(graph, { batch: 1, rules: ['contribution', 'signed'] });
 * writeFileSync('attribution.onnx', exported.bytes);
 * // Python: onnxruntime.InferenceSession('attribution.onnx').run(None, {'x': x, 'target': np.array([-1])})
 * ```
 */
export function exportAttributionGraph(
  graph: IRGraph,
  options: ExportAttributionOptions = {},
): ExportedAttributionGraph {
  const batch = options.batch ?? 1;
  if (!Number.isInteger(batch) || batch < 1)
    throw new BiaspropError('INVALID_OPTION', `batch must be a positive integer, got ${batch}`);
  const rules = options.rules ?? ['contribution'];
  const outNode = graph.nodes.find((v) => v.name === graph.output)!;
  const classes = sizeOf(outNode.shape);
  const xShape = [batch, ...graph.input.shape];
  const provider = options.executionProvider;
  if ((provider as string | undefined) === 'webgl')
    throw new BiaspropError(
      'INVALID_OPTION',
      "exportAttributionGraph cannot export for the legacy 'webgl' provider (its opset 12 operator set lacks the exported graph's target handling); run it through OrtBackend instead",
    );
  const rec = new OnnxGraphRecorder(recordingOptionsFor(provider));
  const ops = new Ops(rec, rec.weightCache);
  const inputs: ExportedTensorInfo[] = [];
  const outputs: ExportedTensorInfo[] = [];

  const x = new CoreTensor(rec.addInput('x', xShape), xShape);
  inputs.push({
    name: 'x',
    type: 'float32',
    shape: xShape,
    description: `the model input, [batch, ${graph.input.shape.join(', ')}]`,
  });
  let readout: Tensor;
  let usePredicted: Tensor;
  const byClass = (options.target ?? 'classIndex') === 'classIndex';
  if (byClass) {
    const target = rec.addInput('target', [batch], TensorDataType.INT64);
    inputs.push({
      name: 'target',
      type: 'int64',
      shape: [batch],
      description: 'class index to explain per example; -1 = the predicted class',
    });
    const column = rec.node('Unsqueeze', [target, rec.int64s([1])]);
    const range = rec.int64s(Array.from({ length: classes }, (_, i) => i));
    readout = new CoreTensor(rec.toFloat(rec.node('Equal', [column, range])), [batch, classes]);
    usePredicted = new CoreTensor(rec.toFloat(rec.node('Less', [column, rec.int64s([0], true)])), [
      batch,
      1,
    ]);
  } else {
    readout = new CoreTensor(rec.addInput('readout', [batch, classes]), [batch, classes]);
    inputs.push({
      name: 'readout',
      type: 'float32',
      shape: [batch, classes],
      description: 'readout vector r per example (f = r·logits)',
    });
    usePredicted = ops.fill([batch, 1], 0);
  }

  const selected = selectBiasNodes(graph, options.biasLayers);
  const program = attributionProgram(graph, {
    rules,
    selected,
    key: `${rules.map(ruleName).join(',')}|${selectionKey(selected, graph)}`,
  });
  const out = program.build(ops, { x, readout, usePredicted });
  const emit = (name: string, t: Tensor, description: string): void => {
    rec.addOutput(t.handle as string, name, t.shape);
    outputs.push({ name, type: 'float32', shape: [...t.shape], description });
  };
  const O = PROGRAM_OUTPUTS;
  const w = out[O.gradient]!;
  const f = out[O.f]!;
  const wx = out[O.wx]!;
  const xw = ops.mul(w, x);
  emit('logits', out[O.logits]!, 'the model output (logits; a final Softmax is removed)');
  if (byClass) emit('readout', out[O.readout]!, 'the readout r that was explained');
  emit('gradient', w, 'w = ∂f/∂x');
  emit('input_x_gradient', xw, 'w ⊙ x');
  for (const rule of rules) {
    const n = safeName(ruleName(rule));
    const beta = out[O.bbp(ruleName(rule))]!;
    emit(`bbp_${n}`, beta, `BBp bias attribution β₀ (rule ${ruleName(rule)})`);
    emit(
      `total_${n}`,
      ops.add(xw, beta),
      `w ⊙ x + β₀ (rule ${ruleName(rule)}), sums to f when all layers are selected`,
    );
  }
  emit('f', f, 'the explained scalar f(x) = r·logits');
  emit('wx', wx, 'w·x');
  emit('b', ops.sub(f, wx), 'b = f − w·x');
  emit('bias_terms', out[O.biasTotal]!, 'Σ_v g_v·c_v over all nodes (equals b up to rounding)');
  emit(
    'selected_bias',
    out[O.biasSelected]!,
    'Σ_v g_v·c_v over the selected layers (what BBp distributes)',
  );
  for (const rule of rules) {
    emit(
      `bbp_sum_${safeName(ruleName(rule))}`,
      out[O.bbpSum(ruleName(rule))]!,
      `Σ β₀ (rule ${ruleName(rule)})`,
    );
  }

  if (options.integratedGradients) {
    const steps = options.integratedGradients.steps ?? 50;
    const method = options.integratedGradients.method ?? 'gaussLegendre';
    const q = quadrature(method, steps);
    const zeros = ops.fill(xShape, 0);
    const ig = integratedGradientsProgram(graph).build(ops, {
      x,
      baseline: zeros,
      readout: out[O.readout]!,
      t: ops.constant(q.points, [steps]),
      weights: ops.constant(q.weights, [steps]),
    });
    const attribution = ops.mul(x, ig.gradSum!);
    const f0 = ops.sum(
      ops.mul(out[O.readout]!, forwardProgram(graph).build(ops, { x: zeros })[O.logits]!),
      [1],
    );
    emit(
      'integrated_gradients',
      attribution,
      `Integrated Gradients from the zero baseline (${method}, ${steps} points)`,
    );
    emit(
      'ig_delta',
      ops.sub(ops.sumPerExample(attribution), ops.sub(f, f0)),
      'Σ IG − (f(x) − f(0))',
    );
  }

  const doc = JSON.stringify({ producer: 'biasprop', model: graph.name, inputs, outputs });
  const model = rec.toModel(safeName(options.name ?? `${graph.name}_attribution`), doc);
  return { bytes: encodeModel(model), model, inputs, outputs };
}
