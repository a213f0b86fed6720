import type { Backend } from '@biasprop/core';
import { ReferenceBackend } from '@biasprop/core';
import { CliError } from './errors.js';
import { adapterModule } from './load-model.js';
import { quietTfjs } from './quiet-tfjs.js';
import type { ModelFormat } from './load-model.js';

/** Backend names the CLI accepts. */
export const BACKEND_NAMES = [
  'reference',
  'tfjs-cpu',
  'tfjs-wasm',
  'ort-cpu',
  'ort-wasm',
  'ort-webgpu',
  'ort-cuda',
] as const;

/** A backend name the CLI accepts. */
export type BackendName = (typeof BACKEND_NAMES)[number];

/**
 * Type guard for {@link BackendName}.
 *
 * @example
 * ```ts
 * if (!isBackendName(value)) throw new Error(`unknown backend ${value}`);
 * ```
 */
export function isBackendName(name: string): name is BackendName {
  return (BACKEND_NAMES as readonly string[]).includes(name);
}

/**
 * The default backend for a model format: `ort-cpu` for ONNX, `tfjs-wasm` for tfjs, `reference`
 * for an IR file.
 *
 * @example
 * ```ts
 * defaultBackend('onnx'); // 'ort-cpu'
 * ```
 */
export function defaultBackend(format: ModelFormat): BackendName {
  return format === 'onnx' ? 'ort-cpu' : format === 'biasprop-ir' ? 'reference' : 'tfjs-wasm';
}

async function onnxModule() {
  return adapterModule(() => import('@biasprop/onnx'), '@biasprop/onnx', [
    'OrtBackend',
    'probeExecutionProvider',
  ]);
}

async function ortNode() {
  try {
    const ort = await import('onnxruntime-node');
    ort.env.logLevel = 'fatal'; // failures come back as errors; keep the runtime's own log off stderr
    return ort;
  } catch (e) {
    throw new CliError(
      `onnxruntime-node could not be loaded (${(e as Error).message.split('\n')[0]}); reinstall it or use --backend ort-wasm, tfjs-cpu or reference`,
    );
  }
}

async function ortWeb() {
  try {
    const ort = await import('onnxruntime-web');
    ort.env.wasm.numThreads = 1;
    return ort;
  } catch (e) {
    throw new CliError(
      `onnxruntime-web could not be loaded (${(e as Error).message.split('\n')[0]}); reinstall it or use --backend ort-cpu`,
    );
  }
}

async function tfjsBackend(kind: 'cpu' | 'wasm'): Promise<Backend> {
  await quietTfjs();
  if (kind === 'cpu') await import('@tensorflow/tfjs-backend-cpu');
  else await import('@tensorflow/tfjs-backend-wasm');
  const tfjs = await adapterModule(() => import('@biasprop/tfjs'), '@biasprop/tfjs', []);
  if (typeof tfjs.TfjsBackend?.create !== 'function')
    throw new CliError(
      '@biasprop/tfjs in this installation has no TfjsBackend; update @biasprop/tfjs',
    );
  return tfjs.TfjsBackend.create({ backend: kind });
}

/**
 * Whether a backend can start here, and why not (ONNX Runtime providers are probed with a
 * one-node model; CUDA and WebGPU are absent on most machines).
 *
 * @example
 * ```ts
 * const { available, reason } = await backendAvailability('ort-cuda');
 * ```
 */
export async function backendAvailability(name: BackendName): Promise<{
  /** Whether the backend can start here. */
  available: boolean;
  /** Why not, when it cannot. */
  reason?: string;
}> {
  if (name === 'ort-webgpu' || name === 'ort-cuda') {
    try {
      const onnx = await onnxModule();
      const ort = await ortNode();
      const probe = await onnx.probeExecutionProvider(ort, name === 'ort-cuda' ? 'cuda' : 'webgpu');
      return probe.available
        ? { available: true }
        : { available: false, reason: probe.reason ?? 'the provider did not start' };
    } catch (e) {
      return { available: false, reason: (e as Error).message };
    }
  }
  return { available: true };
}

/**
 * Starts a backend by name. A backend that cannot run here is a {@link CliError} with the reason.
 *
 * @example
 * ```ts
 * const backend = await createBackend('ort-cpu');
 * try { await explain(graph, x, { backend }); } finally { await backend.dispose(); }
 * ```
 */
export async function createBackend(name: string): Promise<Backend> {
  if (!isBackendName(name))
    throw new CliError(`unknown backend '${name}'; use one of ${BACKEND_NAMES.join(', ')}`, 2);
  switch (name) {
    case 'reference':
      return new ReferenceBackend();
    case 'tfjs-cpu':
      return tfjsBackend('cpu');
    case 'tfjs-wasm':
      return tfjsBackend('wasm');
    case 'ort-cpu': {
      const onnx = await onnxModule();
      return new onnx.OrtBackend({ ort: await ortNode(), executionProvider: 'cpu' });
    }
    case 'ort-wasm': {
      const onnx = await onnxModule();
      return new onnx.OrtBackend({
        ort: await ortWeb(),
        runtime: 'web',
        executionProvider: 'wasm',
      });
    }
    case 'ort-webgpu':
    case 'ort-cuda': {
      const availability = await backendAvailability(name);
      if (!availability.available)
        throw new CliError(
          `backend ${name} is not available here: ${availability.reason}; use --backend ort-cpu`,
        );
      const onnx = await onnxModule();
      return new onnx.OrtBackend({
        ort: await ortNode(),
        executionProvider: name === 'ort-cuda' ? 'cuda' : 'webgpu',
      });
    }
  }
}
