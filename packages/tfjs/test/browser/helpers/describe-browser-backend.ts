import { describeConformance, extendedConformanceFixtures } from '@biasprop/conformance';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { GraphBuilder, ReferenceBackend, explain } from '../../../src/index.js';
import { startBackend } from '../../helpers/start-backend.js';

/**
 * Registers the conformance suite and a tie/leak check for one tfjs browser backend, or a skip
 * that prints why the backend could not start. One test file per backend: tfjs's active backend
 * is global.
 */
export async function describeBrowserBackend(kind: 'webgl' | 'webgpu'): Promise<void> {
  const started = await startBackend(kind);
  if (started.backend) {
    const backend = started.backend;
    console.log(`[tfjs-${kind}] precision ${backend.precision}`);
    describeConformance({
      name: `tfjs-${kind}`,
      createBackend: () => backend,
      fixtures: extendedConformanceFixtures,
    });

    describe(`tfjs-${kind}: explanation with max-pool ties, no tensor leaks`, () => {
      it('matches the float64 reference and frees every tensor of a run', async () => {
        const b = new GraphBuilder('ties', [2, 6, 6]);
        const w = Float64Array.from({ length: 3 * 2 * 9 }, (_, i) => Math.sin(i + 1));
        let h = b.conv2d(b.input, w, [3, 2, 3, 3], [0.1, -0.2, 0.05], { pads: [1, 1, 1, 1] });
        h = b.relu(h);
        h = b.maxPool2d(h, [2, 2], { strides: [2, 2] });
        h = b.flatten(h);
        b.dense(
          h,
          Float64Array.from({ length: 27 * 2 }, (_, i) => Math.cos(i)),
          [27, 2],
          [0.3, -0.1],
        );
        const graph = b.build();
        const x = { data: new Float32Array(72).fill(0), shape: [1, 2, 6, 6] };
        x.data.fill(0.5, 10, 30);
        const ref = await explain(graph, x, {
          backend: new ReferenceBackend(),
          methods: ['gradient', 'bbp'],
        });
        await explain(graph, x, { backend, methods: ['gradient', 'bbp'] });
        const before = tf.memory().numTensors;
        const e = await explain(graph, x, { backend, methods: ['gradient', 'bbp'] });
        expect(tf.memory().numTensors).toBe(before);
        const tol = backend.precision === 'float16' ? 1e-2 : 1e-4;
        const scale = Math.max(...Array.from(ref.gradient!.data, Math.abs));
        const diff = Math.max(
          ...Array.from(ref.gradient!.data, (v, i) => Math.abs(v - e.gradient!.data[i]!)),
        );
        expect(diff / scale).toBeLessThan(tol);
        expect(e.decomposition[0]!.bbpResidual.contribution).toBeLessThan(tol);
      });
    });
  } else {
    console.warn(`[conformance: tfjs-${kind}] skipped: ${started.reason}`);
    describe.skip(`conformance: tfjs-${kind} (skipped: ${started.reason})`, () => {
      it('backend unavailable', () => {});
    });
  }
}
