import type { AttrValue, IRGraph, ParamTensor, PrepareOptions } from '@biasprop/core';
import { BiaspropError, prepareGraph, UnsupportedOpError } from '@biasprop/core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { emitActivation } from './activations.js';
import { depthwiseToOihw, hwioToOihw } from './filter-layout.js';
import type { Value } from './ir-emitter.js';
import { IrEmitter, irAxisOf, modelShapeOf } from './ir-emitter.js';
import { samePads } from './same-padding.js';

/** Options of {@link fromLayersModel} and {@link fromGraphModel}. */
export interface ImportOptions {
  /** Model name used in messages (default: the model's own name). */
  readonly name?: string;
  /** Passes run after import (default: all of core's `prepareGraph`); `false` returns the raw import. */
  readonly prepare?: PrepareOptions | false;
}

type Layer = tfl.layers.Layer;
type SymbolicTensor = tfl.SymbolicTensor;
type Config = Record<string, unknown>;

/** Layers that are the identity at inference. */
const INFERENCE_IDENTITY = new Set([
  'Dropout',
  'SpatialDropout1D',
  'SpatialDropout2D',
  'GaussianNoise',
  'GaussianDropout',
  'AlphaDropout',
  'ActivityRegularization',
]);
const CONTAINERS = new Set(['Model', 'Functional', 'Sequential']);

function pair(v: unknown, fallback: number): [number, number] {
  if (v === undefined || v === null) return [fallback, fallback];
  if (typeof v === 'number') return [v, v];
  const a = v as number[];
  return [a[0]!, a[1] ?? a[0]!];
}

/** Reads a layer's weights by their short names (`kernel`, `bias`, `gamma`, ...). */
function weightsOf(layer: Layer): Map<string, ParamTensor> {
  const m = new Map<string, ParamTensor>();
  for (const w of layer.weights) {
    const short = w.originalName.split('/').pop()!.replace(/:\d+$/, '');
    m.set(short, { data: w.read().dataSync() as Float32Array, shape: [...w.shape] as number[] });
  }
  return m;
}

/** Converts one Keras layer call into IR nodes. */
class LayerConverter {
  constructor(private readonly e: IrEmitter) {}

  private fail(layer: Layer, detail: string): never {
    throw new UnsupportedOpError(layer.getClassName(), layer.name, this.e.model, detail);
  }

  private channelsLast(layer: Layer, cfg: Config): void {
    const f = cfg.dataFormat;
    if (f !== undefined && f !== null && f !== 'channelsLast')
      this.fail(layer, `dataFormat ${JSON.stringify(f)} (only channelsLast)`);
  }

  private image(layer: Layer, v: Value): Value {
    if (v.shape.length !== 3)
      this.fail(layer, `needs an image input [H, W, C], got [${modelShapeOf(v).join(', ')}]`);
    return this.e.asChw(v);
  }

  private padsOf(
    layer: Layer,
    cfg: Config,
    v: Value,
    kernel: [number, number],
    strides: [number, number],
    dilations: [number, number],
  ): [number, number, number, number] {
    const padding = cfg.padding ?? 'valid';
    if (padding === 'valid') return [0, 0, 0, 0];
    if (padding === 'same') return samePads([v.shape[1]!, v.shape[2]!], kernel, strides, dilations);
    return this.fail(layer, `padding ${JSON.stringify(padding)}`);
  }

  convert(layer: Layer, inputs: Value[]): Value {
    const e = this.e;
    const cls = layer.getClassName();
    const cfg = layer.getConfig() as Config;
    const name = layer.name;
    const w = () => weightsOf(layer);
    const one = (): Value => {
      if (inputs.length !== 1) this.fail(layer, `expects one input, got ${inputs.length}`);
      return inputs[0]!;
    };
    const act = (v: Value) => emitActivation(e, v, cfg.activation as string | undefined, name, cls);
    switch (cls) {
      case 'Dense': {
        const x = e.asModel(one());
        if (x.shape.length !== 1)
          this.fail(
            layer,
            `Dense on a rank-${x.shape.length} input [${x.shape.join(', ')}] (flatten first)`,
          );
        const ws = w();
        const params: Record<string, ParamTensor> = { weight: ws.get('kernel')! };
        if (ws.has('bias')) params.bias = ws.get('bias')!;
        return act(e.emit('dense', [x], {}, params, 'keras', name, cls));
      }
      case 'Conv2D':
      case 'DepthwiseConv2D':
      case 'SeparableConv2D': {
        this.channelsLast(layer, cfg);
        const x = this.image(layer, one());
        const kernel = pair(cfg.kernelSize, 1);
        const strides = pair(cfg.strides, 1);
        let dilations = pair(cfg.dilationRate, 1);
        if (cls === 'DepthwiseConv2D' && (dilations[0] !== 1 || dilations[1] !== 1)) {
          // tfjs-layers 4.x runs DepthwiseConv2D without its dilation rate; the import follows what tfjs computes.
          e.note(
            `DepthwiseConv2D '${name}': dilationRate [${dilations.join(', ')}] is ignored, as tfjs-layers does`,
          );
          dilations = [1, 1];
        }
        const pads = this.padsOf(layer, cfg, x, kernel, strides, dilations);
        const ws = w();
        const bias = ws.get('bias');
        const geometry = { strides, pads, dilations };
        if (cls === 'Conv2D') {
          const k = ws.get('kernel')!;
          const params: Record<string, ParamTensor> = { weight: hwioToOihw(k.data, k.shape) };
          if (bias) params.bias = bias;
          return act(e.emit('conv2d', [x], { ...geometry, groups: 1 }, params, 'chw', name, cls));
        }
        const dk = ws.get('depthwise_kernel')!;
        const depthParams: Record<string, ParamTensor> = {
          weight: depthwiseToOihw(dk.data, dk.shape),
        };
        if (cls === 'DepthwiseConv2D') {
          if (bias) depthParams.bias = bias;
          return act(
            e.emit(
              'conv2d',
              [x],
              { ...geometry, groups: dk.shape[2]! },
              depthParams,
              'chw',
              name,
              cls,
            ),
          );
        }
        const depth = e.emit(
          'conv2d',
          [x],
          { ...geometry, groups: dk.shape[2]! },
          depthParams,
          'chw',
          `${name}/depthwise`,
          cls,
        );
        const pk = ws.get('pointwise_kernel')!;
        const pointParams: Record<string, ParamTensor> = { weight: hwioToOihw(pk.data, pk.shape) };
        if (bias) pointParams.bias = bias;
        return act(e.emit('conv2d', [depth], { groups: 1 }, pointParams, 'chw', name, cls));
      }
      case 'MaxPooling2D':
      case 'AveragePooling2D': {
        this.channelsLast(layer, cfg);
        const x = this.image(layer, one());
        const kernel = pair(cfg.poolSize, 2);
        const strides =
          cfg.strides === null || cfg.strides === undefined ? kernel : pair(cfg.strides, 1);
        const pads = this.padsOf(layer, cfg, x, kernel, strides, [1, 1]);
        const op = cls === 'MaxPooling2D' ? 'maxPool2d' : 'avgPool2d';
        const attrs: Record<string, AttrValue> =
          op === 'avgPool2d'
            ? { kernel, strides, pads, countIncludePad: false }
            : { kernel, strides, pads };
        return e.emit(op, [x], attrs, {}, 'chw', name, cls);
      }
      case 'GlobalAveragePooling2D':
      case 'GlobalMaxPooling2D': {
        this.channelsLast(layer, cfg);
        const x = this.image(layer, one());
        const op = cls === 'GlobalMaxPooling2D' ? 'maxPool2d' : 'avgPool2d';
        const pooled = e.emit(op, [x], { global: true }, {}, 'chw', `${name}/pool`, cls);
        return e.emit('reshape', [pooled], { shape: [x.shape[0]!] }, {}, 'keras', name, cls);
      }
      case 'BatchNormalization': {
        const x = one();
        const axes = Array.isArray(cfg.axis)
          ? (cfg.axis as number[])
          : [(cfg.axis as number | undefined) ?? -1];
        if (axes.length !== 1)
          this.fail(layer, `normalizes over several axes [${axes.join(', ')}]`);
        const a = axes[0]!;
        const axis = irAxisOf(x, a < 0 ? a : a - 1);
        const ws = w();
        const mean = ws.get('moving_mean')!.data;
        const variance = ws.get('moving_variance')!.data;
        const c = mean.length;
        const gamma = ws.get('gamma')?.data;
        const beta = ws.get('beta')?.data;
        const eps = (cfg.epsilon as number | undefined) ?? 1e-3;
        const scale = new Float64Array(c);
        const shift = new Float64Array(c);
        for (let i = 0; i < c; i++) {
          scale[i] = (gamma ? gamma[i]! : 1) / Math.sqrt(variance[i]! + eps);
          shift[i] = (beta ? beta[i]! : 0) - mean[i]! * scale[i]!;
        }
        return e.emit(
          'batchNorm',
          [x],
          { axis },
          { scale: { data: scale, shape: [c] }, shift: { data: shift, shape: [c] } },
          x.layout,
          name,
          cls,
        );
      }
      case 'Flatten': {
        const x = e.asModel(one());
        return x.shape.length === 1
          ? x
          : e.emit('reshape', [x], { shape: [-1] }, {}, 'keras', name, cls);
      }
      case 'Reshape':
        return e.emit(
          'reshape',
          [e.asModel(one())],
          { shape: cfg.targetShape as number[] },
          {},
          'keras',
          name,
          cls,
        );
      case 'Permute':
        return e.emit(
          'transpose',
          [e.asModel(one())],
          { perm: (cfg.dims as number[]).map((d) => d - 1) },
          {},
          'keras',
          name,
          cls,
        );
      case 'ZeroPadding2D': {
        this.channelsLast(layer, cfg);
        const x = this.image(layer, one());
        const p = cfg.padding as number | number[] | number[][];
        const rows: number[][] =
          typeof p === 'number'
            ? [
                [p, p],
                [p, p],
              ]
            : Array.isArray(p[0])
              ? (p as number[][])
              : [
                  [p[0] as number, p[0] as number],
                  [p[1] as number, p[1] as number],
                ];
        const [t, b] = rows[0]!;
        const [l, r] = rows[1]!;
        return e.emit(
          'pad',
          [x],
          {
            pads: [
              [0, 0],
              [t!, b!],
              [l!, r!],
            ],
          },
          {},
          'chw',
          name,
          cls,
        );
      }
      case 'Activation':
        return emitActivation(e, one(), cfg.activation as string, name, cls);
      case 'ReLU': {
        const x = one();
        const max = cfg.maxValue as number | null | undefined;
        return max === null || max === undefined
          ? e.emit('relu', [x], {}, {}, x.layout, name, cls)
          : e.emit('clip', [x], { min: 0, max }, {}, x.layout, name, cls);
      }
      case 'LeakyReLU':
      case 'ELU': {
        // Both take `alpha` (Keras defaults: 0.3 for LeakyReLU, 1 for ELU).
        const x = one();
        const leaky = cls === 'LeakyReLU';
        const alpha = (cfg.alpha as number | undefined) ?? (leaky ? 0.3 : 1);
        return e.emit(leaky ? 'leakyRelu' : 'elu', [x], { alpha }, {}, x.layout, name, cls);
      }
      case 'PReLU': {
        const x = one();
        const alpha = w().get('alpha')!;
        let slope: ParamTensor = alpha;
        if (x.layout === 'chw') {
          const [h, wd, c] = alpha.shape as [number, number, number];
          const data = new Float32Array(alpha.data.length);
          for (let i = 0; i < h; i++)
            for (let j = 0; j < wd; j++)
              for (let k = 0; k < c; k++)
                data[(k * h + i) * wd + j] = alpha.data[(i * wd + j) * c + k]!;
          slope = { data, shape: [c, h, wd] };
        }
        return e.emit('prelu', [x], {}, { slope }, x.layout, name, cls);
      }
      case 'Softmax': {
        const x = e.asModel(one());
        const axis = (cfg.axis as number | undefined) ?? -1;
        if (axis !== -1 && axis !== x.shape.length)
          this.fail(layer, `softmax over axis ${axis} (only the last axis)`);
        return e.emit('softmax', [x], { axis: -1 }, {}, 'keras', name, cls);
      }
      case 'Rescaling': {
        const x = one();
        const scalar = (v: unknown) => ({ data: Float32Array.of(Number(v)), shape: [1] });
        return e.emit(
          'scaleShift',
          [x],
          {},
          { scale: scalar(cfg.scale ?? 1), offset: scalar(cfg.offset ?? 0) },
          x.layout,
          name,
          cls,
        );
      }
      case 'Add':
      case 'Subtract':
      case 'Average': {
        if (inputs.length < 2) this.fail(layer, 'needs at least two inputs');
        if (cls === 'Subtract' && inputs.length !== 2) this.fail(layer, 'needs exactly two inputs');
        const xs = e.unify(inputs);
        const coefficients =
          cls === 'Subtract' ? [1, -1] : xs.map(() => (cls === 'Average' ? 1 / xs.length : 1));
        return e.emit('add', xs, { coefficients }, {}, xs[0]!.layout, name, cls);
      }
      case 'Concatenate': {
        const xs = e.unify(inputs);
        const axis = (cfg.axis as number | undefined) ?? -1;
        return e.emit(
          'concat',
          xs,
          { axis: irAxisOf(xs[0]!, axis < 0 ? axis : axis - 1) },
          {},
          xs[0]!.layout,
          name,
          cls,
        );
      }
      case 'Multiply':
        return this.fail(
          layer,
          'the product of two tensors is not an affine map of the input (scale by a constant with a Rescaling layer)',
        );
      default:
        return this.fail(layer, 'no mapping for this layer class');
    }
  }
}

/** Maps the layers of one (possibly nested) container in order, binding its inputs to `bound`. */
function mapContainer(
  e: IrEmitter,
  conv: LayerConverter,
  model: tfl.LayersModel,
  bound: Value[],
): Value {
  const values = new Map<number, Value>();
  model.inputs.forEach((t, i) => values.set(t.id, bound[i]!));
  const has = (ts: SymbolicTensor[]) => ts.every((t) => values.has(t.id));
  for (const layer of model.layers) {
    const cls = layer.getClassName();
    if (cls === 'InputLayer') continue;
    for (const node of layer.inboundNodes) {
      if (node.inputTensors.length === 0 || !has(node.inputTensors) || has(node.outputTensors))
        continue;
      if (node.outputTensors.length !== 1)
        throw new UnsupportedOpError(
          cls,
          layer.name,
          e.model,
          `${node.outputTensors.length} outputs`,
        );
      const inputs = node.inputTensors.map((t) => values.get(t.id)!);
      let out: Value;
      if (CONTAINERS.has(cls))
        out = mapContainer(e, conv, layer as unknown as tfl.LayersModel, inputs);
      else if (INFERENCE_IDENTITY.has(cls)) out = inputs[0]!;
      else out = conv.convert(layer, inputs);
      values.set(node.outputTensors[0]!.id, out);
    }
  }
  if (model.outputs.length !== 1)
    throw new BiaspropError(
      'INVALID_GRAPH',
      `model '${e.model}': ${model.name} has ${model.outputs.length} outputs; biasprop explains one`,
    );
  const out = values.get(model.outputs[0]!.id);
  if (!out)
    throw new BiaspropError(
      'INVALID_GRAPH',
      `model '${e.model}': the output of '${model.name}' is not reachable from its input`,
    );
  return out;
}

/**
 * Imports a tfjs `LayersModel` (Sequential or functional, nested models included) into biasprop's
 * IR, then runs core's `prepareGraph` (final Softmax removed, zero padding and BatchNorms folded
 * into the neighbouring conv/dense). Images stay in the model's NHWC layout at the input and the
 * output; inside, conv and pooling nodes work on `[C, H, W]`. An unsupported layer is an
 * `UnsupportedOpError` naming its class, its name and the model, before anything runs.
 *
 * @example
 * ```ts
 * const model = await tf.loadLayersModel('file://model/model.json');
 * const graph = fromLayersModel(model);
 * const e = await explain(graph, { data: pixels, shape: [1, 28, 28, 1] }, { backend: new TfjsBackend() });
 * ```
 */
export function fromLayersModel(model: tfl.LayersModel, options: ImportOptions = {}): IRGraph {
  const modelName = options.name ?? model.name;
  if (model.inputs.length !== 1)
    throw new BiaspropError(
      'INVALID_GRAPH',
      `model '${modelName}' has ${model.inputs.length} inputs; biasprop explains single-input models`,
    );
  const input = model.inputs[0]!;
  const shape = input.shape.slice(1);
  if (!shape.every((d): d is number => typeof d === 'number' && d > 0)) {
    throw new BiaspropError(
      'INVALID_GRAPH',
      `model '${modelName}': input '${input.name}' needs a static shape, got [${input.shape.join(', ')}]`,
    );
  }
  const e = new IrEmitter(modelName, input.sourceLayer.name, shape);
  const out = mapContainer(e, new LayerConverter(e), model, [e.input]);
  const graph = e.build(out);
  return options.prepare === false ? graph : prepareGraph(graph, options.prepare ?? {});
}
