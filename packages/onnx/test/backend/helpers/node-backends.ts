import { existsSync } from 'node:fs';
import type * as OrtNode from 'onnxruntime-node';
import { OrtBackend, probeExecutionProvider } from '../../../src/index.js';
import type { OrtExecutionProvider } from '../../../src/index.js';

/** A backend to test, or the reason it cannot run here. */
export interface BackendCase {
  readonly name: string;
  readonly create: () => Promise<OrtBackend>;
  /** Why it is skipped (undefined when it runs). */
  readonly skip?: string;
}

/** Chromium's software Vulkan driver (SwiftShader), which gives onnxruntime-node's WebGPU an adapter. */
const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';

/**
 * onnxruntime-node, and why `ep` cannot run here (undefined when it can). For `webgpu` it points
 * the Vulkan loader at SwiftShader first, unless VK_ICD_FILENAMES names a driver already.
 */
export async function nodeProvider(
  ep: OrtExecutionProvider,
): Promise<{ ort: typeof OrtNode; skip?: string }> {
  if (ep === 'webgpu' && !process.env.VK_ICD_FILENAMES && existsSync(SWIFTSHADER_ICD))
    process.env.VK_ICD_FILENAMES = SWIFTSHADER_ICD;
  const ort = await import('onnxruntime-node');
  const probe = await probeExecutionProvider(ort, ep);
  return probe.available ? { ort } : { ort, skip: skipReason(ep, probe.reason ?? 'unavailable') };
}

/** onnxruntime-node with one provider; probes availability first. */
async function nodeCase(
  ep: OrtExecutionProvider,
  maxPoolLowering?: 'native' | 'portable',
  legacyWebglOperators = false,
): Promise<BackendCase> {
  const { ort, skip } = await nodeProvider(ep);
  return {
    name: `ort-${ep}${maxPoolLowering ? ` (${maxPoolLowering} max pool)` : ''}${legacyWebglOperators ? ' (legacy WebGL operators)' : ''}`,
    create: async () =>
      new OrtBackend({
        ort,
        executionProvider: ep,
        intraOpNumThreads: 1,
        ...(maxPoolLowering ? { maxPoolLowering } : {}),
        ...(legacyWebglOperators ? { legacyWebglOperators } : {}),
      }),
    ...(skip ? { skip } : {}),
  };
}

/** onnxruntime-web's wasm provider in Node (single-threaded). */
async function webWasmCase(): Promise<BackendCase> {
  const ort = await import('onnxruntime-web');
  ort.env.wasm.numThreads = 1;
  return {
    name: 'ort-wasm',
    create: async () => new OrtBackend({ ort, runtime: 'web', executionProvider: 'wasm' }),
  };
}

/**
 * Every ONNX Runtime configuration reachable from Node here: ort-cpu and ort-wasm always;
 * ort-webgpu (needs a Vulkan adapter: libvulkan1 + VK_ICD_FILENAMES) and ort-cuda (needs the CUDA
 * provider libraries and a GPU) when their probe succeeds, otherwise with the probe's reason.
 * `portableMaxPoolCpu` adds ort-cpu with the portable max-pool lowering (the default there is
 * the native one); `legacyWebglCpu` adds ort-cpu recording only the legacy WebGL provider's
 * operators (the graphs Chromium's WebGL tests run for real).
 */
export async function nodeBackendCases(
  options: { portableMaxPoolCpu?: boolean; legacyWebglCpu?: boolean } = {},
): Promise<BackendCase[]> {
  return [
    await nodeCase('cpu'),
    ...(options.portableMaxPoolCpu ? [await nodeCase('cpu', 'portable')] : []),
    ...(options.legacyWebglCpu ? [await nodeCase('cpu', 'portable', true)] : []),
    await webWasmCase(),
    await nodeCase('webgpu'),
    await nodeCase('cuda'),
  ];
}

function skipReason(ep: OrtExecutionProvider, reason: string): string {
  if (ep === 'webgpu' && !existsSync(SWIFTSHADER_ICD) && !process.env.VK_ICD_FILENAMES) {
    return `no WebGPU adapter (install libvulkan1 and chromium for SwiftShader Vulkan, or set VK_ICD_FILENAMES): ${reason}`;
  }
  return reason;
}
