// SmoothGrad is reproducible across backends (DESIGN §2.5): on tfjs cpu (float32) it matches the
// float64 reference to float32 tolerance, because the seeded noise is the same on both.
import '@tensorflow/tfjs-backend-cpu';
import { describe, expect, it } from 'vitest';
import { GraphBuilder, prepareGraph, smoothGrad } from '../src/index.js';
import { randomArray, relativeError, seeded } from './helpers/random.js';
import { startBackend } from './helpers/start-backend.js';

const started = await startBackend('cpu');
if (!started.backend) console.warn(`[smoothGrad: tfjs-cpu] skipped: ${started.reason}`);

describe.skipIf(!started.backend)('smoothGrad on tfjs cpu against the float64 reference', () => {
  it('smoothgrad and vargrad of the gradient and BBp agree to 1e-4', async () => {
    const r = seeded(44);
    const b = new GraphBuilder('small-cnn', [1, 8, 8]);
    let h = b.relu(b.conv2d(b.input, randomArray(4 * 9, r), [4, 1, 3, 3], randomArray(4, r)));
    h = b.maxPool2d(h, [2, 2], { strides: [2, 2] });
    b.dense(b.flatten(h), randomArray(36 * 3, r, 0.3), [36, 3], randomArray(3, r));
    const graph = prepareGraph(b.build());
    const x = { data: randomArray(2 * 64, r), shape: [2, 1, 8, 8] };
    for (const variant of ['smoothgrad', 'vargrad'] as const) {
      const options = { methods: ['gradient', 'bbp'] as const, samples: 5, seed: 21, variant };
      const ours = await smoothGrad(graph, x, { ...options, backend: started.backend });
      const ref = await smoothGrad(graph, x, options);
      expect(ours.precision).toBe('float32');
      expect(relativeError(ours.gradient!.data, ref.gradient!.data), variant).toBeLessThan(1e-4);
      const bbp = relativeError(ours.bbp!.contribution!.data, ref.bbp!.contribution!.data);
      expect(bbp, variant).toBeLessThan(1e-4);
    }
  });
});
