import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type * as tf from '@tensorflow/tfjs-core';

const require = createRequire(import.meta.url);
const DIR = fileURLToPath(
  new URL('../../node_modules/nsfwjs/dist/models/mobilenet_v2/', import.meta.url),
);

interface Bundled {
  modelTopology: object;
  weightsManifest: { paths: string[]; weights: tf.io.WeightsManifestEntry[] }[];
}

/**
 * nsfwjs bundles its MobileNetV2 LayersModel as UMD modules: `model.min.js` exports the model.json
 * object and each `group1-shardKofN.min.js` a base64 string of one weight shard. Returns the tfjs
 * model artifacts (uint8-quantized weights, dequantized by tfjs on load).
 */
export function nsfwjsMobileNetV2(): tf.io.ModelArtifacts {
  const json = require(`${DIR}model.min.js`) as Bundled;
  const buffers = json.weightsManifest.flatMap((g) =>
    g.paths.map((p) => Buffer.from(require(`${DIR}${p}.min.js`) as string, 'base64')),
  );
  const weightData = new Uint8Array(Buffer.concat(buffers)).buffer;
  return {
    format: 'layers-model',
    modelTopology: json.modelTopology,
    weightSpecs: json.weightsManifest.flatMap((g) => g.weights),
    weightData,
  };
}
