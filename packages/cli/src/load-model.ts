import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, extname, resolve } from 'node:path';
import type { GraphSpec, IRGraph, NodeSpec } from '@biasprop/core';
import { createGraph, prepareGraph } from '@biasprop/core';
import { CliError } from './errors.js';
import { quietTfjs } from './quiet-tfjs.js';

/** The model formats the CLI reads. */
export type ModelFormat = 'onnx' | 'tfjs-layers' | 'tfjs-graph' | 'biasprop-ir';

/** A model imported onto the IR (final Softmax removed, BatchNorms folded). */
export interface LoadedModel {
  /** The imported, prepared IR graph. */
  readonly graph: IRGraph;
  /** The format detected from the file. */
  readonly format: ModelFormat;
  /** Absolute path of the model file. */
  readonly path: string;
  /** Number of outputs (classes). */
  readonly classes: number;
}

/**
 * Imports a module of an adapter package, turning a missing package or export into one clear line.
 *
 * @example
 * ```ts
 * const onnx = await adapterModule(() => import('@biasprop/onnx'), '@biasprop/onnx', ['loadOnnxGraph']);
 * ```
 */
export async function adapterModule<T extends object>(
  load: () => Promise<T>,
  pkg: string,
  exports: readonly string[],
): Promise<T> {
  let mod: T;
  try {
    mod = await load();
  } catch (e) {
    throw new CliError(
      `${pkg} could not be loaded (${(e as Error).message.split('\n')[0]}); reinstall biasprop or build the workspace`,
    );
  }
  const missing = exports.filter(
    (name) => typeof (mod as Record<string, unknown>)[name] !== 'function',
  );
  if (missing.length)
    throw new CliError(
      `${pkg} in this installation has no ${missing.join(', ')}; update ${pkg} (this feature is not available yet)`,
    );
  return mod;
}

/** Which format a model file is in, from its extension and (for JSON) its content. */
function detectFormat(path: string, shown: string): ModelFormat {
  const ext = extname(path).toLowerCase();
  if (ext === '.onnx') return 'onnx';
  if (ext !== '.json') {
    throw new CliError(
      `unknown model format '${ext || basename(path)}': ${shown}; pass an .onnx file or a tfjs model.json (LayersModel or GraphModel)`,
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new CliError(
      `unknown model format: ${shown} is not valid JSON (${(e as Error).message}); pass an .onnx file or a tfjs model.json`,
    );
  }
  const o = (json ?? {}) as Record<string, unknown>;
  if (o.format === 'biasprop-ir') return 'biasprop-ir';
  if (o.format === 'graph-model') return 'tfjs-graph';
  if (o.format === 'layers-model') return 'tfjs-layers';
  const topology = o.modelTopology as Record<string, unknown> | undefined;
  if (topology && Array.isArray(topology.node)) return 'tfjs-graph';
  if (topology && (topology.model_config !== undefined || topology.class_name !== undefined))
    return 'tfjs-layers';
  throw new CliError(
    `unknown model format: ${shown} is JSON but neither a tfjs model.json (no modelTopology) nor a biasprop IR file; pass an .onnx file or a tfjs model.json`,
  );
}

interface IrJsonParam {
  readonly shape: readonly number[];
  readonly data: readonly number[];
}

/** Reads a biasprop IR JSON file: a {@link GraphSpec} whose params hold plain number arrays. */
function readIrJson(path: string, shown: string): IRGraph {
  const spec = JSON.parse(readFileSync(path, 'utf8')) as Omit<GraphSpec, 'nodes'> & {
    nodes: (Omit<NodeSpec, 'params'> & { params?: Record<string, IrJsonParam> })[];
  };
  if (!spec.input || !Array.isArray(spec.nodes))
    throw new CliError(`${shown}: a biasprop IR file needs 'input' and 'nodes'`);
  const nodes: NodeSpec[] = spec.nodes.map((n) => ({
    ...n,
    params: Object.fromEntries(
      Object.entries(n.params ?? {}).map(([k, p]) => [
        k,
        { shape: p.shape, data: Float32Array.from(p.data) },
      ]),
    ),
  }));
  return createGraph({ ...spec, name: spec.name ?? shown, nodes });
}

/**
 * Loads a model file through the matching adapter: `.onnx` via `@biasprop/onnx`, a tfjs
 * `model.json` (LayersModel or GraphModel) via `@biasprop/tfjs`, or a biasprop IR JSON
 * (`"format": "biasprop-ir"`, a `GraphSpec` with params as number arrays). The graph is prepared
 * (final Softmax removed, BatchNorms folded). Errors name the file and what to do.
 *
 * @example
 * ```ts
 * const { graph, format } = await loadModel('models/mnist/model.onnx', process.cwd());
 * ```
 */
export async function loadModel(path: string, cwd: string): Promise<LoadedModel> {
  const abs = resolve(cwd, path);
  if (!existsSync(abs))
    throw new CliError(`model file not found: ${path}; pass an .onnx file or a tfjs model.json`);
  if (statSync(abs).isDirectory()) {
    const json = resolve(abs, 'model.json');
    if (existsSync(json)) return loadModel(json, cwd);
    throw new CliError(
      `model path ${path} is a directory without model.json; pass an .onnx file or a tfjs model.json`,
    );
  }
  const format = detectFormat(abs, path);
  let graph: IRGraph;
  if (format === 'onnx') {
    const onnx = await adapterModule(() => import('@biasprop/onnx'), '@biasprop/onnx', [
      'loadOnnxGraph',
    ]);
    graph = await onnx.loadOnnxGraph(abs, { name: path });
  } else if (format === 'biasprop-ir') {
    graph = prepareGraph(readIrJson(abs, path));
  } else {
    await quietTfjs();
    await import('@tensorflow/tfjs-backend-cpu');
    const tfjs = await adapterModule(() => import('@biasprop/tfjs'), '@biasprop/tfjs', [
      'loadGraph',
    ]);
    graph = await tfjs.loadGraph(abs, { name: path });
  }
  const out = graph.nodes.find((n) => n.name === graph.output);
  const classes = out ? out.shape.reduce((a, b) => a * b, 1) : 0;
  return { graph, format, path: abs, classes };
}
