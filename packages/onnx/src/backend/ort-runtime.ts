import type * as OrtWeb from 'onnxruntime-web';

/**
 * The parts of an ONNX Runtime JavaScript binding the backend uses. Both `onnxruntime-node` and
 * `onnxruntime-web` (any of its bundles) satisfy it; pass the imported module.
 *
 * @example
 * ```ts
 * const ort: OrtModule = await import('onnxruntime-node');
 * ```
 */
export type OrtModule = Pick<typeof OrtWeb, 'InferenceSession' | 'Tensor' | 'env'>;

/** An ONNX Runtime inference session. */
export type OrtSession = OrtWeb.InferenceSession;

/** ONNX Runtime session options. */
export type OrtSessionOptions = OrtWeb.InferenceSession.SessionOptions;

/** An ONNX Runtime tensor. */
export type OrtTensor = OrtWeb.Tensor;
