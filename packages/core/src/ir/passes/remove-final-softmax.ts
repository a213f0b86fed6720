import { createGraph, graphSpecOf } from '../create-graph.js';
import type { IRGraph } from '../types.js';

/**
 * Removes a final Softmax/LogSoftmax so the logits are explained (DESIGN §2.1); the result records
 * it in `removedSoftmax` and in the notes.
 *
 * @example
 * ```ts
 * const logits = removeFinalSoftmax(graph); // logits.removedSoftmax === 'probs'
 * ```
 */
export function removeFinalSoftmax(graph: IRGraph): IRGraph {
  const last = graph.nodes.find((n) => n.name === graph.output);
  if (!last || (last.op !== 'softmax' && last.op !== 'logSoftmax')) return graph;
  if (graph.nodes.some((n) => n !== last && n.inputs.includes(last.name))) return graph;
  const spec = graphSpecOf(graph);
  return createGraph({
    ...spec,
    nodes: spec.nodes.filter((n) => n.name !== last.name),
    output: last.inputs[0]!,
    removedSoftmax: last.name,
    notes: [
      ...graph.notes,
      {
        pass: 'removeFinalSoftmax',
        message: `removed final ${last.op} '${last.name}': the logits are explained`,
      },
    ],
  });
}
