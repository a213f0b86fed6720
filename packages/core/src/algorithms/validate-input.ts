import { BiaspropError, ShapeMismatchError } from '../errors.js';
import type { IRGraph } from '../ir/types.js';
import type { HostTensor } from '../tensor/host-tensor.js';
import { sizeOf } from '../tensor/shape.js';

/**
 * Checks an input batch against the graph: float data, shape `[N, ...inputShape]` (or
 * `inputShape` for one example), no NaN or Inf. Returns it with the batch axis.
 */
export function validateInput(graph: IRGraph, x: HostTensor, what = 'input'): HostTensor {
  if (!(x.data instanceof Float32Array) && !(x.data instanceof Float64Array)) {
    throw new BiaspropError(
      'INVALID_INPUT',
      `${what}: data must be a Float32Array or Float64Array`,
    );
  }
  const expected = graph.input.shape;
  let shape = [...x.shape];
  if (shape.length === expected.length) shape = [1, ...shape];
  const matches =
    shape.length === expected.length + 1 &&
    expected.every((d, i) => d === shape[i + 1]) &&
    shape[0]! >= 1;
  if (!matches)
    throw new ShapeMismatchError(
      `${what} of model '${graph.name}'`,
      ['N', ...expected],
      [...x.shape],
    );
  if (x.data.length !== sizeOf(shape)) {
    throw new BiaspropError(
      'INVALID_INPUT',
      `${what}: ${x.data.length} values for shape [${shape.join(', ')}]`,
    );
  }
  for (let i = 0; i < x.data.length; i++) {
    const v = x.data[i]!;
    if (!Number.isFinite(v)) {
      const per = sizeOf(expected);
      throw new BiaspropError(
        'INVALID_INPUT',
        `${what}: value ${v} at example ${Math.floor(i / per)}, element ${i % per}; inputs must be finite`,
      );
    }
  }
  return { data: x.data, shape };
}
