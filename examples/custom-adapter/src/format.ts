/**
 * The "layer list" model format this example adapter imports: a plain JSON file with the input shape
 * and a list of layers with their weights as nested arrays. biasprop does not support it natively;
 * the adapter (`fromLayerList`) maps it onto the biasprop IR.
 *
 * ```json
 * { "name": "tiny-cnn", "input": [8, 8, 1], "layout": "hwc",
 *   "layers": [
 *     { "type": "conv", "filters": 4, "kernel": 3, "padding": "same", "activation": "relu",
 *       "weights": [[[[0.1, ...]]]], "bias": [0, 0, 0, 0] },
 *     { "type": "maxpool", "size": 2 },
 *     { "type": "flatten" },
 *     { "type": "dense", "units": 3, "weights": [[...], ...], "bias": [0, 0, 0] },
 *     { "type": "softmax" } ] }
 * ```
 *
 * @packageDocumentation
 */

/** Nested arrays of numbers (any depth). */
export type NestedNumbers = number | readonly NestedNumbers[];

/** An activation a layer may fuse (applied after its affine part), or a standalone activation layer. */
export type LayerListActivation = 'linear' | 'relu' | 'sigmoid' | 'tanh';

/**
 * A convolution. `weights` are nested `[kh][kw][in][out]` (the Keras/TensorFlow `HWIO` order),
 * `bias` has `filters` values. `padding` is `'valid'` (default) or `'same'` (TensorFlow's: the extra
 * row/column of an odd total padding goes to the bottom/right).
 */
export interface ConvLayer {
  readonly type: 'conv';
  readonly name?: string;
  readonly filters: number;
  /** Kernel size, one number for a square kernel. */
  readonly kernel: number | readonly [number, number];
  readonly stride?: number | readonly [number, number];
  readonly padding?: 'valid' | 'same';
  readonly weights: NestedNumbers;
  readonly bias?: readonly number[];
  readonly activation?: LayerListActivation;
}

/** A fully connected layer; `weights` are nested `[in][out]`, `bias` has `units` values. */
export interface DenseLayer {
  readonly type: 'dense';
  readonly name?: string;
  readonly units: number;
  readonly weights: NestedNumbers;
  readonly bias?: readonly number[];
  readonly activation?: LayerListActivation;
}

/** Max or average pooling over `size × size` windows (stride defaults to `size`, no padding). */
export interface PoolLayer {
  readonly type: 'maxpool' | 'avgpool';
  readonly name?: string;
  readonly size: number;
  readonly stride?: number;
}

/** Inference-mode batch normalization over the channels, from its stored statistics. */
export interface BatchNormLayer {
  readonly type: 'batchnorm';
  readonly name?: string;
  readonly gamma: readonly number[];
  readonly beta: readonly number[];
  readonly mean: readonly number[];
  readonly variance: readonly number[];
  readonly epsilon?: number;
}

/** Parameter-free layers. `leakyRelu` takes `alpha` (default 0.2). */
export interface SimpleLayer {
  readonly type: 'relu' | 'sigmoid' | 'tanh' | 'leakyRelu' | 'flatten' | 'softmax';
  readonly name?: string;
  readonly alpha?: number;
}

/** One layer of a layer-list model. */
export type LayerListLayer = ConvLayer | DenseLayer | PoolLayer | BatchNormLayer | SimpleLayer;

/** A layer-list model file. */
export interface LayerListModel {
  /** Optional marker (`"layer-list"`). */
  readonly format?: 'layer-list';
  /** Model name, used in every error message (default `layer-list`). */
  readonly name?: string;
  /** Per-example input shape: `[H, W, C]` (layout `hwc`, the default), `[C, H, W]` (`chw`) or `[n]`. */
  readonly input: readonly number[];
  /** Layout of image inputs and feature maps in the file (default `hwc`). */
  readonly layout?: 'hwc' | 'chw';
  readonly layers: readonly LayerListLayer[];
}
