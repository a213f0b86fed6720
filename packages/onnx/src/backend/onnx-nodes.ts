import type { AttributeProto, TensorProto } from '../proto/onnx-proto.js';
import { AttributeType, TensorDataType } from '../proto/onnx-proto.js';

/** Attribute values the graph recorder writes. */
export type OnnxAttrValue =
  | number
  | readonly number[]
  | {
      /** A float attribute (a plain number is written as an int). */
      readonly float: number;
    }
  | {
      /** A tensor attribute. */
      readonly tensor: TensorProto;
    }
  | {
      /** A string attribute (UTF-8). */
      readonly string: string;
    };

/** The ONNX opset the recorder targets (ScatterElements reduction and ReduceSum-with-axes-input exist from here). */
export const ONNX_OPSET = 17;
/**
 * The opset of graphs for onnxruntime-web's legacy WebGL provider, which implements `ReduceSum`
 * only up to opset 12 (with its `axes` attribute).
 */
export const LEGACY_WEBGL_OPSET = 12;
/** The ONNX IR version that goes with {@link ONNX_OPSET}. */
export const ONNX_IR_VERSION = 8;

/**
 * Converts a plain attribute map to ONNX `AttributeProto`s: integers become INT(S), `{ float }`
 * becomes FLOAT, `{ tensor }` TENSOR and `{ string }` STRING.
 *
 * @example
 * ```ts
 * toAttributes({ axis: 1, pads: [0, 0, 1, 1], alpha: { float: 0.5 }, reduction: { string: 'add' } });
 * ```
 */
export function toAttributes(attrs: Readonly<Record<string, OnnxAttrValue>>): AttributeProto[] {
  return Object.entries(attrs).map(([name, v]): AttributeProto => {
    if (typeof v === 'number') return { name, type: AttributeType.INT, i: v };
    if (Array.isArray(v))
      return { name, type: AttributeType.INTS, ints: [...(v as readonly number[])] };
    if ('float' in (v as object))
      return { name, type: AttributeType.FLOAT, f: (v as { float: number }).float };
    if ('string' in (v as object))
      return {
        name,
        type: AttributeType.STRING,
        s: new TextEncoder().encode((v as { string: string }).string),
      };
    return { name, type: AttributeType.TENSOR, t: (v as { tensor: TensorProto }).tensor };
  });
}

/**
 * A float32 `TensorProto` with its values in `raw_data` (little-endian).
 *
 * @example
 * ```ts
 * const t = float32Tensor('w', new Float64Array([1, 2, 3, 4]), [2, 2]);
 * ```
 */
export function float32Tensor(
  name: string,
  data: ArrayLike<number>,
  dims: readonly number[],
): TensorProto {
  const f = data instanceof Float32Array ? data : Float32Array.from(data);
  return {
    name,
    dims: [...dims],
    data_type: TensorDataType.FLOAT,
    raw_data: new Uint8Array(f.buffer, f.byteOffset, f.byteLength),
  };
}

/**
 * An int64 `TensorProto` (shapes, axes, indices).
 *
 * @example
 * ```ts
 * const shape = int64Tensor('shape', [1, 784], [2]);
 * ```
 */
export function int64Tensor(
  name: string,
  values: readonly number[],
  dims: readonly number[],
): TensorProto {
  const b = BigInt64Array.from(values.map((v) => BigInt(v)));
  return {
    name,
    dims: [...dims],
    data_type: TensorDataType.INT64,
    raw_data: new Uint8Array(b.buffer, b.byteOffset, b.byteLength),
  };
}
