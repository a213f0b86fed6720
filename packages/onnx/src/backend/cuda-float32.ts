import { BiaspropError } from '@biasprop/core';

/** The variable cuBLAS and cuDNN read when their handles are made: `0` forbids TF32. */
export const TF32_OVERRIDE = 'NVIDIA_TF32_OVERRIDE';

/**
 * Keeps ONNX Runtime's CUDA provider in float32. On Ampere and later GPUs its convolutions and
 * matrix products default to TF32 (a 10-bit mantissa), which moved attributions by up to 0.19
 * of their largest value on an H100, and onnxruntime-node's `cuda` options cannot turn that off.
 * cuBLAS and cuDNN read `NVIDIA_TF32_OVERRIDE` when their handles are created, so this sets it to
 * `0` where it is unset; call it before the process's first CUDA session (the backend does, before
 * each). A value other than `0` is refused: biasprop's results are float32.
 *
 * @example
 * ```ts
 * forbidTf32(); // process.env.NVIDIA_TF32_OVERRIDE === '0' from here on
 * ```
 */
export function forbidTf32(
  env: Record<string, string | undefined> | undefined = globalThis.process?.env,
): void {
  if (!env) return;
  const value = env[TF32_OVERRIDE];
  if (value === undefined || value === '') {
    env[TF32_OVERRIDE] = '0';
    return;
  }
  if (value !== '0')
    throw new BiaspropError(
      'INVALID_OPTION',
      `${TF32_OVERRIDE}=${value} lets cuBLAS and cuDNN compute in TF32 (10-bit mantissa), which moves attributions by up to 19% on the CUDA provider; unset it or set it to 0`,
    );
}
