import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { io } from '@tensorflow/tfjs-core';

/** Name of the single weights file written next to `model.json`. */
export const WEIGHTS_FILE_NAME = 'weights.bin';

/**
 * A tfjs IOHandler that saves a model as `model.json` + one `weights.bin` file in a directory
 * and loads it back, using only `node:fs` (tfjs-node's `file://` handler is unavailable here).
 *
 * `modelJsonPath` is the path of `model.json`; weights files named by its manifest are resolved
 * relative to its directory.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs-layers';
 * const model = await tf.loadLayersModel(fileIOHandler('models/mnist/model.json'));
 * await model.save(fileIOHandler('/tmp/copy/model.json'));
 * ```
 */
export function fileIOHandler(modelJsonPath: string): io.IOHandler {
  const dir = dirname(modelJsonPath);
  return {
    async save(artifacts: io.ModelArtifacts): Promise<io.SaveResult> {
      if (artifacts.modelTopology instanceof ArrayBuffer) {
        throw new Error('fileIOHandler: binary model topologies are not supported');
      }
      mkdirSync(dir, { recursive: true });
      const weightData =
        artifacts.weightData === undefined
          ? new ArrayBuffer(0)
          : io.CompositeArrayBuffer.join(artifacts.weightData);
      const modelJson: io.ModelJSON = {
        modelTopology: artifacts.modelTopology ?? {},
        format: artifacts.format ?? 'layers-model',
        generatedBy: artifacts.generatedBy ?? 'TensorFlow.js',
        convertedBy: artifacts.convertedBy ?? null,
        weightsManifest: [{ paths: [WEIGHTS_FILE_NAME], weights: artifacts.weightSpecs ?? [] }],
      };
      if (artifacts.trainingConfig !== undefined) {
        modelJson.trainingConfig = artifacts.trainingConfig;
      }
      writeFileSync(modelJsonPath, `${JSON.stringify(modelJson)}\n`);
      writeFileSync(join(dir, WEIGHTS_FILE_NAME), new Uint8Array(weightData));
      return { modelArtifactsInfo: io.getModelArtifactsInfoForJSON(artifacts) };
    },
    async load(): Promise<io.ModelArtifacts> {
      const modelJson = JSON.parse(readFileSync(modelJsonPath, 'utf8')) as io.ModelJSON;
      return io.getModelArtifactsForJSON(modelJson, async (manifest) => {
        const specs: io.WeightsManifestEntry[] = [];
        const buffers: ArrayBuffer[] = [];
        for (const group of manifest) {
          specs.push(...group.weights);
          for (const p of group.paths) {
            const bytes = readFileSync(join(dir, p));
            buffers.push(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
          }
        }
        return [specs, io.CompositeArrayBuffer.join(buffers)];
      });
    },
  };
}
