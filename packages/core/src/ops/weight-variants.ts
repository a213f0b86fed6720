import type { FloatArray } from '../tensor/host-tensor.js';
import type { MapVariant } from './op-rule.js';

const cache = new WeakMap<FloatArray, Map<MapVariant, FloatArray>>();

const TRANSFORMS: Record<MapVariant, (v: number) => number> = {
  signed: (v) => v,
  abs: Math.abs,
  positive: (v) => (v > 0 ? v : 0),
  negative: (v) => (v < 0 ? v : 0),
  nonzero: (v) => (v !== 0 ? 1 : 0),
  connectivity: () => 1,
};

/**
 * A weight array transformed for a {@link MapVariant}, computed once per source array and kept
 * (the same object is returned each time, so backends upload it once).
 */
export function weightVariant(data: FloatArray, variant: MapVariant): FloatArray {
  if (variant === 'signed') return data;
  let m = cache.get(data);
  if (!m) cache.set(data, (m = new Map<MapVariant, FloatArray>()));
  let v = m.get(variant);
  if (!v) {
    const f = TRANSFORMS[variant];
    v = new Float64Array(data.length);
    for (let i = 0; i < data.length; i++) v[i] = f(data[i]!);
    m.set(variant, v);
  }
  return v;
}

const zeroChecks = new WeakMap<FloatArray, boolean>();

/** Whether any entry of a weight array is exactly zero (scanned once per array). */
export function hasZeros(data: FloatArray): boolean {
  let zero = zeroChecks.get(data);
  if (zero === undefined) {
    zero = false;
    for (let i = 0; i < data.length && !zero; i++) zero = data[i] === 0;
    zeroChecks.set(data, zero);
  }
  return zero;
}

/**
 * Whether the {@link MapVariant} of a weight array is all ones: always for `connectivity`, and for
 * `nonzero` when no entry is zero.
 *
 * @example
 * ```ts
 * isAllOnes(Float64Array.from([0.5, -2]), 'nonzero'); // true
 * ```
 */
export function isAllOnes(data: FloatArray, variant: MapVariant): boolean {
  return variant === 'connectivity' || (variant === 'nonzero' && !hasZeros(data));
}
