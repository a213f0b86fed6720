// @biasprop/onnx: ONNX models onto the biasprop IR, and attributions as traced ONNX graphs on ONNX Runtime.
export * from '@biasprop/core';
export {
  AttributeType,
  TensorDataType,
  decodeModel,
  decodeTensor,
  encodeModel,
} from './proto/onnx-proto.js';
export type {
  AttributeProto,
  GraphProto,
  ModelProto,
  NodeProto,
  OperatorSetIdProto,
  TensorProto,
  TensorShapeDimension,
  TypeProto,
  ValueInfoProto,
} from './proto/onnx-proto.js';
// --- importer exports (src/import/**) ---
export { fromOnnxModel, supportedOnnxOps, SUPPORTED_OPSETS } from './import/from-onnx-model.js';
export type { OnnxImportOptions } from './import/from-onnx-model.js';
export { loadOnnxGraph } from './import/load-onnx-graph.js';
export type { OnnxSource } from './import/load-onnx-graph.js';
// --- backend exports (src/backend/**, src/export/**) ---
export { OnnxGraphRecorder } from './backend/onnx-graph-recorder.js';
export type {
  In as RecorderInput,
  OnnxGraphRecorderOptions,
} from './backend/onnx-graph-recorder.js';
export type { OnnxAttrValue } from './backend/onnx-nodes.js';
export { ONNX_IR_VERSION, ONNX_OPSET } from './backend/onnx-nodes.js';
export { traceProgram } from './backend/trace-program.js';
export { recordingOptionsFor } from './backend/provider-recording-options.js';
export type { ProviderRecordingOverrides } from './backend/provider-recording-options.js';
export type { TraceOptions, TracedProgram } from './backend/trace-program.js';
export { OrtBackend } from './backend/ort-backend.js';
export { forbidTf32, TF32_OVERRIDE } from './backend/cuda-float32.js';
export type { OrtBackendOptions, OrtBackendStats } from './backend/ort-backend.js';
export type { OrtModule, OrtSession, OrtSessionOptions, OrtTensor } from './backend/ort-runtime.js';
export {
  EXECUTION_PROVIDERS,
  ortBackendName,
  probeExecutionProvider,
} from './backend/execution-providers.js';
export type {
  OrtExecutionProvider,
  OrtRuntimeKind,
  ProviderAvailability,
} from './backend/execution-providers.js';
export { exportAttributionGraph } from './export/export-attribution-graph.js';
export type {
  ExportAttributionOptions,
  ExportedAttributionGraph,
  ExportedTensorInfo,
} from './export/export-attribution-graph.js';
export { writeAttributionGraph } from './export/write-attribution-graph.js';
