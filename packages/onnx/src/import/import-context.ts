import type { AttrValue, NodeSpec, ParamTensor } from '@biasprop/core';
import { BiaspropError, UnsupportedOpError, getOpRule } from '@biasprop/core';
import type { NodeProto } from '../proto/onnx-proto.js';
import type { ConstTensor } from './const-tensor.js';
import { dependsOnBatch } from './const-tensor.js';

/** A value of the ONNX graph while importing: a constant, or a tensor that depends on the input. */
export type ImportedValue =
  | { readonly kind: 'const'; readonly tensor: ConstTensor }
  | {
      readonly kind: 'dynamic';
      /** The IR node (or the graph input) that holds it. */
      readonly ref: string;
      /** Per-example shape (the batch axis, ONNX axis 0, is not written). */
      readonly shape: readonly number[];
    };

/** A dynamic value. */
export type DynamicValue = Extract<ImportedValue, { kind: 'dynamic' }>;

/** A mutable IR node spec, so a following Add can become a dense layer's bias. */
export interface PendingNode {
  name: string;
  op: string;
  inputs: string[];
  attrs: Record<string, AttrValue>;
  params: Record<string, ParamTensor>;
  source: string;
  shape: readonly number[];
}

/**
 * The state of one import: the values seen so far, the IR nodes emitted, the model's name and
 * opset. Op mappers read their inputs and write their outputs through it; every error it raises
 * names the ONNX op type, the node and the model.
 *
 * @example
 * ```ts
 * const ctx = new ImportContext('lenet', 13, uses, undefined, 'input');
 * ctx.values.set('input', { kind: 'dynamic', ref: 'input', shape: [1, 28, 28] });
 * ```
 */
export class ImportContext {
  readonly values = new Map<string, ImportedValue>();
  readonly nodes: PendingNode[] = [];
  private readonly names = new Set<string>();

  constructor(
    /** The model's name, used in every message. */
    readonly model: string,
    /** Version of the default ONNX opset. */
    readonly opset: number,
    /** How many nodes (and graph outputs) read each value. */
    readonly uses: ReadonlyMap<string, number>,
    /** The input's declared batch size when it is static (a literal there is the batch). */
    readonly staticBatch: number | undefined,
    inputName: string,
  ) {
    this.names.add(inputName);
  }

  /** The name used for a node in messages: its own name, else its first output. */
  static nodeLabel(node: NodeProto): string {
    return node.name && node.name.length > 0 ? node.name : (node.output?.[0] ?? '?');
  }

  /** Throws an {@link UnsupportedOpError} for this node with an explanation. */
  unsupported(node: NodeProto, detail: string): never {
    throw new UnsupportedOpError(
      node.op_type ?? '?',
      ImportContext.nodeLabel(node),
      this.model,
      detail,
    );
  }

  /** Throws an INVALID_GRAPH error naming this node. */
  invalid(node: NodeProto, message: string): never {
    throw new BiaspropError(
      'INVALID_GRAPH',
      `model '${this.model}', node '${ImportContext.nodeLabel(node)}' (${node.op_type ?? '?'}): ${message}`,
    );
  }

  /** The value of input `i`, or undefined when it is absent (omitted or the empty name). */
  optional(node: NodeProto, i: number): ImportedValue | undefined {
    const name = node.input?.[i];
    if (name === undefined || name === '') return undefined;
    const v = this.values.get(name);
    if (!v)
      this.invalid(
        node,
        `input '${name}' is not produced by any earlier node, initializer or graph input`,
      );
    return v;
  }

  /** The value of input `i` (required). */
  input(node: NodeProto, i: number): ImportedValue {
    return this.optional(node, i) ?? this.invalid(node, `missing input ${i}`);
  }

  /** Input `i`, which must be a constant (a weight, an axes list...). */
  constInput(node: NodeProto, i: number, what: string): ConstTensor {
    const v = this.input(node, i);
    if (v.kind !== 'const')
      this.unsupported(
        node,
        `${what} (input ${i}) must be a constant (an initializer or computable at import time), but it depends on the model input`,
      );
    return v.tensor;
  }

  /** Optional constant input `i`. */
  optionalConst(node: NodeProto, i: number, what: string): ConstTensor | undefined {
    return this.optional(node, i) === undefined ? undefined : this.constInput(node, i, what);
  }

  /** Input `i`, which must depend on the model input. */
  dynamicInput(node: NodeProto, i: number): DynamicValue {
    const v = this.input(node, i);
    if (v.kind !== 'dynamic')
      this.invalid(node, `input ${i} was expected to depend on the model input`);
    return v;
  }

  /** Integer values of a constant that must not involve the batch size. */
  ints(node: NodeProto, t: ConstTensor, what: string): number[] {
    if (dependsOnBatch(t)) this.unsupported(node, `${what} depends on the batch size`);
    return Array.from(t.data);
  }

  /** Sets output `i` of a node. */
  setOutput(node: NodeProto, i: number, value: ImportedValue): void {
    const name = node.output?.[i];
    if (name !== undefined && name !== '') this.values.set(name, value);
  }

  /** How many consumers a value has (nodes and graph outputs). */
  usesOf(name: string): number {
    return this.uses.get(name) ?? 0;
  }

  private freshName(base: string): string {
    let name = base;
    for (let k = 1; this.names.has(name); k++) name = `${base}_${k}`;
    this.names.add(name);
    return name;
  }

  /**
   * Emits an IR node for an ONNX node and returns its dynamic value. The node's shape is inferred
   * by the core op rule now, so a mismatch is reported at the ONNX node that caused it.
   */
  emit(
    node: NodeProto,
    op: string,
    inputs: readonly DynamicValue[],
    attrs: Record<string, AttrValue> = {},
    params: Record<string, ParamTensor> = {},
    suffix?: string,
  ): DynamicValue {
    const base = ImportContext.nodeLabel(node);
    const name = this.freshName(suffix ? `${base}/${suffix}` : base);
    const rule = getOpRule(op);
    if (!rule) this.unsupported(node, `no IR op '${op}'`);
    const spec: NodeSpec = {
      name,
      op,
      inputs: inputs.map((v) => v.ref),
      attrs,
      params,
      source: node.op_type ?? op,
    };
    const shape = rule.inferShape(
      spec,
      inputs.map((v) => v.shape),
      (m: string): never => this.invalid(node, m),
    );
    this.nodes.push({
      name,
      op,
      inputs: inputs.map((v) => v.ref),
      attrs,
      params,
      source: node.op_type ?? op,
      shape,
    });
    return { kind: 'dynamic', ref: name, shape };
  }

  /** The pending IR node that holds a value, if the value is an IR node's output. */
  producer(v: DynamicValue): PendingNode | undefined {
    return this.nodes.find((n) => n.name === v.ref);
  }
}
