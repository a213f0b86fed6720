import type { FloatArray } from '../tensor/host-tensor.js';
import type { Shape } from '../tensor/shape.js';

/** A constant tensor stored in the model (weights, biases, slopes), at the file's precision. */
export interface ParamTensor {
  /** The values, row-major, at the file's precision. */
  readonly data: FloatArray;
  /** The shape (no batch axis). */
  readonly shape: Shape;
}

/** Attribute values of a node. */
export type AttrValue =
  number | string | boolean | readonly number[] | readonly (readonly number[])[];

/**
 * One node as an adapter describes it: op kind, input node names, attributes and constants.
 * Shapes are per example (the batch axis is free and not written).
 *
 * @example
 * ```ts
 * const node: NodeSpec = { name: 'fc1', op: 'dense', inputs: ['x'],
 *   params: { weight: { data: w, shape: [784, 10] }, bias: { data: b, shape: [10] } } };
 * ```
 */
export interface NodeSpec {
  /** Unique name of the node (other nodes refer to it in `inputs`). */
  readonly name: string;
  /** The op kind (`dense`, `conv2d`, `relu`, … or a registered custom kind). */
  readonly op: string;
  /** Names of the nodes (or the graph input) this node reads, in order. */
  readonly inputs: readonly string[];
  /** Attributes of the op (strides, axis, alpha, …). */
  readonly attrs?: Readonly<Record<string, AttrValue>>;
  /** Constants of the op (weight, bias, scale, …) by name. */
  readonly params?: Readonly<Record<string, ParamTensor>>;
  /** Where the node came from (layer class, ONNX op type), for messages and summaries. */
  readonly source?: string;
}

/** A validated node with its inferred per-example output shape. */
export interface IRNode extends NodeSpec {
  /** Attributes of the op (empty when none). */
  readonly attrs: Readonly<Record<string, AttrValue>>;
  /** Constants of the op (empty when none). */
  readonly params: Readonly<Record<string, ParamTensor>>;
  /** Per-example output shape (no batch axis). */
  readonly shape: Shape;
}

/** The graph input. */
export interface GraphInput {
  /** Name nodes use to read the input. */
  readonly name: string;
  /** Per-example shape (no batch axis), in the model's own layout. */
  readonly shape: Shape;
}

/** Notes that passes leave for the user (a folded BatchNorm, a removed Softmax). */
export interface GraphNote {
  /** The pass that left the note (`foldBatchNorm`, `removeFinalSoftmax`, …). */
  readonly pass: string;
  /** What it did, in words. */
  readonly message: string;
}

/**
 * The linearizable network: a DAG of nodes in the model's own order over one input, with one output.
 * Build it with {@link createGraph} or {@link GraphBuilder}.
 */
export interface IRGraph {
  /** The model's name, used in every message. */
  readonly name: string;
  /** The graph input: its name and per-example shape. */
  readonly input: GraphInput;
  /** Nodes in topological order, which is the model's own node order. */
  readonly nodes: readonly IRNode[];
  /** Name of the output node. */
  readonly output: string;
  /** Set when a final Softmax/LogSoftmax was removed: the logits are explained. */
  readonly removedSoftmax?: string;
  /** What the graph passes did (folded BatchNorms, removed Softmax). */
  readonly notes: readonly GraphNote[];
}
