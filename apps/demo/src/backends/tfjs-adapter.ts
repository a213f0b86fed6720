// The one module that reaches @biasprop/tfjs and TensorFlow.js: backends on tfjs (cpu, wasm, webgl,
// webgpu) and the LayersModel/GraphModel importer. Runs in the worker; everything loads lazily.
import type { IRGraph } from '@biasprop/core';
import type { TfjsBackend } from '@biasprop/tfjs';
import type * as tfc from '@tensorflow/tfjs-core';
import type { UploadedFile } from '../models/model-source.js';
import wasmPlainUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimdUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreadedUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';

/** A tfjs backend name. */
export type TfjsKind = 'cpu' | 'wasm' | 'webgl' | 'webgpu';

const registered = new Set<TfjsKind>();

/** Imports (registers) one tfjs backend; the wasm one is pointed at the bundled .wasm files. */
async function register(kind: TfjsKind): Promise<void> {
  if (registered.has(kind)) return;
  switch (kind) {
    case 'cpu':
      await import('@tensorflow/tfjs-backend-cpu');
      break;
    case 'wasm': {
      const wasm = await import('@tensorflow/tfjs-backend-wasm');
      wasm.setWasmPaths({
        'tfjs-backend-wasm.wasm': wasmPlainUrl,
        'tfjs-backend-wasm-simd.wasm': wasmSimdUrl,
        'tfjs-backend-wasm-threaded-simd.wasm': wasmThreadedUrl,
      });
      break;
    }
    case 'webgl':
      await import('@tensorflow/tfjs-backend-webgl');
      break;
    case 'webgpu':
      await import('@tensorflow/tfjs-backend-webgpu');
      break;
  }
  registered.add(kind);
}

/**
 * Creates a biasprop backend on the tfjs backend `kind` (making it the active tfjs backend).
 *
 * @example
 * ```ts
 * const backend = await createTfjsBackend('webgl');
 * ```
 */
export async function createTfjsBackend(kind: TfjsKind): Promise<TfjsBackend> {
  const { TfjsBackend } = await import('@biasprop/tfjs');
  await register(kind);
  return TfjsBackend.create({ backend: kind });
}

/**
 * Checks that @biasprop/tfjs loads here (it throws with the reason otherwise).
 *
 * @example
 * ```ts
 * await tfjsAvailable();
 * ```
 */
export async function tfjsAvailable(): Promise<null> {
  await import('@biasprop/tfjs');
  return null;
}

/** Makes sure some tfjs backend is active so that models can be loaded. */
async function ensureActiveBackend(): Promise<typeof tfc> {
  const tf = await import('@tensorflow/tfjs-core');
  await register('cpu');
  if (!tf.getBackend()) await tf.setBackend('cpu');
  await tf.ready();
  return tf;
}

/** A tfjs IO handler over model.json and its weight files given as bytes. */
function memoryHandler(tf: typeof tfc, files: readonly UploadedFile[]): tfc.io.IOHandler {
  const json = files.find((f) => f.name.toLowerCase().endsWith('.json'));
  if (!json) throw new Error('pick the model.json file together with its weight files (.bin)');
  interface Manifest {
    modelTopology: tfc.io.ModelArtifacts['modelTopology'];
    weightsManifest?: tfc.io.WeightsManifestConfig;
    format?: string;
  }
  let manifest: Manifest;
  try {
    manifest = JSON.parse(new TextDecoder().decode(json.data)) as Manifest;
  } catch (e) {
    throw new Error(`${json.name} is not JSON: ${e instanceof Error ? e.message : String(e)}`, {
      cause: e,
    });
  }
  return {
    load: async () => {
      const specs: tfc.io.WeightsManifestEntry[] = [];
      const buffers: ArrayBuffer[] = [];
      for (const group of manifest.weightsManifest ?? []) {
        specs.push(...group.weights);
        for (const p of group.paths) {
          const base = p.split('/').pop()!;
          const file = files.find((f) => f.name === base);
          if (!file)
            throw new Error(
              `${json.name} needs the weight file '${base}': pick it together with ${json.name}`,
            );
          buffers.push(file.data);
        }
      }
      return {
        modelTopology: manifest.modelTopology,
        weightSpecs: specs,
        weightData: tf.io.concatenateArrayBuffers(buffers),
        ...(manifest.format !== undefined ? { format: manifest.format } : {}),
      };
    },
  };
}

/**
 * Loads a tfjs model (LayersModel or GraphModel) from the URL of its model.json or from uploaded
 * files, and imports it into prepared biasprop IR (final softmax removed, BatchNorms folded).
 *
 * @example
 * ```ts
 * const graph = await importTfjsModel({ url: '/models/mnist/model.json' }, 'mnist');
 * ```
 */
export async function importTfjsModel(
  from: { url: string } | { files: readonly UploadedFile[] },
  name: string,
): Promise<IRGraph> {
  const { loadGraph } = await import('@biasprop/tfjs');
  const tf = await ensureActiveBackend();
  const source =
    'url' in from ? new URL(from.url, self.location.href).href : memoryHandler(tf, from.files);
  return loadGraph(source, { name });
}
