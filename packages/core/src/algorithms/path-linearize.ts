import type { Ops } from '../backend/ops.js';
import type { Tensor } from '../backend/tensor.js';
import { BiaspropError } from '../errors.js';
import type { IRGraph } from '../ir/types.js';
import type { RuleContext } from '../ops/op-rule.js';
import { getOpRule } from '../ops/op-registry.js';
import type { Linearization, LinearizedNode } from './linearize.js';

/**
 * Checks that every node is linear or piecewise-linear with a path rule (exact IG's requirement);
 * the error names the first smooth or unsupported node and points to adaptive IG.
 */
export function assertPiecewiseLinear(graph: IRGraph): void {
  for (const node of graph.nodes) {
    const rule = getOpRule(node.op)!;
    if (rule.linearity === 'smooth' || (rule.linearity === 'piecewise' && !rule.pathForward)) {
      throw new BiaspropError(
        'INVALID_OPTION',
        `exact Integrated Gradients needs a piecewise-linear network, but node '${node.name}' of model '${graph.name}' is ${node.op} (${rule.linearity}); use method 'adaptive' instead`,
      );
    }
  }
}

/** Minimum over every axis but the batch axis: `[N]`. */
function minPerExample(ops: Ops, t: Tensor): Tensor {
  const axes = t.shape.map((_, i) => i).slice(1);
  return ops.neg(ops.max(ops.neg(t), axes));
}

/**
 * The forward pass along the path `x(t) = x' + t·d` at the points `x` with tangent `dx = d`: every
 * node's value, its derivative along the path and its piece for `(t, t + ε)`, plus, per example,
 * the distance in `t` to the next breakpoint of any unit (`+Infinity` if none).
 */
export function linearizeAlongPath(
  ops: Ops,
  graph: IRGraph,
  x: Tensor,
  dx: Tensor,
  tolerance: number,
): { lin: Linearization; step: Tensor } {
  const values = new Map<string, Tensor>([[graph.input.name, x]]);
  const tangents = new Map<string, Tensor>([[graph.input.name, dx]]);
  const shapes = new Map<string, readonly number[]>([[graph.input.name, graph.input.shape]]);
  const batch = x.shape[0]!;
  const nodes: LinearizedNode[] = [];
  let step: Tensor = ops.fill([batch], Infinity);
  for (const node of graph.nodes) {
    const rule = getOpRule(node.op)!;
    const ctx: RuleContext = {
      ops,
      node,
      inputShapes: node.inputs.map((i) => shapes.get(i)!),
      batch,
    };
    const inputs = node.inputs.map((i) => values.get(i)!);
    const dxs = node.inputs.map((i) => tangents.get(i)!);
    let y: Tensor;
    let dy: Tensor;
    let state: unknown;
    if (rule.pathForward) {
      const r = rule.pathForward(ctx, inputs, dxs, tolerance);
      ({ y, dy, state } = r);
      if (r.breakpoint) step = ops.minimum(step, minPerExample(ops, r.breakpoint));
    } else {
      ({ y, state } = rule.forward(ctx, inputs));
      dy = rule.tangent ? rule.tangent(ctx, state, dxs) : rule.forward(ctx, dxs).y;
    }
    values.set(node.name, y);
    tangents.set(node.name, dy);
    shapes.set(node.name, node.shape);
    nodes.push({ node, rule, ctx, y, state });
  }
  const out = values.get(graph.output)!;
  const logits =
    out.rank === 2 ? out : ops.reshape(out, [batch, out.shape.slice(1).reduce((a, b) => a * b, 1)]);
  return { lin: { x, nodes, values, logits }, step };
}
