import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { fileURLToPath } from 'node:url';
import {
  ReferenceBackend,
  TfjsBackend,
  explain,
  fileHandler,
  loadGraph,
  predict,
} from '@biasprop/tfjs';
import type { IRGraph } from '@biasprop/tfjs';
import { loadGraphModel } from '@tensorflow/tfjs-converter';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { relativeError, syntheticImage } from './helpers/synthetic-image.js';

// @vladmandic/human's emotion classifier (oarriaga/face_classification, converted to a tfjs GraphModel):
// _FusedConv2D, DepthwiseConv2dNative, MaxPool SAME, residual AddV2, Mean, Softmax, Identity.
const MODEL = fileURLToPath(
  new URL('../node_modules/@vladmandic/human/models/emotion.json', import.meta.url),
);
const x = syntheticImage(64, 64, 1);
let graph: IRGraph;

beforeAll(async () => {
  await tf.setBackend('cpu');
  graph = await loadGraph(MODEL, { name: 'human/emotion' });
});

describe('human emotion GraphModel', () => {
  it('imports: ops mapped, final Softmax removed', () => {
    expect(graph.input.shape).toEqual([64, 64, 1]);
    expect(graph.removedSoftmax).toBeDefined();
    const ops = new Set(graph.nodes.map((n) => n.op));
    for (const op of ['conv2d', 'maxPool2d', 'add', 'avgPool2d', 'relu']) expect(ops).toContain(op);
  });

  it('the IR forward pass equals GraphModel.predict', async () => {
    const model = await loadGraphModel(fileHandler(MODEL));
    const raw = await loadGraph(MODEL, { name: 'human/emotion', prepare: false });
    const ours = await predict(raw, x, new ReferenceBackend());
    const theirs = tf.tidy(() =>
      (model.predict(tf.tensor(x.data, x.shape)) as tf.Tensor).dataSync().slice(),
    );
    model.dispose();
    expect(relativeError(ours.data, theirs)).toBeLessThan(1e-5);
  });

  let reference: ReturnType<typeof explain> | undefined;
  const referenceExplanation = () =>
    (reference ??= explain(graph, x, {
      backend: new ReferenceBackend(),
      methods: ['gradient', 'bbp'],
      rules: ['contribution', 'signed'],
    }));

  for (const name of ['cpu', 'wasm']) {
    it(`explains on tfjs ${name}: gradient and BBp completeness hold, and match the float64 reference`, async () => {
      const backend = await TfjsBackend.create({ backend: name });
      const before = tf.memory().numTensors;
      const e = await explain(graph, x, {
        backend,
        methods: ['gradient', 'bbp'],
        rules: ['contribution', 'signed'],
      });
      backend.dispose();
      expect(tf.memory().numTensors).toBe(before);
      expect(e.backend).toBe(`tfjs-${name}`);
      const d = e.decomposition[0]!;
      console.log(
        `[emotion on tfjs-${name}] f=${d.f.toFixed(5)} w·x=${d.wx.toFixed(5)} b=${d.bias.toFixed(5)} completeness residual=${d.completenessResidual.toExponential(2)} BBp residual=${d.bbpResidual.contribution!.toExponential(2)} (${e.timings.attribution!.toFixed(0)} ms)`,
      );
      expect(d.completenessResidual).toBeLessThan(1e-4);
      expect(d.bbpResidual.contribution).toBeLessThan(1e-4);
      expect(d.bbpResidual.signed).toBeLessThan(1e-4);
      const ref = await referenceExplanation();
      expect(e.predicted).toEqual(ref.predicted);
      expect(relativeError(e.gradient!.data, ref.gradient!.data)).toBeLessThan(1e-4);
      expect(relativeError(e.bbp!.contribution!.data, ref.bbp!.contribution!.data)).toBeLessThan(
        1e-4,
      );
    });
  }
});
