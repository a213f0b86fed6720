import { numberAttr } from '../../ops/node-access.js';
import { consumerCounts } from '../consumers.js';
import { createGraph, graphSpecOf } from '../create-graph.js';
import type { IRGraph, IRNode, NodeSpec } from '../types.js';

/**
 * The dense/conv node a BatchNorm can fold into: its input, when that is a dense or conv2d node
 * whose only consumer is this BatchNorm and whose output channels are the BatchNorm's axis.
 */
export function foldTargetOf(
  graph: IRGraph,
  bn: IRNode,
  counts = consumerCounts(graph),
): IRNode | undefined {
  if (bn.op !== 'batchNorm') return undefined;
  const prev = graph.nodes.find((n) => n.name === bn.inputs[0]);
  if (!prev || (prev.op !== 'dense' && prev.op !== 'conv2d')) return undefined;
  if (counts.get(prev.name) !== 1) return undefined;
  return numberAttr(bn, 'axis', 0) === 0 ? prev : undefined;
}

/**
 * Folds every inference BatchNorm into the preceding conv/dense when that layer has no other
 * consumer: `W' = W·scale` per output channel, `b' = b·scale + shift`. Attribution-neutral (the
 * local linear model of the layer is unchanged). BatchNorms that cannot be folded stay as
 * per-channel affine nodes.
 *
 * @example
 * ```ts
 * const folded = foldBatchNorm(graph);
 * ```
 */
export function foldBatchNorm(graph: IRGraph): IRGraph {
  const counts = consumerCounts(graph);
  const replaced = new Map<string, NodeSpec>();
  const removed = new Map<string, string>();
  const notes = [...graph.notes];
  for (const bn of graph.nodes) {
    const target = foldTargetOf(graph, bn, counts);
    if (!target) continue;
    const scale = bn.params.scale!.data;
    const shift = bn.params.shift!.data;
    const w = target.params.weight!;
    const channels = scale.length;
    const folded = new Float64Array(w.data.length);
    if (target.op === 'conv2d') {
      const per = w.data.length / channels;
      for (let i = 0; i < w.data.length; i++) folded[i] = w.data[i]! * scale[Math.floor(i / per)]!;
    } else {
      for (let i = 0; i < w.data.length; i++) folded[i] = w.data[i]! * scale[i % channels]!;
    }
    const bias = new Float64Array(channels);
    const oldBias = target.params.bias?.data;
    for (let c = 0; c < channels; c++)
      bias[c] = (oldBias ? oldBias[c]! : 0) * scale[c]! + shift[c]!;
    const spec: NodeSpec = replaced.get(target.name) ?? target;
    replaced.set(target.name, {
      ...spec,
      params: {
        ...target.params,
        weight: { data: folded, shape: w.shape },
        bias: { data: bias, shape: [channels] },
      },
    });
    removed.set(bn.name, target.name);
    notes.push({
      pass: 'foldBatchNorm',
      message: `folded BatchNorm '${bn.name}' into '${target.name}'`,
    });
  }
  if (removed.size === 0) return graph;
  const spec = graphSpecOf(graph);
  const rename = (n: string): string => removed.get(n) ?? n;
  return createGraph({
    ...spec,
    nodes: spec.nodes
      .filter((n) => !removed.has(n.name))
      .map((n) => {
        const base = replaced.get(n.name) ?? n;
        return { ...base, inputs: base.inputs.map(rename) };
      }),
    output: rename(graph.output),
    notes,
  });
}
