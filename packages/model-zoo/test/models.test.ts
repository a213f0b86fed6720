import '@tensorflow/tfjs-backend-cpu';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  fileIOHandler,
  listModels,
  loadSamples,
  MODEL_NAMES,
  modelCard,
  modelFiles,
  modelZooPath,
} from '../src/index.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('model zoo', () => {
  it('lists both models with their files', () => {
    expect(listModels().map((m) => m.name)).toEqual([...MODEL_NAMES]);
    for (const name of MODEL_NAMES) {
      const f = modelFiles(name);
      expect(f.dir).toBe(modelZooPath(name));
      for (const p of [f.modelJson, f.onnx, f.modelCard, f.cardJson, join(f.dir, 'weights.bin')]) {
        expect(existsSync(p), p).toBe(true);
      }
    }
  });

  it('has model cards that meet the accuracy targets', () => {
    expect(modelCard('mnist').evaluation.testAccuracy).toBeGreaterThanOrEqual(0.98);
    expect(modelCard('fashion-mnist').evaluation.testAccuracy).toBeGreaterThanOrEqual(0.89);
    for (const name of MODEL_NAMES) expect(modelCard(name).evaluation.testImages).toBe(10000);
  });

  it('bundles two samples per class, including MNIST digits 8, 3, 6, 9, 1, 4', () => {
    for (const name of MODEL_NAMES) {
      const samples = loadSamples(name);
      expect(samples).toHaveLength(20);
      for (let c = 0; c < 10; c++) expect(samples.filter((s) => s.label === c)).toHaveLength(2);
      for (const s of samples) {
        expect(s.shape).toEqual([28, 28, 1]);
        expect(Math.min(...s.input)).toBeGreaterThanOrEqual(0);
        expect(Math.max(...s.input)).toBeLessThanOrEqual(1);
        expect(readFileSync(s.pngPath).subarray(1, 4).toString()).toBe('PNG');
      }
    }
  });

  for (const name of MODEL_NAMES) {
    it(`${name}: the tfjs model predicts the sample labels`, async () => {
      const model = await tfl.loadLayersModel(fileIOHandler(modelFiles(name).modelJson));
      const samples = loadSamples(name);
      const x = tf.tensor4d(Float32Array.from(samples.flatMap((s) => Array.from(s.input))), [
        samples.length,
        28,
        28,
        1,
      ]);
      const probs = model.predict(x) as tf.Tensor2D;
      const p = await probs.array();
      const predicted = p.map((row) => row.indexOf(Math.max(...row)));
      expect(predicted).toEqual(samples.map((s) => s.label));
      p.forEach((row, i) => {
        expect(row.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
        row.forEach((v, j) => expect(v).toBeCloseTo(samples[i]!.tfjsProbabilities[j]!, 5));
      });
      tf.dispose([x, probs]);
      model.dispose();
    });
  }

  it('fileIOHandler round-trips a model', async () => {
    const model = await tfl.loadLayersModel(fileIOHandler(modelFiles('mnist').modelJson));
    const dir = mkdtempSync(join(tmpdir(), 'model-zoo-'));
    try {
      await model.save(fileIOHandler(join(dir, 'model.json')));
      expect(readFileSync(join(dir, 'weights.bin'))).toEqual(
        readFileSync(join(modelZooPath('mnist'), 'weights.bin')),
      );
      const again = await tfl.loadLayersModel(fileIOHandler(join(dir, 'model.json')));
      expect(again.countParams()).toBe(model.countParams());
      again.dispose();
    } finally {
      rmSync(dir, { recursive: true, force: true });
      model.dispose();
    }
  });
});
