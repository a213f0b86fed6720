import type { IRGraph, NodeSpec, PrepareOptions } from '@biasprop/core';
import {
  BiaspropError,
  UnsupportedOpError,
  convOutputSize,
  createGraph,
  prepareGraph,
} from '@biasprop/core';
import type {
  LayerListActivation,
  LayerListLayer,
  LayerListModel,
  NestedNumbers,
} from './format.js';
import { flattenNested, hwioToOihw, shapeOfNested } from './nested.js';

/** Options of {@link fromLayerList}. */
export interface LayerListImportOptions {
  /** Overrides the model's name (default: the file's `name`, else `layer-list`). */
  readonly name?: string;
  /** Run core's standard passes (remove a final softmax, fold BatchNorms); default true. */
  readonly prepare?: boolean | PrepareOptions;
}

/** Where the feature map is while the layers are mapped: its layout and per-example shape. */
interface Cursor {
  node: string;
  shape: number[];
  layout: 'hwc' | 'chw' | 'flat';
}

function pair(
  v: number | readonly [number, number] | undefined,
  fallback: number,
): [number, number] {
  if (v === undefined) return [fallback, fallback];
  return typeof v === 'number' ? [v, v] : [v[0], v[1]];
}

/** TensorFlow's `same` padding along one axis: `[begin, end]`, the odd extra at the end. */
function samePad(size: number, kernel: number, stride: number): [number, number] {
  const total = Math.max((Math.ceil(size / stride) - 1) * stride + kernel - size, 0);
  return [Math.floor(total / 2), total - Math.floor(total / 2)];
}

const ACTIVATION_OPS: Record<Exclude<LayerListActivation, 'linear'>, string> = {
  relu: 'relu',
  sigmoid: 'sigmoid',
  tanh: 'tanh',
};

/**
 * Imports a layer-list model (see `LayerListModel` in `format.ts`) into a biasprop `IRGraph`.
 *
 * How the format maps onto the IR:
 * - **nodes**: one IR node per layer (`conv` → `conv2d`, `dense` → `dense`, `maxpool`/`avgpool` →
 *   `maxPool2d`/`avgPool2d`, `batchnorm` → `batchNorm`, activations by name); a fused
 *   `activation` becomes its own node after the layer (fusing is attribution-neutral);
 * - **shapes**: per example, without the batch axis; the IR infers and checks every node's shape;
 * - **constants**: weights become `params` (typed arrays with explicit shapes), reordered to the IR's
 *   conventions: conv weights HWIO → OIHW, dense weights stay `[in, out]`;
 * - **layouts**: the IR's convolutions and pooling are NCHW. An `hwc` model gets one `transpose`
 *   to CHW before its first spatial layer and one back to HWC before `flatten`, so the flattened
 *   order (and the dense weights after it) and the attributions stay in the file's own layout.
 *
 * Errors are `BiaspropError`s naming the model and layer: an unknown layer type is an
 * `UnsupportedOpError`; weights of the wrong shape state the expected and actual shapes.
 *
 * @example
 * ```ts
 * const graph = fromLayerList(JSON.parse(readFileSync('model.json', 'utf8')));
 * const e = await explain(graph, { data: x, shape: [1, 8, 8, 1] }, { methods: ['gradient', 'bbp'] });
 * ```
 */
export function fromLayerList(
  model: LayerListModel,
  options: LayerListImportOptions = {},
): IRGraph {
  const modelName = options.name ?? model.name ?? 'layer-list';
  const fail = (layer: string, message: string): never => {
    throw new BiaspropError('INVALID_GRAPH', `model '${modelName}', layer '${layer}': ${message}`);
  };
  if (!Array.isArray(model.input) || !model.input.every((d) => Number.isInteger(d) && d > 0))
    fail('input', `needs a static shape of positive integers, got ${JSON.stringify(model.input)}`);
  if (!Array.isArray(model.layers) || model.layers.length === 0) fail('layers', 'no layers');
  const fileLayout = model.layout ?? 'hwc';
  if (fileLayout !== 'hwc' && fileLayout !== 'chw')
    fail('layout', `must be 'hwc' or 'chw', got '${String(fileLayout)}'`);
  const rank = model.input.length;
  if (rank !== 1 && rank !== 3)
    fail('input', `must be [n] or an image shape, got [${model.input.join(', ')}]`);

  const nodes: NodeSpec[] = [];
  const cur: Cursor = {
    node: 'input',
    shape: [...model.input],
    layout: rank === 1 ? 'flat' : fileLayout,
  };
  const push = (node: NodeSpec, shape: number[], layout = cur.layout): void => {
    nodes.push(node);
    cur.node = node.name;
    cur.shape = shape;
    cur.layout = layout;
  };
  /** Brings an image feature map to CHW (a transpose when the file is HWC). */
  const toChw = (layer: string): void => {
    if (cur.layout === 'flat') fail(layer, 'needs an image input, but the feature map is flat');
    if (cur.layout === 'hwc') {
      const [h, w, c] = cur.shape as [number, number, number];
      push(
        {
          name: `${layer}/to_chw`,
          op: 'transpose',
          inputs: [cur.node],
          attrs: { perm: [2, 0, 1] },
          source: 'layout',
        },
        [c, h, w],
        'chw',
      );
    }
  };
  const param = (
    layer: string,
    what: string,
    value: NestedNumbers | undefined,
    shape: number[],
  ) => {
    if (value === undefined) return fail(layer, `missing '${what}'`);
    const data = flattenNested(value, shape);
    if (!data)
      return fail(
        layer,
        `'${what}' has shape [${shapeOfNested(value).join(', ')}], expected [${shape.join(', ')}]`,
      );
    return data;
  };
  const activation = (layer: string, act: LayerListActivation | undefined): void => {
    if (act === undefined || act === 'linear') return;
    const op = ACTIVATION_OPS[act];
    if (!op) throw new UnsupportedOpError(`activation '${String(act)}'`, layer, modelName);
    push(
      { name: `${layer}/${act}`, op, inputs: [cur.node], source: `activation:${act}` },
      cur.shape,
    );
  };

  model.layers.forEach((layer: LayerListLayer, i) => {
    const name = layer.name ?? `${layer.type}_${i}`;
    switch (layer.type) {
      case 'conv': {
        toChw(name);
        const [c, h, w] = cur.shape as [number, number, number];
        const [kh, kw] = pair(layer.kernel, 1);
        const [sh, sw] = pair(layer.stride, 1);
        const o = layer.filters;
        if (!Number.isInteger(o) || o <= 0) fail(name, `'filters' must be a positive integer`);
        const hwio = param(name, 'weights', layer.weights, [kh, kw, c, o]);
        const [pt, pb] = layer.padding === 'same' ? samePad(h, kh, sh) : [0, 0];
        const [pl, pr] = layer.padding === 'same' ? samePad(w, kw, sw) : [0, 0];
        const oh = convOutputSize(h, kh, sh, pt, pb, 1);
        const ow = convOutputSize(w, kw, sw, pl, pr, 1);
        if (oh <= 0 || ow <= 0) fail(name, `a ${kh}×${kw} kernel does not fit a ${h}×${w} input`);
        push(
          {
            name,
            op: 'conv2d',
            inputs: [cur.node],
            attrs: { strides: [sh, sw], pads: [pt, pl, pb, pr] },
            params: {
              weight: { data: hwioToOihw(hwio, kh, kw, c, o), shape: [o, c, kh, kw] },
              ...(layer.bias
                ? { bias: { data: param(name, 'bias', layer.bias, [o]), shape: [o] } }
                : {}),
            },
            source: 'conv',
          },
          [o, oh, ow],
        );
        activation(name, layer.activation);
        break;
      }
      case 'dense': {
        if (cur.layout !== 'flat')
          fail(name, `needs a flat input, got [${cur.shape.join(', ')}]; add a flatten layer`);
        const n = cur.shape[0]!;
        const u = layer.units;
        push(
          {
            name,
            op: 'dense',
            inputs: [cur.node],
            params: {
              weight: { data: param(name, 'weights', layer.weights, [n, u]), shape: [n, u] },
              ...(layer.bias
                ? { bias: { data: param(name, 'bias', layer.bias, [u]), shape: [u] } }
                : {}),
            },
            source: 'dense',
          },
          [u],
        );
        activation(name, layer.activation);
        break;
      }
      case 'maxpool':
      case 'avgpool': {
        toChw(name);
        const [c, h, w] = cur.shape as [number, number, number];
        const k = layer.size;
        const s = layer.stride ?? k;
        const oh = convOutputSize(h, k, s, 0, 0, 1);
        const ow = convOutputSize(w, k, s, 0, 0, 1);
        if (oh <= 0 || ow <= 0) fail(name, `a ${k}×${k} window does not fit a ${h}×${w} input`);
        const op = layer.type === 'maxpool' ? 'maxPool2d' : 'avgPool2d';
        push(
          {
            name,
            op,
            inputs: [cur.node],
            attrs: { kernel: [k, k], strides: [s, s] },
            source: layer.type,
          },
          [c, oh, ow],
        );
        break;
      }
      case 'batchnorm': {
        if (cur.layout !== 'flat') toChw(name);
        const c = cur.shape[0]!;
        const stat = (what: 'gamma' | 'beta' | 'mean' | 'variance') =>
          param(name, what, layer[what], [c]);
        const [gamma, beta, mean, variance] = [
          stat('gamma'),
          stat('beta'),
          stat('mean'),
          stat('variance'),
        ];
        const eps = layer.epsilon ?? 1e-3;
        const scale = gamma.map((g, j) => g / Math.sqrt(variance[j]! + eps));
        const shift = beta.map((b, j) => b - mean[j]! * scale[j]!);
        push(
          {
            name,
            op: 'batchNorm',
            inputs: [cur.node],
            attrs: { axis: 0 },
            params: { scale: { data: scale, shape: [c] }, shift: { data: shift, shape: [c] } },
            source: 'batchnorm',
          },
          cur.shape,
        );
        break;
      }
      case 'flatten': {
        if (cur.layout === 'chw' && fileLayout === 'hwc') {
          const [c, h, w] = cur.shape as [number, number, number];
          push(
            {
              name: `${name}/to_hwc`,
              op: 'transpose',
              inputs: [cur.node],
              attrs: { perm: [1, 2, 0] },
              source: 'layout',
            },
            [h, w, c],
            'hwc',
          );
        }
        const size = cur.shape.reduce((a, b) => a * b, 1);
        push(
          { name, op: 'reshape', inputs: [cur.node], attrs: { shape: [-1] }, source: 'flatten' },
          [size],
          'flat',
        );
        break;
      }
      case 'relu':
      case 'sigmoid':
      case 'tanh':
        push({ name, op: layer.type, inputs: [cur.node], source: layer.type }, cur.shape);
        break;
      case 'leakyRelu':
        push(
          {
            name,
            op: 'leakyRelu',
            inputs: [cur.node],
            attrs: { alpha: layer.alpha ?? 0.2 },
            source: 'leakyRelu',
          },
          cur.shape,
        );
        break;
      case 'softmax':
        push(
          { name, op: 'softmax', inputs: [cur.node], attrs: { axis: -1 }, source: 'softmax' },
          cur.shape,
        );
        break;
      default:
        throw new UnsupportedOpError(String((layer as { type?: unknown }).type), name, modelName);
    }
  });

  const graph = createGraph({
    name: modelName,
    input: { name: 'input', shape: [...model.input] },
    nodes,
  });
  const prepare = options.prepare ?? true;
  if (prepare === false) return graph;
  return prepareGraph(graph, prepare === true ? {} : prepare);
}
