import type { FloatArray } from '../tensor/host-tensor.js';
import type { Shape } from '../tensor/shape.js';
import { createGraph } from './create-graph.js';
import type { AttrValue, IRGraph, NodeSpec, ParamTensor } from './types.js';

/** Padding of a 2-D window, `[top, left, bottom, right]`. */
export type Pads4 = readonly [number, number, number, number];

/** Window options shared by conv and pooling builders. */
export interface WindowOptions {
  /** `[strideH, strideW]` (default `[1, 1]`). */
  readonly strides?: readonly [number, number];
  /** `[top, left, bottom, right]`. */
  readonly pads?: Pads4;
  /** `[dilationH, dilationW]` (default `[1, 1]`). */
  readonly dilations?: readonly [number, number];
  /** Pooling only: round the output size up (default false). */
  readonly ceilMode?: boolean;
}

function param(data: FloatArray | readonly number[], shape: Shape): ParamTensor {
  return {
    data:
      data instanceof Float32Array || data instanceof Float64Array ? data : Float64Array.from(data),
    shape: [...shape],
  };
}

/**
 * Builds an {@link IRGraph} node by node; each method returns the new node's name, so calls chain
 * naturally. Adapters and tests use it; {@link createGraph} validates the result.
 *
 * @example
 * ```ts
 * const b = new GraphBuilder('mlp', [4]);
 * const h = b.relu(b.dense(b.input, w1, [4, 8], b1));
 * b.dense(h, w2, [8, 3], b2);
 * const graph = b.build();
 * ```
 */
export class GraphBuilder {
  private readonly nodes: NodeSpec[] = [];
  private counter = 0;
  /** Name of the graph input. */
  readonly input: string;

  constructor(
    private readonly name: string,
    private readonly inputShape: Shape,
    inputName = 'input',
  ) {
    this.input = inputName;
  }

  private fresh(op: string): string {
    return `${op}_${this.counter++}`;
  }

  /** Adds any node; returns its name. */
  add(
    op: string,
    inputs: readonly string[],
    attrs: Record<string, AttrValue> = {},
    params: Record<string, ParamTensor> = {},
    name?: string,
  ): string {
    const n = name ?? this.fresh(op);
    this.nodes.push({ name: n, op, inputs, attrs, params });
    return n;
  }

  /** A `dense` node: weights `[in, out]` (`shape`), optional bias `[out]`. */
  dense(
    x: string,
    weight: FloatArray | readonly number[],
    shape: readonly [number, number],
    bias?: FloatArray | readonly number[],
    name?: string,
  ): string {
    return this.add(
      'dense',
      [x],
      {},
      { weight: param(weight, shape), ...(bias ? { bias: param(bias, [shape[1]]) } : {}) },
      name,
    );
  }

  /** A `conv2d` node: NCHW, weights `[out, in/groups, kh, kw]`, optional bias `[out]`. */
  conv2d(
    x: string,
    weight: FloatArray | readonly number[],
    shape: readonly [number, number, number, number],
    bias?: FloatArray | readonly number[],
    options: WindowOptions & { groups?: number } = {},
    name?: string,
  ): string {
    const { ceilMode: _c, ...rest } = options;
    return this.add(
      'conv2d',
      [x],
      { ...(rest as Record<string, AttrValue>) },
      { weight: param(weight, shape), ...(bias ? { bias: param(bias, [shape[0]]) } : {}) },
      name,
    );
  }

  /** A `maxPool2d` node over `kernel` windows. */
  maxPool2d(
    x: string,
    kernel: readonly [number, number],
    options: WindowOptions = {},
    name?: string,
  ): string {
    return this.add(
      'maxPool2d',
      [x],
      { kernel, ...(options as Record<string, AttrValue>) },
      {},
      name,
    );
  }

  /** An `avgPool2d` node over `kernel` windows (padding excluded from the mean unless `countIncludePad`). */
  avgPool2d(
    x: string,
    kernel: readonly [number, number],
    options: WindowOptions & { countIncludePad?: boolean } = {},
    name?: string,
  ): string {
    return this.add(
      'avgPool2d',
      [x],
      { kernel, ...(options as Record<string, AttrValue>) },
      {},
      name,
    );
  }

  /** Global average pooling: `[C, H, W]` → `[C, 1, 1]`. */
  globalAvgPool(x: string, name?: string): string {
    return this.add('avgPool2d', [x], { global: true }, {}, name);
  }

  /** Global max pooling: `[C, H, W]` → `[C, 1, 1]`. */
  globalMaxPool(x: string, name?: string): string {
    return this.add('maxPool2d', [x], { global: true }, {}, name);
  }

  /**
   * Inference BatchNorm from its stored statistics: `scale = γ/√(var+ε)`, `shift = β − mean·scale`.
   */
  batchNorm(
    x: string,
    stats: {
      gamma: readonly number[] | FloatArray;
      beta: readonly number[] | FloatArray;
      mean: readonly number[] | FloatArray;
      variance: readonly number[] | FloatArray;
      epsilon: number;
    },
    axis = 0,
    name?: string,
  ): string {
    const c = stats.gamma.length;
    const scale = new Float64Array(c);
    const shift = new Float64Array(c);
    for (let i = 0; i < c; i++) {
      scale[i] = stats.gamma[i]! / Math.sqrt(stats.variance[i]! + stats.epsilon);
      shift[i] = stats.beta[i]! - stats.mean[i]! * scale[i]!;
    }
    return this.add(
      'batchNorm',
      [x],
      { axis },
      { scale: param(scale, [c]), shift: param(shift, [c]) },
      name,
    );
  }

  /** A `scaleShift` node: `x ⊙ scale + offset` with constants that broadcast with the input. */
  scaleShift(x: string, scale?: ParamTensor, offset?: ParamTensor, name?: string): string {
    return this.add(
      'scaleShift',
      [x],
      {},
      { ...(scale ? { scale } : {}), ...(offset ? { offset } : {}) },
      name,
    );
  }

  /** A `relu` node. */
  relu(x: string, name?: string): string {
    return this.add('relu', [x], {}, {}, name);
  }
  /** A `leakyRelu` node with slope `alpha` below 0. */
  leakyRelu(x: string, alpha: number, name?: string): string {
    return this.add('leakyRelu', [x], { alpha }, {}, name);
  }
  /** A `prelu` node with a learned `slope` (broadcast with the input). */
  prelu(
    x: string,
    slope: FloatArray | readonly number[],
    slopeShape: Shape,
    name?: string,
  ): string {
    return this.add('prelu', [x], {}, { slope: param(slope, slopeShape) }, name);
  }
  /** A `clip` node (ReLU6 is `clip(x, 0, 6)`). */
  clip(x: string, min: number, max: number, name?: string): string {
    return this.add('clip', [x], { min, max }, {}, name);
  }
  /** A `sigmoid` node (tangent-linearized). */
  sigmoid(x: string, name?: string): string {
    return this.add('sigmoid', [x], {}, {}, name);
  }
  /** A `tanh` node (tangent-linearized). */
  tanh(x: string, name?: string): string {
    return this.add('tanh', [x], {}, {}, name);
  }
  /** An `add` node: `Σ_i k_i x_i` (coefficients default to 1; `[1, -1]` subtracts). */
  sum(xs: readonly string[], coefficients?: readonly number[], name?: string): string {
    return this.add('add', xs, coefficients ? { coefficients } : {}, {}, name);
  }
  /** A `concat` node along a per-example `axis`. */
  concat(xs: readonly string[], axis: number, name?: string): string {
    return this.add('concat', xs, { axis }, {}, name);
  }
  /** A `reshape` node to a per-example `shape` (one `-1` allowed). */
  reshape(x: string, shape: readonly number[], name?: string): string {
    return this.add('reshape', [x], { shape }, {}, name);
  }
  /** Flattens to `[n]` (a `reshape` to `[-1]`). */
  flatten(x: string, name?: string): string {
    return this.reshape(x, [-1], name);
  }
  /** A `transpose` node over per-example axes. */
  transpose(x: string, perm: readonly number[], name?: string): string {
    return this.add('transpose', [x], { perm }, {}, name);
  }
  /** A zero `pad` node: `[before, after]` per per-example axis. */
  pad(x: string, pads: readonly (readonly [number, number])[], name?: string): string {
    return this.add('pad', [x], { pads }, {}, name);
  }
  /** A `softmax` node (only as the final node; `prepareGraph` removes it). */
  softmax(x: string, name?: string): string {
    return this.add('softmax', [x], {}, {}, name);
  }

  /** Validates and returns the graph; the output is the last node unless named. */
  build(output?: string): IRGraph {
    return createGraph({
      name: this.name,
      input: { name: this.input, shape: this.inputShape },
      nodes: this.nodes,
      ...(output ? { output } : {}),
    });
  }
}
