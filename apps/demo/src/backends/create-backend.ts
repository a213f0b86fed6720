// Worker side: turns a backend id into a biasprop Backend, and finds out which ids can run here.
import type { Backend } from '@biasprop/core';
import { ReferenceBackend } from '@biasprop/core';
import type { Availability, Capabilities } from '../worker/protocol.js';
import type { BackendId } from './backend-catalog.js';
import { BACKENDS } from './backend-catalog.js';
import { createOrtBackend, onnxAvailable, ortBackendMissing } from './onnx-adapter.js';
import { createTfjsBackend, tfjsAvailable } from './tfjs-adapter.js';

/** A backend the demo can dispose of when it is no longer needed. */
export type DemoBackend = Backend & { dispose?(): unknown };

/**
 * Creates the backend `id`.
 *
 * @example
 * ```ts
 * const backend = await createBackend('tfjs-wasm');
 * ```
 */
export async function createBackend(id: BackendId): Promise<DemoBackend> {
  switch (id) {
    case 'reference':
      return new ReferenceBackend();
    case 'tfjs-cpu':
      return createTfjsBackend('cpu');
    case 'tfjs-wasm':
      return createTfjsBackend('wasm');
    case 'tfjs-webgl':
      return createTfjsBackend('webgl');
    case 'tfjs-webgpu':
      return createTfjsBackend('webgpu');
    case 'ort-wasm':
      return createOrtBackend('wasm');
    case 'ort-webgpu':
      return createOrtBackend('webgpu');
    case 'ort-webgl':
      return createOrtBackend('webgl');
  }
}

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** Why WebGPU is unavailable in this worker, or `null`. */
async function webgpuMissing(): Promise<string | null> {
  const gpu = (navigator as Navigator & { gpu?: { requestAdapter(): Promise<unknown> } }).gpu;
  if (!gpu)
    return 'this browser exposes no WebGPU (navigator.gpu is undefined; Chromium needs --enable-unsafe-webgpu on Linux)';
  try {
    return (await gpu.requestAdapter()) ? null : 'WebGPU is exposed but no adapter is available';
  } catch (e) {
    return `WebGPU adapter request failed: ${message(e)}`;
  }
}

/** Why WebGL is unavailable in this worker, or `null`. */
function webglMissing(): string | null {
  if (typeof OffscreenCanvas === 'undefined') return 'no OffscreenCanvas in workers, so no WebGL';
  const canvas = new OffscreenCanvas(1, 1);
  return canvas.getContext('webgl2') || canvas.getContext('webgl')
    ? null
    : 'no WebGL context could be created';
}

function wasmMissing(): string | null {
  return typeof WebAssembly === 'object' ? null : 'this browser has no WebAssembly';
}

async function check(
  ...reasons: (() => Promise<string | null> | string | null)[]
): Promise<Availability> {
  try {
    for (const r of reasons) {
      const reason = await r();
      if (reason) return { available: false, reason };
    }
    return { available: true };
  } catch (e) {
    return { available: false, reason: message(e) };
  }
}

/**
 * Probes every backend and importer. Cheap checks only, except ONNX Runtime WebGPU and WebGL,
 * whose probes run a one-node session.
 *
 * @example
 * ```ts
 * const caps = await probeCapabilities();
 * caps.backends['tfjs-webgpu'].reason; // why not, when unavailable
 * ```
 */
export async function probeCapabilities(): Promise<Capabilities> {
  const gpu = await webgpuMissing();
  const probes: Record<BackendId, () => Promise<Availability>> = {
    reference: () => check(),
    'tfjs-cpu': () => check(tfjsAvailable),
    'tfjs-wasm': () => check(wasmMissing, tfjsAvailable),
    'tfjs-webgl': () => check(webglMissing, tfjsAvailable),
    'tfjs-webgpu': () => check(() => gpu, tfjsAvailable),
    'ort-wasm': () => check(wasmMissing, onnxAvailable),
    'ort-webgpu': () =>
      check(
        () => gpu,
        () => ortBackendMissing('webgpu'),
      ),
    'ort-webgl': () => check(webglMissing, () => ortBackendMissing('webgl')),
  };
  const backends = {} as Record<BackendId, Availability>;
  for (const b of BACKENDS) backends[b.id] = await probes[b.id]();
  return {
    backends,
    importers: { tfjs: await check(tfjsAvailable), onnx: await check(onnxAvailable) },
  };
}
