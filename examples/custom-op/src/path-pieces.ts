import type { Ops, Tensor } from '@biasprop/core';

/**
 * 1 where `z` lies above the threshold `b` just after the current point of a path along which `z`
 * changes by `dz`: clearly above (by more than `tol`), or equal within `tol` and rising.
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
 * is not already at `b` (within `tol`), `+Infinity` elsewhere.
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
