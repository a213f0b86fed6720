/**
 * TensorFlow's `SAME` padding for a window on an `[H, W]` input, as core pads
 * `[top, left, bottom, right]`: the output is `ceil(size / stride)` and the odd pad goes to the
 * bottom/right.
 *
 * @example
 * ```ts
 * samePads([5, 5], [2, 2], [2, 2], [1, 1]); // [0, 0, 1, 1]
 * ```
 */
export function samePads(
  hw: readonly [number, number] | readonly number[],
  kernel: readonly number[],
  strides: readonly number[],
  dilations: readonly number[] = [1, 1],
): [number, number, number, number] {
  const pads = [0, 1].map((a) => {
    const size = hw[a]!;
    const out = Math.ceil(size / strides[a]!);
    const eff = (kernel[a]! - 1) * dilations[a]! + 1;
    const total = Math.max(0, (out - 1) * strides[a]! + eff - size);
    const before = Math.floor(total / 2);
    return [before, total - before] as const;
  });
  return [pads[0]![0], pads[1]![0], pads[0]![1], pads[1]![1]];
}
