import type { NestedNumbers } from './format.js';

/**
 * Flattens nested arrays of numbers in row-major order and checks they have exactly `shape`;
 * returns null (so the caller can name the layer in its error) when they do not.
 *
 * @example
 * ```ts
 * flattenNested([[1, 2], [3, 4]], [2, 2]); // Float64Array [1, 2, 3, 4]
 * ```
 */
export function flattenNested(value: NestedNumbers, shape: readonly number[]): Float64Array | null {
  const out: number[] = [];
  const walk = (v: NestedNumbers, depth: number): boolean => {
    if (depth === shape.length) {
      if (typeof v !== 'number' || !Number.isFinite(v)) return false;
      out.push(v);
      return true;
    }
    if (!Array.isArray(v) || v.length !== shape[depth]) return false;
    return (v as readonly NestedNumbers[]).every((e) => walk(e, depth + 1));
  };
  return walk(value, 0) ? Float64Array.from(out) : null;
}

/**
 * The shape of nested arrays, following the first element at each level (for error messages).
 *
 * @example
 * ```ts
 * shapeOfNested([[1, 2, 3]]); // [1, 3]
 * ```
 */
export function shapeOfNested(value: NestedNumbers): number[] {
  const shape: number[] = [];
  let v: NestedNumbers | undefined = value;
  while (Array.isArray(v)) {
    shape.push(v.length);
    v = (v as readonly NestedNumbers[])[0];
  }
  return shape;
}

/**
 * Reorders HWIO convolution weights `[kh][kw][in][out]` (flattened) to the IR's OIHW.
 *
 * @example
 * ```ts
 * const oihw = hwioToOihw(flat, 3, 3, 1, 4);
 * ```
 */
export function hwioToOihw(
  hwio: Float64Array,
  kh: number,
  kw: number,
  cin: number,
  cout: number,
): Float64Array {
  const out = new Float64Array(hwio.length);
  for (let y = 0; y < kh; y++)
    for (let x = 0; x < kw; x++)
      for (let i = 0; i < cin; i++)
        for (let o = 0; o < cout; o++)
          out[((o * cin + i) * kh + y) * kw + x] = hwio[((y * kw + x) * cin + i) * cout + o]!;
  return out;
}
