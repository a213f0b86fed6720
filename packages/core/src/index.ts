// @biasprop/core: the linearizable-network IR, per-op rules, the attribution algorithms and the
// float64 reference backend.
export { BiaspropError, ShapeMismatchError, UnsupportedOpError } from './errors.js';
export type { BiaspropErrorCode } from './errors.js';
export type { FloatArray, HostTensor } from './tensor/host-tensor.js';
export { hostTensor } from './tensor/host-tensor.js';
export type { Shape } from './tensor/shape.js';
export { broadcastShapes, sizeOf } from './tensor/shape.js';

export type { Backend, Precision, Program } from './backend/backend.js';
export type {
  BinaryKernel,
  Conv2dParams,
  KernelInput,
  Kernels,
  MaxPool2dParams,
  UnaryKernel,
} from './backend/kernels.js';
export { Ops, convOutputSize } from './backend/ops.js';
export type { Operand, WeightCache } from './backend/ops.js';
export { Tensor } from './backend/tensor.js';
export { EagerBackend, IdentityWeightCache } from './backend/eager-backend.js';
export { BackendRegistry } from './backend/backend-registry.js';
export type { BackendFactory } from './backend/backend-registry.js';
export { ReferenceBackend } from './reference/reference-backend.js';
export { referenceKernels } from './reference/reference-kernels.js';
export type { RefHandle } from './reference/reference-kernels.js';

export type {
  AttrValue,
  GraphInput,
  GraphNote,
  IRGraph,
  IRNode,
  NodeSpec,
  ParamTensor,
} from './ir/types.js';
export { createGraph, graphSpecOf } from './ir/create-graph.js';
export type { GraphSpec } from './ir/create-graph.js';
export { GraphBuilder } from './ir/graph-builder.js';
export type { Pads4, WindowOptions } from './ir/graph-builder.js';
export { layersOf } from './ir/layers.js';
export type { LayerInfo } from './ir/layers.js';
export { summarizeGraph } from './ir/summarize-graph.js';
export { foldBatchNorm } from './ir/passes/fold-batch-norm.js';
export { foldZeroPad } from './ir/passes/fold-zero-pad.js';
export { removeFinalSoftmax } from './ir/passes/remove-final-softmax.js';
export { prepareGraph } from './ir/passes/prepare-graph.js';
export type { PrepareOptions } from './ir/passes/prepare-graph.js';

export type {
  Linearity,
  LinearMapBlock,
  LocalLinearMap,
  MapVariant,
  OpRule,
  RuleContext,
} from './ops/op-rule.js';
export { getOpRule, registerOp, registeredOpKinds } from './ops/op-registry.js';
export { elementwiseRule } from './ops/elementwise-rule.js';
export { aboveRightLimit, absoluteTolerance, thresholdCrossing } from './ops/path-pieces.js';
export type { ElementwisePiece, ElementwiseState } from './ops/elementwise-rule.js';

export type { BbpRule, BuiltinBbpRule, CustomBbpRule, CustomRuleArgs } from './bbp/bbp-rule.js';
export { BUILTIN_BBP_RULES, ruleName } from './bbp/bbp-rule.js';

export { METHODS, explain, predict } from './algorithms/explain.js';
export type {
  BiasTerm,
  Decomposition,
  ExplainOptions,
  Explanation,
  LayerBias,
  Method,
  Progress,
} from './algorithms/explain.js';
export type { Target } from './algorithms/targets.js';
export type { LayerSelection } from './algorithms/layer-selection.js';
export { selectBiasNodes, selectionKey } from './algorithms/layer-selection.js';
export { IG_QUADRATURES, quadrature } from './algorithms/quadrature.js';
export { attributionSetOf } from './algorithms/attribution-set.js';
export type { AttributionSet } from './algorithms/attribution-set.js';
export { SMOOTH_GRAD_VARIANTS, smoothGrad } from './algorithms/smooth-grad.js';
export type {
  SmoothGradOptions,
  SmoothGradResult,
  SmoothGradVariant,
} from './algorithms/smooth-grad.js';
export { GaussianStream, gaussianNoise } from './algorithms/gaussian-noise.js';
export type { IgQuadrature, QuadraturePoints } from './algorithms/quadrature.js';
export type {
  IgMethod,
  IntegratedGradientsOptions,
  IntegratedGradientsResult,
} from './algorithms/integrated-gradients.js';
export {
  EXACT_IG_TOLERANCE,
  exactIntegratedGradients,
} from './algorithms/exact-integrated-gradients.js';
export type {
  ExactIntegratedGradientsOptions,
  ExactIntegratedGradientsResult,
} from './algorithms/exact-integrated-gradients.js';
export type { PathStep } from './ops/op-rule.js';
export {
  attributionProgram,
  forwardProgram,
  OUT as PROGRAM_OUTPUTS,
} from './algorithms/attribution-program.js';
export type { AttributionProgramOptions } from './algorithms/attribution-program.js';
export { integratedGradientsProgram } from './algorithms/integrated-gradients-program.js';
