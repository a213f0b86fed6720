import { encodeModel } from '../proto/onnx-proto.js';
import { forbidTf32 } from './cuda-float32.js';
import { OnnxGraphRecorder } from './onnx-graph-recorder.js';
import type { OrtModule } from './ort-runtime.js';

/** Where ONNX Runtime runs a traced program. */
export type OrtExecutionProvider = 'cpu' | 'cuda' | 'webgpu' | 'wasm' | 'webgl';

/** Which JavaScript binding: `node` (`onnxruntime-node`) or `web` (`onnxruntime-web`). */
export type OrtRuntimeKind = 'node' | 'web';

/** The providers each binding can offer. */
export const EXECUTION_PROVIDERS: Readonly<
  Record<OrtRuntimeKind, readonly OrtExecutionProvider[]>
> = {
  node: ['cpu', 'webgpu', 'cuda'],
  web: ['wasm', 'webgpu', 'webgl'],
};

/**
 * The backend name for a binding and provider: `ort-cpu`, `ort-cuda`, `ort-webgpu` (Node),
 * `ort-wasm`, `ort-webgl`, `ort-web-webgpu` (onnxruntime-web).
 *
 * @example
 * ```ts
 * ortBackendName('web', 'wasm'); // 'ort-wasm'
 * ```
 */
export function ortBackendName(runtime: OrtRuntimeKind, ep: OrtExecutionProvider): string {
  return runtime === 'web' && ep === 'webgpu' ? 'ort-web-webgpu' : `ort-${ep}`;
}

/** Whether a provider can run here, and why not. */
export interface ProviderAvailability {
  /** Whether a session could be created with this provider. */
  readonly available: boolean;
  /** Why it is not available (the runtime's own message where there is one). */
  readonly reason?: string;
}

let probeBytes: Uint8Array | undefined;

/** A one-node model (`y = x + x`, float32 [1, 4]) to probe providers with. */
function probeModel(): Uint8Array {
  if (!probeBytes) {
    const rec = new OnnxGraphRecorder();
    const x = rec.addInput('x', [1, 4]);
    rec.addOutput(rec.node('Add', [x, x]), 'y', [1, 4]);
    probeBytes = encodeModel(rec.toModel('probe'));
  }
  return probeBytes;
}

/**
 * Checks whether ONNX Runtime can run on `ep` here by creating and running a one-node session on
 * it. A missing provider (CUDA binaries not installed, no WebGPU adapter, no WebGL context)
 * comes back as `available: false` with the runtime's message as the reason.
 *
 * @example
 * ```ts
 * const ort = await import('onnxruntime-node');
 * const cuda = await probeExecutionProvider(ort, 'cuda');
 * if (!cuda.available) console.log(`CUDA skipped: ${cuda.reason}`);
 * ```
 */
export async function probeExecutionProvider(
  ort: OrtModule,
  ep: OrtExecutionProvider,
): Promise<ProviderAvailability> {
  const list = (
    ort as { listSupportedBackends?: () => readonly { name: string; bundled: boolean }[] }
  ).listSupportedBackends;
  if (list) {
    const known = list();
    const entry = known.find((b) => b.name === ep);
    if (!entry) {
      return {
        available: false,
        reason: `onnxruntime-node does not list the '${ep}' provider (it lists ${known.map((b) => b.name).join(', ')})`,
      };
    }
  }
  try {
    if (ep === 'cuda') forbidTf32();
    const session = await ort.InferenceSession.create(probeModel(), { executionProviders: [ep] });
    try {
      const out = await session.run({
        x: new ort.Tensor('float32', Float32Array.from([1, 2, 3, 4]), [1, 4]),
      });
      const y = out.y?.data as Float32Array | undefined;
      if (!y || y[3] !== 8)
        return {
          available: false,
          reason: `the '${ep}' provider returned a wrong result on a probe model`,
        };
    } finally {
      await session.release();
    }
    return { available: true };
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    let hint = '';
    if (list && ep === 'cuda' && !list().find((b) => b.name === 'cuda')?.bundled) {
      hint =
        'onnxruntime-node 1.30 does not bundle the CUDA provider (its install script downloads it; installs here use ONNXRUNTIME_NODE_INSTALL=skip); ';
    }
    return { available: false, reason: `${hint}${message.split('\n')[0]}` };
  }
}
