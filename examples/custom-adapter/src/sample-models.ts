import type { LayerListModel, NestedNumbers } from './format.js';

/** A seeded generator (mulberry32) of float32-representable values in [-scale, scale). */
function generator(seed: number): (scale?: number) => number {
  let a = seed >>> 0;
  return (scale = 1) => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    const u = ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    return Math.fround((2 * u - 1) * scale);
  };
}

/** Nested arrays of the given shape filled by `next`. */
function nested(shape: readonly number[], next: () => number): NestedNumbers {
  if (shape.length === 0) return next();
  return Array.from({ length: shape[0]! }, () => nested(shape.slice(1), next));
}

function vector(n: number, next: () => number): number[] {
  return Array.from({ length: n }, next);
}

/**
 * A small HWC CNN in the layer-list format (input `[8, 8, 2]`): conv 3×3 `same` + fused ReLU, max
 * pool, conv 3×3 `valid`, BatchNorm, LeakyReLU, flatten, dense, softmax. Seeded weights, each
 * exactly representable in float32. `models/tiny-cnn.json` is this model written out.
 *
 * @example
 * ```ts
 * const graph = fromLayerList(tinyCnnModel());
 * ```
 */
export function tinyCnnModel(seed = 11): LayerListModel {
  const r = generator(seed);
  return {
    format: 'layer-list',
    name: 'tiny-cnn',
    input: [8, 8, 2],
    layout: 'hwc',
    layers: [
      {
        type: 'conv',
        name: 'conv1',
        filters: 4,
        kernel: 3,
        padding: 'same',
        activation: 'relu',
        weights: nested([3, 3, 2, 4], () => r(0.6)),
        bias: vector(4, () => r(0.3)),
      },
      { type: 'maxpool', name: 'pool1', size: 2 },
      {
        type: 'conv',
        name: 'conv2',
        filters: 6,
        kernel: 3,
        weights: nested([3, 3, 4, 6], () => r(0.4)),
        bias: vector(6, () => r(0.3)),
      },
      {
        type: 'batchnorm',
        name: 'bn2',
        gamma: vector(6, () => 1 + r(0.5)),
        beta: vector(6, () => r(0.2)),
        mean: vector(6, () => r(0.2)),
        variance: vector(6, () => 1 + r(0.5)),
        epsilon: 0.001,
      },
      { type: 'leakyRelu', name: 'act2', alpha: 0.1 },
      { type: 'flatten', name: 'flatten' },
      {
        type: 'dense',
        name: 'fc',
        units: 3,
        weights: nested([24, 3], () => r(0.5)),
        bias: vector(3, () => r(0.2)),
      },
      { type: 'softmax', name: 'probs' },
    ],
  };
}

/**
 * A CHW CNN with smooth activations (input `[2, 6, 6]`): conv 3×3 stride 1 + tanh, average pool,
 * flatten, dense + sigmoid, dense.
 *
 * @example
 * ```ts
 * const graph = fromLayerList(chwCnnModel());
 * ```
 */
export function chwCnnModel(seed = 12): LayerListModel {
  const r = generator(seed);
  return {
    name: 'chw-cnn',
    input: [2, 6, 6],
    layout: 'chw',
    layers: [
      {
        type: 'conv',
        name: 'conv',
        filters: 3,
        kernel: [3, 3],
        activation: 'tanh',
        weights: nested([3, 3, 2, 3], () => r(0.8)),
        bias: vector(3, () => r(0.3)),
      },
      { type: 'avgpool', name: 'pool', size: 2 },
      { type: 'flatten' },
      {
        type: 'dense',
        name: 'fc1',
        units: 5,
        activation: 'sigmoid',
        weights: nested([12, 5], () => r(1)),
        bias: vector(5, () => r(0.3)),
      },
      {
        type: 'dense',
        name: 'fc2',
        units: 3,
        weights: nested([5, 3], () => r(1)),
        bias: vector(3, () => r(0.3)),
      },
    ],
  };
}

/**
 * An MLP on a vector input `[10]`: dense + ReLU, dense + ReLU, dense.
 *
 * @example
 * ```ts
 * const graph = fromLayerList(mlpModel());
 * ```
 */
export function mlpModel(seed = 13): LayerListModel {
  const r = generator(seed);
  return {
    name: 'mlp',
    input: [10],
    layers: [
      {
        type: 'dense',
        name: 'fc1',
        units: 8,
        activation: 'relu',
        weights: nested([10, 8], () => r(1)),
        bias: vector(8, () => r(0.5)),
      },
      {
        type: 'dense',
        name: 'fc2',
        units: 6,
        weights: nested([8, 6], () => r(1)),
        bias: vector(6, () => r(0.5)),
      },
      { type: 'relu', name: 'act2' },
      {
        type: 'dense',
        name: 'fc3',
        units: 4,
        weights: nested([6, 4], () => r(1)),
        bias: vector(4, () => r(0.5)),
      },
    ],
  };
}
