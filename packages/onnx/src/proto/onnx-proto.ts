import protobuf from 'protobufjs';
import { onnxDescriptor } from './onnx-descriptor.js';

// Typed views of the ONNX protobuf messages biasprop reads and writes. Field names follow
// onnx.proto exactly (snake_case); int64 fields are plain numbers.

/** `TensorProto.DataType` values used here. */
export const TensorDataType = {
  /** `FLOAT` = 1. */
  FLOAT: 1,
  /** `UINT8` = 2. */
  UINT8: 2,
  /** `INT8` = 3. */
  INT8: 3,
  /** `INT32` = 6. */
  INT32: 6,
  /** `INT64` = 7. */
  INT64: 7,
  /** `BOOL` = 9. */
  BOOL: 9,
  /** `FLOAT16` = 10. */
  FLOAT16: 10,
  /** `DOUBLE` = 11. */
  DOUBLE: 11,
} as const;

/** `AttributeProto.AttributeType` values. */
export const AttributeType = {
  /** `FLOAT` = 1. */
  FLOAT: 1,
  /** `INT` = 2. */
  INT: 2,
  /** `STRING` = 3. */
  STRING: 3,
  /** `TENSOR` = 4. */
  TENSOR: 4,
  /** `GRAPH` = 5. */
  GRAPH: 5,
  /** `FLOATS` = 6. */
  FLOATS: 6,
  /** `INTS` = 7. */
  INTS: 7,
  /** `STRINGS` = 8. */
  STRINGS: 8,
} as const;

/** The ONNX `TensorProto` message (the fields biasprop uses). */
export interface TensorProto {
  /** `TensorProto.dims` as in onnx.proto. */
  dims?: number[];
  /** `TensorProto.data_type` as in onnx.proto. */
  data_type?: number;
  /** `TensorProto.float_data` as in onnx.proto. */
  float_data?: number[];
  /** `TensorProto.int32_data` as in onnx.proto. */
  int32_data?: number[];
  /** `TensorProto.int64_data` as in onnx.proto. */
  int64_data?: number[];
  /** `TensorProto.double_data` as in onnx.proto. */
  double_data?: number[];
  /** `TensorProto.raw_data` as in onnx.proto. */
  raw_data?: Uint8Array;
  /** `TensorProto.name` as in onnx.proto. */
  name?: string;
  /** `TensorProto.doc_string` as in onnx.proto. */
  doc_string?: string;
}

/** The ONNX `AttributeProto` message (the fields biasprop uses). */
export interface AttributeProto {
  /** `AttributeProto.name` as in onnx.proto. */
  name?: string;
  /** `AttributeProto.type` as in onnx.proto. */
  type?: number;
  /** `AttributeProto.f` as in onnx.proto. */
  f?: number;
  /** `AttributeProto.i` as in onnx.proto. */
  i?: number;
  /** `AttributeProto.s` as in onnx.proto. */
  s?: Uint8Array;
  /** `AttributeProto.t` as in onnx.proto. */
  t?: TensorProto;
  /** `AttributeProto.floats` as in onnx.proto. */
  floats?: number[];
  /** `AttributeProto.ints` as in onnx.proto. */
  ints?: number[];
  /** `AttributeProto.strings` as in onnx.proto. */
  strings?: Uint8Array[];
}

/** The ONNX `NodeProto` message (the fields biasprop uses). */
export interface NodeProto {
  /** `NodeProto.input` as in onnx.proto. */
  input?: string[];
  /** `NodeProto.output` as in onnx.proto. */
  output?: string[];
  /** `NodeProto.name` as in onnx.proto. */
  name?: string;
  /** `NodeProto.op_type` as in onnx.proto. */
  op_type?: string;
  /** `NodeProto.domain` as in onnx.proto. */
  domain?: string;
  /** `NodeProto.attribute` as in onnx.proto. */
  attribute?: AttributeProto[];
  /** `NodeProto.doc_string` as in onnx.proto. */
  doc_string?: string;
}

/** The ONNX `TensorShapeDimension` message (the fields biasprop uses). */
export interface TensorShapeDimension {
  /** `TensorShapeDimension.dim_value` as in onnx.proto. */
  dim_value?: number;
  /** `TensorShapeDimension.dim_param` as in onnx.proto. */
  dim_param?: string;
}

/** The ONNX `TypeProto` message (the fields biasprop uses). */
export interface TypeProto {
  /** `TypeProto.tensor_type` as in onnx.proto. */
  tensor_type?: {
    /** Element type (a `TensorDataType` value). */
    elem_type?: number;
    /** The static or symbolic shape. */
    shape?: {
      /** One entry per axis. */
      dim?: TensorShapeDimension[];
    };
  };
}

/** The ONNX `ValueInfoProto` message (the fields biasprop uses). */
export interface ValueInfoProto {
  /** `ValueInfoProto.name` as in onnx.proto. */
  name?: string;
  /** `ValueInfoProto.type` as in onnx.proto. */
  type?: TypeProto;
  /** `ValueInfoProto.doc_string` as in onnx.proto. */
  doc_string?: string;
}

/** The ONNX `GraphProto` message (the fields biasprop uses). */
export interface GraphProto {
  /** `GraphProto.node` as in onnx.proto. */
  node?: NodeProto[];
  /** `GraphProto.name` as in onnx.proto. */
  name?: string;
  /** `GraphProto.initializer` as in onnx.proto. */
  initializer?: TensorProto[];
  /** `GraphProto.doc_string` as in onnx.proto. */
  doc_string?: string;
  /** `GraphProto.input` as in onnx.proto. */
  input?: ValueInfoProto[];
  /** `GraphProto.output` as in onnx.proto. */
  output?: ValueInfoProto[];
  /** `GraphProto.value_info` as in onnx.proto. */
  value_info?: ValueInfoProto[];
}

/** The ONNX `OperatorSetIdProto` message (the fields biasprop uses). */
export interface OperatorSetIdProto {
  /** `OperatorSetIdProto.domain` as in onnx.proto. */
  domain?: string;
  /** `OperatorSetIdProto.version` as in onnx.proto. */
  version?: number;
}

/** The ONNX `ModelProto` message (the fields biasprop uses). */
export interface ModelProto {
  /** `ModelProto.ir_version` as in onnx.proto. */
  ir_version?: number;
  /** `ModelProto.opset_import` as in onnx.proto. */
  opset_import?: OperatorSetIdProto[];
  /** `ModelProto.producer_name` as in onnx.proto. */
  producer_name?: string;
  /** `ModelProto.producer_version` as in onnx.proto. */
  producer_version?: string;
  /** `ModelProto.domain` as in onnx.proto. */
  domain?: string;
  /** `ModelProto.model_version` as in onnx.proto. */
  model_version?: number;
  /** `ModelProto.doc_string` as in onnx.proto. */
  doc_string?: string;
  /** `ModelProto.graph` as in onnx.proto. */
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

const TO_OBJECT: protobuf.IConversionOptions = {
  longs: Number,
  bytes: Uint8Array,
  defaults: false,
  arrays: true,
};

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
