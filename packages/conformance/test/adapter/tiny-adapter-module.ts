// An adapter module as a third party would write it, loaded by test/adapter.test.ts.
import { GraphBuilder } from '@biasprop/core';
import { adapterFixtures } from '../../src/runner.js';

export const name = 'tiny-adapter';

export function createFixtures() {
  const b = new GraphBuilder('tiny', [3]);
  b.dense(
    b.relu(b.dense(b.input, [1, -2, 0.5, 0.25, 1, -1], [3, 2], [0.5, -0.25])),
    [1, 0.5, -1, 2],
    [2, 2],
    [0.125, 0],
  );
  return adapterFixtures([{ name: 'tiny-mlp', graph: b.build() }]);
}

export const exclude = (backend: string) =>
  backend === 'slow' ? [{ method: 'integratedGradients' as const, reason: 'too slow there' }] : [];
