/**
 * Trains one zoo model with tfjs (cpu backend) and saves it under models/<name>/.
 *
 *   pnpm --filter @biasprop/model-zoo train mnist|fashion-mnist [--epochs N] [--steps N]
 *        [--seed N] [--out DIR] [--arch C1,C2,D] [--lr-decay F] [--max-seconds S] [--keep-epochs]
 *
 * Everything random is seeded: the weight initializers (per-layer seeds derived from --seed)
 * and the per-epoch shuffling (mulberry32). `--steps` stops after that many batches (used to
 * check determinism: two runs with the same seed must write identical weights). `--lr-decay F`
 * multiplies the Adam learning rate by F after every epoch. `--max-seconds S` stops training
 * (and saves) once S seconds of training have passed. `--keep-epochs` also keeps a copy of the
 * model after every epoch under DIR/epoch-N/.
 */
import '@tensorflow/tfjs-backend-cpu';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { fileIOHandler, WEIGHTS_FILE_NAME } from '../src/fileIOHandler.js';
import { isModelName, modelZooPath, type ModelName } from '../src/zoo.js';
import { ARCHITECTURES, buildModel } from './architecture.js';
import { dataSource, loadSplit, type Split } from './datasets.js';
import { accuracy } from './accuracy.js';
import { installFastCpuKernels } from './fastKernels.js';
import { mulberry32, shuffleInPlace } from './rng.js';

/** Default hyper-parameters per model. */
const DEFAULTS: Record<
  ModelName,
  { epochs: number; batchSize: number; learningRate: number; lrDecay: number }
> = {
  mnist: { epochs: 3, batchSize: 64, learningRate: 1e-3, lrDecay: 0.5 },
  'fashion-mnist': { epochs: 5, batchSize: 64, learningRate: 1e-3, lrDecay: 0.6 },
};

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

function batchTensor(split: Split, idx: Uint32Array, from: number, to: number) {
  const b = to - from;
  const x = new Float32Array(b * 784);
  const y = new Float32Array(b * 10);
  for (let k = 0; k < b; k++) {
    const i = idx[from + k] ?? 0;
    x.set(split.images.subarray(i * 784, (i + 1) * 784), k * 784);
    y[k * 10 + (split.labels[i] ?? 0)] = 1;
  }
  return { x: tf.tensor4d(x, [b, 28, 28, 1]), y: tf.tensor2d(y, [b, 10]) };
}

async function main(): Promise<void> {
  const name = process.argv[2] ?? '';
  if (!isModelName(name)) throw new Error('usage: train.ts mnist|fashion-mnist [--epochs N] …');
  installFastCpuKernels();
  await tf.setBackend('cpu');
  await tf.ready();
  const d = DEFAULTS[name];
  const epochs = Number(arg('epochs') ?? d.epochs);
  const maxSteps = Number(arg('steps') ?? Infinity);
  const seed = Number(arg('seed') ?? 20260101);
  const out = arg('out') ?? modelZooPath(name);
  const { batchSize, learningRate } = d;
  const lrDecay = Number(arg('lr-decay') ?? d.lrDecay);
  const maxSeconds = Number(arg('max-seconds') ?? Infinity);
  const keepEpochs = process.argv.includes('--keep-epochs');
  const archArg = arg('arch');
  const parsedArch = archArg?.split(',').map(Number);

  const train = loadSplit(name, 'train');
  const test = loadSplit(name, 'test');
  const spec =
    parsedArch === undefined
      ? ARCHITECTURES[name]
      : { conv1Filters: parsedArch[0]!, conv2Filters: parsedArch[1]!, denseUnits: parsedArch[2]! };
  const model = buildModel(spec, seed);
  const optimizer = tf.train.adam(learningRate);
  model.compile({
    optimizer,
    loss: 'categoricalCrossentropy',
    metrics: ['accuracy'],
  });
  model.summary(undefined, undefined, (line: string) => console.log(line));

  /** Saves the model and its training record (after every epoch, so a run can be cut short). */
  const saveModel = async (dir = out) => {
    const trainSeconds = epochLog.reduce((acc, e) => acc + e.seconds, 0);
    const wallSeconds = (Date.now() - t0) / 1000;
    const testAccuracy = lastTestAcc ?? accuracy(model, test);
    mkdirSync(dir, { recursive: true });
    await model.save(fileIOHandler(join(dir, 'model.json')));
    const weightsSha256 = createHash('sha256')
      .update(readFileSync(join(dir, WEIGHTS_FILE_NAME)))
      .digest('hex');
    const info = {
      name,
      architecture: spec,
      dataSource: dataSource(name),
      seed,
      epochs: epochLog.length,
      steps: step,
      batchSize,
      optimizer:
        `Adam (learning rate ${learningRate}` +
        (lrDecay === 1 ? '' : `, multiplied by ${lrDecay} after every epoch`) +
        ', beta1 0.9, beta2 0.999, epsilon 1e-7)',
      loss: 'categorical cross-entropy',
      preprocessing: 'uint8 pixels / 255 → [0, 1]; NHWC [28, 28, 1]; no augmentation',
      backend: `tfjs ${tf.version_core} cpu backend, Node ${process.version}`,
      trainSeconds,
      wallSeconds,
      epochLog,
      testAccuracyAtTraining: testAccuracy,
      weightsSha256,
    };
    writeFileSync(join(dir, 'training.json'), `${JSON.stringify(info, null, 2)}\n`);
    return info;
  };

  let lastTestAcc: number | undefined;
  const rand = mulberry32(seed);
  const idx = new Uint32Array(train.n);
  const t0 = Date.now();
  const epochLog: {
    epoch: number;
    loss: number;
    acc: number;
    seconds: number;
    testAcc?: number;
  }[] = [];
  let step = 0;
  outer: for (let e = 0; e < epochs; e++) {
    const te = Date.now();
    for (let i = 0; i < idx.length; i++) idx[i] = i;
    shuffleInPlace(idx, rand);
    let lossSum = 0;
    let accSum = 0;
    let count = 0;
    for (let from = 0; from < train.n; from += batchSize) {
      if (step >= maxSteps || (Date.now() - t0) / 1000 > maxSeconds) {
        epochLog.push({
          epoch: e + 1,
          loss: lossSum / count,
          acc: accSum / count,
          seconds: (Date.now() - te) / 1000,
        });
        break outer;
      }
      const to = Math.min(train.n, from + batchSize);
      const { x, y } = batchTensor(train, idx, from, to);
      const [loss, acc] = (await model.trainOnBatch(x, y)) as number[];
      x.dispose();
      y.dispose();
      lossSum += (loss ?? 0) * (to - from);
      accSum += (acc ?? 0) * (to - from);
      count += to - from;
      step++;
      if (step % 100 === 0) {
        const s = ((Date.now() - t0) / 1000).toFixed(0);
        console.log(
          `epoch ${e + 1} step ${step} loss ${(lossSum / count).toFixed(4)} acc ${(accSum / count).toFixed(4)} ${s}s`,
        );
      }
    }
    const seconds = (Date.now() - te) / 1000;
    epochLog.push({ epoch: e + 1, loss: lossSum / count, acc: accSum / count, seconds });
    const testAcc = accuracy(model, test);
    console.log(
      `epoch ${e + 1} done in ${seconds.toFixed(0)}s; test accuracy ${testAcc.toFixed(4)}`,
    );
    epochLog[epochLog.length - 1]!.testAcc = testAcc;
    lastTestAcc = testAcc;
    await saveModel();
    if (keepEpochs) await saveModel(join(out, `epoch-${e + 1}`));
    if (lrDecay !== 1) {
      // AdamOptimizer reads its (TS-protected) learningRate field on every step.
      const opt = optimizer as unknown as { learningRate: number };
      opt.learningRate *= lrDecay;
    }
  }
  if (step >= maxSteps || (Date.now() - t0) / 1000 > maxSeconds) lastTestAcc = undefined;
  const info = await saveModel();
  console.log(
    `trained ${name} in ${info.trainSeconds.toFixed(0)}s; test accuracy ${info.testAccuracyAtTraining.toFixed(4)}; weights sha256 ${info.weightsSha256}`,
  );
}

void tfl; // tfjs-layers must be loaded for model.save/compile serialization
main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
