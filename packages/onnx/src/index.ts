// @biasprop/onnx: ONNX models onto the biasprop IR, and attributions as traced ONNX graphs on ONNX Runtime.
export * from '@biasprop/core';
export { AttributeType, TensorDataType, decodeModel, decodeTensor, encodeModel } from './proto/onnx-proto.js';
export type {
  AttributeProto,
  GraphProto,
  ModelProto,
  NodeProto,
  OperatorSetIdProto,
  TensorProto,
  TypeProto,
  ValueInfoProto,
} from './proto/onnx-proto.js';
// --- importer exports (src/import/**) ---
// --- backend exports (src/backend/**, src/export/**) ---
