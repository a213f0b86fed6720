// @biasprop/conformance: the shared suite every adapter and backend runs against the float64
// reference. `describeConformance` needs vitest; `@biasprop/conformance/runner` has the rest without it.
export * from './runner.js';
export { describeConformance } from './describe-conformance.js';
