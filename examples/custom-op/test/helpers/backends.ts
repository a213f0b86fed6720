import type { Backend } from '@biasprop/core';
import { ReferenceBackend } from '@biasprop/core';

/** A backend that started, or the reason it could not (printed when its tests are skipped). */
export type StartedBackend =
  | { readonly name: string; readonly backend: Backend; readonly reason?: undefined }
  | { readonly name: string; readonly backend?: undefined; readonly reason: string };

function why(e: unknown): string {
  return e instanceof Error ? e.message.split('\n')[0]! : String(e);
}

/** The float64 reference backend of `@biasprop/core`. */
export function startReference(): StartedBackend {
  return { name: 'reference', backend: new ReferenceBackend() };
}

/** `TfjsBackend` from `@biasprop/tfjs` on tfjs's `cpu` backend. */
export async function startTfjsCpu(): Promise<StartedBackend> {
  const name = 'tfjs-cpu';
  try {
    await import('@tensorflow/tfjs-backend-cpu');
    const tfjs: Record<string, unknown> = await import('@biasprop/tfjs');
    const TfjsBackend = tfjs.TfjsBackend as
      { create?: (o: { backend: string }) => Promise<Backend> } | undefined;
    if (typeof TfjsBackend?.create !== 'function')
      return { name, reason: '@biasprop/tfjs does not export TfjsBackend yet' };
    return { name, backend: await TfjsBackend.create({ backend: 'cpu' }) };
  } catch (e) {
    return { name, reason: `tfjs-cpu could not start: ${why(e)}` };
  }
}

/** `OrtBackend` from `@biasprop/onnx` on onnxruntime-node's CPU execution provider. */
export async function startOrtCpu(): Promise<StartedBackend> {
  const name = 'ort-cpu';
  try {
    const onnx: Record<string, unknown> = await import('@biasprop/onnx');
    const OrtBackend = onnx.OrtBackend as
      (new (o: { ort: unknown; executionProvider: string }) => Backend) | undefined;
    if (typeof OrtBackend !== 'function')
      return { name, reason: '@biasprop/onnx does not export OrtBackend yet' };
    const ort: unknown = await import('onnxruntime-node');
    return { name, backend: new OrtBackend({ ort, executionProvider: 'cpu' }) };
  } catch (e) {
    return { name, reason: `ort-cpu could not start: ${why(e)}` };
  }
}
