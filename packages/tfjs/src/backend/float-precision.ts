import * as tf from '@tensorflow/tfjs-core';
import type { Precision } from '@biasprop/core';

/**
 * The float precision a tfjs backend computes in: WebGL renders to 16-bit textures on devices
 * without float32 render targets (flag `WEBGL_RENDER_FLOAT32_ENABLED`); backends report it through
 * `floatPrecision()`.
 *
 * @example
 * ```ts
 * floatPrecisionOf(tf.getBackend()); // 'float32' on cpu
 * ```
 */
export function floatPrecisionOf(backendName: string): Precision {
  if (backendName === 'webgl' && !tf.env().getBool('WEBGL_RENDER_FLOAT32_ENABLED'))
    return 'float16';
  const b = tf.findBackend(backendName) as { floatPrecision?: () => number } | null;
  return b?.floatPrecision?.() === 16 ? 'float16' : 'float32';
}
