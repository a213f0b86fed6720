import type { IRGraph } from '@biasprop/core';
import { BiaspropError } from '@biasprop/core';
import { loadGraphModel } from '@tensorflow/tfjs-converter';
import * as tf from '@tensorflow/tfjs-core';
import { loadLayersModel } from '@tensorflow/tfjs-layers';
import { fileHandler } from './file-io-handler.js';
import { fromGraphModel } from './graph-model.js';
import type { ImportOptions } from './layers-model.js';
import { fromLayersModel } from './layers-model.js';

/** The two tfjs model formats. */
export type TfjsModelFormat = 'layers-model' | 'graph-model';

/**
 * Which format a tfjs `model.json` is in: `format` when present, otherwise the shape of
 * `modelTopology` (a Keras config or a TensorFlow `GraphDef`).
 *
 * @example
 * ```ts
 * formatOf(await handler.load()); // 'graph-model'
 * ```
 */
export function formatOf(artifacts: tf.io.ModelArtifacts): TfjsModelFormat {
  if (artifacts.format === 'graph-model' || artifacts.format === 'layers-model')
    return artifacts.format;
  const topology = artifacts.modelTopology as Record<string, unknown> | undefined;
  if (topology && Array.isArray(topology.node)) return 'graph-model';
  if (topology && (topology.model_config !== undefined || topology.class_name !== undefined))
    return 'layers-model';
  throw new BiaspropError(
    'INVALID_GRAPH',
    `unrecognized tfjs model.json: format '${artifacts.format ?? ''}'`,
  );
}

function isNode(): boolean {
  return typeof process !== 'undefined' && typeof process.versions?.node === 'string';
}

/** An IOHandler for a path or URL: http(s) URLs everywhere, file paths in Node, relative URLs in a browser. */
function handlerFor(source: string): tf.io.IOHandler {
  if (/^https?:\/\//i.test(source) || !isNode()) return tf.io.http(source);
  return fileHandler(source);
}

/**
 * Loads a tfjs model from a `model.json` path (Node), a URL or any tfjs `IOHandler`, detects
 * whether it is a LayersModel or a GraphModel, imports it and frees the tfjs model. Two lines
 * explain a saved model:
 *
 * @example
 * ```ts
 * const graph = await loadGraph('https://example.com/model/model.json');
 * const e = await explain(graph, x, { backend: await TfjsBackend.create() });
 * ```
 */
export async function loadGraph(
  source: string | tf.io.IOHandler,
  options: ImportOptions = {},
): Promise<IRGraph> {
  const handler = typeof source === 'string' ? handlerFor(source) : source;
  if (!handler.load) throw new BiaspropError('INVALID_OPTION', 'the IOHandler cannot load');
  const artifacts = await handler.load();
  const name = options.name ?? (typeof source === 'string' ? source : 'model');
  const memory = tf.io.fromMemory(artifacts);
  if (formatOf(artifacts) === 'graph-model') {
    const model = await loadGraphModel(memory);
    try {
      return fromGraphModel(model, { ...options, name });
    } finally {
      model.dispose();
    }
  }
  const model = await loadLayersModel(memory);
  try {
    return fromLayersModel(model, { ...options, name });
  } finally {
    model.dispose();
  }
}
