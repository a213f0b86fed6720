import type { Backend, HostTensor, Ops, Program, Tensor } from '@biasprop/core';
import { ReferenceBackend } from '@biasprop/core';

/** A program from a build function (kernel tests). */
export function program(
  key: string,
  build: (ops: Ops, inputs: Readonly<Record<string, Tensor>>) => Record<string, Tensor>,
): Program {
  return { key, build };
}

/** Deterministic uniform numbers in [-scale, scale). */
export function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 4294967296;
  };
}

/** A random tensor, float32-representable values. */
export function randomTensor(r: () => number, shape: readonly number[], scale = 1): HostTensor {
  const n = shape.reduce((a, b) => a * b, 1);
  return {
    data: Float64Array.from({ length: n }, () => Math.fround((r() * 2 - 1) * scale)),
    shape: [...shape],
  };
}

/** A tie-heavy tensor: small integers from `values`. */
export function tieTensor(
  r: () => number,
  shape: readonly number[],
  values: readonly number[] = [-1, 0, 1, 2],
): HostTensor {
  const n = shape.reduce((a, b) => a * b, 1);
  return {
    data: Float64Array.from({ length: n }, () => values[Math.floor(r() * values.length)]!),
    shape: [...shape],
  };
}

/** A constant tensor. */
export function constTensor(shape: readonly number[], value: number): HostTensor {
  const n = shape.reduce((a, b) => a * b, 1);
  return { data: new Float64Array(n).fill(value), shape: [...shape] };
}

/** Max |a − b| / max(|b|, tiny), and shapes must match. */
export function relativeError(a: HostTensor, b: HostTensor): number {
  if (a.shape.join(',') !== b.shape.join(','))
    throw new Error(`shapes differ: [${a.shape.join(', ')}] vs [${b.shape.join(', ')}]`);
  let err = 0;
  let scale = 0;
  for (let i = 0; i < b.data.length; i++) {
    const d = Math.abs(a.data[i]! - b.data[i]!);
    if (!(d <= err)) err = Number.isNaN(d) ? Infinity : d;
    scale = Math.max(scale, Math.abs(b.data[i]!));
  }
  return scale === 0 ? err : err / scale;
}

const reference = new ReferenceBackend();

/** Runs `p` on the reference and on `backend`; returns the worst relative error per output. */
export async function compareWithReference(
  backend: Backend,
  p: Program,
  inputs: Readonly<Record<string, HostTensor>>,
): Promise<Record<string, number>> {
  const want = await reference.run(p, inputs);
  const got = await backend.run(p, inputs);
  const errors: Record<string, number> = {};
  for (const [k, v] of Object.entries(want)) {
    const g = got[k];
    if (!g) throw new Error(`backend ${backend.name} did not return output '${k}'`);
    errors[k] = relativeError(g, v);
  }
  return errors;
}
