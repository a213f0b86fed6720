import '@tensorflow/tfjs-backend-cpu';
import { describeConformance, extendedConformanceFixtures } from '@biasprop/conformance';
import { describe, it } from 'vitest';
import { startBackend } from './helpers/start-backend.js';

// One file per tfjs backend: tfjs's active backend is global, and vitest isolates files.
const started = await startBackend('cpu');
const backend = started.backend;
if (backend) {
  describeConformance({
    name: 'tfjs-cpu',
    createBackend: () => backend,
    fixtures: extendedConformanceFixtures,
  });
} else {
  console.warn(`[conformance: tfjs-cpu] skipped: ${started.reason}`);
  describe.skip(`conformance: tfjs-cpu (skipped: ${started.reason})`, () => {
    it('backend unavailable', () => {});
  });
}
