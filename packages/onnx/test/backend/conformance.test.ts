// The shared conformance suite (@biasprop/conformance) on ONNX Runtime: ort-cpu (onnxruntime-node),
// also with the portable max-pool lowering and with the legacy WebGL provider's operator set (the
// graphs Chromium's WebGL runs), and ort-wasm (onnxruntime-web in Node), plus ort-webgpu and
// ort-cuda where their probe succeeds (otherwise the suite is skipped with the probe's reason).
import { describeConformance, extendedConformanceFixtures } from '@biasprop/conformance';
import { describe, it } from 'vitest';
import { nodeBackendCases } from './helpers/node-backends.js';

for (const c of await nodeBackendCases({ portableMaxPoolCpu: true, legacyWebglCpu: true })) {
  if (c.skip) {
    describe(`conformance: ${c.name}`, () => {
      it.skip(`${c.name} skipped: ${c.skip}`, () => {});
    });
    console.warn(`[conformance ${c.name}] skipped: ${c.skip}`);
    continue;
  }
  describeConformance({
    name: c.name,
    createBackend: c.create,
    precision: 'float32',
    fixtures: extendedConformanceFixtures,
  });
}
