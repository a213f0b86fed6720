import type { FloatArray } from '../tensor/host-tensor.js';
import type { Shape } from '../tensor/shape.js';
import { createGraph } from './create-graph.js';
import type { AttrValue, IRGraph, NodeSpec, ParamTensor } from './types.js';

type Pads4 = readonly [number, number, number, number];

/** Window options shared by conv and pooling builders. */
export interface WindowOptions {
  readonly strides?: readonly [number, number];
  /** `[top, left, bottom, right]`. */
  readonly pads?: Pads4;
  readonly dilations?: readonly [number, number];
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

  globalAvgPool(x: string, name?: string): string {
    return this.add('avgPool2d', [x], { global: true }, {}, name);
  }

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

  scaleShift(x: string, scale?: ParamTensor, offset?: ParamTensor, name?: string): string {
    return this.add(
      'scaleShift',
      [x],
      {},
      { ...(scale ? { scale } : {}), ...(offset ? { offset } : {}) },
      name,
    );
  }

  relu(x: string, name?: string): string {
    return this.add('relu', [x], {}, {}, name);
  }
  leakyRelu(x: string, alpha: number, name?: string): string {
    return this.add('leakyRelu', [x], { alpha }, {}, name);
  }
  prelu(
    x: string,
    slope: FloatArray | readonly number[],
    slopeShape: Shape,
    name?: string,
  ): string {
    return this.add('prelu', [x], {}, { slope: param(slope, slopeShape) }, name);
  }
  clip(x: string, min: number, max: number, name?: string): string {
    return this.add('clip', [x], { min, max }, {}, name);
  }
  sigmoid(x: string, name?: string): string {
    return this.add('sigmoid', [x], {}, {}, name);
  }
  tanh(x: string, name?: string): string {
    return this.add('tanh', [x], {}, {}, name);
  }
  sum(xs: readonly string[], coefficients?: readonly number[], name?: string): string {
    return this.add('add', xs, coefficients ? { coefficients } : {}, {}, name);
  }
  concat(xs: readonly string[], axis: number, name?: string): string {
    return this.add('concat', xs, { axis }, {}, name);
  }
  reshape(x: string, shape: readonly number[], name?: string): string {
    return this.add('reshape', [x], { shape }, {}, name);
  }
  flatten(x: string, name?: string): string {
    return this.reshape(x, [-1], name);
  }
  transpose(x: string, perm: readonly number[], name?: string): string {
    return this.add('transpose', [x], { perm }, {}, name);
  }
  pad(x: string, pads: readonly (readonly [number, number])[], name?: string): string {
    return this.add('pad', [x], { pads }, {}, name);
  }
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
