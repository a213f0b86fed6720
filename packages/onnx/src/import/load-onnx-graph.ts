import type { IRGraph } from '@biasprop/core';
import { BiaspropError } from '@biasprop/core';
import type { OnnxImportOptions } from './from-onnx-model.js';
import { fromOnnxModel } from './from-onnx-model.js';
import type * as FsPromisesModule from 'node:fs/promises';

type FsPromises = typeof FsPromisesModule;

/** Where an ONNX model comes from: its bytes, a file path, or a URL (http(s), file, data, blob). */
export type OnnxSource = Uint8Array | ArrayBuffer | string | URL;

function baseName(s: string): string {
  const clean = s.split(/[?#]/)[0] ?? s;
  const parts = clean.split(/[\\/]/).filter((p) => p.length > 0);
  return parts[parts.length - 1] ?? s;
}

async function fetchBytes(url: string): Promise<Uint8Array> {
  let res: Response;
  try {
    res = await fetch(url);
  } catch (e) {
    throw new BiaspropError(
      'INVALID_INPUT',
      `could not fetch ONNX model '${url}': ${(e as Error).message}`,
    );
  }
  if (!res.ok)
    throw new BiaspropError(
      'INVALID_INPUT',
      `could not fetch ONNX model '${url}': HTTP ${res.status} ${res.statusText}`,
    );
  return new Uint8Array(await res.arrayBuffer());
}

async function readFile(path: string | URL): Promise<Uint8Array> {
  // Imported lazily, through a variable, so browser bundles that only pass bytes or URLs never
  // resolve or include node:fs.
  const specifier = 'node:fs/promises';
  const fs = (await import(/* @vite-ignore */ specifier)) as FsPromises;
  try {
    return new Uint8Array(await fs.readFile(path));
  } catch (e) {
    throw new BiaspropError(
      'INVALID_INPUT',
      `could not read ONNX model file '${String(path)}': ${(e as Error).message}`,
    );
  }
}

/**
 * Loads an ONNX model from bytes, a file path or a URL and imports it onto the biasprop IR (see
 * {@link fromOnnxModel}). The default model name is the file name.
 *
 * @example
 * ```ts
 * const graph = await loadOnnxGraph('model.onnx');
 * const e = await explain(graph, x);
 * ```
 */
export async function loadOnnxGraph(
  source: OnnxSource,
  options: OnnxImportOptions = {},
): Promise<IRGraph> {
  let bytes: Uint8Array;
  let name: string | undefined;
  if (source instanceof Uint8Array) bytes = source;
  else if (source instanceof ArrayBuffer) bytes = new Uint8Array(source);
  else {
    const url =
      source instanceof URL
        ? source
        : /^[a-z][a-z0-9+.-]*:\/\//i.test(source) || /^(data|blob):/i.test(source)
          ? new URL(source)
          : undefined;
    if (url && url.protocol !== 'file:') {
      bytes = await fetchBytes(url.href);
      name = url.protocol === 'data:' ? undefined : baseName(url.pathname);
    } else {
      bytes = await readFile(url ?? source);
      name = baseName(url ? url.pathname : (source as string));
    }
  }
  return fromOnnxModel(bytes, {
    ...options,
    ...((options.name ?? name) ? { name: options.name ?? name } : {}),
  });
}
