import type * as NodeFs from 'node:fs/promises';
import type * as NodePath from 'node:path';
import type * as NodeUrl from 'node:url';
import type * as tf from '@tensorflow/tfjs-core';

interface WeightsGroup {
  paths: string[];
  weights: tf.io.WeightsManifestEntry[];
}

// Node modules are imported by a computed name so browser bundlers leave them alone.
const FS = 'node:fs/promises';
const PATH = 'node:path';
const URL_MODULE = 'node:url';

/**
 * A tfjs `IOHandler` that reads a `model.json` and its weight shards from the local file system
 * (Node only; `@tensorflow/tfjs-node`'s `file://` handler without the native addon).
 *
 * @example
 * ```ts
 * const model = await tf.loadGraphModel(fileHandler('node_modules/@vladmandic/human/models/emotion.json'));
 * ```
 */
export function fileHandler(modelJsonPath: string): tf.io.IOHandler {
  return {
    async load(): Promise<tf.io.ModelArtifacts> {
      const fs = (await import(/* @vite-ignore */ FS)) as typeof NodeFs;
      const path = (await import(/* @vite-ignore */ PATH)) as typeof NodePath;
      const url = (await import(/* @vite-ignore */ URL_MODULE)) as typeof NodeUrl;
      const file = modelJsonPath.startsWith('file://')
        ? url.fileURLToPath(modelJsonPath)
        : modelJsonPath;
      const json = JSON.parse(await fs.readFile(file, 'utf8')) as Record<string, unknown> & {
        weightsManifest?: WeightsGroup[];
      };
      const dir = path.dirname(file);
      const specs: tf.io.WeightsManifestEntry[] = [];
      const buffers: Uint8Array[] = [];
      for (const group of json.weightsManifest ?? []) {
        specs.push(...group.weights);
        for (const p of group.paths)
          buffers.push(new Uint8Array(await fs.readFile(path.join(dir, p))));
      }
      const total = buffers.reduce((s, b) => s + b.byteLength, 0);
      const weightData = new Uint8Array(total);
      let offset = 0;
      for (const b of buffers) {
        weightData.set(b, offset);
        offset += b.byteLength;
      }
      const { weightsManifest: _m, ...rest } = json;
      return {
        ...(rest as tf.io.ModelArtifacts),
        weightSpecs: specs,
        weightData: weightData.buffer,
      };
    },
  };
}
