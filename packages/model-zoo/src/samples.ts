import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeNpy } from './npy.js';
import { modelFiles, type ModelName } from './zoo.js';

/** Name of the JSON file that lists the samples of a model. */
export const SAMPLES_INDEX_FILE = 'index.json';

/** One entry of `samples/index.json`. */
export interface SampleIndexEntry {
  /** File name of the float32 `[28, 28, 1]` `.npy` input (pixels in [0, 1]). */
  readonly npy: string;
  /** File name of the 8-bit grayscale PNG of the same image. */
  readonly png: string;
  readonly label: number;
  readonly className: string;
  /** Index of the image in the official 10k test set. */
  readonly testIndex: number;
  /** Softmax output of the tfjs model for this input (reference for other runtimes). */
  readonly tfjsProbabilities: readonly number[];
}

/** A bundled sample input with its label, ready to feed to a zoo model. */
export interface Sample extends SampleIndexEntry {
  /** NHWC shape without batch: `[28, 28, 1]`. */
  readonly shape: readonly number[];
  /** Pixel values in [0, 1], row-major. */
  readonly input: Float32Array;
  readonly npyPath: string;
  readonly pngPath: string;
}

/**
 * Loads the bundled sample inputs of a zoo model (two test images per class), decoding the
 * `.npy` files.
 *
 * @example
 * ```ts
 * for (const s of loadSamples('mnist')) console.log(s.label, s.shape, s.input.length);
 * ```
 */
export function loadSamples(name: ModelName): Sample[] {
  const dir = modelFiles(name).samplesDir;
  const index = JSON.parse(
    readFileSync(join(dir, SAMPLES_INDEX_FILE), 'utf8'),
  ) as SampleIndexEntry[];
  return index.map((e) => {
    const npyPath = join(dir, e.npy);
    const { shape, data } = decodeNpy(readFileSync(npyPath));
    return { ...e, shape, input: data, npyPath, pngPath: join(dir, e.png) };
  });
}
