import { expect } from 'vitest';
import type { Explanation, FloatArray, HostTensor } from '../../src/index.js';

/** Sum of an array. */
export function sum(a: ArrayLike<number>, from = 0, to = a.length): number {
  let s = 0;
  for (let i = from; i < to; i++) s += a[i]!;
  return s;
}

/** Largest absolute value. */
export function maxAbs(a: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]!));
  return m;
}

/** Largest absolute difference (NaN if either side has a NaN). */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i]! - b[i]!);
    if (Number.isNaN(d)) return NaN;
    m = Math.max(m, d);
  }
  return m;
}

/** `max|a − b| / max|b|` (0 when both are all zero). */
export function maxRelError(a: ArrayLike<number>, ref: ArrayLike<number>): number {
  const d = maxAbsDiff(a, ref);
  const s = maxAbs(ref);
  return s === 0 ? d : d / s;
}

/** Asserts two arrays agree to `tol` relative to `max|ref|`, with a message saying what is compared. */
export function expectClose(
  a: ArrayLike<number>,
  ref: ArrayLike<number>,
  tol: number,
  what: string,
): void {
  const e = maxRelError(a, ref);
  expect(e, `${what}: max rel error ${e}`).toBeLessThanOrEqual(tol);
}

/** Every number of a host tensor is finite. */
export function expectFiniteArray(a: FloatArray | Float64Array, what: string): void {
  for (let i = 0; i < a.length; i++) {
    if (!Number.isFinite(a[i]!)) expect.fail(`${what}[${i}] = ${a[i]}`);
  }
}

/** No NaN or Inf anywhere in an explanation. */
export function expectFiniteExplanation(e: Explanation): void {
  const tensors: [string, HostTensor | undefined][] = [
    ['logits', e.logits],
    ['gradient', e.gradient],
    ['inputXGradient', e.inputXGradient],
    ['integratedGradients', e.integratedGradients?.attribution],
    ...Object.entries(e.bbp ?? {}).map(([k, v]): [string, HostTensor] => [`bbp.${k}`, v]),
    ...Object.entries(e.total ?? {}).map(([k, v]): [string, HostTensor] => [`total.${k}`, v]),
  ];
  for (const [name, t] of tensors) if (t) expectFiniteArray(t.data, name);
  if (e.integratedGradients) expectFiniteArray(e.integratedGradients.delta, 'ig.delta');
  for (const d of e.decomposition) {
    for (const v of [
      d.f,
      d.wx,
      d.bias,
      d.biasTerms,
      d.selectedBias,
      d.completenessResidual,
      ...Object.values(d.bbpSum),
      ...Object.values(d.bbpResidual),
    ]) {
      expect(Number.isFinite(v), `decomposition value ${v}`).toBe(true);
    }
  }
  for (const t of e.biasTerms) expectFiniteArray(t.values, `rho.${t.node}`);
  for (const l of e.layers) expectFiniteArray(l.values, `layer.${l.layer}`);
}

/** Per-example slice of a batched tensor's data. */
export function exampleOf(t: HostTensor, i: number): Float64Array {
  const per = t.data.length / t.shape[0]!;
  return Float64Array.from(t.data.subarray(i * per, (i + 1) * per));
}
