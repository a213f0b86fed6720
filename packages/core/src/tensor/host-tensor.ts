import type { Shape } from './shape.js';
import { sizeOf } from './shape.js';

/** Element storage of a host tensor: float64 on the reference backend, float32 elsewhere. */
export type FloatArray = Float64Array | Float32Array;

/**
 * A tensor in JavaScript memory: row-major data with its shape. This is what goes into and comes
 * out of every biasprop call.
 *
 * @example
 * ```ts
 * const x: HostTensor = { data: new Float32Array(784), shape: [1, 28, 28, 1] };
 * ```
 */
export interface HostTensor {
  /** The values, row-major. */
  readonly data: FloatArray;
  /** The shape (batch axis first where there is one). */
  readonly shape: Shape;
}

/**
 * Creates a host tensor, checking that the data length matches the shape.
 *
 * @example
 * ```ts
 * const x = hostTensor(new Float64Array([1, 2, 3, 4]), [2, 2]);
 * ```
 */
export function hostTensor(data: FloatArray | readonly number[], shape: Shape): HostTensor {
  const arr =
    data instanceof Float32Array || data instanceof Float64Array ? data : Float64Array.from(data);
  if (arr.length !== sizeOf(shape)) {
    throw new RangeError(
      `data has ${arr.length} elements but shape [${shape.join(', ')}] needs ${sizeOf(shape)}`,
    );
  }
  return { data: arr, shape: [...shape] };
}
