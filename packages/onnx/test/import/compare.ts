// Runs ONNX Runtime on a model and compares arrays (test-only helpers).
import * as ort from 'onnxruntime-node';

/** Runs a model with ONNX Runtime (CPU) on one float32 input; returns the first output. */
export async function runOrt(
  bytes: Uint8Array,
  input: { name: string; data: ArrayLike<number>; dims: readonly number[] },
): Promise<{ data: Float64Array; dims: number[] }> {
  const session = await ort.InferenceSession.create(bytes);
  try {
    const feeds = {
      [input.name]: new ort.Tensor('float32', Float32Array.from(input.data), [...input.dims]),
    };
    const out = await session.run(feeds);
    const t = out[session.outputNames[0]!]!;
    return { data: Float64Array.from(t.data as Float32Array), dims: [...t.dims] };
  } finally {
    await session.release();
  }
}

/** max |a − b| / max |b| (0 when both are all zeros). */
export function relativeError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Infinity;
  let num = 0;
  let den = 0;
  for (let i = 0; i < a.length; i++) {
    num = Math.max(num, Math.abs(a[i]! - b[i]!));
    den = Math.max(den, Math.abs(b[i]!));
  }
  return den === 0 ? num : num / den;
}
