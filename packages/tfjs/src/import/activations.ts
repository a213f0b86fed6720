import { UnsupportedOpError } from '@biasprop/core';
import type { IrEmitter, Value } from './ir-emitter.js';

/** Names of the Keras activations the importer maps (fused `activation` options and `Activation` layers). */
export const SUPPORTED_ACTIVATIONS = [
  'linear',
  'relu',
  'relu6',
  'sigmoid',
  'tanh',
  'elu',
  'selu',
  'softplus',
  'hardSigmoid',
  'softmax',
] as const;

/** `[C]`-free scalar param. */
const scalar = (v: number) => ({ data: Float32Array.of(v), shape: [1] });

/**
 * Emits a Keras activation function by name after `v`; `linear` (or none) adds nothing.
 * An unknown activation is an {@link UnsupportedOpError} naming the layer and the model.
 *
 * @example
 * ```ts
 * const y = emitActivation(emitter, conv, 'relu6', 'conv1', 'Conv2D'); // clip(0, 6)
 * ```
 */
export function emitActivation(
  e: IrEmitter,
  v: Value,
  activation: string | null | undefined,
  layerName: string,
  source: string,
): Value {
  const name = `${layerName}/${activation ?? 'linear'}`;
  switch (activation ?? 'linear') {
    case 'linear':
      return v;
    case 'relu':
      return e.emit('relu', [v], {}, {}, v.layout, name, source);
    case 'relu6':
      return e.emit('clip', [v], { min: 0, max: 6 }, {}, v.layout, name, source);
    case 'sigmoid':
      return e.emit('sigmoid', [v], {}, {}, v.layout, name, source);
    case 'tanh':
      return e.emit('tanh', [v], {}, {}, v.layout, name, source);
    case 'elu':
      return e.emit('elu', [v], { alpha: 1 }, {}, v.layout, name, source);
    case 'selu': {
      const inner = e.emit(
        'elu',
        [v],
        { alpha: 1.6732632423543772 },
        {},
        v.layout,
        `${name}/elu`,
        source,
      );
      return e.emit(
        'scaleShift',
        [inner],
        {},
        { scale: scalar(1.0507009873554805) },
        v.layout,
        name,
        source,
      );
    }
    case 'softplus':
      return e.emit('softplus', [v], {}, {}, v.layout, name, source);
    case 'hardSigmoid': {
      const affine = e.emit(
        'scaleShift',
        [v],
        {},
        { scale: scalar(0.2), offset: scalar(0.5) },
        v.layout,
        `${name}/affine`,
        source,
      );
      return e.emit('clip', [affine], { min: 0, max: 1 }, {}, v.layout, name, source);
    }
    case 'softmax': {
      const m = e.asModel(v);
      return e.emit('softmax', [m], { axis: -1 }, {}, m.layout, name, source);
    }
    default:
      throw new UnsupportedOpError(`${source}(activation '${activation}')`, layerName, e.model);
  }
}
