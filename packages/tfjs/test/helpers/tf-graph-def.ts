import * as tf from '@tensorflow/tfjs-core';
import type { TfAttr, TfNode } from '../../src/index.js';

const b64 = (s: string) => btoa(s);

/** Attribute constructors in the converter's model.json encoding. */
export const attr = {
  s: (v: string): TfAttr => ({ s: b64(v) }),
  i: (v: number): TfAttr => ({ i: String(v) }),
  f: (v: number): TfAttr => ({ f: v }),
  b: (v: boolean): TfAttr => ({ b: v }),
  ints: (v: number[]): TfAttr => ({ list: { i: v.map(String) } }),
  strings: (v: string[]): TfAttr => ({ list: { s: v.map(b64) } }),
  shape: (v: number[]): TfAttr => ({ shape: { dim: v.map((d) => ({ size: String(d) })) } }),
};

/**
 * Writes a TensorFlow GraphDef the way tfjs-converter does (`model.json` with `modelTopology.node`,
 * constants in the weights manifest), so tests can build GraphModels by hand and run them with
 * tfjs-converter's own executor.
 */
export class TfGraphDef {
  readonly nodes: TfNode[] = [];
  private readonly weights: { name: string; data: Float32Array | Int32Array; shape: number[] }[] =
    [];

  placeholder(name: string, shape: number[]): string {
    this.nodes.push({
      name,
      op: 'Placeholder',
      attr: { shape: attr.shape(shape), dtype: { type: 'DT_FLOAT' } as TfAttr },
    });
    return name;
  }

  const(
    name: string,
    data: ArrayLike<number>,
    shape: number[],
    dtype: 'float32' | 'int32' = 'float32',
  ): string {
    const arr = dtype === 'int32' ? Int32Array.from(data) : Float32Array.from(data);
    this.weights.push({ name, data: arr, shape });
    this.nodes.push({
      name,
      op: 'Const',
      attr: {
        dtype: { type: dtype === 'int32' ? 'DT_INT32' : 'DT_FLOAT' } as TfAttr,
        value: { tensor: {} } as TfAttr,
      },
    });
    return name;
  }

  op(name: string, op: string, input: string[], attrs: Record<string, TfAttr> = {}): string {
    this.nodes.push({ name, op, input, attr: { T: { type: 'DT_FLOAT' } as TfAttr, ...attrs } });
    return name;
  }

  /** The model artifacts (format `graph-model`), for `tf.io.fromMemory`. */
  artifacts(): tf.io.ModelArtifacts {
    const bytes = this.weights.reduce((s, w) => s + w.data.byteLength, 0);
    const buf = new Uint8Array(bytes);
    let off = 0;
    for (const w of this.weights) {
      buf.set(new Uint8Array(w.data.buffer, w.data.byteOffset, w.data.byteLength), off);
      off += w.data.byteLength;
    }
    return {
      format: 'graph-model',
      generatedBy: 'biasprop tests',
      convertedBy: 'hand-written GraphDef',
      modelTopology: { node: this.nodes, library: {}, versions: {} },
      weightSpecs: this.weights.map((w) => ({
        name: w.name,
        shape: w.shape,
        dtype: w.data instanceof Int32Array ? 'int32' : 'float32',
      })),
      weightData: buf.buffer,
    };
  }

  /** The same as an IOHandler. */
  handler(): tf.io.IOHandler {
    return tf.io.fromMemory(this.artifacts());
  }
}
