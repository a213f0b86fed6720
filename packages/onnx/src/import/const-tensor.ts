import { BiaspropError } from '@biasprop/core';
import type { TensorProto } from '../proto/onnx-proto.js';
import { TensorDataType } from '../proto/onnx-proto.js';

/** Element kind of a constant: floats (weights), integers (shapes, axes, indices) or booleans. */
export type ConstKind = 'float' | 'int' | 'bool';

/**
 * A constant tensor known while importing (an initializer, a `Constant` node or a folded
 * subgraph), with its full ONNX shape. Integer tensors computed from `Shape` may hold the batch
 * size, which is not known at import time: `batch[i] === 1` marks such an element (its `data`
 * entry is then meaningless).
 */
export interface ConstTensor {
  readonly kind: ConstKind;
  readonly shape: readonly number[];
  readonly data: Float64Array;
  /** Marks elements that stand for the (symbolic) batch size. */
  readonly batch?: Uint8Array;
}

/**
 * Number of elements of a shape.
 *
 * @example
 * ```ts
 * sizeOfShape([2, 3, 4]); // 24
 * ```
 */
export function sizeOfShape(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/**
 * Builds a constant tensor; `batch` marks elements equal to the symbolic batch size.
 *
 * @example
 * ```ts
 * const axes = constTensor('int', [1], [0]);
 * ```
 */
export function constTensor(
  kind: ConstKind,
  shape: readonly number[],
  data: ArrayLike<number>,
  batch?: Uint8Array,
): ConstTensor {
  const d = Float64Array.from(data);
  if (d.length !== sizeOfShape(shape)) {
    throw new BiaspropError(
      'INVALID_GRAPH',
      `constant has ${d.length} values for shape [${shape.join(', ')}]`,
    );
  }
  return batch && batch.some((b) => b === 1)
    ? { kind, shape: [...shape], data: d, batch }
    : { kind, shape: [...shape], data: d };
}

/**
 * Whether element `i` of a constant stands for the batch size.
 *
 * @example
 * ```ts
 * isBatchAt(shapeOfX, 0); // true: element 0 of Shape(x) is the batch size
 * ```
 */
export function isBatchAt(t: ConstTensor, i: number): boolean {
  return t.batch !== undefined && t.batch[i] === 1;
}

/**
 * Whether any element of a constant stands for the batch size.
 *
 * @example
 * ```ts
 * if (dependsOnBatch(t)) throw new Error('needs a static value');
 * ```
 */
export function dependsOnBatch(t: ConstTensor): boolean {
  return t.batch !== undefined && t.batch.some((b) => b === 1);
}

function halfToFloat(h: number): number {
  const s = h & 0x8000 ? -1 : 1;
  const e = (h >> 10) & 0x1f;
  const f = h & 0x3ff;
  if (e === 0) return s * 2 ** -14 * (f / 1024);
  if (e === 31) return f ? NaN : s * Infinity;
  return s * 2 ** (e - 15) * (1 + f / 1024);
}

function readRaw(raw: Uint8Array, type: number, n: number): number[] {
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const out: number[] = new Array<number>(n);
  const width: Record<number, number> = {
    [TensorDataType.FLOAT]: 4,
    [TensorDataType.DOUBLE]: 8,
    [TensorDataType.INT64]: 8,
    [TensorDataType.INT32]: 4,
    [TensorDataType.INT8]: 1,
    [TensorDataType.UINT8]: 1,
    [TensorDataType.BOOL]: 1,
    [TensorDataType.FLOAT16]: 2,
    4: 2, // UINT16
    5: 2, // INT16
    12: 4, // UINT32
    13: 8, // UINT64
  };
  const w = width[type];
  if (w === undefined || raw.byteLength !== w * n) {
    throw new Error(
      `raw_data of ${raw.byteLength} bytes does not hold ${n} values of data type ${type}`,
    );
  }
  for (let i = 0; i < n; i++) {
    const o = i * w;
    switch (type) {
      case TensorDataType.FLOAT:
        out[i] = view.getFloat32(o, true);
        break;
      case TensorDataType.DOUBLE:
        out[i] = view.getFloat64(o, true);
        break;
      case TensorDataType.INT64:
        out[i] = Number(view.getBigInt64(o, true));
        break;
      case 13:
        out[i] = Number(view.getBigUint64(o, true));
        break;
      case TensorDataType.INT32:
        out[i] = view.getInt32(o, true);
        break;
      case 12:
        out[i] = view.getUint32(o, true);
        break;
      case TensorDataType.INT8:
        out[i] = view.getInt8(o);
        break;
      case 5:
        out[i] = view.getInt16(o, true);
        break;
      case 4:
        out[i] = view.getUint16(o, true);
        break;
      case TensorDataType.FLOAT16:
        out[i] = halfToFloat(view.getUint16(o, true));
        break;
      default:
        out[i] = view.getUint8(o);
    }
  }
  return out;
}

function kindOf(type: number): ConstKind {
  if (
    type === TensorDataType.FLOAT ||
    type === TensorDataType.DOUBLE ||
    type === TensorDataType.FLOAT16
  )
    return 'float';
  if (type === TensorDataType.BOOL) return 'bool';
  return 'int';
}

/**
 * Decodes a `TensorProto` (an initializer, a `Constant` value, a test `.pb` file) into a constant.
 * Floats keep the file's precision (float32 values are stored exactly in a Float64Array).
 *
 * @example
 * ```ts
 * const w = tensorFromProto(graph.initializer![0]!); // { kind: 'float', shape: [8, 3, 3, 3], data }
 * ```
 */
export function tensorFromProto(t: TensorProto): ConstTensor {
  const name = t.name ?? '';
  const shape = (t.dims ?? []).map(Number);
  const type = t.data_type ?? 0;
  const n = sizeOfShape(shape);
  const ext = t as { data_location?: number; external_data?: unknown[] };
  if (ext.data_location === 1 || (ext.external_data?.length ?? 0) > 0) {
    throw new BiaspropError(
      'INVALID_GRAPH',
      `tensor '${name}' keeps its data in an external file, which is not supported; save the model with its weights inside`,
    );
  }
  const supported: number[] = [1, 2, 3, 4, 5, 6, 7, 9, 10, 11, 12, 13];
  if (!supported.includes(type)) {
    throw new BiaspropError(
      'INVALID_GRAPH',
      `tensor '${name}' has data type ${type}, which is not supported`,
    );
  }
  let values: ArrayLike<number>;
  try {
    if (t.raw_data && t.raw_data.length > 0) values = readRaw(t.raw_data, type, n);
    else if (type === TensorDataType.FLOAT) values = t.float_data ?? [];
    else if (type === TensorDataType.DOUBLE) values = t.double_data ?? [];
    else if (type === TensorDataType.INT64) values = (t.int64_data ?? []).map(Number);
    else if (type === 13)
      values = ((t as { uint64_data?: number[] }).uint64_data ?? []).map(Number);
    else if (type === TensorDataType.FLOAT16) values = (t.int32_data ?? []).map(halfToFloat);
    else values = t.int32_data ?? [];
  } catch (e) {
    throw new BiaspropError('INVALID_GRAPH', `tensor '${name}': ${(e as Error).message}`);
  }
  if (values.length !== n) {
    throw new BiaspropError(
      'INVALID_GRAPH',
      `tensor '${name}' has ${values.length} values for shape [${shape.join(', ')}]`,
    );
  }
  const data = Float64Array.from(values);
  if (type === TensorDataType.FLOAT) {
    // float_data holds float32 values already; re-round defensively so the file's precision is kept.
    for (let i = 0; i < data.length; i++) data[i] = Math.fround(data[i]!);
  }
  return constTensor(kindOf(type), shape, data);
}
