/**
 * Measures a zoo model's accuracy on the full 10k test set with tfjs (cpu backend) and writes
 * its model card: models/<name>/card.json and models/<name>/MODEL_CARD.md (from training.json,
 * onnx_check.json and this evaluation).
 *
 *   pnpm --filter @biasprop/model-zoo evaluate mnist|fashion-mnist
 */
import '@tensorflow/tfjs-backend-cpu';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { fileIOHandler, WEIGHTS_FILE_NAME } from '../src/fileIOHandler.js';
import type { ModelCardInfo } from '../src/modelCard.js';
import { CLASS_NAMES, isModelName, modelFiles } from '../src/zoo.js';
import { predictClasses } from './accuracy.js';
import { loadSplit } from './datasets.js';
import { renderModelCard } from './renderModelCard.js';

function readJson(path: string): Record<string, unknown> | null {
  return existsSync(path)
    ? (JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>)
    : null;
}

async function main(): Promise<void> {
  const name = process.argv[2] ?? '';
  if (!isModelName(name)) throw new Error('usage: evaluate.ts mnist|fashion-mnist');
  await tf.setBackend('cpu');
  const files = modelFiles(name);
  const model = await tfl.loadLayersModel(fileIOHandler(files.modelJson));
  const test = loadSplit(name, 'test');
  const t0 = Date.now();
  const pred = predictClasses(model, test);
  const seconds = (Date.now() - t0) / 1000;
  const ok = new Array<number>(10).fill(0);
  const count = new Array<number>(10).fill(0);
  let correct = 0;
  for (let i = 0; i < test.n; i++) {
    const label = test.labels[i] ?? 0;
    count[label]!++;
    if (pred[i] === label) {
      ok[label]!++;
      correct++;
    }
  }
  const training = readJson(join(files.dir, 'training.json')) ?? {};
  const arch = training.architecture as ModelCardInfo['architecture'];
  const fileSizes: Record<string, { bytes: number }> = {};
  for (const f of ['model.json', WEIGHTS_FILE_NAME, 'model.onnx']) {
    const p = join(files.dir, f);
    if (existsSync(p)) fileSizes[f] = { bytes: statSync(p).size };
  }
  const card: ModelCardInfo = {
    name,
    task: `${name === 'mnist' ? 'MNIST handwritten digits' : 'Fashion-MNIST clothing'} classification (10 classes)`,
    classNames: CLASS_NAMES[name],
    architecture: {
      conv1Filters: arch.conv1Filters,
      conv2Filters: arch.conv2Filters,
      denseUnits: arch.denseUnits,
      layers: model.layers.map((l) => `${l.name} (${l.getClassName()})`),
      parameters: model.countParams(),
    },
    input:
      'float32 NHWC [batch, 28, 28, 1], pixel values scaled to [0, 1] (uint8 / 255); ONNX: NCHW [batch, 1, 28, 28]',
    dataSource: typeof training.dataSource === 'string' ? training.dataSource : '',
    training,
    evaluation: {
      testImages: test.n,
      testAccuracy: correct / test.n,
      perClassAccuracy: ok.map((v, i) => v / (count[i] ?? 1)),
      backend: `tfjs ${tf.version_core} cpu backend (scripts/evaluate.ts)`,
      seconds,
    },
    onnx: readJson(join(files.dir, 'onnx_check.json')),
    files: fileSizes,
  };
  writeFileSync(files.cardJson, `${JSON.stringify(card, null, 2)}\n`);
  writeFileSync(files.modelCard, renderModelCard(card));
  console.log(
    `${name}: test accuracy ${(100 * card.evaluation.testAccuracy).toFixed(2)}% (${test.n} images, ${seconds.toFixed(1)}s)`,
  );
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
