// @biasprop/tfjs: TensorFlow.js models → biasprop IR, and a biasprop backend on tfjs kernels.
// Re-exports @biasprop/core so one import serves a tfjs user.
export * from '@biasprop/core';

export { TfjsBackend } from './backend/tfjs-backend.js';
export type { TfjsBackendOptions } from './backend/tfjs-backend.js';
export { floatPrecisionOf } from './backend/float-precision.js';
export { tfjsKernels } from './backend/tfjs-kernels.js';
export { FilterCache } from './backend/conv-kernels.js';

export { fromLayersModel } from './import/layers-model.js';
export type { ImportOptions } from './import/layers-model.js';
export { fromGraphModel, fromGraphModelSource, SUPPORTED_GRAPH_OPS } from './import/graph-model.js';
export type { GraphModelSource } from './import/graph-model.js';
export { loadGraph, formatOf } from './import/load-graph.js';
export type { TfjsModelFormat } from './import/load-graph.js';
export { fileHandler } from './import/file-io-handler.js';
export { samePads } from './import/same-padding.js';
export { SUPPORTED_ACTIVATIONS } from './import/activations.js';
export type { TfNode, TfAttr } from './import/tf-node-attrs.js';
