import * as tf from '@tensorflow/tfjs-core';
import { TfjsBackend } from '../../src/index.js';

/** A started backend, or why it could not start. */
export type Started =
  { backend: TfjsBackend; reason?: undefined } | { backend?: undefined; reason: string };

/**
 * Activates a tfjs backend and wraps it; when it cannot start (not registered, no WebGL/WebGPU
 * device), returns the reason so the test file can skip with it printed.
 */
export async function startBackend(name: string): Promise<Started> {
  try {
    if (!tf.findBackendFactory(name)) return { reason: `tfjs backend '${name}' is not registered` };
    return { backend: await TfjsBackend.create({ backend: name }) };
  } catch (e) {
    return { reason: `tfjs backend '${name}' failed to start: ${(e as Error).message}` };
  }
}
