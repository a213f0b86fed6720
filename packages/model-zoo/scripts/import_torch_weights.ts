/**
 * Turns the output of scripts/train_torch.py into the committed tfjs LayersModel.
 *
 *   tsx --conditions=@biasprop/source scripts/import_torch_weights.ts mnist|fashion-mnist DIR
 *
 * DIR holds `torch_weights.json` (weights by tfjs layer/weight name, already in Keras layout) and
 * `training.json`. The model is built by scripts/architecture.ts (the same code scripts/train.ts
 * trains), its weights are replaced, and it is saved with fileIOHandler to models/<name>/ along
 * with training.json.
 */
import '@tensorflow/tfjs-backend-cpu';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { fileIOHandler } from '../src/fileIOHandler.js';
import { isModelName, modelZooPath } from '../src/zoo.js';
import { buildModel, type ArchitectureSpec } from './architecture.js';
import { dataSource } from './datasets.js';

type TorchWeights = Record<string, { shape: number[]; data: number[] }>;

async function main(): Promise<void> {
  const name = process.argv[2] ?? '';
  const dir = process.argv[3];
  if (!isModelName(name) || dir === undefined) {
    throw new Error('usage: import_torch_weights.ts mnist|fashion-mnist DIR');
  }
  await tf.setBackend('cpu');
  const weights = JSON.parse(readFileSync(join(dir, 'torch_weights.json'), 'utf8')) as TorchWeights;
  const training = JSON.parse(readFileSync(join(dir, 'training.json'), 'utf8')) as {
    architecture: ArchitectureSpec;
    seed: number;
  } & Record<string, unknown>;
  const model = buildModel(training.architecture, training.seed);
  for (const layer of model.layers) {
    if (layer.weights.length === 0) continue;
    const values = layer.weights.map((w) => {
      const key = `${layer.name}/${w.originalName.split('/').pop() ?? ''}`;
      const entry = weights[key];
      if (entry === undefined) throw new Error(`missing weight ${key}`);
      if (entry.shape.join(',') !== w.shape.join(',')) {
        throw new Error(`${key}: shape ${entry.shape.join('x')} != ${w.shape.join('x')}`);
      }
      return tf.tensor(entry.data, entry.shape, 'float32');
    });
    layer.setWeights(values);
    values.forEach((v) => v.dispose());
  }
  const out = modelZooPath(name);
  await model.save(fileIOHandler(join(out, 'model.json')));
  const record = { ...training, dataSource: dataSource(name) };
  writeFileSync(join(out, 'training.json'), `${JSON.stringify(record, null, 2)}\n`);
  console.log(`imported ${name} into ${out}`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
