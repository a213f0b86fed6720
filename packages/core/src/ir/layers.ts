import { getOpRule } from '../ops/op-registry.js';
import { consumerCounts } from './consumers.js';
import { foldTargetOf } from './passes/fold-batch-norm.js';
import type { IRGraph } from './types.js';

/** A layer in the paper's sense: a node with learned affine parameters and the nodes it owns. */
export interface LayerInfo {
  /** Position among the layers, from 0. */
  readonly index: number;
  /** The name of the layer's defining node (dense, conv, or an unfoldable BatchNorm). */
  readonly name: string;
  /** Names of the nodes the layer owns, in model order. */
  readonly nodes: readonly string[];
}

/**
 * Groups nodes into layers (DESIGN §2.3): a layer starts at each affine node with learned
 * parameters (dense, conv; a BatchNorm that can fold into the preceding layer belongs to it) and
 * owns the parameter-free nodes that follow in the model's own order. Nodes before the first layer
 * belong to it. The grouping is the same with and without BatchNorm folding.
 *
 * @example
 * ```ts
 * layersOf(graph).map((l) => l.name); // ['conv1', 'conv2', 'fc1', 'fc2']
 * ```
 */
export function layersOf(graph: IRGraph): LayerInfo[] {
  const counts = consumerCounts(graph);
  const groups: { name: string; nodes: string[] }[] = [];
  const leading: string[] = [];
  for (const node of graph.nodes) {
    const starts = getOpRule(node.op)?.definesLayer === true && !foldTargetOf(graph, node, counts);
    if (starts) groups.push({ name: node.name, nodes: [node.name] });
    else if (groups.length) groups[groups.length - 1]!.nodes.push(node.name);
    else leading.push(node.name);
  }
  if (groups.length === 0)
    return leading.length ? [{ index: 0, name: leading[0]!, nodes: leading }] : [];
  groups[0]!.nodes.unshift(...leading);
  return groups.map((g, index) => ({ index, ...g }));
}

/** Map from node name to its layer. */
export function layerOfNode(layers: readonly LayerInfo[]): Map<string, LayerInfo> {
  const m = new Map<string, LayerInfo>();
  for (const l of layers) for (const n of l.nodes) m.set(n, l);
  return m;
}
