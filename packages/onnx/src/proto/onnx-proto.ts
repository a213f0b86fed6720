import protobuf from 'protobufjs';
import { onnxDescriptor } from './onnx-descriptor.js';

// Typed views of the ONNX protobuf messages biasprop reads and writes. Field names follow
// onnx.proto exactly (snake_case); int64 fields are plain numbers.

/** `TensorProto.DataType` values used here. */
export const TensorDataType = {
  FLOAT: 1,
  UINT8: 2,
  INT8: 3,
  INT32: 6,
  INT64: 7,
  BOOL: 9,
  FLOAT16: 10,
  DOUBLE: 11,
} as const;

/** `AttributeProto.AttributeType` values. */
export const AttributeType = {
  FLOAT: 1,
  INT: 2,
  STRING: 3,
  TENSOR: 4,
  GRAPH: 5,
  FLOATS: 6,
  INTS: 7,
  STRINGS: 8,
} as const;

export interface TensorProto {
  dims?: number[];
  data_type?: number;
  float_data?: number[];
  int32_data?: number[];
  int64_data?: number[];
  double_data?: number[];
  raw_data?: Uint8Array;
  name?: string;
  doc_string?: string;
}

export interface AttributeProto {
  name?: string;
  type?: number;
  f?: number;
  i?: number;
  s?: Uint8Array;
  t?: TensorProto;
  floats?: number[];
  ints?: number[];
  strings?: Uint8Array[];
}

export interface NodeProto {
  input?: string[];
  output?: string[];
  name?: string;
  op_type?: string;
  domain?: string;
  attribute?: AttributeProto[];
  doc_string?: string;
}

export interface TensorShapeDimension {
  dim_value?: number;
  dim_param?: string;
}

export interface TypeProto {
  tensor_type?: { elem_type?: number; shape?: { dim?: TensorShapeDimension[] } };
}

export interface ValueInfoProto {
  name?: string;
  type?: TypeProto;
  doc_string?: string;
}

export interface GraphProto {
  node?: NodeProto[];
  name?: string;
  initializer?: TensorProto[];
  doc_string?: string;
  input?: ValueInfoProto[];
  output?: ValueInfoProto[];
  value_info?: ValueInfoProto[];
}

export interface OperatorSetIdProto {
  domain?: string;
  version?: number;
}

export interface ModelProto {
  ir_version?: number;
  opset_import?: OperatorSetIdProto[];
  producer_name?: string;
  producer_version?: string;
  domain?: string;
  model_version?: number;
  doc_string?: string;
  graph?: GraphProto;
}

let modelType: protobuf.Type | undefined;
let tensorType: protobuf.Type | undefined;

function types(): { model: protobuf.Type; tensor: protobuf.Type } {
  if (!modelType || !tensorType) {
    const root = protobuf.Root.fromJSON(onnxDescriptor as unknown as protobuf.INamespace);
    modelType = root.lookupType('onnx.ModelProto');
    tensorType = root.lookupType('onnx.TensorProto');
  }
  return { model: modelType, tensor: tensorType };
}

const TO_OBJECT: protobuf.IConversionOptions = { longs: Number, bytes: Uint8Array, defaults: false, arrays: true };

/**
 * Decodes an ONNX `ModelProto` from bytes.
 *
 * @example
 * ```ts
 * const model = decodeModel(readFileSync('model.onnx'));
 * console.log(model.graph?.node?.length);
 * ```
 */
export function decodeModel(bytes: Uint8Array): ModelProto {
  const { model } = types();
  return model.toObject(model.decode(bytes), TO_OBJECT);
}

/**
 * Encodes an ONNX `ModelProto` to bytes.
 *
 * @example
 * ```ts
 * writeFileSync('out.onnx', encodeModel({ ir_version: 8, opset_import: [{ version: 17 }], graph }));
 * ```
 */
export function encodeModel(m: ModelProto): Uint8Array {
  const { model } = types();
  return model.encode(model.fromObject(m)).finish();
}

/**
 * Decodes a standalone `TensorProto` (the `.pb` files of the ONNX backend node tests).
 *
 * @example
 * ```ts
 * const t = decodeTensor(readFileSync('test_data_set_0/input_0.pb'));
 * ```
 */
export function decodeTensor(bytes: Uint8Array): TensorProto {
  const { tensor } = types();
  return tensor.toObject(tensor.decode(bytes), TO_OBJECT);
}
