import type { Ops } from '../backend/ops.js';
import type { Tensor } from '../backend/tensor.js';
import { UnsupportedOpError } from '../errors.js';
import type { IRGraph, IRNode } from '../ir/types.js';
import type { OpRule, RuleContext } from '../ops/op-rule.js';
import { getOpRule } from '../ops/op-registry.js';

/** One node evaluated at the point: its rule, context, output and state. */
export interface LinearizedNode {
  readonly node: IRNode;
  readonly rule: OpRule<unknown>;
  readonly ctx: RuleContext;
  readonly y: Tensor;
  readonly state: unknown;
}

/** The network evaluated at x: every node's local affine piece. */
export interface Linearization {
  readonly x: Tensor;
  readonly nodes: readonly LinearizedNode[];
  readonly values: ReadonlyMap<string, Tensor>;
  /** The output, flattened to `[N, K]`. */
  readonly logits: Tensor;
}

/**
 * Throws the error a user should see when a graph holds a node that cannot be explained:
 * a Softmax that is not the final node (finals are removed by `removeFinalSoftmax`).
 */
export function assertLinearizable(graph: IRGraph): void {
  for (const node of graph.nodes) {
    const rule = getOpRule(node.op);
    if (!rule) throw new UnsupportedOpError(node.source ?? node.op, node.name, graph.name);
    if (node.op === 'softmax' || node.op === 'logSoftmax') {
      throw new UnsupportedOpError(
        node.source ?? node.op,
        node.name,
        graph.name,
        node.name === graph.output
          ? 'the final softmax must be removed before explaining, so the logits are explained (run prepareGraph or removeFinalSoftmax)'
          : 'a softmax can only be explained as the final node, where it is removed (run prepareGraph or removeFinalSoftmax)',
      );
    }
  }
}

/** Forward pass recording each node's piece. Call {@link assertLinearizable} first. */
export function linearize(ops: Ops, graph: IRGraph, x: Tensor): Linearization {
  const values = new Map<string, Tensor>([[graph.input.name, x]]);
  const shapes = new Map<string, readonly number[]>([[graph.input.name, graph.input.shape]]);
  const batch = x.shape[0]!;
  const nodes: LinearizedNode[] = [];
  for (const node of graph.nodes) {
    const rule = getOpRule(node.op)!;
    const ctx: RuleContext = {
      ops,
      node,
      inputShapes: node.inputs.map((i) => shapes.get(i)!),
      batch,
    };
    const { y, state } = rule.forward(
      ctx,
      node.inputs.map((i) => values.get(i)!),
    );
    values.set(node.name, y);
    shapes.set(node.name, node.shape);
    nodes.push({ node, rule, ctx, y, state });
  }
  const out = values.get(graph.output)!;
  const logits =
    out.rank === 2 ? out : ops.reshape(out, [batch, out.shape.slice(1).reduce((a, b) => a * b, 1)]);
  return { x, nodes, values, logits };
}

function accumulate(ops: Ops, map: Map<string, Tensor>, name: string, t: Tensor | null): void {
  if (!t) return;
  const prev = map.get(name);
  map.set(name, prev ? ops.add(prev, t) : t);
}

/**
 * Backward pass: `g_K = r`, `g_u = Σ (A_{v,u}^x)ᵀ g_v`. Returns the gradient of the readout with
 * respect to every node output and to the input (under the input's name).
 */
export function backward(
  ops: Ops,
  graph: IRGraph,
  lin: Linearization,
  readout: Tensor,
): Map<string, Tensor> {
  const g = new Map<string, Tensor>();
  const out = lin.values.get(graph.output)!;
  g.set(graph.output, ops.reshape(readout, out.shape));
  for (let i = lin.nodes.length - 1; i >= 0; i--) {
    const n = lin.nodes[i]!;
    const gv = g.get(n.node.name);
    if (!gv) continue;
    const grads = n.rule.vjp(n.ctx, n.state, gv);
    n.node.inputs.forEach((input, k) => accumulate(ops, g, input, grads[k] ?? null));
  }
  if (!g.has(graph.input.name)) g.set(graph.input.name, ops.fill(lin.x.shape, 0));
  return g;
}

export { accumulate as accumulateInto };
