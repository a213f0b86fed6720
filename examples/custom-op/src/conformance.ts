// The adapter module for `biasprop conformance --adapter examples/custom-op/src/conformance.ts`:
// importing it registers the custom ops; `createFixtures` returns the graphs that use them.
import type { ConformanceFixture } from '@biasprop/conformance/runner';
import { customOpFixtures } from './fixtures.js';
import { registerCustomOps } from './register.js';

registerCustomOps();

/** The adapter's name in conformance output. */
export const name = 'custom-op (hardSwish, hardSigmoid)';

/**
 * The fixtures `biasprop conformance --adapter` runs.
 *
 * @example
 * ```ts
 * const fixtures = createFixtures(); // [custom-op-cnn, custom-op-mlp]
 * ```
 */
export function createFixtures(): ConformanceFixture[] {
  return customOpFixtures();
}
