import type { Shape } from '../tensor/shape.js';

/**
 * A tensor inside a running program: an opaque backend handle plus its static shape.
 * Values are never read inside a program; results leave through the program's outputs.
 */
export class Tensor {
  constructor(
    /** The backend's handle (data for an eager backend, a graph value for a symbolic one). */
    readonly handle: unknown,
    /** Static shape, batch axis included. */
    readonly shape: Shape,
  ) {}

  /** Number of axes. */
  get rank(): number {
    return this.shape.length;
  }
}
