// The execution backends the demo offers, in order of preference for the default choice.

/** Backend ids: the float64 reference, tfjs on four of its backends, ONNX Runtime Web on three. */
export type BackendId =
  | 'tfjs-webgl'
  | 'tfjs-webgpu'
  | 'tfjs-wasm'
  | 'tfjs-cpu'
  | 'ort-wasm'
  | 'ort-webgpu'
  | 'ort-webgl'
  | 'reference';

/** A backend choice as the page lists it. */
export interface BackendEntry {
  readonly id: BackendId;
  readonly label: string;
  readonly family: 'tfjs' | 'ort' | 'reference';
}

/** Every backend, the preferred default first. */
export const BACKENDS: readonly BackendEntry[] = [
  { id: 'tfjs-wasm', label: 'tfjs · wasm', family: 'tfjs' },
  { id: 'ort-wasm', label: 'ONNX Runtime · wasm', family: 'ort' },
  { id: 'tfjs-webgl', label: 'tfjs · WebGL', family: 'tfjs' },
  { id: 'tfjs-webgpu', label: 'tfjs · WebGPU', family: 'tfjs' },
  { id: 'ort-webgpu', label: 'ONNX Runtime · WebGPU', family: 'ort' },
  { id: 'ort-webgl', label: 'ONNX Runtime · WebGL (legacy provider)', family: 'ort' },
  { id: 'tfjs-cpu', label: 'tfjs · cpu (JavaScript)', family: 'tfjs' },
  { id: 'reference', label: 'reference · float64 (JavaScript)', family: 'reference' },
];

/**
 * Whether `id` names a backend of the catalogue.
 *
 * @example
 * ```ts
 * isBackendId('ort-wasm'); // true
 * ```
 */
export function isBackendId(id: string): id is BackendId {
  return BACKENDS.some((b) => b.id === id);
}
