// onnxruntime-web in headless Chromium: wasm, webgpu (--enable-unsafe-webgpu) and webgl (the
// legacy provider, fed graphs of its own operator set). Every provider runs the shared conformance
// suite, the kernel checks and explain() against the float64 reference; a provider with no
// adapter/context here is skipped with the runtime's reason.
import { describeConformance, extendedConformanceFixtures } from '@biasprop/conformance';
import type { Explanation, IRGraph, MaxPool2dParams } from '@biasprop/core';
import { explain, smoothGrad } from '@biasprop/core';
import * as ort from 'onnxruntime-web/all';
import { afterAll, describe, expect, it } from 'vitest';
import { lenetBn, mixedNet, mlp, seeded } from '../../../bench/networks.js';
import type { OrtExecutionProvider } from '../../../src/index.js';
import { OrtBackend, probeExecutionProvider } from '../../../src/index.js';
import { explanationErrors, fixtureInputs } from '../helpers/explanations.js';
import {
  compareWithReference,
  constTensor,
  program,
  randomTensor,
  relativeError,
  rng,
  tieTensor,
} from '../helpers/kernel-harness.js';

ort.env.wasm.numThreads = 1;
ort.env.logLevel = 'error';

const PROVIDERS: OrtExecutionProvider[] = ['wasm', 'webgpu', 'webgl'];
const probes = new Map<OrtExecutionProvider, { available: boolean; reason?: string }>();
for (const ep of PROVIDERS) probes.set(ep, await probeExecutionProvider(ort, ep));

const NETWORKS: { graph: IRGraph; igSteps: number }[] = [
  { graph: mlp(), igSteps: 20 },
  { graph: mixedNet(), igSteps: 8 },
  { graph: lenetBn(), igSteps: 4 },
];
const RULES = ['contribution', 'weight', 'signed', 'uniform'] as const;
const reference = new Map<string, Explanation>();

for (const ep of PROVIDERS) {
  const probe = probes.get(ep)!;
  describe(`onnxruntime-web ${ep} in Chromium`, () => {
    if (!probe.available) {
      it.skip(`${ep} skipped: ${probe.reason}`, () => {});
      console.warn(`[ort-web ${ep}] skipped: ${probe.reason}`);
      return;
    }
    describeConformance({
      name: `ort-web-${ep}`,
      createBackend: () => new OrtBackend({ ort, runtime: 'web', executionProvider: ep }),
      fixtures: extendedConformanceFixtures,
    });
    const backend = new OrtBackend({ ort, runtime: 'web', executionProvider: ep });
    afterAll(async () => {
      await backend.dispose();
    });

    it('max-pool ties, conv and transposed conv, reductions, where, divNoNan', async () => {
      const r = rng(3);
      const pools: MaxPool2dParams[] = [
        { kernel: [2, 2], strides: [2, 2], pads: [0, 0, 0, 0], dilations: [1, 1] },
        { kernel: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1], dilations: [1, 1] },
        { kernel: [2, 2], strides: [1, 1], pads: [1, 0, 0, 1], dilations: [2, 2] },
      ];
      const shape = [2, 3, 7, 7];
      for (const p of pools) {
        for (const x of [
          randomTensor(r, shape),
          tieTensor(r, shape, [0, 1]),
          constTensor(shape, 0),
        ]) {
          const errors = await compareWithReference(
            backend,
            program(`pool-${JSON.stringify(p)}`, (ops, t) => {
              const { y, argmax } = ops.maxPool2d(t.x!, p);
              return { y, dx: ops.maxPool2dBackward(ops.add(ops.mul(y, 0), 1), argmax, p, shape) };
            }),
            { x },
          );
          for (const [k, e] of Object.entries(errors))
            expect(e, `maxpool ${k}`).toBeLessThanOrEqual(1e-6);
        }
      }
      const conv = {
        strides: [2, 2] as const,
        pads: [1, 0, 2, 1] as const,
        dilations: [1, 2] as const,
        groups: 2,
      };
      const stride1 = { ...conv, strides: [1, 1] as const, pads: [1, 1, 1, 1] as const, groups: 1 };
      const x = randomTensor(r, [2, 4, 9, 8]);
      // Conv weights are model constants, as in every traced model.
      const w = randomTensor(r, [6, 2, 3, 3]);
      const w1 = randomTensor(r, [8, 4, 3, 3]);
      const errors = await compareWithReference(
        backend,
        program('misc', (ops, t) => {
          const wc = ops.weight(w.data, w.shape);
          const y = ops.conv2d(t.x!, wc, conv);
          const w1c = ops.weight(w1.data, w1.shape);
          const y1 = ops.conv2d(t.x!, w1c, stride1);
          return {
            y,
            dx: ops.conv2dTranspose(y, wc, conv, t.x!.shape),
            y1,
            dx1: ops.conv2dTranspose(y1, w1c, stride1, t.x!.shape),
            sum: ops.sum(t.x!, [1, 3], true),
            max: ops.max(t.x!, [2]),
            where: ops.where(ops.greater(t.x!, 0), t.x!, ops.neg(t.x!)),
            div: ops.divNoNan(t.x!, ops.maximum(t.x!, 0)),
            cumsum: ops.cumsum(t.x!, 1),
          };
        }),
        { x },
      );
      for (const [k, e] of Object.entries(errors)) expect(e, k).toBeLessThanOrEqual(1e-5);
    });

    it('conv adjoints with one output channel per group (from one input channel; depthwise multiplier 2)', async () => {
      // onnxruntime-web 1.30's WebGPU ConvTranspose shader failed to compile for these.
      const r = rng(9);
      const cases = [
        { x: [2, 1, 7, 8], w: [2, 1, 2, 2], strides: [2, 2], groups: 1 },
        { x: [1, 1, 6, 5], w: [4, 1, 1, 1], strides: [1, 1], groups: 1 },
        { x: [1, 2, 7, 7], w: [4, 1, 3, 3], strides: [2, 2], groups: 2 },
      ] as const;
      for (const c of cases) {
        const w = randomTensor(r, c.w);
        const p = {
          strides: c.strides,
          pads: [1, 0, 1, 0] as const,
          dilations: [1, 1] as const,
          groups: c.groups,
        };
        const errors = await compareWithReference(
          backend,
          program(`adjoint-${c.w.join('x')}`, (ops, t) => {
            const wc = ops.weight(w.data, w.shape);
            const y = ops.conv2d(t.x!, wc, p);
            return { y, dx: ops.conv2dTranspose(y, wc, p, t.x!.shape) };
          }),
          { x: randomTensor(r, c.x) },
        );
        for (const [k, e] of Object.entries(errors))
          expect(e, `${k} ${c.w.join('x')}`).toBeLessThanOrEqual(1e-5);
      }
    });

    it('matMul: square operands with and without transposition in one graph', async () => {
      // A square dense layer's forward (x·W) and backward (g·Wᵀ) are two Gemms with the same
      // input shapes; the legacy WebGL provider once ran the first one's shader for both.
      const r = rng(5);
      const w = randomTensor(r, [8, 8]);
      const errors = await compareWithReference(
        backend,
        program('square-matmul', (ops, t) => {
          const wc = ops.weight(w.data, w.shape);
          const y = ops.matMul(t.x!, wc);
          return {
            y,
            dx: ops.matMul(y, wc, false, true),
            byInput: ops.matMul(t.x!, t.b!),
            byInputT: ops.matMul(t.x!, t.b!, false, true),
            byInputTA: ops.matMul(t.b!, t.x!, true, false),
          };
        }),
        { x: randomTensor(r, [8, 8]), b: randomTensor(r, [8, 8]) },
      );
      for (const [k, e] of Object.entries(errors)) expect(e, k).toBeLessThanOrEqual(1e-5);
    });

    for (const { graph, igSteps } of NETWORKS) {
      for (const { name, x } of fixtureInputs(graph, seeded(11))) {
        it(`explain ${graph.name}, ${name} input: all methods and rules vs the reference`, async () => {
          const options = { rules: RULES, integratedGradients: { steps: igSteps } };
          const key = `${graph.name}|${name}`;
          let want = reference.get(key);
          if (!want) reference.set(key, (want = await explain(graph, x, options)));
          const got = await explain(graph, x, { ...options, backend });
          // The legacy WebGL provider may compute in float16 (WebGL 1 without float32 render
          // targets); the backend says so, and the contract's tolerance follows (DESIGN §4).
          expect(got.precision).toBe(backend.precision);
          const tol = backend.precision === 'float16' ? 1e-2 : 1e-4;
          const errors = explanationErrors(got, want);
          for (const [k, e] of Object.entries(errors))
            expect(e, `${k} on ${ep} (${backend.precision})`).toBeLessThanOrEqual(tol);
        });
      }
    }

    it('smoothGrad of the gradient and BBp on LeNet-BN vs the reference (same seeded noise)', async () => {
      const graph = lenetBn();
      const x = fixtureInputs(graph, seeded(12))[0]!.x;
      const options = { methods: ['gradient', 'bbp'] as const, samples: 4, seed: 3 };
      const want = await smoothGrad(graph, x, options);
      const got = await smoothGrad(graph, x, { ...options, backend });
      const tol = backend.precision === 'float16' ? 1e-2 : 1e-4;
      expect(relativeError(got.gradient!, want.gradient!), `gradient on ${ep}`).toBeLessThanOrEqual(
        tol,
      );
      expect(
        relativeError(got.bbp!.contribution!, want.bbp!.contribution!),
        `BBp on ${ep}`,
      ).toBeLessThanOrEqual(tol);
    });
  });
}
