/** One attribute of a TensorFlow `NodeDef` as the tfjs converter writes it to `model.json`. */
export interface TfAttr {
  /** A string value (base64 in model.json). */
  s?: string;
  /** An integer value (int64 comes as a string). */
  i?: string | number;
  /** A float value. */
  f?: number;
  /** A boolean value. */
  b?: boolean;
  /** A list value. */
  list?: {
    /** Strings. */
    s?: string[];
    /** Integers. */
    i?: (string | number)[];
    /** Floats. */
    f?: number[];
  };
  /** A shape value. */
  shape?: {
    /** The dimensions. */
    dim?: {
      /** The dimension's size (-1 when unknown). */
      size?: string | number;
    }[];
    /** True when even the rank is unknown. */
    unknownRank?: boolean;
  };
}

/** A TensorFlow `NodeDef` from a tfjs graph model's `modelTopology.node`. */
export interface TfNode {
  /** The node's name. */
  name: string;
  /** The TensorFlow op type (`Conv2D`, `Relu`, …). */
  op: string;
  /** Input node names (`name:k` for output k, `^name` for control inputs). */
  input?: string[];
  /** Attributes by name. */
  attr?: Record<string, TfAttr>;
}

function decodeBase64(s: string): string {
  return typeof atob === 'function'
    ? atob(s)
    : String.fromCharCode(...Uint8Array.from(Buffer.from(s, 'base64')));
}

/**
 * Typed access to a node's attributes: strings are base64 in `model.json`, integers may be strings.
 *
 * @example
 * ```ts
 * const a = new TfAttrs(node);
 * a.string('padding'); // 'SAME'
 * a.ints('strides'); // [1, 2, 2, 1]
 * ```
 */
export class TfAttrs {
  constructor(private readonly node: TfNode) {}

  has(key: string): boolean {
    return this.node.attr?.[key] !== undefined;
  }

  string(key: string, fallback = ''): string {
    const s = this.node.attr?.[key]?.s;
    return s === undefined ? fallback : decodeBase64(s);
  }

  strings(key: string): string[] {
    return (this.node.attr?.[key]?.list?.s ?? []).map(decodeBase64);
  }

  int(key: string, fallback: number): number {
    const i = this.node.attr?.[key]?.i;
    return i === undefined ? fallback : Number(i);
  }

  ints(key: string, fallback: number[] = []): number[] {
    const l = this.node.attr?.[key]?.list?.i;
    return l === undefined ? fallback : l.map(Number);
  }

  float(key: string, fallback: number): number {
    const f = this.node.attr?.[key]?.f;
    return f === undefined ? fallback : Number(f);
  }

  bool(key: string, fallback: boolean): boolean {
    return this.node.attr?.[key]?.b ?? fallback;
  }

  /** Dimensions of a `shape` attribute (−1 for unknown). */
  shape(key: string): number[] | undefined {
    const s = this.node.attr?.[key]?.shape;
    if (!s || s.unknownRank) return undefined;
    return (s.dim ?? []).map((d) => Number(d.size ?? -1));
  }
}

/**
 * Splits a `NodeDef` input reference `name:k` / `^name` into the node name (control inputs give null).
 *
 * @example
 * ```ts
 * inputNodeName('conv/BiasAdd:0'); // 'conv/BiasAdd'
 * ```
 */
export function inputNodeName(ref: string): string | null {
  if (ref.startsWith('^')) return null;
  const m = /^(.*?)(?::\d+)?$/.exec(ref)!;
  return m[1]!;
}
