// Turns the files a user picked into a model source.
import type { ModelSource, UploadedFile } from './model-source.js';

/**
 * Reads picked files: one `.onnx` file, or a tfjs `model.json` with its weight files.
 *
 * @example
 * ```ts
 * const source = await readModelUpload(input.files!);
 * ```
 */
export async function readModelUpload(list: FileList | readonly File[]): Promise<ModelSource> {
  const files = [...list];
  const onnx = files.find((f) => f.name.toLowerCase().endsWith('.onnx'));
  if (onnx) return { kind: 'onnx-bytes', label: onnx.name, data: await onnx.arrayBuffer() };
  const json = files.find((f) => f.name.toLowerCase().endsWith('.json'));
  if (!json)
    throw new Error(
      'pick an .onnx file, or a tfjs model.json together with its weight files (.bin)',
    );
  const read: UploadedFile[] = await Promise.all(
    files.map(async (f) => ({ name: f.name, data: await f.arrayBuffer() })),
  );
  return { kind: 'tfjs-files', label: json.name, files: read };
}
