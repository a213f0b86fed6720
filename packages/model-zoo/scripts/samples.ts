/**
 * Writes a few test-set inputs of each class next to a trained model:
 * models/<name>/samples/<label>-<k>.npy (float32 [28, 28, 1] in [0, 1]) and .png (8-bit gray),
 * plus samples/index.json with labels, test-set indices and the tfjs model's softmax outputs
 * (read by scripts/export_onnx.py to check the ONNX export).
 *
 *   pnpm --filter @biasprop/model-zoo samples mnist|fashion-mnist [--per-class N]
 *
 * The samples are the first N test images of each class (in test-set order) that the model
 * classifies correctly.
 */
import '@tensorflow/tfjs-backend-cpu';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { PNG } from 'pngjs';
import { fileIOHandler } from '../src/fileIOHandler.js';
import { encodeNpy } from '../src/npy.js';
import { SAMPLES_INDEX_FILE, type SampleIndexEntry } from '../src/samples.js';
import { CLASS_NAMES, isModelName, modelFiles } from '../src/zoo.js';
import { predictClasses } from './accuracy.js';
import { loadSplit } from './datasets.js';

async function main(): Promise<void> {
  const name = process.argv[2] ?? '';
  if (!isModelName(name)) throw new Error('usage: samples.ts mnist|fashion-mnist [--per-class N]');
  const i = process.argv.indexOf('--per-class');
  const perClass = i >= 0 ? Number(process.argv[i + 1]) : 2;
  await tf.setBackend('cpu');
  const files = modelFiles(name);
  const model = await tfl.loadLayersModel(fileIOHandler(files.modelJson));
  const test = loadSplit(name, 'test');
  const pred = predictClasses(model, test);
  rmSync(files.samplesDir, { recursive: true, force: true });
  mkdirSync(files.samplesDir, { recursive: true });
  const entries: SampleIndexEntry[] = [];
  for (let label = 0; label < 10; label++) {
    let k = 0;
    for (let j = 0; j < test.n && k < perClass; j++) {
      if (test.labels[j] !== label || pred[j] !== label) continue;
      const stem = `${label}-${k}`;
      const pixels = test.images.slice(j * 784, (j + 1) * 784);
      writeFileSync(
        join(files.samplesDir, `${stem}.npy`),
        encodeNpy({ shape: [28, 28, 1], data: pixels }),
      );
      const png = new PNG({ width: 28, height: 28, colorType: 0, inputColorType: 0, bitDepth: 8 });
      png.data = Buffer.from(test.raw.subarray(j * 784, (j + 1) * 784));
      writeFileSync(
        join(files.samplesDir, `${stem}.png`),
        PNG.sync.write(png, { colorType: 0, inputColorType: 0, bitDepth: 8 }),
      );
      const probs = tf.tidy(() =>
        Array.from((model.predict(tf.tensor4d(pixels, [1, 28, 28, 1])) as tf.Tensor).dataSync()),
      );
      entries.push({
        npy: `${stem}.npy`,
        png: `${stem}.png`,
        label,
        className: CLASS_NAMES[name][label] ?? String(label),
        testIndex: j,
        tfjsProbabilities: probs,
      });
      k++;
    }
  }
  writeFileSync(
    join(files.samplesDir, SAMPLES_INDEX_FILE),
    `${JSON.stringify(entries, null, 1)}\n`,
  );
  console.log(`wrote ${entries.length} samples to ${files.samplesDir}`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
