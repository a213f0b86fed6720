// Worker side: loads a model from its source and prepares its IR for explanation.
import type { IRGraph } from '@biasprop/core';
import { layersOf, prepareGraph, sizeOf, summarizeGraph } from '@biasprop/core';
import { importOnnxModel } from '../backends/onnx-adapter.js';
import { importTfjsModel } from '../backends/tfjs-adapter.js';
import type { ModelInfo } from '../worker/protocol.js';
import { builtinNetwork } from './builtin-network.js';
import type { ModelSource } from './model-source.js';

async function fetchBytes(url: string): Promise<Uint8Array> {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`could not fetch ${url}: HTTP ${res.status}`);
  return new Uint8Array(await res.arrayBuffer());
}

/**
 * Loads and imports a model, prepared for explanation (final softmax removed, BatchNorms folded):
 * the importers prepare their graphs, the built-in one is prepared here.
 *
 * @example
 * ```ts
 * const graph = await loadModel({ kind: 'builtin' });
 * ```
 */
export async function loadModel(source: ModelSource): Promise<IRGraph> {
  switch (source.kind) {
    case 'builtin':
      return prepareGraph(builtinNetwork());
    case 'tfjs-url':
      return importTfjsModel({ url: source.url }, source.label);
    case 'tfjs-files':
      return importTfjsModel({ files: source.files }, source.label);
    case 'onnx-url':
      return importOnnxModel(await fetchBytes(source.url), source.label);
    case 'onnx-bytes':
      return importOnnxModel(new Uint8Array(source.data), source.label);
  }
}

/**
 * What the page needs to know about a loaded model.
 *
 * @example
 * ```ts
 * const info = describeModel(graph, 'MNIST (ONNX)');
 * ```
 */
export function describeModel(graph: IRGraph, label: string): ModelInfo {
  const out = graph.nodes.find((v) => v.name === graph.output);
  return {
    name: graph.name,
    label,
    inputShape: [...graph.input.shape],
    classes: out ? sizeOf(out.shape) : 0,
    layers: layersOf(graph).map((l) => ({ name: l.name, index: l.index })),
    ...(graph.removedSoftmax ? { removedSoftmax: graph.removedSoftmax } : {}),
    summary: summarizeGraph(graph),
  };
}
