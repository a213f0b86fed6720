import type { IRGraph, ParamTensor } from '@biasprop/core';
import { BiaspropError, prepareGraph, UnsupportedOpError } from '@biasprop/core';
import type { GraphModel } from '@tensorflow/tfjs-converter';
import type * as tf from '@tensorflow/tfjs-core';
import type { Layout, Value } from './ir-emitter.js';
import { IrEmitter, irAxisOf, modelShapeOf } from './ir-emitter.js';
import { depthwiseToOihw, hwioToOihw } from './filter-layout.js';
import type { ImportOptions } from './layers-model.js';
import { samePads } from './same-padding.js';
import type { TfNode } from './tf-node-attrs.js';
import { TfAttrs, inputNodeName } from './tf-node-attrs.js';

/** What {@link fromGraphModel} reads from a tfjs `GraphModel`, or from a graph `model.json` and its weights. */
export interface GraphModelSource {
  /** `modelTopology.node`. */
  readonly nodes: readonly TfNode[];
  /** Constant tensors by node name. */
  readonly weights: Readonly<Record<string, tf.Tensor | readonly tf.Tensor[]>>;
  /** Names of the model's input nodes. */
  readonly inputNodes: readonly string[];
  /** Names of the model's output nodes. */
  readonly outputNodes: readonly string[];
}

/** A constant operand: the file's values and TensorFlow shape (batch axis included where it has one). */
interface Const {
  readonly data: Float32Array | Int32Array;
  readonly shape: number[];
}

/** The GraphModel ops the importer maps. */
export const SUPPORTED_GRAPH_OPS = new Set([
  'Placeholder',
  'Const',
  'Identity',
  'StopGradient',
  'Conv2D',
  '_FusedConv2D',
  'DepthwiseConv2dNative',
  'FusedDepthwiseConv2dNative',
  'MatMul',
  '_FusedMatMul',
  'BiasAdd',
  'Add',
  'AddV2',
  'Sub',
  'Mul',
  'RealDiv',
  'Relu',
  'Relu6',
  'LeakyRelu',
  'Prelu',
  'Elu',
  'Sigmoid',
  'Tanh',
  'Softplus',
  'MaxPool',
  'AvgPool',
  'Mean',
  'Max',
  'Reshape',
  'Squeeze',
  'ExpandDims',
  'Pad',
  'PadV2',
  'ConcatV2',
  'FusedBatchNorm',
  'FusedBatchNormV3',
  'Softmax',
]);

const ALIASES = new Set(['Identity', 'StopGradient']);

function asFloat(c: Const): Float32Array {
  return c.data instanceof Float32Array ? c.data : Float32Array.from(c.data);
}

/** Maps one TensorFlow graph onto the IR. */
class GraphConverter {
  private readonly byName = new Map<string, TfNode>();
  private readonly values = new Map<string, Value>();
  private readonly e: IrEmitter;

  constructor(
    private readonly src: GraphModelSource,
    private readonly model: string,
  ) {
    for (const n of src.nodes) this.byName.set(n.name, n);
    if (src.inputNodes.length !== 1)
      throw new BiaspropError(
        'INVALID_GRAPH',
        `model '${model}' has ${src.inputNodes.length} inputs; biasprop explains single-input models`,
      );
    if (src.outputNodes.length !== 1)
      throw new BiaspropError(
        'INVALID_GRAPH',
        `model '${model}' has ${src.outputNodes.length} outputs; biasprop explains one`,
      );
    const input = this.node(inputNodeName(src.inputNodes[0]!)!, src.inputNodes[0]!);
    const shape = new TfAttrs(input).shape('shape');
    if (!shape || shape.length < 2 || !shape.slice(1).every((d) => d > 0)) {
      throw new BiaspropError(
        'INVALID_GRAPH',
        `model '${model}': input '${input.name}' needs a static shape, got [${(shape ?? []).join(', ')}]`,
      );
    }
    this.e = new IrEmitter(model, input.name, shape.slice(1));
    this.values.set(input.name, this.e.input);
  }

  private node(name: string, who: string): TfNode {
    const n = this.byName.get(name);
    if (!n)
      throw new BiaspropError(
        'INVALID_GRAPH',
        `model '${this.model}': node '${who}' refers to missing node '${name}'`,
      );
    return n;
  }

  private fail(n: TfNode, detail: string): never {
    throw new UnsupportedOpError(n.op, n.name, this.model, detail);
  }

  /** Reachable nodes from the output in topological order; checks every op before mapping any. */
  private order(): TfNode[] {
    const out: TfNode[] = [];
    const seen = new Set<string>();
    const visit = (name: string, from: string) => {
      if (seen.has(name)) return;
      seen.add(name);
      const n = this.node(name, from);
      for (const ref of n.input ?? []) {
        const i = inputNodeName(ref);
        if (i) visit(i, n.name);
      }
      out.push(n);
    };
    visit(inputNodeName(this.src.outputNodes[0]!)!, 'output');
    for (const n of out)
      if (!SUPPORTED_GRAPH_OPS.has(n.op)) throw new UnsupportedOpError(n.op, n.name, this.model);
    return out;
  }

  private inputs(n: TfNode): string[] {
    return (n.input ?? []).map(inputNodeName).filter((i): i is string => i !== null);
  }

  private constOf(name: string): Const | undefined {
    let n = this.byName.get(name);
    while (n && ALIASES.has(n.op)) n = this.byName.get(this.inputs(n)[0]!);
    if (!n || n.op !== 'Const') return undefined;
    const w = this.src.weights[n.name];
    const t = Array.isArray(w) ? (w as tf.Tensor[])[0] : (w as tf.Tensor | undefined);
    if (!t)
      throw new BiaspropError(
        'INVALID_GRAPH',
        `model '${this.model}': constant '${n.name}' has no weight data`,
      );
    const data = t.dataSync();
    return {
      data:
        data instanceof Int32Array ? data.slice() : Float32Array.from(data as ArrayLike<number>),
      shape: [...t.shape],
    };
  }

  private requireConst(n: TfNode, k: number): Const {
    const name = this.inputs(n)[k];
    const c = name === undefined ? undefined : this.constOf(name);
    return c ?? this.fail(n, `input ${k} must be a constant`);
  }

  private value(n: TfNode, k: number): Value {
    const name = this.inputs(n)[k];
    const v = name === undefined ? undefined : this.values.get(name);
    return v ?? this.fail(n, `input ${k} ('${name ?? ''}') must be computed from the model input`);
  }

  /** A constant broadcast against `v` as a per-example param in `v`'s IR layout. */
  private elementwiseParam(n: TfNode, c: Const, v: Value): ParamTensor {
    const rank = v.shape.length;
    let shape = [...c.shape];
    while (shape.length > rank) {
      if (shape[0] !== 1)
        this.fail(n, `constant of shape [${c.shape.join(', ')}] varies along the batch axis`);
      shape = shape.slice(1);
    }
    const data = asFloat(c);
    if (v.layout === 'chw' && shape.length > 0) {
      while (shape.length < 3) shape = [1, ...shape];
      const [h, w, ch] = shape as [number, number, number];
      const out = new Float32Array(data.length);
      for (let i = 0; i < h; i++)
        for (let j = 0; j < w; j++)
          for (let k = 0; k < ch; k++) out[(k * h + i) * w + j] = data[(i * w + j) * ch + k]!;
      return { data: out, shape: [ch, h, w] };
    }
    return { data, shape: shape.length === 0 ? [1] : shape };
  }

  private nhwc(n: TfNode, a: TfAttrs): void {
    const f = a.string('data_format', 'NHWC');
    if (f !== 'NHWC') this.fail(n, `data_format '${f}' (only NHWC)`);
  }

  private windowPads(
    n: TfNode,
    a: TfAttrs,
    v: Value,
    kernel: number[],
    strides: number[],
    dilations: number[],
  ): [number, number, number, number] {
    const padding = a.string('padding', 'VALID');
    if (padding === 'VALID') return [0, 0, 0, 0];
    if (padding === 'SAME') return samePads([v.shape[1]!, v.shape[2]!], kernel, strides, dilations);
    if (padding === 'EXPLICIT') {
      const p = a.ints('explicit_paddings');
      return [p[2]!, p[4]!, p[3]!, p[5]!];
    }
    return this.fail(n, `padding '${padding}'`);
  }

  private image(n: TfNode, v: Value): Value {
    if (v.shape.length !== 3)
      this.fail(
        n,
        `needs an NHWC image input, got per-example shape [${modelShapeOf(v).join(', ')}]`,
      );
    return this.e.asChw(v);
  }

  /** Emits the activation of a fused op or an activation op; `alpha` supplies PReLU slopes. */
  private activation(
    n: TfNode,
    op: string,
    v: Value,
    a: TfAttrs,
    alpha: Const | undefined,
    name: string,
  ): Value {
    const e = this.e;
    switch (op) {
      case 'Relu':
        return e.emit('relu', [v], {}, {}, v.layout, name, n.op);
      case 'Relu6':
        return e.emit('clip', [v], { min: 0, max: 6 }, {}, v.layout, name, n.op);
      case 'LeakyRelu':
        return e.emit(
          'leakyRelu',
          [v],
          { alpha: a.float(a.has('leakyrelu_alpha') ? 'leakyrelu_alpha' : 'alpha', 0.2) },
          {},
          v.layout,
          name,
          n.op,
        );
      case 'Prelu':
        return e.emit(
          'prelu',
          [v],
          {},
          { slope: this.elementwiseParam(n, alpha ?? this.fail(n, 'Prelu needs its slopes'), v) },
          v.layout,
          name,
          n.op,
        );
      case 'Elu':
        return e.emit('elu', [v], { alpha: 1 }, {}, v.layout, name, n.op);
      case 'Sigmoid':
        return e.emit('sigmoid', [v], {}, {}, v.layout, name, n.op);
      case 'Tanh':
        return e.emit('tanh', [v], {}, {}, v.layout, name, n.op);
      case 'Softplus':
        return e.emit('softplus', [v], {}, {}, v.layout, name, n.op);
      default:
        return this.fail(n, `fused activation '${op}'`);
    }
  }

  /** The fused FusedBatchNorm and activation of `_Fused*` ops, after the linear part `y`. */
  private fused(n: TfNode, a: TfAttrs, y: Value, firstArg: number): Value {
    const ops = a.strings('fused_ops');
    let out = y;
    let arg = firstArg;
    let k = 0;
    if (ops[0] === 'BiasAdd') {
      // The bias itself went into the conv/dense node.
      arg++;
      k++;
    } else if (ops[0] === 'FusedBatchNorm') {
      out = this.batchNorm(
        n,
        out,
        [arg, arg + 1, arg + 2, arg + 3],
        a.float('epsilon', 1e-3),
        `${n.name}/bn`,
      );
      arg += 4;
      k++;
    }
    if (k < ops.length) {
      const act = ops[k]!;
      const alpha = act === 'Prelu' ? this.requireConst(n, arg) : undefined;
      out = this.activation(n, act, out, a, alpha, `${n.name}/${act.toLowerCase()}`);
      k++;
    }
    if (k < ops.length) this.fail(n, `fused ops [${ops.join(', ')}]`);
    return out;
  }

  private batchNorm(n: TfNode, x: Value, args: number[], eps: number, name: string): Value {
    const [scale, offset, mean, variance] = args.map((i) => asFloat(this.requireConst(n, i))) as [
      Float32Array,
      Float32Array,
      Float32Array,
      Float32Array,
    ];
    const c = mean.length;
    const s = new Float64Array(c);
    const t = new Float64Array(c);
    for (let i = 0; i < c; i++) {
      s[i] = scale[i]! / Math.sqrt(variance[i]! + eps);
      t[i] = offset[i]! - mean[i]! * s[i]!;
    }
    return this.e.emit(
      'batchNorm',
      [x],
      { axis: irAxisOf(x, -1) },
      { scale: { data: s, shape: [c] }, shift: { data: t, shape: [c] } },
      x.layout,
      name,
      n.op,
    );
  }

  private convert(n: TfNode): Value | null {
    const e = this.e;
    const a = new TfAttrs(n);
    const ins = this.inputs(n);
    switch (n.op) {
      case 'Placeholder':
      case 'Const':
        return null;
      case 'Identity':
      case 'StopGradient':
        return this.values.get(ins[0]!) ?? null;
      case 'Conv2D':
      case '_FusedConv2D':
      case 'DepthwiseConv2dNative':
      case 'FusedDepthwiseConv2dNative': {
        this.nhwc(n, a);
        const x = this.image(n, this.value(n, 0));
        const filter = this.requireConst(n, 1);
        const strides = a.ints('strides', [1, 1, 1, 1]).slice(1, 3);
        const dilations = a.ints('dilations', [1, 1, 1, 1]).slice(1, 3);
        const kernel = filter.shape.slice(0, 2);
        const pads = this.windowPads(n, a, x, kernel, strides, dilations);
        const depthwise = n.op.includes('Depthwise');
        const weight = depthwise
          ? depthwiseToOihw(asFloat(filter), filter.shape)
          : hwioToOihw(asFloat(filter), filter.shape);
        const params: Record<string, ParamTensor> = { weight };
        const fusedOps = a.strings('fused_ops');
        // The bias of a fused BiasAdd belongs to the conv node itself.
        if (fusedOps[0] === 'BiasAdd') {
          const b = this.requireConst(n, 2);
          params.bias = { data: asFloat(b), shape: [b.data.length] };
        }
        const attrs = { strides, dilations, pads, groups: depthwise ? filter.shape[2]! : 1 };
        const convName = fusedOps.length ? `${n.name}/conv` : n.name;
        const y = e.emit('conv2d', [x], attrs, params, 'chw', convName, n.op);
        if (!fusedOps.length) return y;
        return this.fused(n, a, y, 2);
      }
      case 'MatMul':
      case '_FusedMatMul': {
        if (a.bool('transpose_a', false)) this.fail(n, 'transpose_a');
        const x = e.asModel(this.value(n, 0));
        if (x.shape.length !== 1)
          this.fail(
            n,
            `needs a [batch, features] input, got per-example shape [${x.shape.join(', ')}]`,
          );
        const b = this.requireConst(n, 1);
        let data = asFloat(b);
        let [rows, cols] = b.shape as [number, number];
        if (a.bool('transpose_b', false)) {
          const t = new Float32Array(data.length);
          for (let i = 0; i < rows; i++)
            for (let j = 0; j < cols; j++) t[j * rows + i] = data[i * cols + j]!;
          data = t;
          [rows, cols] = [cols, rows];
        }
        const params: Record<string, ParamTensor> = { weight: { data, shape: [rows, cols] } };
        const fusedOps = a.strings('fused_ops');
        if (fusedOps[0] === 'BiasAdd') {
          const bias = this.requireConst(n, 2);
          params.bias = { data: asFloat(bias), shape: [bias.data.length] };
        }
        const y = e.emit(
          'dense',
          [x],
          {},
          params,
          'keras',
          fusedOps.length ? `${n.name}/matmul` : n.name,
          n.op,
        );
        return fusedOps.length ? this.fused(n, a, y, 2) : y;
      }
      case 'BiasAdd': {
        this.nhwc(n, a);
        const x = this.value(n, 0);
        const b = this.requireConst(n, 1);
        const offset: ParamTensor =
          x.layout === 'chw'
            ? { data: asFloat(b), shape: [b.data.length, 1, 1] }
            : { data: asFloat(b), shape: [b.data.length] };
        return e.emit('scaleShift', [x], {}, { offset }, x.layout, n.name, n.op);
      }
      case 'Add':
      case 'AddV2':
      case 'Sub':
      case 'Mul':
      case 'RealDiv':
        return this.binary(n, ins);
      case 'Relu':
      case 'Relu6':
      case 'LeakyRelu':
      case 'Elu':
      case 'Sigmoid':
      case 'Tanh':
      case 'Softplus':
        return this.activation(n, n.op, this.value(n, 0), a, undefined, n.name);
      case 'Prelu':
        return this.activation(n, n.op, this.value(n, 0), a, this.requireConst(n, 1), n.name);
      case 'MaxPool':
      case 'AvgPool': {
        this.nhwc(n, a);
        const x = this.image(n, this.value(n, 0));
        const kernel = a.ints('ksize').slice(1, 3);
        const strides = a.ints('strides', [1, 1, 1, 1]).slice(1, 3);
        const pads = this.windowPads(n, a, x, kernel, strides, [1, 1]);
        return n.op === 'MaxPool'
          ? e.emit('maxPool2d', [x], { kernel, strides, pads }, {}, 'chw', n.name, n.op)
          : e.emit(
              'avgPool2d',
              [x],
              { kernel, strides, pads, countIncludePad: false },
              {},
              'chw',
              n.name,
              n.op,
            );
      }
      case 'Mean':
      case 'Max': {
        const v = this.value(n, 0);
        const axes = [...this.requireConst(n, 1).data]
          .map((d) => (d < 0 ? d + v.shape.length + 1 : d))
          .sort();
        if (v.shape.length !== 3 || axes.join(',') !== '1,2')
          this.fail(
            n,
            `reduction over axes [${axes.join(', ')}] (only the spatial axes [1, 2] of an NHWC image)`,
          );
        const x = this.image(n, v);
        const pooled = e.emit(
          n.op === 'Mean' ? 'avgPool2d' : 'maxPool2d',
          [x],
          { global: true },
          {},
          'chw',
          a.bool('keep_dims', false) ? n.name : `${n.name}/pool`,
          n.op,
        );
        return a.bool('keep_dims', false)
          ? pooled
          : e.emit('reshape', [pooled], { shape: [x.shape[0]!] }, {}, 'keras', n.name, n.op);
      }
      case 'Reshape': {
        const target = [...this.requireConst(n, 1).data];
        if (target[0] !== -1 && target[0] !== 1)
          this.fail(n, `reshape to [${target.join(', ')}] changes the batch axis`);
        return this.reshapeTo(n, target.slice(1));
      }
      case 'Squeeze': {
        const v = e.asModel(this.value(n, 0));
        const dims = a.ints('squeeze_dims', a.ints('axis'));
        const full = [1, ...v.shape];
        const drop = dims.length
          ? dims.map((d) => (d < 0 ? d + full.length : d))
          : full.map((d, i) => (i > 0 && d === 1 ? i : -1)).filter((i) => i > 0);
        if (drop.includes(0)) this.fail(n, 'squeezes the batch axis');
        return this.reshapeTo(
          n,
          full.filter((_, i) => i > 0 && !drop.includes(i)),
        );
      }
      case 'ExpandDims': {
        const v = e.asModel(this.value(n, 0));
        const full = [1, ...v.shape];
        let axis = this.requireConst(n, 1).data[0]!;
        if (axis < 0) axis += full.length + 1;
        if (axis === 0) this.fail(n, 'expands the batch axis');
        full.splice(axis, 0, 1);
        return this.reshapeTo(n, full.slice(1));
      }
      case 'Pad':
      case 'PadV2': {
        if (n.op === 'PadV2' && this.requireConst(n, 2).data[0] !== 0)
          this.fail(n, 'padding with a non-zero constant');
        const v = this.value(n, 0);
        const p = [...this.requireConst(n, 1).data];
        if (p[0] !== 0 || p[1] !== 0) this.fail(n, 'pads the batch axis');
        const modelPads = Array.from(
          { length: v.shape.length },
          (_, i) => [p[2 * (i + 1)]!, p[2 * (i + 1) + 1]!] as [number, number],
        );
        const irPads: [number, number][] = new Array<[number, number]>(v.shape.length);
        modelPads.forEach((pp, i) => (irPads[irAxisOf(v, i)] = pp));
        return e.emit('pad', [v], { pads: irPads }, {}, v.layout, n.name, n.op);
      }
      case 'ConcatV2': {
        const count = ins.length - 1;
        const xs = e.unify(Array.from({ length: count }, (_, i) => this.value(n, i)));
        const axis = this.requireConst(n, count).data[0]!;
        const modelAxis = axis < 0 ? axis : axis - 1;
        if (axis === 0) this.fail(n, 'concatenates along the batch axis');
        return e.emit(
          'concat',
          xs,
          { axis: irAxisOf(xs[0]!, modelAxis) },
          {},
          xs[0]!.layout,
          n.name,
          n.op,
        );
      }
      case 'FusedBatchNorm':
      case 'FusedBatchNormV3': {
        if (a.bool('is_training', false)) this.fail(n, 'is_training = true');
        this.nhwc(n, a);
        return this.batchNorm(n, this.value(n, 0), [1, 2, 3, 4], a.float('epsilon', 1e-3), n.name);
      }
      case 'Softmax': {
        const x = e.asModel(this.value(n, 0));
        return e.emit('softmax', [x], { axis: -1 }, {}, 'keras', n.name, n.op);
      }
      default:
        return this.fail(n, 'no mapping for this op');
    }
  }

  private reshapeTo(n: TfNode, target: number[]): Value {
    const v = this.e.asModel(this.value(n, 0));
    return this.e.emit('reshape', [v], { shape: target }, {}, 'keras', n.name, n.op);
  }

  private binary(n: TfNode, ins: string[]): Value {
    const e = this.e;
    const [va, vb] = [this.values.get(ins[0]!), this.values.get(ins[1]!)];
    if (va && vb) {
      if (n.op === 'Mul' || n.op === 'RealDiv')
        this.fail(n, 'the product or quotient of two computed tensors is not affine in the input');
      if (
        va.shape.join(',') !== vb.shape.join(',') &&
        modelShapeOf(va).join(',') !== modelShapeOf(vb).join(',')
      )
        this.fail(n, 'broadcasting between two computed tensors');
      const xs = e.unify([va, vb]);
      return e.emit(
        'add',
        xs,
        { coefficients: n.op === 'Sub' ? [1, -1] : [1, 1] },
        {},
        xs[0]!.layout,
        n.name,
        n.op,
      );
    }
    const v = va ?? vb ?? this.fail(n, 'neither input is computed from the model input');
    const c = this.requireConst(n, va ? 1 : 0);
    const p = this.elementwiseParam(n, c, v);
    const layout: Layout = v.layout;
    switch (n.op) {
      case 'Add':
      case 'AddV2':
        return e.emit('scaleShift', [v], {}, { offset: p }, layout, n.name, n.op);
      case 'Sub':
        return va
          ? e.emit(
              'scaleShift',
              [v],
              {},
              { offset: { data: p.data.map((d) => -d), shape: p.shape } },
              layout,
              n.name,
              n.op,
            )
          : e.emit(
              'scaleShift',
              [v],
              {},
              { scale: { data: Float32Array.of(-1), shape: [1] }, offset: p },
              layout,
              n.name,
              n.op,
            );
      case 'Mul':
        return e.emit('scaleShift', [v], {}, { scale: p }, layout, n.name, n.op);
      default:
        if (!va) this.fail(n, 'division by a computed tensor');
        return e.emit(
          'scaleShift',
          [v],
          {},
          { scale: { data: p.data.map((d) => 1 / d), shape: p.shape } },
          layout,
          n.name,
          n.op,
        );
    }
  }

  run(): IRGraph {
    let last: Value | undefined;
    for (const n of this.order()) {
      const v = this.convert(n);
      if (v) this.values.set(n.name, v);
      last = v ?? this.values.get(n.name) ?? last;
    }
    const out = this.values.get(inputNodeName(this.src.outputNodes[0]!)!) ?? last;
    if (!out)
      throw new BiaspropError(
        'INVALID_GRAPH',
        `model '${this.model}': the output is not computed from the input`,
      );
    return this.e.build(out);
  }
}

/**
 * Imports from the parts of a graph model; {@link fromGraphModel} and `loadGraph` use it.
 *
 * @example
 * ```ts
 * const graph = fromGraphModelSource({ nodes, weights, inputNodes: ['x'], outputNodes: ['Identity'] }, { name: 'net' });
 * ```
 */
export function fromGraphModelSource(src: GraphModelSource, options: ImportOptions = {}): IRGraph {
  const graph = new GraphConverter(src, options.name ?? 'graph-model').run();
  return options.prepare === false ? graph : prepareGraph(graph, options.prepare ?? {});
}

/** The private parts of a tfjs-converter `GraphModel` 4.x that the importer reads. */
interface GraphModelInternals {
  readonly artifacts?: { modelTopology?: { node?: TfNode[] } };
  readonly weights: Record<string, tf.Tensor[]>;
  readonly inputNodes: string[];
  readonly outputNodes: string[];
}

/**
 * Imports a tfjs-converter `GraphModel` into biasprop's IR and runs core's `prepareGraph`. The
 * NHWC input layout is kept at the input; an unsupported op is an `UnsupportedOpError` naming the
 * op type, the node and the model, raised before anything is mapped.
 *
 * @example
 * ```ts
 * const model = await loadGraphModel(url);
 * const graph = fromGraphModel(model, { name: 'emotion' });
 * const e = await explain(graph, x, { backend: await TfjsBackend.create() });
 * ```
 */
export function fromGraphModel(model: GraphModel, options: ImportOptions = {}): IRGraph {
  const m = model as unknown as GraphModelInternals;
  const nodes = m.artifacts?.modelTopology?.node;
  if (!nodes)
    throw new BiaspropError(
      'INVALID_GRAPH',
      `model '${options.name ?? 'graph-model'}': not a loaded tfjs GraphModel (no modelTopology.node)`,
    );
  return fromGraphModelSource(
    { nodes, weights: m.weights, inputNodes: m.inputNodes, outputNodes: m.outputNodes },
    options,
  );
}
