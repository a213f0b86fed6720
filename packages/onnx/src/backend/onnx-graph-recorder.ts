import type {
  BinaryKernel,
  Conv2dParams,
  FloatArray,
  KernelInput,
  Kernels,
  MaxPool2dParams,
  Shape,
  UnaryKernel,
  WeightCache,
} from '@biasprop/core';
import { BiaspropError, broadcastShapes } from '@biasprop/core';
import type { ModelProto, NodeProto, TensorProto, ValueInfoProto } from '../proto/onnx-proto.js';
import { TensorDataType } from '../proto/onnx-proto.js';
import {
  maxPool2dBackwardGraph,
  maxPool2dGraph,
  nativeMaxPool2dBackwardGraph,
  nativeMaxPool2dGraph,
  nativeMaxPoolApplies,
} from './max-pool-lowering.js';
import type { OnnxAttrValue } from './onnx-nodes.js';
import {
  LEGACY_WEBGL_OPSET,
  ONNX_IR_VERSION,
  ONNX_OPSET,
  float32Tensor,
  int64Tensor,
  toAttributes,
} from './onnx-nodes.js';

/** A kernel input whose handle is an ONNX value name. */
export type In = KernelInput<string>;

const UNARY_OPS: Record<UnaryKernel, string> = {
  neg: 'Neg',
  abs: 'Abs',
  sign: 'Sign',
  exp: 'Exp',
  log: 'Log',
  sigmoid: 'Sigmoid',
  tanh: 'Tanh',
};

const ARITHMETIC: Partial<Record<BinaryKernel, string>> = {
  add: 'Add',
  sub: 'Sub',
  mul: 'Mul',
  div: 'Div',
  maximum: 'Max',
  minimum: 'Min',
};
const COMPARISONS: Partial<Record<BinaryKernel, string>> = {
  greater: 'Greater',
  greaterEqual: 'GreaterOrEqual',
  less: 'Less',
  lessEqual: 'LessOrEqual',
  equal: 'Equal',
};

/** Fewest output channels for which {@link OnnxGraphRecorder.conv2dTranspose} uses a `Conv`. */
const MIN_CONV_TRANSPOSE_AS_CONV_CHANNELS = 8;

/** The most inputs one variadic node (Concat) gets; larger ones become trees. */
const MAX_NODE_INPUTS = 4;

function shapeKey(shape: Shape): string {
  return shape.join(',');
}

/** Options of {@link OnnxGraphRecorder}. */
export interface OnnxGraphRecorderOptions {
  /**
   * Zero-pad the input channels per group of every `Conv` (input and weight) to a multiple of
   * this (depthwise convs excepted). Works around ONNX Runtime WebGPU's `Conv`, which returns
   * wrong values for some channel counts (e.g. 6 or 9 input channels with a 3×3 kernel). The
   * added channels are zeros, so the result is unchanged.
   */
  readonly convChannelMultiple?: number;
  /**
   * Record max pooling with ONNX Runtime's own operators (`MaxPool`; the selection as flat indices
   * from `SpaceToDepth` + `ArgMax` or `MaxPool`'s `Indices`; a `MaxUnpool` / `ScatterElements`
   * backward: fast) instead of the portable window lowering (default). Only for execution
   * providers whose `MaxPool` keeps the first maximum of a window (the CPU provider).
   */
  readonly nativeMaxPool?: boolean;
  /**
   * Give every `Where` operands of the output's full shape (`Expand`). onnxruntime-web's WebGPU
   * `Where` caches its shader by input ranks only, although the shader differs for broadcast
   * inputs: the first `Where` compiled in the page decides for all later ones with the same
   * ranks, and a broadcasting `Where` served the non-broadcast shader returns wrong values.
   */
  readonly fullShapeWhere?: boolean;
  /**
   * Give a `ConvTranspose` with one output channel per group and several input channels per group
   * (the adjoint of a conv from a one-channel input, or of a depthwise conv with a channel
   * multiplier) a second, all-zero output channel per group, and drop it from the result. ONNX
   * Runtime 1.30's WebGPU `ConvTranspose` returns wrong values for 2 or 4 input channels per group
   * when grouped (onnxruntime-node on SwiftShader's Vulkan), and onnxruntime-web's fails to compile
   * its shader, grouped or not ("cannot assign 'vec2<f32>' to 'f32'").
   */
  readonly widenSingleOutputConvTransposeGroups?: boolean;
  /**
   * Record `maximum`/`minimum` as `Where(a ≥ b, a, b)` / `Where(a ≤ b, a, b)` (exact for the
   * NaN-free values biasprop computes) instead of `Max`/`Min`. onnxruntime-web's WebGPU provider
   * has no `Max`/`Min` kernels, and with them on the CPU fallback a Conv fed by `Min(x, 0)` read
   * the output of the `Max(x, 0)` beside it (the signed BBp rule has both).
   */
  readonly avoidMaxMin?: boolean;
  /**
   * Record only operators onnxruntime-web's legacy WebGL provider implements, at opset 12 (it has
   * no `Where`, `CumSum`, `Expand`, `Sign`, `Max`/`Min`, `GreaterOrEqual`/`LessOrEqual`, and
   * `ReduceSum` only with its `axes` attribute): `Where` becomes the blend `a·m + b·(1 − m)` of
   * the float mask `m` (exact for finite branches; a non-finite constant branch is refused), a
   * cumulative sum a `Gemm` with a triangular 0/1 matrix, a fill an initializer, `sign(x)` the
   * difference of two comparisons, `a ≥ b` the negation of `a < b`. Implies `avoidMaxMin`.
   */
  readonly legacyWebgl?: boolean;
  /**
   * Record the step `[x > 0]` (ReLU masks) as two saturating `HardSigmoid`s,
   * `min(1, 2²² · min(1, 2¹²⁷ · max(x, 0)))`, instead of `Cast(Greater(x, 0))`: exactly 1 for
   * every positive float32 (the smallest subnormal, 2⁻¹⁴⁹, reaches 2⁻²² after the first and 1
   * after the second) and 0 for every other non-NaN value. ONNX Runtime's CPU provider keeps
   * `HardSigmoid` and the `Mul` that applies the mask in its blocked (NCHWc) layout, so a
   * backward pass through conv → ReLU → conv needs no layout conversions between the convs.
   */
  readonly hardSigmoidSteps?: boolean;
  /**
   * With `nativeMaxPool`: take the planes of 2×2 windows of a channel count that is a multiple of
   * 16 with one-hot depthwise `Conv`s instead of `SpaceToDepth` (see `nativeMaxPool2dGraph`);
   * ONNX Runtime's CPU provider keeps these convs in its blocked layout. `1·v + 0·u` is `v`
   * exactly for finite `u`; an infinite `u` makes its window's planes NaN and the selection fall
   * to the last position. So only windows of values known to be ≥ 0 (ReLU outputs) are taken
   * this way: there no −∞ can sit beside a finite maximum, and a +∞ is the window's maximum,
   * which either reaches the logits (`explain` refuses non-finite results) or passes no gradient
   * back, so that the window's selection does not matter.
   */
  readonly convWindowPlanes?: boolean;
}

/** A model constant deduplicated by array identity: one initializer, reshaped views for other shapes. */
interface WeightEntry {
  readonly base: string;
  readonly views: Map<string, string>;
}

/**
 * Records the core {@link Kernels} as an ONNX graph (opset 17). Handles are ONNX value names;
 * `ops.weight` arrays become float32 initializers, one per array object (other shapes of the same
 * array are `Reshape`s of it). Every kernel is expressed with standard ONNX operators whose
 * semantics match the float64 reference kernels:
 *
 * - `divNoNan` is `Where(Equal(b, 0), 0, a / Where(Equal(b, 0), 1, b))` (no NaN on any branch);
 * - comparisons are `Cast`(to float) of the ONNX comparison (`[x > 0]` two saturating
 *   `HardSigmoid`s with `hardSigmoidSteps`); `where` casts its mask to bool;
 * - `conv2dTranspose` is, for stride 1, a `Conv` with the flipped, channel-swapped weight;
 *   otherwise an unpadded `ConvTranspose` cropped (and zero-extended) to the input shape;
 * - `maxPool2d` (portable lowering) extracts windows exactly (strided `Slice`s or a reshape), takes
 *   `ReduceMax` and a first-index one-hot selection with `Equal` + `CumSum`; its backward is the
 *   exact adjoint of the window extraction. With `nativeMaxPool` it uses ONNX Runtime's operators
 *   (see `nativeMaxPool2dGraph`);
 * - `x ⊙ (x > 0)` becomes `Relu(x)`; with `avoidMaxMin`, `maximum`/`minimum` become `Where`s;
 * - `|h|` and `max(h, 0)` of a value known to be ≥ 0 (a ReLU output, reshaped or max-pooled) are
 *   `h` itself;
 * - `maxPool2dBackward(dy) ⊙ [h > 0]` for a max pool of `h` becomes
 *   `maxPool2dBackward(dy ⊙ [y > 0])` with `y` the pool's output (the same values);
 * - `toModel` leaves out the nodes that no graph output depends on.
 *
 * @example
 * ```ts
 * const rec = new OnnxGraphRecorder();
 * const ops = new Ops(rec, rec.weightCache);
 * const x = new Tensor(rec.addInput('x', [1, 4]), [1, 4]);
 * const y = ops.sigmoid(x);
 * rec.addOutput(y.handle as string, 'y', y.shape);
 * const model = rec.toModel('sigmoid');
 * ```
 */
export class OnnxGraphRecorder implements Kernels<string> {
  /** The recorded nodes, in execution order. */
  readonly nodes: NodeProto[] = [];
  /** Constants (weights and small shape tensors), deduplicated. */
  readonly initializers: TensorProto[] = [];
  /** The graph inputs declared so far. */
  readonly inputs: ValueInfoProto[] = [];
  /** The graph outputs declared so far. */
  readonly outputs: ValueInfoProto[] = [];
  /** Shapes of intermediate values ONNX Runtime cannot infer (see {@link declareShape}). */
  private readonly shapes: ValueInfoProto[] = [];
  private counter = 0;
  private readonly weights = new WeakMap<FloatArray, WeightEntry>();
  private readonly floatScalars = new Map<number, string>();
  private readonly scalarValues = new Map<string, number>();
  /** Weight values (initializers and their reshaped views) with their data, for `legacyWebgl`. */
  private readonly constantData = new Map<string, { data: FloatArray; shape: Shape }>();
  private readonly int64Constants = new Map<string, string>();
  /**
   * Constant tensors the recorder makes itself (fills, triangular matrices, transposed weights), by
   * description.
   */
  private readonly fills = new Map<string, string>();
  private weightBytes = 0;
  /** Outputs of the nodes recorded so far, by operator, inputs and attributes. */
  private readonly recorded = new Map<string, string[]>();
  /** Values known to be ≥ 0 (ReLU outputs and what reshapes, crops or pools them). */
  private readonly nonNegative = new Set<string>();
  /** `Cast(Greater(x, 0))` masks: their input, the `Greater` node's index, the `Relu` made. */
  private readonly positiveMasks = new Map<string, { x: string; compare: number; relu?: string }>();
  /** Max pools by their selection handle: the pooled input and output. */
  private readonly maxPools = new Map<string, { x: string; y: string }>();
  /** Max-pool backward outputs: how they were made, to route a masked `dy` instead. */
  private readonly maxPoolBackwards = new Map<
    string,
    { dy: In; argmax: string; p: MaxPool2dParams; out: Shape }
  >();

  constructor(private readonly options: OnnxGraphRecorderOptions = {}) {}

  /** The `WeightCache` to give to `Ops`: same array object → same initializer. */
  readonly weightCache: WeightCache = {
    get: (data, shape) => this.lookupWeight(data, shape),
    set: () => {
      // constant() already registered the initializer under the array's identity.
    },
  };

  /**
   * A value below every input, for padding max-pool windows: −∞, or with `legacyWebgl` the lowest
   * finite float32 (that provider writes the pad value into GLSL source, which has no infinity
   * literal; inputs are finite, so a window's real entries still win).
   */
  get belowEveryInput(): number {
    return this.options.legacyWebgl ? -3.4028234663852886e38 : -Infinity;
  }

  /** Bytes of float32 initializer data recorded so far. */
  get initializerBytes(): number {
    return this.weightBytes;
  }

  /** A fresh value name. */
  fresh(prefix = 'v'): string {
    return `${prefix}${this.counter++}`;
  }

  /**
   * Appends one node and returns its output names (`outputs` of them). A node identical to one
   * recorded before (same operator, inputs and attributes) is not recorded again: its outputs
   * are returned (every operator the recorder uses is deterministic), which keeps graphs small
   * where core asks twice for the same value (ONNX Runtime's per-node cost dominates at batch 1).
   */
  nodeN(
    op: string,
    inputs: readonly string[],
    attrs: Readonly<Record<string, OnnxAttrValue>> = {},
    outputs = 1,
  ): string[] {
    const key = `${op}|${outputs}|${inputs.join(',')}|${JSON.stringify(attrs)}`;
    const seen = this.recorded.get(key);
    if (seen) return seen;
    const names = this.appendNode(op, inputs, attrs, outputs);
    this.recorded.set(key, names);
    return names;
  }

  private appendNode(
    op: string,
    inputs: readonly string[],
    attrs: Readonly<Record<string, OnnxAttrValue>>,
    outputs: number,
  ): string[] {
    const names = Array.from({ length: outputs }, () => this.fresh());
    this.nodes.push({
      op_type: op,
      name: `${op}_${this.nodes.length}`,
      input: [...inputs],
      output: names,
      ...(Object.keys(attrs).length ? { attribute: toAttributes(attrs) } : {}),
    });
    if (op === 'Reshape' && this.options.legacyWebgl) {
      // The legacy WebGL provider's Reshape shares the input's texture under the new shape, and
      // some kernels (Pad) then read it with the wrong layout: copy it (x + 0 = x exactly).
      return [this.node('Add', [names[0]!, this.floatScalar(0)])];
    }
    return names;
  }

  /** Appends one single-output node and returns its output name. */
  node(
    op: string,
    inputs: readonly string[],
    attrs: Readonly<Record<string, OnnxAttrValue>> = {},
  ): string {
    return this.nodeN(op, inputs, attrs, 1)[0]!;
  }

  /** Declares a graph input (float32 unless `elemType` says otherwise); returns its value name. */
  addInput(name: string, shape: Shape, elemType: number = TensorDataType.FLOAT): string {
    this.inputs.push(valueInfo(name, shape, elemType));
    return name;
  }

  /** Exposes `value` as graph output `name` (through an `Identity`, so names never clash). */
  addOutput(
    value: string,
    name: string,
    shape: Shape,
    elemType: number = TensorDataType.FLOAT,
  ): void {
    // The legacy WebGL provider returns wrong data for an output that aliases another value's
    // texture (a Reshape or Identity of it): give it a texture of its own (x + 0 = x exactly).
    if (this.options.legacyWebgl && elemType === TensorDataType.FLOAT)
      this.nodes.push({
        op_type: 'Add',
        name: `out_${name}`,
        input: [value, this.floatScalar(0)],
        output: [name],
      });
    else
      this.nodes.push({ op_type: 'Identity', name: `out_${name}`, input: [value], output: [name] });
    this.outputs.push(valueInfo(name, shape, elemType));
  }

  /**
   * Records the shape of a float value whose shape ONNX Runtime cannot infer (a `MaxUnpool`
   * output, sized by a shape tensor). Its graph optimizations need static shapes: the CPU
   * provider keeps an elementwise `Mul` of two convolution outputs in its blocked layout only
   * when both shapes are known.
   */
  declareShape(value: string, shape: Shape): void {
    this.shapes.push(valueInfo(value, shape, TensorDataType.FLOAT));
  }

  /** A float32 scalar constant (cached by value). */
  floatScalar(value: number): string {
    let name = this.floatScalars.get(value);
    if (!name) {
      name = this.fresh('c');
      this.initializers.push(float32Tensor(name, [value], []));
      this.floatScalars.set(value, name);
      this.scalarValues.set(name, value);
    }
    return name;
  }

  /** An int64 constant (cached by contents): shapes, axes, pads. Rank 1 unless `scalar`. */
  int64s(values: readonly number[], scalar = false): string {
    const key = `${scalar ? 's' : 'v'}${values.join(',')}`;
    let name = this.int64Constants.get(key);
    if (!name) {
      name = this.fresh('i');
      this.initializers.push(int64Tensor(name, values, scalar ? [] : [values.length]));
      this.int64Constants.set(key, name);
    }
    return name;
  }

  /** An int64 constant of any shape (cached by contents and shape). */
  int64Array(values: readonly number[], dims: readonly number[]): string {
    const key = `a${dims.join('x')}:${values.join(',')}`;
    let name = this.int64Constants.get(key);
    if (!name) {
      name = this.fresh('i');
      this.initializers.push(int64Tensor(name, values, dims));
      this.int64Constants.set(key, name);
    }
    return name;
  }

  private lookupWeight(data: FloatArray, shape: Shape): string | undefined {
    const e = this.weights.get(data);
    if (!e) return undefined;
    const key = shapeKey(shape);
    let v = e.views.get(key);
    if (!v) {
      v = this.node('Reshape', [e.base, this.int64s(shape)]);
      e.views.set(key, v);
      this.constantData.set(v, { data, shape });
    }
    return v;
  }

  // ---- Kernels<string> -------------------------------------------------------------------

  constant(data: FloatArray, shape: Shape): string {
    const existing = this.lookupWeight(data, shape);
    if (existing) return existing;
    const name = this.fresh('w');
    this.initializers.push(float32Tensor(name, data, shape));
    this.weightBytes += data.length * 4;
    this.weights.set(data, { base: name, views: new Map([[shapeKey(shape), name]]) });
    this.constantData.set(name, { data, shape });
    return name;
  }

  fill(shape: Shape, value: number): string {
    const scalar = this.floatScalar(value);
    if (shape.length === 0) return scalar;
    const key = `${value}|${shapeKey(shape)}`;
    let name = this.fills.get(key);
    if (!name) {
      if (this.options.legacyWebgl) {
        // No Expand there, and its Tile caches the compiled program by input shape only (not the
        // repeats): the fill is written out as an initializer.
        name = this.fresh('c');
        const size = shape.reduce((a, b) => a * b, 1);
        this.initializers.push(float32Tensor(name, new Float32Array(size).fill(value), shape));
      } else {
        name = this.node('Expand', [scalar, this.int64s(shape)]);
      }
      this.fills.set(key, name);
    }
    return name;
  }

  unary(op: UnaryKernel, x: In): string {
    if (op === 'abs' && this.nonNegative.has(x.handle)) return x.handle;
    if (op === 'sign' && this.options.legacyWebgl) {
      const zero = this.floatScalar(0);
      const above = this.toFloat(this.node('Greater', [x.handle, zero]));
      return this.node('Sub', [above, this.toFloat(this.node('Less', [x.handle, zero]))]);
    }
    const y = this.node(UNARY_OPS[op], [x.handle]);
    if (op === 'abs') this.nonNegative.add(y);
    return y;
  }

  /** `derived`, marked non-negative when `source` is (a layout change or max of it). */
  private keepsSign(source: string, derived: string): string {
    if (this.nonNegative.has(source)) this.nonNegative.add(derived);
    return derived;
  }

  binary(op: BinaryKernel, a: In, b: In, out: Shape): string {
    if (op === 'mul') {
      const relu = this.reluOf(a.handle, b.handle) ?? this.reluOf(b.handle, a.handle);
      if (relu) return relu;
      const routed =
        this.maskedMaxPoolBackward(a.handle, b.handle) ??
        this.maskedMaxPoolBackward(b.handle, a.handle);
      if (routed) return routed;
    }
    // max(h, 0) of a non-negative h (the signed rule's positive part of a ReLU output) is h.
    if (op === 'maximum' && b.handle === this.floatScalars.get(0) && this.nonNegative.has(a.handle))
      return a.handle;
    if (
      (this.options.avoidMaxMin || this.options.legacyWebgl) &&
      (op === 'maximum' || op === 'minimum')
    ) {
      const keepA = this.compare(op === 'maximum' ? 'greaterEqual' : 'lessEqual', a, b);
      return this.whereNode({ handle: keepA, shape: out }, a, b);
    }
    const arith = ARITHMETIC[op];
    if (arith) return this.node(arith, [a.handle, b.handle]);
    if (COMPARISONS[op]) {
      if (op === 'greater' && b.handle === this.floatScalars.get(0)) {
        const { mask, reader } = this.positiveMask(a.handle);
        if (!this.positiveMasks.has(mask)) {
          // The node may have been recorded earlier (identical nodes are recorded once).
          const compare = this.nodes.findIndex((n) => n.output?.[0] === reader);
          this.positiveMasks.set(mask, { x: a.handle, compare });
        }
        return mask;
      }
      return this.toFloat(this.compare(op, a, b));
    }
    if (op === 'notEqual')
      return this.toFloat(this.node('Not', [this.node('Equal', [a.handle, b.handle])]));
    // divNoNan: 0 where b = 0; the divisor is replaced by 1 there so no branch holds NaN or Inf.
    const zero = this.floatScalar(0);
    const isZero = this.node('Equal', [b.handle, zero]);
    if (this.options.legacyWebgl) {
      // b + [b = 0] is b, or 1 where b = 0; the quotient is then zeroed there.
      const m = this.toFloat(isZero);
      const quotient = this.node('Div', [a.handle, this.node('Add', [b.handle, m])]);
      return this.node('Mul', [quotient, this.node('Sub', [this.floatScalar(1), m])]);
    }
    const safe = this.whereNode({ handle: isZero, shape: b.shape }, this.floatIn(1), b);
    const quotient = this.node('Div', [a.handle, safe]);
    return this.whereNode({ handle: isZero, shape: b.shape }, this.floatIn(0), {
      handle: quotient,
      shape: out,
    });
  }

  /**
   * A boolean comparison node (`greaterEqual` as `Not(Less)` and `lessEqual` as `Not(Greater)`
   * with `legacyWebgl`).
   */
  private compare(op: BinaryKernel, a: In, b: In): string {
    const inputs = [a.handle, b.handle];
    if (this.options.legacyWebgl && (op === 'greaterEqual' || op === 'lessEqual'))
      return this.node('Not', [this.node(op === 'greaterEqual' ? 'Less' : 'Greater', inputs)]);
    return this.node(COMPARISONS[op]!, inputs);
  }

  /** A float32 scalar constant as a kernel input. */
  private floatIn(value: number): In {
    return { handle: this.floatScalar(value), shape: [] };
  }

  /**
   * `Where(mask, a, b)` for a boolean mask, with every operand expanded to the output shape if
   * `fullShapeWhere`; the arithmetic blend with `legacyWebgl`.
   */
  private whereNode(mask: In, a: In, b: In): string {
    if (this.options.legacyWebgl) return this.blend(this.toFloat(mask.handle), a, b);
    if (!this.options.fullShapeWhere) return this.node('Where', [mask.handle, a.handle, b.handle]);
    const out = broadcastShapes(broadcastShapes(mask.shape, a.shape)!, b.shape)!;
    const full = (x: In) =>
      shapeKey(x.shape) === shapeKey(out)
        ? x.handle
        : this.node('Expand', [x.handle, this.int64s(out)]);
    return this.node('Where', [full(mask), full(a), full(b)]);
  }

  /**
   * `a·m + b·(1 − m)` for a 0/1 float mask `m`: `Where(m, a, b)` exactly when both branches are
   * finite (`a·1 + b·0 = a`, `a·0 + b·1 = b`). A constant ±∞ or NaN branch would turn into NaN,
   * so it is refused.
   */
  private blend(m: string, a: In, b: In): string {
    for (const branch of [a, b]) {
      const v = this.scalarValues.get(branch.handle);
      if (v !== undefined && !Number.isFinite(v))
        throw new BiaspropError(
          'BACKEND',
          `the legacy WebGL provider has no Where, and its arithmetic replacement cannot select the constant ${v} (used by exact Integrated Gradients); use another execution provider`,
        );
    }
    const zero = (x: In) => this.scalarValues.get(x.handle) === 0;
    const notM = () => this.node('Sub', [this.floatScalar(1), m]);
    if (zero(b)) return this.node('Mul', [a.handle, m]);
    if (zero(a)) return this.node('Mul', [b.handle, notM()]);
    return this.node('Add', [
      this.node('Mul', [a.handle, m]),
      this.node('Mul', [b.handle, notM()]),
    ]);
  }

  /**
   * `x ⊙ (x > 0)`, the way core writes ReLU, recorded as `Relu(x)` the first time it is asked
   * for; the mask's `Greater` is moved onto the `Relu` output (the same mask, as
   * `Relu(x) > 0 ⇔ x > 0`), so a preceding Conv or Gemm feeds only the `Relu` and ONNX Runtime
   * fuses the two. `undefined` when `mask` is not `x`'s positive mask.
   */
  private reluOf(x: string, mask: string): string | undefined {
    const m = this.positiveMasks.get(mask);
    if (!m || m.x !== x) return undefined;
    if (m.relu) return m.relu;
    const relu = this.fresh();
    const compare = this.nodes[m.compare]!;
    this.nodes.splice(m.compare, 0, {
      op_type: 'Relu',
      name: `Relu_of_${compare.name ?? ''}`,
      input: [x],
      output: [relu],
    });
    compare.input = [relu, ...(compare.input ?? []).slice(1)];
    for (const other of this.positiveMasks.values())
      if (other.compare >= m.compare) other.compare++;
    m.relu = relu;
    this.nonNegative.add(relu);
    return relu;
  }

  /**
   * `maxPoolBackward(dy) ⊙ [h > 0]` for a max pool of `h`, recorded as
   * `maxPoolBackward(dy ⊙ [y > 0])` with `y` the pool's output (the ReLU mask of a pooled ReLU
   * output, the usual conv → ReLU → max-pool backward): every input position that receives a
   * value is the selected maximum of the windows that route to it, so `h` there equals those
   * windows' `y`. The same values, with the mask applied to the pooled (smaller) gradient.
   * `undefined` unless `routed` is such a backward output and `mask` is `h`'s positive mask.
   */
  private maskedMaxPoolBackward(routed: string, mask: string): string | undefined {
    const back = this.maxPoolBackwards.get(routed);
    const m = this.positiveMasks.get(mask);
    if (!back || !m) return undefined;
    const pool = this.maxPools.get(back.argmax)!;
    if (pool.x !== m.x && pool.x !== m.relu) return undefined;
    const yMask = this.positiveMask(pool.y).mask;
    const dy = { handle: this.node('Mul', [back.dy.handle, yMask]), shape: back.dy.shape };
    return this.maxPool2dBackward(dy, back.argmax, back.p, back.out);
  }

  /**
   * The float mask `[x > 0]` (see `hardSigmoidSteps`), and the name of the node output that reads
   * `x` (the ReLU rewrite moves that node onto the `Relu`).
   */
  private positiveMask(x: string): { mask: string; reader: string } {
    if (!this.options.hardSigmoidSteps) {
      const reader = this.node('Greater', [x, this.floatScalar(0)]);
      return { mask: this.toFloat(reader), reader };
    }
    const saturate = (v: string, alpha: number) =>
      this.node('HardSigmoid', [v], { alpha: { float: alpha }, beta: { float: 0 } });
    const reader = saturate(x, 2 ** 127);
    return { mask: saturate(reader, 2 ** 22), reader };
  }

  /** `Cast` to float32 (comparisons return 1/0). */
  toFloat(value: string): string {
    return this.node('Cast', [value], { to: TensorDataType.FLOAT });
  }

  where(cond: In, a: In, b: In): string {
    if (this.options.legacyWebgl) {
      const m = this.toFloat(
        this.node('Not', [this.node('Equal', [cond.handle, this.floatScalar(0)])]),
      );
      return this.blend(m, a, b);
    }
    const mask = this.node('Cast', [cond.handle], { to: TensorDataType.BOOL });
    return this.whereNode({ handle: mask, shape: cond.shape }, a, b);
  }

  reduce(op: 'sum' | 'max', x: In, axes: readonly number[], keepDims: boolean): string {
    const keepdims = keepDims ? 1 : 0;
    if (op === 'sum') {
      if (this.options.legacyWebgl) return this.node('ReduceSum', [x.handle], { axes, keepdims });
      return this.node('ReduceSum', [x.handle, this.int64s(axes)], { keepdims });
    }
    return this.node('ReduceMax', [x.handle], { axes, keepdims });
  }

  cumsum(x: In, axis: number): string {
    return this.cumsumNode(x, axis, false);
  }

  /**
   * Cumulative sum along `axis` (exclusive: of the earlier entries only). With `legacyWebgl`, the
   * axis is moved last and the rows multiplied by the triangular 0/1 matrix `T[i, j] = [i ≤ j]`
   * (`[i < j]` exclusive) in one `Gemm`: exact for the 0/1 masks max pooling sums.
   */
  cumsumNode(x: In, axis: number, exclusive: boolean): string {
    const rank = x.shape.length;
    const a = axis < 0 ? axis + rank : axis;
    if (!this.options.legacyWebgl)
      return this.node(
        'CumSum',
        [x.handle, this.int64s([a], true)],
        exclusive ? { exclusive: 1 } : {},
      );
    const n = x.shape[a]!;
    const perm = [...Array.from({ length: rank }, (_, i) => i).filter((i) => i !== a), a];
    const moved = a === rank - 1 ? x.handle : this.node('Transpose', [x.handle], { perm });
    const movedShape = perm.map((i) => x.shape[i]!);
    const rows = this.node('Reshape', [moved, this.int64s([-1, n])]);
    const triangle = this.triangle(n, exclusive);
    const summed = this.node('Reshape', [this.gemm(rows, triangle, n), this.int64s(movedShape)]);
    if (a === rank - 1) return summed;
    const inverse = perm.map((_, i) => perm.indexOf(i));
    return this.node('Transpose', [summed], { perm: inverse });
  }

  /** The `n × n` 0/1 matrix `[i ≤ j]` (`[i < j]` when `exclusive`), one initializer per kind. */
  private triangle(n: number, exclusive: boolean): string {
    const key = `triangle|${n}|${exclusive}`;
    let name = this.fills.get(key);
    if (!name) {
      const values = Array.from({ length: n * n }, (_, k) => {
        const [i, j] = [Math.floor(k / n), k % n];
        return exclusive ? Number(i < j) : Number(i <= j);
      });
      name = this.fresh('w');
      this.initializers.push(float32Tensor(name, values, [n, n]));
      this.fills.set(key, name);
    }
    return name;
  }

  matMul(a: In, b: In, transA: boolean, transB: boolean): string {
    const columns = transB ? b.shape[0]! : b.shape[1]!;
    if (this.options.legacyWebgl) {
      // That provider caches a compiled Gemm shader by its inputs' shapes alone, not by
      // `transA`/`transB` (which the shader text depends on): a second Gemm with the same shapes
      // and other flags, as a square dense layer's forward and backward are, silently runs the
      // first one's shader. So it only ever gets plain Gemms of explicitly transposed operands.
      return this.gemm(
        transA ? this.transposedMatrix(a) : a.handle,
        transB ? this.transposedMatrix(b) : b.handle,
        columns,
      );
    }
    return this.gemm(a.handle, b.handle, columns, {
      transA: transA ? 1 : 0,
      transB: transB ? 1 : 0,
    });
  }

  /**
   * `xᵀ` of a matrix for the legacy WebGL provider: a transposed initializer of its own for a
   * model constant (one per constant), else a `Transpose` node.
   */
  private transposedMatrix(x: In): string {
    const known = this.constantData.get(x.handle);
    if (!known) return this.node('Transpose', [x.handle], { perm: [1, 0] });
    const key = `transposed|${x.handle}`;
    let name = this.fills.get(key);
    if (!name) {
      const [rows, cols] = x.shape as [number, number];
      const t = new Float32Array(rows * cols);
      for (let i = 0; i < rows; i++)
        for (let j = 0; j < cols; j++) t[j * rows + i] = known.data[i * cols + j]!;
      name = this.fresh('w');
      this.initializers.push(float32Tensor(name, t, [cols, rows]));
      this.weightBytes += t.length * 4;
      this.constantData.set(name, { data: t, shape: [cols, rows] });
      this.fills.set(key, name);
    }
    return name;
  }

  /**
   * A `Gemm` with `columns` output columns. With `legacyWebgl` it gets a zero `C`: that provider's
   * shader for a `C`-less Gemm still looks up its `beta` uniform, which the GLSL compiler removed
   * as unused, and fails ("Uniform beta not found").
   */
  private gemm(
    a: string,
    b: string,
    columns: number,
    attrs: Readonly<Record<string, OnnxAttrValue>> = {},
  ): string {
    if (!this.options.legacyWebgl) return this.node('Gemm', [a, b], attrs);
    return this.node('Gemm', [a, b, this.fill([columns], 0)], attrs);
  }

  conv2d(x: In, w: In, p: Conv2dParams): string {
    const [xv, wv] = this.padConvChannels(
      x,
      this.options.legacyWebgl ? this.privateConvWeight(w) : w,
      p.groups,
    );
    const y = this.node('Conv', [xv, wv], {
      kernel_shape: w.shape.slice(2),
      strides: p.strides,
      pads: p.pads,
      dilations: p.dilations,
      group: p.groups,
    });
    return this.options.legacyWebgl ? this.node('Add', [y, this.floatScalar(0)]) : y;
  }

  /**
   * A `Conv` weight for the legacy WebGL provider: an initializer of its own. That provider's
   * `Conv` computes wrong values from a computed weight, and re-lays its weight's texture out in
   * place, so a `ConvTranspose` or elementwise kernel reading the same weight later fails to
   * compile or reads wrong values.
   */
  private privateConvWeight(w: In): In {
    const known = this.constantData.get(w.handle);
    if (!known) {
      // A graph input is used as it is (correct when only this Conv reads it).
      if (this.inputs.some((i) => i.name === w.handle)) return w;
      throw new BiaspropError(
        'BACKEND',
        `the legacy WebGL provider needs Conv weights to be model constants; '${w.handle}' is computed`,
      );
    }
    const name = this.fresh('w');
    this.initializers.push(float32Tensor(name, known.data, w.shape));
    this.weightBytes += known.data.length * 4;
    return { handle: name, shape: w.shape };
  }

  /** Input and weight of a `Conv` with the channels per group padded (see the recorder options). */
  private padConvChannels(x: In, w: In, groups: number): [string, string] {
    const m = this.options.convChannelMultiple ?? 1;
    const cg = w.shape[1]!;
    if (m <= 1 || cg === 1 || cg % m === 0) return [x.handle, w.handle];
    const extra = m - (cg % m);
    const [n, c, h, wd] = x.shape as [number, number, number, number];
    let xv = x.handle;
    if (groups === 1) {
      xv = this.node('Pad', [xv, this.int64s([0, 0, 0, 0, 0, extra, 0, 0])]);
    } else {
      xv = this.node('Reshape', [xv, this.int64s([n, groups, cg, h, wd])]);
      xv = this.node('Pad', [xv, this.int64s([0, 0, 0, 0, 0, 0, 0, extra, 0, 0])]);
      xv = this.node('Reshape', [xv, this.int64s([n, c + groups * extra, h, wd])]);
    }
    const wv = this.node('Pad', [w.handle, this.int64s([0, 0, 0, 0, 0, extra, 0, 0])]);
    return [xv, wv];
  }

  conv2dTranspose(dy: In, w: In, p: Conv2dParams, out: Shape): string {
    // Few output channels (the input image's): ONNX Runtime's blocked Conv would pad them to a
    // whole block and do several times the work, and ConvTranspose is faster there.
    const channels = out[1]!;
    if (
      p.strides[0] === 1 &&
      p.strides[1] === 1 &&
      channels >= MIN_CONV_TRANSPOSE_AS_CONV_CHANNELS &&
      // The legacy WebGL provider folds no constants (and has no reversing Slice).
      !this.options.legacyWebgl
    ) {
      const viaConv = this.stridelessConvTranspose(dy, w, p, out);
      if (viaConv) return viaConv;
    }
    // An unpadded ConvTranspose gives the full adjoint of the conv over the padded input; the
    // input's rows are [pt, pt + H) of it (zero where the conv never read, past its end).
    const fullShape = [0, 1].map(
      (i) => p.strides[i]! * (dy.shape[2 + i]! - 1) + p.dilations[i]! * (w.shape[2 + i]! - 1) + 1,
    );
    const widen =
      this.options.widenSingleOutputConvTransposeGroups === true &&
      w.shape[1] === 1 &&
      w.shape[0]! > p.groups;
    let full = this.node(
      'ConvTranspose',
      [
        dy.handle,
        widen ? this.node('Pad', [w.handle, this.int64s([0, 0, 0, 0, 0, 1, 0, 0])]) : w.handle,
      ],
      {
        kernel_shape: w.shape.slice(2),
        strides: p.strides,
        dilations: p.dilations,
        group: p.groups,
      },
    );
    if (widen) {
      // [N, 2g, H, W] with the zero channels at odd positions: keep the even ones.
      const [n, g, h, wd] = [dy.shape[0]!, p.groups, fullShape[0]!, fullShape[1]!];
      full = this.node('Reshape', [full, this.int64s([n, g, 2, h, wd])]);
      full = this.node('Slice', [full, this.int64s([0]), this.int64s([1]), this.int64s([2])]);
      full = this.node('Reshape', [full, this.int64s([n, g, h, wd])]);
    }
    return this.cropAndExtend(full, fullShape, [p.pads[0], p.pads[1]], [out[2]!, out[3]!]);
  }

  /**
   * The adjoint of a stride-1 conv as a `Conv` (which ONNX Runtime runs far faster than
   * `ConvTranspose`, in its blocked layout): the correlation of `dy`, padded by the kernel
   * extent minus the forward padding, with the weight's in/out channels swapped per group and
   * its taps reversed. The weight transform is on constants, so ONNX Runtime folds it when the
   * session is created. `undefined` when a pad would be negative (forward padding wider than
   * the kernel extent).
   */
  private stridelessConvTranspose(dy: In, w: In, p: Conv2dParams, out: Shape): string | undefined {
    const [cout, cinPerGroup, kh, kw] = w.shape as [number, number, number, number];
    const g = p.groups;
    const coutPerGroup = cout / g;
    const extent = [(kh - 1) * p.dilations[0] + 1, (kw - 1) * p.dilations[1] + 1];
    const before = [extent[0]! - 1 - p.pads[0], extent[1]! - 1 - p.pads[1]];
    const after = [0, 1].map((i) => out[2 + i]! - dy.shape[2 + i]! + p.pads[i]!);
    if ([...before, ...after].some((v) => v < 0)) return undefined;
    let wt = w.handle;
    if (cinPerGroup > 1 || coutPerGroup > 1) {
      wt = this.node('Reshape', [wt, this.int64s([g, coutPerGroup, cinPerGroup, kh, kw])]);
      wt = this.node('Transpose', [wt], { perm: [0, 2, 1, 3, 4] });
      wt = this.node('Reshape', [wt, this.int64s([g * cinPerGroup, coutPerGroup, kh, kw])]);
    }
    if (kh > 1 || kw > 1) {
      wt = this.node('Slice', [
        wt,
        this.int64s([-1, -1]),
        this.int64s([-(kh + 1), -(kw + 1)]),
        this.int64s([2, 3]),
        this.int64s([-1, -1]),
      ]);
    }
    return this.conv2d(
      dy,
      { handle: wt, shape: [g * cinPerGroup, coutPerGroup, kh, kw] },
      {
        strides: [1, 1],
        pads: [before[0]!, before[1]!, after[0]!, after[1]!],
        dilations: p.dilations,
        groups: g,
      },
    );
  }

  /**
   * `count` rows/cols of the last two axes of a `[N, C, H, W]` value `shape`, starting at `start`,
   * every `step`-th: a strided `Slice`. The legacy WebGL provider's `Slice` has no steps, so there
   * the value is zero-extended to whole steps, cut, viewed as `[N, C, count₀, step₀, count₁,
   * step₁]` and the first of each step taken (a copy; no arithmetic on the values).
   */
  stridedSlice2d(
    value: string,
    shape: readonly number[],
    start: readonly [number, number],
    count: readonly [number, number],
    step: readonly [number, number],
  ): string {
    const [n, c] = shape as [number, number];
    const end = [0, 1].map((i) => start[i]! + (count[i]! - 1) * step[i]! + 1);
    if (!this.options.legacyWebgl || (step[0] === 1 && step[1] === 1))
      return this.node('Slice', [
        value,
        this.int64s(start),
        this.int64s(end),
        this.int64s([2, 3]),
        this.int64s(step),
      ]);
    const whole = [0, 1].map((i) => start[i]! + count[i]! * step[i]!);
    const over = [0, 1].map((i) => Math.max(0, whole[i]! - shape[2 + i]!));
    let v = value;
    if (over[0]! > 0 || over[1]! > 0)
      v = this.node('Pad', [v, this.int64s([0, 0, 0, 0, 0, 0, over[0]!, over[1]!])]);
    v = this.node('Slice', [v, this.int64s(start), this.int64s(whole), this.int64s([2, 3])]);
    v = this.node('Reshape', [v, this.int64s([n, c, count[0], step[0], count[1], step[1]])]);
    v = this.node('Slice', [v, this.int64s([0, 0]), this.int64s([1, 1]), this.int64s([3, 5])]);
    return this.node('Reshape', [v, this.int64s([n, c, count[0], count[1]])]);
  }

  /**
   * Takes rows/cols `[begin, begin + size)` of the last two axes of a tensor whose last two axes
   * are `have`, zero-extending past the end. `begin` may be negative (zeros before).
   */
  cropAndExtend(
    value: string,
    have: readonly number[],
    begin: readonly number[],
    size: readonly number[],
  ): string {
    const starts = begin.map((b) => Math.max(0, b));
    const ends = begin.map((b, i) => Math.min(have[i]!, b + size[i]!));
    let v = value;
    if (starts.some((s) => s > 0) || ends.some((e, i) => e < have[i]!)) {
      v = this.node('Slice', [v, this.int64s(starts), this.int64s(ends), this.int64s([2, 3])]);
    }
    const before = begin.map((b) => Math.max(0, -b));
    const after = size.map((s, i) => s - before[i]! - (ends[i]! - starts[i]!));
    if (before.some((b) => b > 0) || after.some((a) => a > 0)) {
      v = this.node('Pad', [
        v,
        this.int64s([0, 0, before[0]!, before[1]!, 0, 0, after[0]!, after[1]!]),
      ]);
    }
    return v;
  }

  maxPool2d(
    x: In,
    p: MaxPool2dParams,
    out: Shape,
  ): {
    /** The pooled values. */
    y: string;
    /** The first-index one-hot window selection, for the backward pass. */
    argmax: string;
  } {
    const pooled = this.usesNativeMaxPool(p)
      ? nativeMaxPool2dGraph(this, x, p, out, {
          // Only for inputs known to be ≥ 0 (ReLU outputs), where no −∞ can hide in a window
          // (see OnnxGraphRecorderOptions.convWindowPlanes).
          convWindowPlanes:
            this.options.convWindowPlanes === true && this.nonNegative.has(x.handle),
        })
      : maxPool2dGraph(this, x, p, out);
    this.keepsSign(x.handle, pooled.y);
    this.maxPools.set(pooled.argmax, { x: x.handle, y: pooled.y });
    return pooled;
  }

  maxPool2dBackward(dy: In, argmax: string, p: MaxPool2dParams, out: Shape): string {
    const dx = this.usesNativeMaxPool(p)
      ? nativeMaxPool2dBackwardGraph(this, dy, argmax, p, out)
      : maxPool2dBackwardGraph(this, dy, argmax, p, out);
    if (this.maxPools.has(argmax)) this.maxPoolBackwards.set(dx, { dy, argmax, p, out });
    return dx;
  }

  private usesNativeMaxPool(p: MaxPool2dParams): boolean {
    return this.options.nativeMaxPool === true && nativeMaxPoolApplies(p);
  }

  reshape(x: In, out: Shape): string {
    if (shapeKey(x.shape) === shapeKey(out)) return x.handle;
    return this.keepsSign(x.handle, this.node('Reshape', [x.handle, this.int64s(out)]));
  }

  transpose(x: In, perm: readonly number[]): string {
    return this.keepsSign(x.handle, this.node('Transpose', [x.handle], { perm }));
  }

  concat(xs: readonly In[], axis: number): string {
    return this.concatValues(
      xs.map((x) => x.handle),
      axis,
    );
  }

  /**
   * `Concat` of many values as a tree of Concats with at most `MAX_NODE_INPUTS` (4) inputs each
   * (onnxruntime-web's WebGPU kernels bind one storage buffer per input, and WebGPU guarantees
   * only 8 per shader stage).
   */
  concatValues(values: readonly string[], axis: number): string {
    let level = [...values];
    while (level.length > 1) {
      const next: string[] = [];
      for (let i = 0; i < level.length; i += MAX_NODE_INPUTS) {
        const group = level.slice(i, i + MAX_NODE_INPUTS);
        next.push(group.length === 1 ? group[0]! : this.node('Concat', group, { axis }));
      }
      level = next;
    }
    return level[0]!;
  }

  /** Elementwise sum of many values as a balanced tree of `Add`s. */
  sumValues(values: readonly string[]): string {
    let level = [...values];
    while (level.length > 1) {
      const next: string[] = [];
      for (let i = 0; i < level.length; i += 2)
        next.push(i + 1 < level.length ? this.node('Add', [level[i]!, level[i + 1]!]) : level[i]!);
      level = next;
    }
    return level[0]!;
  }

  slice(x: In, begin: readonly number[], size: readonly number[]): string {
    const axes = begin.map((_, i) => i);
    return this.node('Slice', [
      x.handle,
      this.int64s(begin),
      this.int64s(begin.map((b, i) => b + size[i]!)),
      this.int64s(axes),
    ]);
  }

  pad(x: In, pads: readonly (readonly [number, number])[]): string {
    if (pads.every(([a, b]) => a === 0 && b === 0)) return x.handle;
    return this.node('Pad', [
      x.handle,
      this.int64s([...pads.map((p) => p[0]), ...pads.map((p) => p[1])]),
    ]);
  }

  // ---- model -----------------------------------------------------------------------------

  /**
   * The recorded nodes that some graph output depends on, in order. ONNX Runtime runs every node
   * of a graph, used or not, and core asks for values a program may end up not using (the
   * selections and masks of a forward pass whose backward pass is not part of the program).
   */
  private liveNodes(): NodeProto[] {
    const needed = new Set(this.outputs.map((o) => o.name));
    const live: NodeProto[] = [];
    for (let i = this.nodes.length - 1; i >= 0; i--) {
      const n = this.nodes[i]!;
      if (!(n.output ?? []).some((o) => needed.has(o))) continue;
      live.push(n);
      for (const input of n.input ?? []) if (input) needed.add(input);
    }
    return live.reverse();
  }

  /** The recorded graph as an ONNX model (opset 17), without nodes no output depends on. */
  toModel(name: string, docString = ''): ModelProto {
    const node = this.liveNodes();
    const used = new Set(node.flatMap((n) => n.input ?? []));
    return {
      ir_version: ONNX_IR_VERSION,
      opset_import: [
        { domain: '', version: this.options.legacyWebgl ? LEGACY_WEBGL_OPSET : ONNX_OPSET },
      ],
      producer_name: 'biasprop',
      producer_version: '0.0.0',
      ...(docString ? { doc_string: docString } : {}),
      graph: {
        name,
        node,
        initializer: this.initializers.filter((t) => used.has(t.name ?? '')),
        input: this.inputs,
        output: this.outputs,
        value_info: this.shapes.filter((v) => used.has(v.name ?? '')),
      },
    };
  }
}

function valueInfo(name: string, shape: Shape, elemType: number): ValueInfoProto {
  return {
    name,
    type: {
      tensor_type: { elem_type: elemType, shape: { dim: shape.map((d) => ({ dim_value: d })) } },
    },
  };
}
