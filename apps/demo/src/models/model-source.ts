// Where a model comes from: the built-in network, the bundled zoo (by URL) or the user's files.

/** A file the user picked, read into memory. */
export interface UploadedFile {
  readonly name: string;
  readonly data: ArrayBuffer;
}

/** A model to load in the worker. */
export type ModelSource =
  | { readonly kind: 'builtin' }
  | { readonly kind: 'tfjs-url'; readonly label: string; readonly url: string }
  | { readonly kind: 'onnx-url'; readonly label: string; readonly url: string }
  | { readonly kind: 'tfjs-files'; readonly label: string; readonly files: readonly UploadedFile[] }
  | { readonly kind: 'onnx-bytes'; readonly label: string; readonly data: ArrayBuffer };

/**
 * The importer a source needs (`null` for the built-in network).
 *
 * @example
 * ```ts
 * importerOf({ kind: 'onnx-url', label: 'mnist', url: '/models/mnist/model.onnx' }); // 'onnx'
 * ```
 */
export function importerOf(source: ModelSource): 'tfjs' | 'onnx' | null {
  switch (source.kind) {
    case 'builtin':
      return null;
    case 'tfjs-url':
    case 'tfjs-files':
      return 'tfjs';
    case 'onnx-url':
    case 'onnx-bytes':
      return 'onnx';
  }
}
