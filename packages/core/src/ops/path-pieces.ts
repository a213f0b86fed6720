import type { Ops } from '../backend/ops.js';
import type { Tensor } from '../backend/tensor.js';

/**
 * The absolute tolerance per example for comparing a node's values: `relative × max |z|` over the
 * node's units (keeping dims so it broadcasts), with a floor far below any meaningful value.
 *
 * @example
 * ```ts
 * const tol = absoluteTolerance(ops, z, 1e-9);
 * ```
 */
export function absoluteTolerance(ops: Ops, z: Tensor, relative: number): Tensor {
  const axes = z.shape.map((_, i) => i).slice(1);
  return ops.mul(ops.maximum(ops.max(ops.abs(z), axes, true), 1e-30), relative);
}

/**
 * 1 where `z` is above the threshold `b` just after the current point of the path: clearly above,
 * or equal within `tol` and rising. Custom piecewise ops use it in `pathForward`.
 *
 * @example
 * ```ts
 * const above = aboveRightLimit(ops, z, dz, 0, tol); // ReLU's piece for (t, t + ε)
 * ```
 */
export function aboveRightLimit(ops: Ops, z: Tensor, dz: Tensor, b: number, tol: Tensor): Tensor {
  const gap = ops.sub(z, b);
  const clearlyAbove = ops.greater(gap, tol);
  const equalRising = ops.mul(ops.lessEqual(ops.abs(gap), tol), ops.greater(dz, 0));
  return ops.maximum(clearlyAbove, equalRising);
}

/**
 * How far along the path `z` reaches the threshold `b`: `(b − z)/dz` where that is positive and `z`
 * is not already at `b` (within `tol`); `+Infinity` elsewhere.
 *
 * @example
 * ```ts
 * const next = thresholdCrossing(ops, z, dz, 3, tol); // distance in t to the kink at 3
 * ```
 */
export function thresholdCrossing(ops: Ops, z: Tensor, dz: Tensor, b: number, tol: Tensor): Tensor {
  const gap = ops.sub(b, z);
  const step = ops.divNoNan(gap, dz);
  const valid = ops.mul(ops.greater(step, 0), ops.greater(ops.abs(gap), tol));
  return ops.where(valid, step, Infinity);
}
