import type { Precision } from '@biasprop/core';

/**
 * The conformance tolerance for a precision (DESIGN §4): 1e-9 for float64, 1e-4 for float32 and
 * 1e-2 for float16 (the only looser case; results always state the precision they were held to).
 *
 * @example
 * ```ts
 * toleranceFor('float32'); // 1e-4
 * ```
 */
export function toleranceFor(precision: Precision): number {
  switch (precision) {
    case 'float64':
      return 1e-9;
    case 'float32':
      return 1e-4;
    case 'float16':
      return 1e-2;
    default:
      throw new Error(`unknown precision '${String(precision)}'; use float64, float32 or float16`);
  }
}
