import type { IRGraph, NodeSpec, PrepareOptions } from '@biasprop/core';
import { BiaspropError, UnsupportedOpError, createGraph, prepareGraph } from '@biasprop/core';
import type { ModelProto, NodeProto, ValueInfoProto } from '../proto/onnx-proto.js';
import { decodeModel } from '../proto/onnx-proto.js';
import { tensorFromProto } from './const-tensor.js';
import { FOLDABLE_OPS, foldConstantNode } from './constant-folding.js';
import { ImportContext } from './import-context.js';
import { OP_MAPPERS } from './op-mappers/index.js';

/** Options of {@link fromOnnxModel} and `loadOnnxGraph`. */
export interface OnnxImportOptions {
  /** The model's name in messages and results (default: the file name, else the graph's name). */
  readonly name?: string;
  /**
   * Per-example input shape (without the batch axis), for models whose input has symbolic
   * dimensions besides the batch; it must agree with every static dimension the model declares.
   */
  readonly inputShape?: readonly number[];
  /**
   * Run core's `prepareGraph` (default true: remove a final Softmax/LogSoftmax, fold zero Pad into
   * the following Conv, fold BatchNorm into the preceding Conv/Gemm). `false` returns the graph
   * exactly as imported; an object selects passes.
   */
  readonly prepare?: boolean | PrepareOptions;
}

/**
 * The lowest and highest default-domain opsets the importer reads.
 *
 * @example
 * ```ts
 * if (opset > SUPPORTED_OPSETS.max) console.warn('convert the model first');
 * ```
 */
export const SUPPORTED_OPSETS = {
  /** Oldest supported default-domain opset. */
  min: 9,
  /** Newest supported default-domain opset. */
  max: 21,
} as const;

/**
 * ONNX op types the importer understands (mapped onto the IR, or evaluated as constants).
 *
 * @example
 * ```ts
 * supportedOnnxOps().includes('Conv'); // true
 * ```
 */
export function supportedOnnxOps(): string[] {
  return [...new Set([...Object.keys(OP_MAPPERS), ...FOLDABLE_OPS])].sort();
}

function invalid(model: string, message: string): never {
  throw new BiaspropError('INVALID_GRAPH', `model '${model}': ${message}`);
}

function decode(bytes: Uint8Array, model: string): ModelProto {
  let m: ModelProto;
  try {
    m = decodeModel(bytes);
  } catch (e) {
    return invalid(
      model,
      `the bytes are not an ONNX ModelProto (${(e as Error).message}); pass the contents of an .onnx file`,
    );
  }
  if (!m.graph || (m.graph.node?.length ?? 0) === 0 || (m.graph.output?.length ?? 0) === 0) {
    return invalid(
      model,
      `the bytes decode to no ONNX graph (${bytes.length} bytes, no nodes or outputs); pass the contents of an .onnx file`,
    );
  }
  return m;
}

function inputShapeOf(
  model: string,
  vi: ValueInfoProto,
  override: readonly number[] | undefined,
): { shape: number[]; staticBatch?: number } {
  const tt = vi.type?.tensor_type;
  if (!tt) return invalid(model, `input '${vi.name ?? ''}' is not a tensor`);
  const elem = tt.elem_type ?? 1;
  if (![1, 10, 11].includes(elem))
    invalid(
      model,
      `input '${vi.name ?? ''}' has element type ${elem}; biasprop explains float inputs`,
    );
  const dims = tt.shape?.dim ?? [];
  if (override) {
    if (dims.length > 0 && dims.length !== override.length + 1) {
      invalid(
        model,
        `inputShape [${override.join(', ')}] has rank ${override.length}, but input '${vi.name ?? ''}' has rank ${dims.length} with the batch axis`,
      );
    }
    dims.slice(1).forEach((d, i) => {
      if (d.dim_value !== undefined && d.dim_value > 0 && d.dim_value !== override[i]) {
        invalid(
          model,
          `inputShape [${override.join(', ')}] disagrees with the declared dimension ${d.dim_value} at axis ${i + 1}`,
        );
      }
    });
  } else if (dims.length < 2) {
    invalid(
      model,
      `input '${vi.name ?? ''}' has rank ${dims.length}; biasprop needs [N, ...features] with axis 0 the batch axis (or pass inputShape)`,
    );
  }
  const shape = override ? [...override] : dims.slice(1).map((d) => d.dim_value ?? 0);
  if (!shape.every((d) => Number.isInteger(d) && d > 0)) {
    const shown = dims.slice(1).map((d) => d.dim_param ?? d.dim_value ?? '?');
    invalid(
      model,
      `input '${vi.name ?? ''}' has per-example shape [${shown.join(', ')}] with unknown dimensions; pass inputShape`,
    );
  }
  const b = dims[0]?.dim_value;
  return b !== undefined && b > 0 ? { shape, staticBatch: b } : { shape };
}

function opsetOf(model: string, m: ModelProto): number {
  const entry = m.opset_import?.find((o) => (o.domain ?? '') === '' || o.domain === 'ai.onnx');
  const v = entry?.version;
  if (v === undefined) return invalid(model, 'the model declares no default-domain opset');
  if (v < SUPPORTED_OPSETS.min || v > SUPPORTED_OPSETS.max) {
    invalid(
      model,
      `opset ${v} is outside the supported range ${SUPPORTED_OPSETS.min}–${SUPPORTED_OPSETS.max}; convert the model with onnx.version_converter`,
    );
  }
  return v;
}

function checkOps(model: string, nodes: readonly NodeProto[]): void {
  for (const node of nodes) {
    const domain = node.domain ?? '';
    const op = node.op_type ?? '';
    if (domain !== '' && domain !== 'ai.onnx') {
      throw new UnsupportedOpError(
        `${domain}.${op}`,
        ImportContext.nodeLabel(node),
        model,
        `only the default ONNX domain is supported`,
      );
    }
    if (!(op in OP_MAPPERS) && !FOLDABLE_OPS.has(op))
      throw new UnsupportedOpError(op, ImportContext.nodeLabel(node), model);
  }
}

/**
 * Imports an ONNX model (a decoded `ModelProto` or the bytes of an `.onnx` file) onto the biasprop
 * IR. Every op is checked before anything is computed: an unsupported op raises core's
 * `UnsupportedOpError` naming the op type, node and model. Constant subgraphs (weights passed
 * through Transpose, the `Shape → Gather → Unsqueeze → Concat → Reshape` chains of
 * `x.view(x.size(0), -1)`) are evaluated at import time with the batch size kept symbolic. The
 * result goes through core's `prepareGraph` unless `prepare: false`.
 *
 * @example
 * ```ts
 * const graph = fromOnnxModel(readFileSync('lenet.onnx'), { name: 'lenet' });
 * const e = await explain(graph, { data: pixels, shape: [1, 1, 28, 28] });
 * ```
 */
export function fromOnnxModel(
  source: ModelProto | Uint8Array,
  options: OnnxImportOptions = {},
): IRGraph {
  const provisional = options.name ?? 'onnx-model';
  const m = source instanceof Uint8Array ? decode(source, provisional) : source;
  const g = m.graph ?? invalid(provisional, 'the model has no graph');
  const model = options.name ?? (g.name && g.name.length > 0 ? g.name : 'onnx-model');
  const opset = opsetOf(model, m);
  const nodes = g.node ?? [];
  checkOps(model, nodes);

  const initializers = new Map((g.initializer ?? []).map((t) => [t.name ?? '', t]));
  const realInputs = (g.input ?? []).filter((i) => !initializers.has(i.name ?? ''));
  if (realInputs.length !== 1) {
    invalid(
      model,
      `the graph has ${realInputs.length} inputs (${realInputs.map((i) => `'${i.name ?? ''}'`).join(', ') || 'none'}) that are not initializers; biasprop explains models with exactly one input`,
    );
  }
  const outputs = g.output ?? [];
  if (outputs.length !== 1) {
    invalid(
      model,
      `the graph has ${outputs.length} outputs (${outputs.map((o) => `'${o.name ?? ''}'`).join(', ')}); biasprop explains models with exactly one output`,
    );
  }
  const input = realInputs[0]!;
  const inputName = input.name ?? 'input';
  const { shape, staticBatch } = inputShapeOf(model, input, options.inputShape);

  const uses = new Map<string, number>();
  for (const n of nodes)
    for (const i of n.input ?? []) if (i !== '') uses.set(i, (uses.get(i) ?? 0) + 1);
  const outputName = outputs[0]!.name ?? '';
  uses.set(outputName, (uses.get(outputName) ?? 0) + 1);

  const ctx: ImportContext = new ImportContext(model, opset, uses, staticBatch, inputName);
  for (const [name, t] of initializers) {
    try {
      ctx.values.set(name, { kind: 'const', tensor: tensorFromProto(t) });
    } catch (e) {
      invalid(model, `initializer '${name}': ${(e as Error).message}`);
    }
  }
  ctx.values.set(inputName, { kind: 'dynamic', ref: inputName, shape });

  for (const node of nodes) {
    if (foldConstantNode(ctx, node)) continue;
    const mapper =
      OP_MAPPERS[node.op_type ?? ''] ??
      ctx.unsupported(
        node,
        `${node.op_type ?? ''} is only supported on constants (shape computations), but here its input depends on the model input`,
      );
    mapper(ctx, node);
  }

  const out =
    ctx.values.get(outputName) ??
    invalid(model, `output '${outputName}' is not produced by any node`);
  if (out.kind !== 'dynamic') invalid(model, `output '${outputName}' does not depend on the input`);
  const specs: NodeSpec[] = ctx.nodes.map(({ shape: _s, ...n }) => n);
  let outRef = out.ref;
  if (outRef === inputName) {
    outRef = `${outputName === inputName ? 'output' : outputName}/identity`;
    specs.push({ name: outRef, op: 'identity', inputs: [inputName], source: 'Identity' });
  }
  const graph = createGraph({
    name: model,
    input: { name: inputName, shape },
    nodes: specs,
    output: outRef,
  });
  const prepare = options.prepare ?? true;
  if (prepare === false) return graph;
  return prepareGraph(graph, prepare === true ? {} : prepare);
}
