import type { IRGraph } from '@biasprop/core';
import type {
  ExportAttributionOptions,
  ExportedAttributionGraph,
} from './export-attribution-graph.js';
import { exportAttributionGraph } from './export-attribution-graph.js';

/**
 * Exports the attribution graph (see {@link exportAttributionGraph}) and writes it to `path`
 * (Node only), with a `<path>.json` description of its inputs and outputs next to it.
 *
 * @example
 * ```ts
 * await writeAttributionGraph('lenet-attribution.onnx', graph, { batch: 1, target: 'classIndex' });
 * ```
 */
export async function writeAttributionGraph(
  path: string,
  graph: IRGraph,
  options: ExportAttributionOptions = {},
): Promise<ExportedAttributionGraph> {
  const { writeFile } = await import('node:fs/promises');
  const exported = exportAttributionGraph(graph, options);
  await writeFile(path, exported.bytes);
  await writeFile(
    `${path}.json`,
    JSON.stringify(
      { model: graph.name, inputs: exported.inputs, outputs: exported.outputs },
      null,
      2,
    ),
  );
  return exported;
}
