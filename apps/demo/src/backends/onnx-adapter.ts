// The one module that reaches @biasprop/onnx and onnxruntime-web: the ONNX importer and the ONNX
// Runtime Web backend (wasm, webgpu, legacy webgl). Runs in the worker; everything loads lazily.
import type { IRGraph } from '@biasprop/core';
import type { OrtBackend } from '@biasprop/onnx';
import type * as OrtWebModule from 'onnxruntime-web';
import ortJsepWasmUrl from 'onnxruntime-web/ort-wasm-simd-threaded.jsep.wasm?url';
import ortWasmUrl from 'onnxruntime-web/ort-wasm-simd-threaded.wasm?url';

/** An ONNX Runtime Web execution provider the demo offers. */
export type OrtKind = 'wasm' | 'webgpu' | 'webgl';

type OrtWeb = typeof OrtWebModule;

const modules = new Map<OrtKind, Promise<OrtWeb>>();

/** The onnxruntime-web bundle that has `kind`. */
function bundle(kind: OrtKind): Promise<OrtWeb> {
  if (kind === 'wasm') return import('onnxruntime-web/wasm');
  // Only the `all` bundle carries the legacy WebGL provider.
  if (kind === 'webgl') return import('onnxruntime-web/all');
  return import('onnxruntime-web');
}

/**
 * onnxruntime-web, configured for a worker (single-threaded, .wasm from the build's assets): the
 * wasm-only bundle for `wasm` (half the download of the full one), the full bundle for `webgpu`,
 * the `all` bundle for `webgl`.
 */
function ort(kind: OrtKind): Promise<OrtWeb> {
  let mod = modules.get(kind);
  if (!mod) {
    mod = bundle(kind).then((m) => {
      m.env.wasm.wasmPaths = {
        wasm: new URL(kind === 'wasm' ? ortWasmUrl : ortJsepWasmUrl, self.location.href).href,
      };
      m.env.wasm.numThreads = 1;
      m.env.logLevel = 'error';
      return m;
    });
    modules.set(kind, mod);
  }
  return mod;
}

/**
 * Why ONNX Runtime Web cannot run on `kind` here, or `null` when it can (for WebGPU this creates
 * and runs a one-node session).
 *
 * @example
 * ```ts
 * const reason = await ortBackendMissing('webgpu');
 * ```
 */
export async function ortBackendMissing(kind: OrtKind): Promise<string | null> {
  const { probeExecutionProvider } = await import('@biasprop/onnx');
  if (kind === 'wasm') return null;
  const p = await probeExecutionProvider(await ort(kind), kind);
  return p.available ? null : (p.reason ?? `ONNX Runtime could not start on ${kind}`);
}

/**
 * Checks that @biasprop/onnx loads here (it throws with the reason otherwise).
 *
 * @example
 * ```ts
 * await onnxAvailable();
 * ```
 */
export async function onnxAvailable(): Promise<null> {
  await import('@biasprop/onnx');
  return null;
}

/**
 * Creates a biasprop backend on ONNX Runtime Web with the given execution provider.
 *
 * @example
 * ```ts
 * const backend = await createOrtBackend('wasm');
 * ```
 */
export async function createOrtBackend(kind: OrtKind): Promise<OrtBackend> {
  const { OrtBackend } = await import('@biasprop/onnx');
  return new OrtBackend({ ort: await ort(kind), runtime: 'web', executionProvider: kind });
}

/**
 * Imports an ONNX model (bytes of a .onnx file) into prepared biasprop IR (final softmax
 * removed, zero pads and BatchNorms folded).
 *
 * @example
 * ```ts
 * const graph = await importOnnxModel(bytes, 'mnist');
 * ```
 */
export async function importOnnxModel(bytes: Uint8Array, name: string): Promise<IRGraph> {
  const { fromOnnxModel } = await import('@biasprop/onnx');
  return fromOnnxModel(bytes, { name });
}
