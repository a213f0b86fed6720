import { BiaspropError } from '../errors.js';
import type { LayerInfo } from '../ir/layers.js';
import { layersOf } from '../ir/layers.js';
import type { IRGraph } from '../ir/types.js';

/**
 * Which layers' bias terms BBp includes: `'all'` (default), `{ skipFirst: k }` (all except the
 * first k layers, the paper's per-layer study), a list of layer or node names, or a predicate.
 */
export type LayerSelection =
  | 'all'
  | {
      /** Leave out the first k layers' bias terms. */
      readonly skipFirst: number;
    }
  | readonly string[]
  | ((layer: LayerInfo) => boolean);

/** Resolves a selection to the set of node names whose `ρ` terms are included. */
export function selectBiasNodes(graph: IRGraph, selection: LayerSelection = 'all'): Set<string> {
  const layers = layersOf(graph);
  let chosen: LayerInfo[];
  if (selection === 'all') chosen = layers;
  else if (typeof selection === 'function') chosen = layers.filter(selection);
  else if (Array.isArray(selection)) {
    const names = new Set<string>(selection as readonly string[]);
    const nodes = new Set<string>();
    for (const name of names) {
      const layer = layers.find((l) => l.name === name);
      if (layer) layer.nodes.forEach((n) => nodes.add(n));
      else if (graph.nodes.some((n) => n.name === name)) nodes.add(name);
      else {
        throw new BiaspropError(
          'INVALID_OPTION',
          `bias layer '${name}' is neither a layer nor a node of model '${graph.name}'; layers: ${layers.map((l) => l.name).join(', ')}`,
        );
      }
    }
    return nodes;
  } else {
    const k = (selection as { skipFirst: number }).skipFirst;
    if (!Number.isInteger(k) || k < 0)
      throw new BiaspropError(
        'INVALID_OPTION',
        `skipFirst must be a non-negative integer, got ${k}`,
      );
    chosen = layers.slice(k);
  }
  return new Set(chosen.flatMap((l) => l.nodes));
}

/** A stable text key of a selection (for program caching). */
export function selectionKey(nodes: ReadonlySet<string>, graph: IRGraph): string {
  return graph.nodes.map((n) => (nodes.has(n.name) ? '1' : '0')).join('');
}
