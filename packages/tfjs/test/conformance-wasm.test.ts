import '@tensorflow/tfjs-backend-wasm';
import { describeConformance, extendedConformanceFixtures } from '@biasprop/conformance';
import { describe, it } from 'vitest';
import { startBackend } from './helpers/start-backend.js';

// One file per tfjs backend: tfjs's active backend is global, and vitest isolates files.
const started = await startBackend('wasm');
const backend = started.backend;
if (backend) {
  describeConformance({
    name: 'tfjs-wasm',
    createBackend: () => backend,
    fixtures: extendedConformanceFixtures,
  });
} else {
  console.warn(`[conformance: tfjs-wasm] skipped: ${started.reason}`);
  describe.skip(`conformance: tfjs-wasm (skipped: ${started.reason})`, () => {
    it('backend unavailable', () => {});
  });
}
