import '@tensorflow/tfjs-backend-webgl';
import { describeConformance } from '@biasprop/conformance';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { GraphBuilder, ReferenceBackend, explain } from '../../src/index.js';
import { startBackend } from '../helpers/start-backend.js';

// tfjs webgl in headless Chromium. One file per backend: tfjs's active backend is global.
const started = await startBackend('webgl');
if (started.backend) {
  const backend = started.backend;
  console.log(`[tfjs-webgl] precision ${backend.precision}`);
  describeConformance({ name: 'tfjs-webgl', createBackend: () => backend });

  describe('tfjs-webgl: explanation with max-pool ties, no tensor leaks', () => {
    it('matches the float64 reference and frees every tensor of a run', async () => {
      const b = new GraphBuilder('ties', [2, 6, 6]);
      const w = Float64Array.from({ length: 3 * 2 * 9 }, (_, i) => Math.sin(i + 1));
      let h = b.conv2d(b.input, w, [3, 2, 3, 3], [0.1, -0.2, 0.05], { pads: [1, 1, 1, 1] });
      h = b.relu(h);
      h = b.maxPool2d(h, [2, 2], { strides: [2, 2] });
      h = b.flatten(h);
      b.dense(h, Float64Array.from({ length: 27 * 2 }, (_, i) => Math.cos(i)), [27, 2], [0.3, -0.1]);
      const graph = b.build();
      const x = { data: new Float32Array(72).fill(0), shape: [1, 2, 6, 6] };
      x.data.fill(0.5, 10, 30);
      const ref = await explain(graph, x, { backend: new ReferenceBackend(), methods: ['gradient', 'bbp'] });
      await explain(graph, x, { backend, methods: ['gradient', 'bbp'] });
      const before = tf.memory().numTensors;
      const e = await explain(graph, x, { backend, methods: ['gradient', 'bbp'] });
      expect(tf.memory().numTensors).toBe(before);
      const tol = backend.precision === 'float16' ? 1e-2 : 1e-4;
      const scale = Math.max(...Array.from(ref.gradient!.data, Math.abs));
      const diff = Math.max(...Array.from(ref.gradient!.data, (v, i) => Math.abs(v - e.gradient!.data[i]!)));
      expect(diff / scale).toBeLessThan(tol);
      expect(e.decomposition[0]!.bbpResidual.contribution).toBeLessThan(tol);
    });
  });
} else {
  console.warn(`[conformance: tfjs-webgl] skipped: ${started.reason}`);
  describe.skip(`conformance: tfjs-webgl (skipped: ${started.reason})`, () => {
    it('backend unavailable', () => {});
  });
}
