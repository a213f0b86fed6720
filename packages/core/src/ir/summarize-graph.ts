import { getOpRule } from '../ops/op-registry.js';
import { sizeOf } from '../tensor/shape.js';
import { layerOfNode, layersOf } from './layers.js';
import type { IRGraph } from './types.js';

/**
 * A text table of the graph: node, op, output shape, parameter count and layer, then the notes
 * of the passes (folded BatchNorms, removed Softmax).
 *
 * @example
 * ```ts
 * console.log(summarizeGraph(graph));
 * ```
 */
export function summarizeGraph(graph: IRGraph): string {
  const layerOf = layerOfNode(layersOf(graph));
  const rows: string[][] = [['node', 'op', 'output shape', 'params', 'layer']];
  rows.push([graph.input.name, 'input', `[${graph.input.shape.join(', ')}]`, '0', '']);
  let total = 0;
  for (const n of graph.nodes) {
    const rule = getOpRule(n.op);
    const count =
      rule?.parameterCount?.(n) ?? Object.values(n.params).reduce((s, p) => s + sizeOf(p.shape), 0);
    total += count;
    rows.push([
      n.name,
      n.op,
      `[${n.shape.join(', ')}]`,
      String(count),
      layerOf.get(n.name)?.name ?? '',
    ]);
  }
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  const lines = rows.map((r) =>
    r
      .map((cell, c) => cell.padEnd(widths[c]!))
      .join('  ')
      .trimEnd(),
  );
  lines.splice(1, 0, widths.map((w) => '-'.repeat(w)).join('  '));
  lines.push(
    '',
    `model '${graph.name}': ${graph.nodes.length} nodes, ${total} parameters, output '${graph.output}'`,
  );
  for (const note of graph.notes) lines.push(`note (${note.pass}): ${note.message}`);
  return lines.join('\n');
}
