import type { IRGraph } from './types.js';

/** How many times each node's value is used (as an input, or as the graph output). */
export function consumerCounts(graph: IRGraph): Map<string, number> {
  const counts = new Map<string, number>();
  for (const n of graph.nodes) for (const i of n.inputs) counts.set(i, (counts.get(i) ?? 0) + 1);
  counts.set(graph.output, (counts.get(graph.output) ?? 0) + 1);
  return counts;
}
