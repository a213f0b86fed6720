import type { Explanation, HostTensor, IRGraph } from '@biasprop/core';
import { relativeError } from './kernel-harness.js';

/** Worst relative error (array error / max|reference|) of every attribution in `got` against `want`. */
export function explanationErrors(got: Explanation, want: Explanation): Record<string, number> {
  const errors: Record<string, number> = {};
  const add = (name: string, a: HostTensor | undefined, b: HostTensor | undefined): void => {
    if (a && b) errors[name] = relativeError(a, b);
    else if (a || b) errors[name] = Infinity;
  };
  add('logits', got.logits, want.logits);
  add('gradient', got.gradient, want.gradient);
  add('inputXGradient', got.inputXGradient, want.inputXGradient);
  add(
    'integratedGradients',
    got.integratedGradients?.attribution,
    want.integratedGradients?.attribution,
  );
  for (const rule of Object.keys(want.bbp ?? {})) {
    add(`bbp:${rule}`, got.bbp?.[rule], want.bbp![rule]);
    add(`total:${rule}`, got.total?.[rule], want.total?.[rule]);
  }
  // The decomposition, relative to max(|f|, |w·x|, |b|) per example (DESIGN §4).
  want.decomposition.forEach((d, i) => {
    const g = got.decomposition[i]!;
    const scale = Math.max(Math.abs(d.f), Math.abs(d.wx), Math.abs(d.bias), 1e-12);
    const worst =
      Math.max(
        Math.abs(g.f - d.f),
        Math.abs(g.wx - d.wx),
        Math.abs(g.bias - d.bias),
        ...Object.keys(d.bbpSum).map((k) => Math.abs(g.bbpSum[k]! - d.bbpSum[k]!)),
      ) / scale;
    errors.decomposition = Math.max(errors.decomposition ?? 0, worst);
  });
  if (got.predicted.join(',') !== want.predicted.join(',')) errors.predicted = Infinity;
  return errors;
}

/** Inputs with exact max-pool ties and ReLU kinks as well as random ones: `[N, ...shape]`. */
export function fixtureInputs(
  graph: IRGraph,
  rand: () => number,
): { name: string; x: HostTensor }[] {
  const shape = graph.input.shape;
  const per = shape.reduce((a, b) => a * b, 1);
  const batch = (f: (i: number, e: number) => number, n = 2): HostTensor => ({
    data: Float64Array.from({ length: n * per }, (_, j) =>
      Math.fround(f(j % per, Math.floor(j / per))),
    ),
    shape: [n, ...shape],
  });
  const blank = (i: number, e: number): number => {
    // A blank background with a small bright square (different per example).
    if (shape.length !== 3) return 0;
    const w = shape[2]!;
    const y = Math.floor((i % (shape[1]! * w)) / w);
    const x = i % w;
    return y >= 3 + e && y < 7 + e && x >= 2 && x < 6 ? 1 : 0;
  };
  return [
    { name: 'random', x: batch(() => rand()) },
    { name: 'blank background', x: batch(blank) },
    { name: 'zeros', x: batch(() => 0, 1) },
    { name: 'constant', x: batch(() => 0.5, 1) },
  ];
}
