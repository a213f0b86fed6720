import type { FloatArray } from '../tensor/host-tensor.js';
import type { Shape } from '../tensor/shape.js';

/** A constant tensor stored in the model (weights, biases, slopes), at the file's precision. */
export interface ParamTensor {
  readonly data: FloatArray;
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
  readonly name: string;
  readonly op: string;
  readonly inputs: readonly string[];
  readonly attrs?: Readonly<Record<string, AttrValue>>;
  readonly params?: Readonly<Record<string, ParamTensor>>;
  /** Where the node came from (layer class, ONNX op type), for messages and summaries. */
  readonly source?: string;
}

/** A validated node with its inferred per-example output shape. */
export interface IRNode extends NodeSpec {
  readonly attrs: Readonly<Record<string, AttrValue>>;
  readonly params: Readonly<Record<string, ParamTensor>>;
  /** Per-example output shape (no batch axis). */
  readonly shape: Shape;
}

/** The graph input. */
export interface GraphInput {
  readonly name: string;
  /** Per-example shape (no batch axis), in the model's own layout. */
  readonly shape: Shape;
}

/** Notes that passes leave for the user (a folded BatchNorm, a removed Softmax). */
export interface GraphNote {
  readonly pass: string;
  readonly message: string;
}

/**
 * The linearizable network: a DAG of nodes in the model's own order over one input, with one output.
 * Build it with {@link createGraph} or {@link GraphBuilder}.
 */
export interface IRGraph {
  /** The model's name, used in every message. */
  readonly name: string;
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
