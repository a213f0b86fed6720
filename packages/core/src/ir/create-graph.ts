import { BiaspropError, UnsupportedOpError } from '../errors.js';
import { getOpRule } from '../ops/op-registry.js';
import type { Shape } from '../tensor/shape.js';
import { sizeOf } from '../tensor/shape.js';
import type { GraphInput, GraphNote, IRGraph, IRNode, NodeSpec } from './types.js';

/** What {@link createGraph} takes. */
export interface GraphSpec {
  /** The model's name, used in every message. */
  readonly name: string;
  /** The graph input: its name and per-example shape. */
  readonly input: GraphInput;
  /** The nodes in topological (the model's own) order. */
  readonly nodes: readonly NodeSpec[];
  /** Output node name (defaults to the last node). */
  readonly output?: string;
  /** Set when a final Softmax was removed (passes set it). */
  readonly removedSoftmax?: string;
  /** What graph passes did, for the user. */
  readonly notes?: readonly GraphNote[];
}

/**
 * Validates a graph and infers every node's shape. Errors name the node and the model: an unknown
 * op kind, a missing or later-defined input, a duplicate name, bad attributes or params, a shape
 * that does not fit.
 *
 * @example
 * ```ts
 * const graph = createGraph({
 *   name: 'tiny',
 *   input: { name: 'x', shape: [4] },
 *   nodes: [{ name: 'fc', op: 'dense', inputs: ['x'], params: { weight: { data: w, shape: [4, 2] } } }],
 * });
 * ```
 */
export function createGraph(spec: GraphSpec): IRGraph {
  const model = spec.name;
  const shapes = new Map<string, Shape>();
  if (!spec.input.shape.every((d) => Number.isInteger(d) && d > 0)) {
    throw new BiaspropError(
      'INVALID_GRAPH',
      `model '${model}': input '${spec.input.name}' needs a static shape, got [${spec.input.shape.join(', ')}]`,
    );
  }
  shapes.set(spec.input.name, [...spec.input.shape]);
  const nodes: IRNode[] = [];
  for (const node of spec.nodes) {
    const fail = (message: string): never => {
      throw new BiaspropError(
        'INVALID_GRAPH',
        `model '${model}', node '${node.name}' (${node.op}): ${message}`,
      );
    };
    if (shapes.has(node.name)) fail('duplicate node name');
    const rule = getOpRule(node.op);
    if (!rule) throw new UnsupportedOpError(node.source ?? node.op, node.name, model);
    const inputShapes = node.inputs.map((i) => {
      const s = shapes.get(i);
      return s ?? fail(`input '${i}' is not defined before this node`);
    });
    if (inputShapes.length === 0) fail('has no inputs');
    for (const [k, p] of Object.entries(node.params ?? {})) {
      if (p.data.length !== sizeOf(p.shape))
        fail(`param '${k}' has ${p.data.length} values for shape [${p.shape.join(', ')}]`);
      for (let i = 0; i < p.data.length; i++)
        if (!Number.isFinite(p.data[i]!)) fail(`param '${k}' contains ${p.data[i]}`);
    }
    const shape = rule.inferShape(node, inputShapes, fail);
    shapes.set(node.name, shape);
    nodes.push({ ...node, attrs: node.attrs ?? {}, params: node.params ?? {}, shape });
  }
  const output = spec.output ?? nodes[nodes.length - 1]?.name;
  if (!output || !nodes.some((n) => n.name === output)) {
    throw new BiaspropError(
      'INVALID_GRAPH',
      `model '${model}': output '${output ?? ''}' is not a node`,
    );
  }
  return {
    name: model,
    input: { name: spec.input.name, shape: [...spec.input.shape] },
    nodes,
    output,
    ...(spec.removedSoftmax ? { removedSoftmax: spec.removedSoftmax } : {}),
    notes: [...(spec.notes ?? [])],
  };
}

/** The spec a graph was built from, for passes that rebuild it. */
export function graphSpecOf(graph: IRGraph): GraphSpec {
  return {
    name: graph.name,
    input: graph.input,
    nodes: graph.nodes.map(({ shape: _shape, ...rest }) => rest),
    output: graph.output,
    ...(graph.removedSoftmax ? { removedSoftmax: graph.removedSoftmax } : {}),
    notes: graph.notes,
  };
}
