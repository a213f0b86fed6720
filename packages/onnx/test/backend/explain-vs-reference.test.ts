// explain() on ONNX Runtime against explain() on the float64 reference backend, every method and
// rule, on fixture networks and tie-heavy inputs (the conformance suite's contract, DESIGN §4).
import type { Explanation, IRGraph } from '@biasprop/core';
import { explain } from '@biasprop/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lenetBn, mixedNet, mlp, seeded, smallVgg } from '../../bench/networks.js';
import type { OrtBackend } from '../../src/index.js';
import { explanationErrors, fixtureInputs } from './helpers/explanations.js';
import { nodeBackendCases } from './helpers/node-backends.js';

const cases = await nodeBackendCases({ legacyWebglCpu: true });
const TOL = 1e-4;
const RULES = ['contribution', 'weight', 'signed', 'uniform'] as const;

const NETWORKS: { graph: IRGraph; igSteps: number }[] = [
  { graph: mlp(), igSteps: 50 },
  { graph: mixedNet(), igSteps: 16 },
  { graph: lenetBn(), igSteps: 16 },
  { graph: smallVgg(), igSteps: 4 },
];

const reference = new Map<string, Explanation>();
async function referenceExplanation(
  key: string,
  run: () => Promise<Explanation>,
): Promise<Explanation> {
  let e = reference.get(key);
  if (!e) reference.set(key, (e = await run()));
  return e;
}

for (const c of cases) {
  describe(`explain on ${c.name} vs the reference`, () => {
    if (c.skip) {
      it.skip(`${c.name} skipped: ${c.skip}`, () => {});
      console.warn(`[${c.name}] skipped: ${c.skip}`);
      return;
    }
    let backend: OrtBackend;
    beforeAll(async () => {
      backend = await c.create();
    });
    afterAll(async () => {
      await backend.dispose();
    });
    for (const { graph, igSteps } of NETWORKS) {
      for (const { name, x } of fixtureInputs(graph, seeded(11))) {
        it(
          `${graph.name}, ${name} input: gradient, ×input, IG(${igSteps}), BBp (4 rules), total`,
          async () => {
            const options = {
              methods: [
                'gradient',
                'inputXGradient',
                'integratedGradients',
                'bbp',
                'total',
              ] as const,
              rules: RULES,
              integratedGradients: { steps: igSteps },
            };
            const want = await referenceExplanation(`${graph.name}|${name}`, () =>
              explain(graph, x, options),
            );
            const got = await explain(graph, x, { ...options, backend });
            expect(got.precision).toBe('float32');
            const errors = explanationErrors(got, want);
            for (const [k, e] of Object.entries(errors)) {
              // On ort-webgpu (SwiftShader) only: IG of small-vgg on the random input is off by 4.0e-4
              // (deterministic; every other output of the case is within 1e-4). Verified by running
              // the exported graph on WebGPU with its comparisons exposed as outputs, against
              // scripts/onnx_torch.py in float64: at the first path point of example 0 one ReLU pre-activation of
              // the 64-channel conv is -1.0e-8 (1.7e-9 of the layer's largest), and WebGPU's float32
              // sum makes it positive; that single flipped mask is the whole difference.
              const tol =
                c.name === 'ort-webgpu' &&
                graph.name === 'small-vgg' &&
                name === 'random' &&
                k === 'integratedGradients'
                  ? 1e-3
                  : TOL;
              expect(e, `${k} on ${c.name}`).toBeLessThanOrEqual(tol);
            }
            for (const d of got.decomposition) {
              for (const r of Object.values(d.bbpResidual)) expect(r).toBeLessThanOrEqual(TOL);
            }
          },
          c.name === 'ort-webgpu' ? 600_000 : 120_000,
        );
      }
    }
  });
}
