import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it } from 'vitest';
import type { Explanation, HostTensor, IRGraph } from '../src/index.js';
import { dilateFilter } from '../src/backend/conv-nhwc.js';
import { GraphBuilder, ReferenceBackend, explain, prepareGraph } from '../src/index.js';
import { randomArray, relativeError, seeded } from './helpers/random.js';
import { startBackend } from './helpers/start-backend.js';

const RULES = ['contribution', 'weight', 'signed', 'uniform'] as const;

/** Kernels that need care: grouped/depthwise (multiplier 2) convs, dilation with stride, asymmetric pads, pools with ties. */
function trickyCnn(): { graph: IRGraph; x: HostTensor } {
  const r = seeded(21);
  const b = new GraphBuilder('tricky-cnn', [4, 11, 10]);
  let h = b.conv2d(b.input, randomArray(8 * 2 * 9, r), [8, 2, 3, 3], randomArray(8, r), {
    pads: [1, 0, 2, 1],
    groups: 2,
    strides: [2, 1],
  });
  h = b.relu(h);
  h = b.conv2d(h, randomArray(16 * 9, r), [16, 1, 3, 3], randomArray(16, r), {
    pads: [2, 1, 1, 2],
    groups: 8,
    dilations: [2, 1],
    strides: [1, 2],
  });
  h = b.maxPool2d(h, [3, 2], { strides: [2, 1], pads: [1, 0, 1, 1], dilations: [1, 2] });
  h = b.leakyRelu(h, 0.1);
  h = b.avgPool2d(h, [2, 2], { strides: [1, 1], pads: [1, 0, 0, 1], countIncludePad: false });
  h = b.conv2d(h, randomArray(4 * 16 * 4, r), [4, 16, 2, 2], randomArray(4, r), {
    strides: [2, 2],
    dilations: [1, 2],
    pads: [0, 1, 1, 0],
  });
  h = b.clip(h, -0.5, 0.5);
  const pre = b.flatten(h);
  const size = b.build().nodes.at(-1)!.shape[0]!;
  b.dense(pre, randomArray(size * 3, r), [size, 3], randomArray(3, r));
  const graph = prepareGraph(b.build());
  const x = { data: randomArray(2 * 4 * 110, r, 2), shape: [2, 4, 11, 10] };
  // Exact max-pool ties: a blank region and a plateau.
  x.data.fill(0, 0, 60);
  x.data.fill(0.25, 200, 260);
  return { graph, x };
}

/** A global max pool over a constant image: every window is a tie. */
function tiedGlobalPool(): { graph: IRGraph; x: HostTensor } {
  const r = seeded(22);
  const b = new GraphBuilder('ties', [2, 5, 5]);
  let h = b.conv2d(b.input, randomArray(3 * 2 * 4, r), [3, 2, 2, 2], randomArray(3, r), {
    pads: [1, 1, 0, 0],
  });
  h = b.globalMaxPool(h);
  h = b.flatten(h);
  b.dense(h, randomArray(3 * 2, r), [3, 2], randomArray(2, r));
  return { graph: b.build(), x: { data: new Float32Array(50).fill(0.5), shape: [1, 2, 5, 5] } };
}

function compare(e: Explanation, ref: Explanation): void {
  expect(relativeError(e.logits.data, ref.logits.data)).toBeLessThan(1e-5);
  expect(relativeError(e.gradient!.data, ref.gradient!.data)).toBeLessThan(1e-4);
  expect(
    relativeError(
      e.integratedGradients!.attribution.data,
      ref.integratedGradients!.attribution.data,
    ),
  ).toBeLessThan(1e-4);
  for (const rule of RULES)
    expect(relativeError(e.bbp![rule]!.data, ref.bbp![rule]!.data), rule).toBeLessThan(1e-4);
  for (const d of e.decomposition) {
    expect(d.completenessResidual).toBeLessThan(1e-4);
    for (const rule of RULES) expect(d.bbpResidual[rule]).toBeLessThan(1e-4);
  }
}

for (const name of ['cpu', 'wasm']) {
  const started = await startBackend(name);
  if (started.reason) console.warn(`[tfjs-${name}] skipped: ${started.reason}`);
  describe.skipIf(!started.backend)(
    `TfjsBackend on tfjs ${name} against the float64 reference`,
    () => {
      const backend = started.backend!;
      afterAll(() => backend.dispose());

      it('reports its name and float32 precision', () => {
        expect(backend.name).toBe(`tfjs-${name}`);
        expect(backend.precision).toBe('float32');
      });

      for (const fixture of [trickyCnn, tiedGlobalPool]) {
        it(`${fixture.name}: logits, gradient, IG and BBp (all rules) match; completeness holds; no tensor leaks`, async () => {
          const { graph, x } = fixture();
          const ref = await explain(graph, x, {
            backend: new ReferenceBackend(),
            rules: [...RULES],
            integratedGradients: { steps: 8 },
          });
          await explain(graph, x, {
            backend,
            rules: [...RULES],
            integratedGradients: { steps: 8 },
          }); // warm: weights uploaded and kept
          const before = tf.memory().numTensors;
          const e = await explain(graph, x, {
            backend,
            rules: [...RULES],
            integratedGradients: { steps: 8 },
          });
          expect(tf.memory().numTensors).toBe(before);
          compare(e, ref);
        });
      }

      it('dispose() frees the cached weights and filters', async () => {
        const fresh = await startBackend(name);
        const { graph, x } = trickyCnn();
        const before = tf.memory().numTensors;
        await explain(graph, x, { backend: fresh.backend!, methods: ['gradient', 'bbp'] });
        expect(tf.memory().numTensors).toBeGreaterThan(before);
        fresh.backend!.dispose();
        expect(tf.memory().numTensors).toBe(before);
      });
    },
  );
}

describe('dilateFilter', () => {
  it('spreads each axis with more than one tap by its dilation, zeros between', async () => {
    await tf.setBackend('cpu');
    for (const [shape, dilations] of [
      [
        [1, 1, 2, 3],
        [2, 2],
      ],
      [
        [3, 1, 2, 2],
        [2, 3],
      ],
      [
        [1, 3, 1, 2],
        [3, 2],
      ],
      [
        [3, 2, 2, 1],
        [2, 2],
      ],
      [
        [2, 3, 1, 1],
        [1, 3],
      ],
    ] as const) {
      const [kh, kw, i, o] = shape;
      const data = Float32Array.from({ length: kh * kw * i * o }, (_, k) => k + 1);
      const got = dilateFilter(tf.tensor4d(data, [...shape]), dilations);
      const [dh, dw] = [kh === 1 ? 1 : dilations[0], kw === 1 ? 1 : dilations[1]];
      const [eh, ew] = [(kh - 1) * dh + 1, (kw - 1) * dw + 1];
      const want = new Float32Array(eh * ew * i * o);
      for (let y = 0; y < kh; y++)
        for (let x = 0; x < kw; x++)
          for (let c = 0; c < i * o; c++)
            want[(y * dh * ew + x * dw) * i * o + c] = data[(y * kw + x) * i * o + c]!;
      expect(got.shape).toEqual([eh, ew, i, o]);
      expect(Array.from(got.dataSync())).toEqual(Array.from(want));
      got.dispose();
    }
  });
});
