import type { IRGraph } from '../ir/types.js';

const ids = new WeakMap<IRGraph, number>();
let next = 0;

/**
 * A key that identifies one graph object in program keys: its name plus a per-object counter, so
 * two different models that share a name never share a compiled program.
 *
 * @example
 * ```ts
 * const key = `forward|${graphKey(graph)}`; // 'forward|mnist#0'
 * ```
 */
export function graphKey(graph: IRGraph): string {
  let id = ids.get(graph);
  if (id === undefined) ids.set(graph, (id = next++));
  return `${graph.name}#${id}`;
}
