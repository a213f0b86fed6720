// The vitest-free entry point (`@biasprop/conformance/runner`): everything but describeConformance,
// for tools such as the CLI that run the suite without a test framework.
export { adapterFixtures, defaultAdapterInputs } from './adapter/adapter-fixtures.js';
export type { AdapterFixtureSpec } from './adapter/adapter-fixtures.js';
export { conformanceAdapterFrom } from './adapter/adapter-module.js';
export type { ConformanceAdapter, ConformanceAdapterModule } from './adapter/adapter-module.js';
export { caseLabel, conformanceCases } from './cases.js';
export type { ConformanceCase, ConformanceMethod } from './cases.js';
export { compareArrays } from './compare.js';
export type { ArrayComparison } from './compare.js';
export { exclusionFor, validateExclusions } from './exclusions.js';
export type { ConformanceExclusion } from './exclusions.js';
export { fixtureBatch } from './fixtures/fixture.js';
export type { ConformanceFixture, ConformanceInput } from './fixtures/fixture.js';
export { imageInputs, vectorInputs } from './fixtures/inputs.js';
export { batchNormLayer, convLayer, denseLayer } from './fixtures/layers.js';
export {
  cnnFixture,
  conformanceFixtures,
  depthwiseFixture,
  leakyFixture,
  mlpFixture,
  residualFixture,
  smoothFixture,
} from './fixtures/networks.js';
export {
  extendedConformanceFixtures,
  randomFixture,
  randomFixtures,
} from './fixtures/random-networks.js';
export { formatConformanceTable } from './format-table.js';
export { float32Exact, float32Uniform, seededRandom } from './random.js';
export type { ConformanceRow, ConformanceStatus } from './row.js';
export { runConformance } from './run-conformance.js';
export type { ConformanceOptions } from './run-conformance.js';
export { CONFORMANCE_IG, CONFORMANCE_SMOOTH_GRAD, runFixture } from './run-fixture.js';
export type { FixtureRunContext } from './run-fixture.js';
export { toleranceFor } from './tolerance.js';
