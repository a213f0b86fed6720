// @biasprop/example-custom-op: HardSwish (smooth, tangent-linearized) and HardSigmoid
// (piecewise-linear, with a path rule for exact IG) added to biasprop from outside core.
export { hardSwishOp } from './hard-swish.js';
export type { HardSwishState } from './hard-swish.js';
export { hardSigmoidOp, hardSigmoidParams } from './hard-sigmoid.js';
export { registerCustomOps } from './register.js';
export { customOpCnn, customOpFixtures, customOpMlp, piecewiseCnn } from './fixtures.js';
