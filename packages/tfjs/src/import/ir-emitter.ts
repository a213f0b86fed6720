import type { AttrValue, GraphNote, IRGraph, NodeSpec, ParamTensor, Shape } from '@biasprop/core';
import { BiaspropError, createGraph, getOpRule, UnsupportedOpError } from '@biasprop/core';

/**
 * Layout of a value in the IR. TensorFlow.js models are NHWC: `keras` values have the model's own
 * per-example shape (`[H, W, C]` for images); `chw` values are rank-3 images transposed to core's
 * `[C, H, W]` for conv and pooling nodes.
 */
export type Layout = 'keras' | 'chw';

/** A value in the graph being built: its IR node, IR shape and layout. */
export interface Value {
  readonly name: string;
  /** Per-example IR shape. */
  readonly shape: Shape;
  readonly layout: Layout;
}

/**
 * The model's own (NHWC) per-example shape of a value.
 *
 * @example
 * ```ts
 * modelShapeOf({ name: 'c', shape: [8, 14, 14], layout: 'chw' }); // [14, 14, 8]
 * ```
 */
export function modelShapeOf(v: Value): number[] {
  return v.layout === 'chw' ? [v.shape[1]!, v.shape[2]!, v.shape[0]!] : [...v.shape];
}

/**
 * Maps an axis of the model's own layout (per example, negative allowed) to the IR axis of `v`.
 * For `chw` values the model axes `[H, W, C]` are IR axes `[1, 2, 0]`.
 *
 * @example
 * ```ts
 * irAxisOf({ name: 'c', shape: [8, 14, 14], layout: 'chw' }, -1); // 0 (channels)
 * ```
 */
export function irAxisOf(v: Value, modelAxis: number): number {
  const rank = v.shape.length;
  const a = modelAxis < 0 ? modelAxis + rank : modelAxis;
  if (a < 0 || a >= rank) throw new RangeError(`axis ${modelAxis} out of range for rank ${rank}`);
  return v.layout === 'chw' ? [1, 2, 0][a]! : a;
}

/**
 * Builds an IR graph node by node for an importer, inferring each node's shape with core's op
 * rules (so importers can compute padding from shapes), and inserting the NHWC↔NCHW transposes
 * only where a node needs the other layout.
 *
 * @example
 * ```ts
 * const e = new IrEmitter('model', 'input', [28, 28, 1]);
 * const h = e.emit('relu', [e.asChw(e.input)], {}, {}, 'chw', 'relu1', 'ReLU');
 * const graph = e.build(h);
 * ```
 */
export class IrEmitter {
  readonly input: Value;
  private readonly nodes: NodeSpec[] = [];
  private readonly used = new Set<string>();
  private readonly converted = new Map<string, Value>();
  private readonly notes: GraphNote[] = [];

  constructor(
    /** The model name used in every message. */
    readonly model: string,
    inputName: string,
    inputShape: Shape,
  ) {
    if (!inputShape.every((d) => Number.isInteger(d) && d > 0)) {
      throw new BiaspropError(
        'INVALID_GRAPH',
        `model '${model}': input '${inputName}' needs a static shape, got [${inputShape.join(', ')}]`,
      );
    }
    this.used.add(inputName);
    this.input = { name: inputName, shape: [...inputShape], layout: 'keras' };
  }

  private unique(name: string): string {
    let n = name;
    for (let i = 1; this.used.has(n); i++) n = `${name}_${i}`;
    this.used.add(n);
    return n;
  }

  /** Adds a node; returns its value. Errors name the node and the model. */
  emit(
    op: string,
    inputs: readonly Value[],
    attrs: Record<string, AttrValue>,
    params: Record<string, ParamTensor>,
    layout: Layout,
    name: string,
    source: string,
  ): Value {
    const rule = getOpRule(op);
    if (!rule) throw new UnsupportedOpError(source, name, this.model);
    const node: NodeSpec = {
      name: this.unique(name),
      op,
      inputs: inputs.map((v) => v.name),
      attrs,
      params,
      source,
    };
    const shape = rule.inferShape(
      node,
      inputs.map((v) => v.shape),
      (m: string): never => {
        throw new BiaspropError(
          'INVALID_GRAPH',
          `model '${this.model}', node '${name}' (${source}): ${m}`,
        );
      },
    );
    this.nodes.push(node);
    return { name: node.name, shape, layout };
  }

  /** `v` as `[C, H, W]` (rank-3 values only; others are returned as they are). */
  asChw(v: Value): Value {
    if (v.layout === 'chw' || v.shape.length !== 3) return v;
    return this.convert(v, [2, 0, 1], 'chw', 'to_nchw');
  }

  /** `v` in the model's own layout. */
  asModel(v: Value): Value {
    if (v.layout === 'keras') return v;
    return this.convert(v, [1, 2, 0], 'keras', 'to_nhwc');
  }

  private convert(v: Value, perm: number[], layout: Layout, suffix: string): Value {
    const key = `${v.name}|${layout}`;
    let out = this.converted.get(key);
    if (!out) {
      out = this.emit('transpose', [v], { perm }, {}, layout, `${v.name}/${suffix}`, 'Transpose');
      this.converted.set(key, out);
    }
    return out;
  }

  /** Brings several values to one layout (chw when any is chw and all are rank 3). */
  unify(vs: readonly Value[]): Value[] {
    const anyChw = vs.some((v) => v.layout === 'chw');
    return vs.map((v) => (anyChw ? this.asChw(v) : v));
  }

  /** Records a note for the user (kept in the graph's `notes`). */
  note(message: string): void {
    this.notes.push({ pass: 'import', message });
  }

  /** Validates and returns the graph with `output` as its output (in the model's own layout). */
  build(output: Value): IRGraph {
    let out = this.asModel(output);
    if (out.name === this.input.name)
      out = this.emit('identity', [out], {}, {}, 'keras', 'output', 'Identity');
    return createGraph({
      name: this.model,
      input: { name: this.input.name, shape: this.input.shape },
      nodes: this.nodes,
      output: out.name,
      notes: this.notes,
    });
  }
}
