// A tiny typed helper that builds ONNX models for the importer tests (test-only; not published).
import type {
  AttributeProto,
  ModelProto,
  NodeProto,
  TensorProto,
  ValueInfoProto,
} from '../../src/proto/onnx-proto.js';
import { AttributeType, TensorDataType, encodeModel } from '../../src/proto/onnx-proto.js';

/** An attribute value: integers and integer lists become INT(S); wrap floats with {@link f} / {@link fs}. */
export type AttrInput =
  | number
  | readonly number[]
  | string
  | { readonly f: number }
  | { readonly fs: readonly number[] }
  | { readonly t: TensorProto };

/** A float attribute. */
export const f = (v: number): { f: number } => ({ f: v });
/** A float-list attribute. */
export const fs = (v: readonly number[]): { fs: readonly number[] } => ({ fs: v });

function attribute(name: string, v: AttrInput): AttributeProto {
  if (typeof v === 'number') return { name, type: AttributeType.INT, i: v };
  if (typeof v === 'string')
    return { name, type: AttributeType.STRING, s: new TextEncoder().encode(v) };
  if (Array.isArray(v)) return { name, type: AttributeType.INTS, ints: [...(v as number[])] };
  if ('f' in v) return { name, type: AttributeType.FLOAT, f: v.f };
  if ('fs' in v) return { name, type: AttributeType.FLOATS, floats: [...v.fs] };
  return { name, type: AttributeType.TENSOR, t: (v as { t: TensorProto }).t };
}

/** A float32 tensor stored as raw little-endian bytes (as exporters write it). */
export function floatTensor(
  name: string,
  dims: readonly number[],
  data: ArrayLike<number>,
): TensorProto {
  const raw = new Uint8Array(new Float32Array(Array.from(data)).buffer);
  return { name, dims: [...dims], data_type: TensorDataType.FLOAT, raw_data: raw };
}

/** An int64 tensor (shapes, axes). */
export function intTensor(
  name: string,
  dims: readonly number[],
  data: readonly number[],
): TensorProto {
  return { name, dims: [...dims], data_type: TensorDataType.INT64, int64_data: [...data] };
}

function valueInfo(name: string, dims: readonly (number | string)[] | undefined): ValueInfoProto {
  return {
    name,
    type: {
      tensor_type: {
        elem_type: TensorDataType.FLOAT,
        ...(dims
          ? {
              shape: {
                dim: dims.map((d) => (typeof d === 'number' ? { dim_value: d } : { dim_param: d })),
              },
            }
          : {}),
      },
    },
  };
}

/** Deterministic pseudo-random numbers in [-1, 1) (xorshift), rounded to float32. */
export function randoms(n: number, seed = 1): number[] {
  let s = seed * 2654435761 + 12345;
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    out.push(Math.fround(((s >>> 0) / 2 ** 32) * 2 - 1));
  }
  return out;
}

/**
 * Builds a model node by node.
 *
 * @example
 * ```ts
 * const m = new OnnxTestModel('relu', 17);
 * const x = m.input('x', ['N', 4]);
 * m.output(m.node('Relu', [x]));
 * const bytes = m.bytes();
 * ```
 */
export class OnnxTestModel {
  private readonly nodes: NodeProto[] = [];
  private readonly inits: TensorProto[] = [];
  private readonly inputs: ValueInfoProto[] = [];
  private readonly outputs: ValueInfoProto[] = [];
  private counter = 0;

  constructor(
    readonly name: string,
    readonly opset = 17,
  ) {}

  input(name: string, dims: readonly (number | string)[]): string {
    this.inputs.push(valueInfo(name, dims));
    return name;
  }

  output(name: string, dims?: readonly (number | string)[]): string {
    this.outputs.push(valueInfo(name, dims));
    return name;
  }

  /** A float32 initializer with deterministic random values unless data is given. */
  weight(dims: readonly number[], data?: ArrayLike<number>, name?: string): string {
    const n = name ?? `w${this.counter++}`;
    const size = dims.reduce((a, b) => a * b, 1);
    this.inits.push(floatTensor(n, dims, data ?? randoms(size, this.counter + 7)));
    return n;
  }

  /** An int64 initializer. */
  ints(data: readonly number[], dims: readonly number[] = [data.length], name?: string): string {
    const n = name ?? `i${this.counter++}`;
    this.inits.push(intTensor(n, dims, data));
    return n;
  }

  /** Any initializer. */
  initializer(t: TensorProto): string {
    this.inits.push(t);
    return t.name!;
  }

  /** Adds a node and returns its first output (more outputs with `outputs`). */
  node(
    op: string,
    inputs: readonly string[],
    attrs: Record<string, AttrInput> = {},
    outputs = 1,
    name?: string,
  ): string {
    const base = name ?? `${op.toLowerCase()}_${this.counter++}`;
    const outs = Array.from({ length: outputs }, (_, i) => (i === 0 ? base : `${base}_out${i}`));
    this.nodes.push({
      name: base,
      op_type: op,
      input: [...inputs],
      output: outs,
      attribute: Object.entries(attrs).map(([k, v]) => attribute(k, v)),
    });
    return outs[0]!;
  }

  /** The last node added (to tweak it). */
  last(): NodeProto {
    return this.nodes[this.nodes.length - 1]!;
  }

  proto(): ModelProto {
    return {
      ir_version: 8,
      opset_import: [{ domain: '', version: this.opset }],
      producer_name: 'biasprop-tests',
      graph: {
        name: this.name,
        node: this.nodes,
        initializer: this.inits,
        input: this.inputs,
        output: this.outputs,
      },
    };
  }

  bytes(): Uint8Array {
    return encodeModel(this.proto());
  }
}
