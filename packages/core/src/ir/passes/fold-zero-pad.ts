import { numbersAttr } from '../../ops/node-access.js';
import { consumerCounts } from '../consumers.js';
import { createGraph, graphSpecOf } from '../create-graph.js';
import type { IRGraph, NodeSpec } from '../types.js';

/**
 * Folds a spatial zero `pad` node into the conv2d that is its only consumer (a Keras
 * `ZeroPadding2D` before a `valid` conv). The conv then pads itself, so BBp never sends bias to a
 * padded position (which has no input to pass it on to).
 *
 * @example
 * ```ts
 * const g2 = foldZeroPad(graph);
 * ```
 */
export function foldZeroPad(graph: IRGraph): IRGraph {
  const counts = consumerCounts(graph);
  const byName = new Map(graph.nodes.map((n) => [n.name, n]));
  const removed = new Map<string, string>();
  const convPads = new Map<string, number[]>();
  for (const conv of graph.nodes) {
    if (conv.op !== 'conv2d') continue;
    const pad = byName.get(conv.inputs[0]!);
    if (!pad || pad.op !== 'pad' || counts.get(pad.name) !== 1) continue;
    const p = pad.attrs.pads as readonly (readonly number[])[];
    if (p.length !== 3 || p[0]![0] !== 0 || p[0]![1] !== 0) continue;
    const own = numbersAttr(conv, 'pads', [0, 0, 0, 0]);
    convPads.set(conv.name, [
      own[0]! + p[1]![0]!,
      own[1]! + p[2]![0]!,
      own[2]! + p[1]![1]!,
      own[3]! + p[2]![1]!,
    ]);
    removed.set(pad.name, pad.inputs[0]!);
  }
  if (removed.size === 0) return graph;
  const spec = graphSpecOf(graph);
  const nodes: NodeSpec[] = spec.nodes
    .filter((n) => !removed.has(n.name))
    .map((n) => {
      const pads = convPads.get(n.name);
      const inputs = n.inputs.map((i) => removed.get(i) ?? i);
      return pads ? { ...n, inputs, attrs: { ...n.attrs, pads } } : { ...n, inputs };
    });
  return createGraph({
    ...spec,
    nodes,
    notes: [
      ...graph.notes,
      ...[...removed.keys()].map((p) => ({
        pass: 'foldZeroPad',
        message: `folded zero padding '${p}' into the following conv`,
      })),
    ],
  });
}
