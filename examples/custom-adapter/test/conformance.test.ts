// The conformance suite on this example's graphs (imported from the layer-list format by this adapter), on every backend that
// starts here: the float64 reference, tfjs-cpu and ort-cpu. A backend that cannot start is skipped
// with its reason printed.
import { describeConformance } from '@biasprop/conformance';
import { describe, it } from 'vitest';
import { createFixtures } from '../src/conformance.js';
import type { StartedBackend } from './helpers/backends.js';
import { startOrtCpu, startReference, startTfjsCpu } from './helpers/backends.js';

const fixtures = createFixtures();
const started: StartedBackend[] = [startReference(), await startTfjsCpu(), await startOrtCpu()];

for (const s of started) {
  if (s.backend) {
    const backend = s.backend;
    describeConformance({ name: s.name, createBackend: () => backend, fixtures });
  } else {
    console.warn(`[conformance: ${s.name}] skipped: ${s.reason}`);
    describe.skip(`conformance: ${s.name} (skipped: ${s.reason})`, () => {
      it('backend unavailable', () => {});
    });
  }
}
