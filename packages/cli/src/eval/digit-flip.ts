import type { Backend, BuiltinBbpRule, HostTensor, IRGraph } from '@biasprop/core';
import { BUILTIN_BBP_RULES, explain, predict } from '@biasprop/core';
import { logOddsChange, meanStd, randomScores, selectPixels, erasePixels } from './pixel-flip.js';

/** A source → target class pair of the digit-flip protocol. */
export type FlipPair = readonly [source: number, target: number];

/** The pairs of the DeepLIFT paper: 8→3, 8→6, 9→1, 4→1. */
export const DIGIT_FLIP_PAIRS: readonly FlipPair[] = [
  [8, 3],
  [8, 6],
  [9, 1],
  [4, 1],
];

/** Pixels erased at each point of the curve (0, 10 % and 20 % of 784). */
export const DIGIT_FLIP_BUDGETS: readonly number[] = [0, 78, 157];

/** How a method's score S was computed. */
export type ScoreKind = 'contrast readout' | 'difference of two explanations' | 'random';

/** One method of the protocol. */
export interface FlipMethod {
  /** Name in tables and plots, e.g. `bbp:contribution`. */
  readonly name: string;
  /** How S is computed. */
  readonly score: ScoreKind;
}

/** The result of one method on one pair. */
export interface FlipMethodResult extends FlipMethod {
  /** Mean log-odds change per budget (same order as `budgets`). */
  readonly mean: readonly number[];
  /** Standard deviation per budget. */
  readonly std: readonly number[];
  /** Mean number of pixels actually erased per budget (fewer when S has fewer positive values). */
  readonly erased: readonly number[];
  /** Mean number of erased pixels that were not already at the background value, per budget. */
  readonly changed: readonly number[];
}

/** The result of one pair. */
export interface FlipPairResult {
  /** The source class s. */
  readonly source: number;
  /** The target class t. */
  readonly target: number;
  /** Test images of class `source` that the model classifies as `source` (after `limit`). */
  readonly images: number;
  /** One result per method. */
  readonly methods: readonly FlipMethodResult[];
}

/** Options of {@link runDigitFlip}. */
export interface DigitFlipOptions {
  /** Where the explanations run. */
  readonly backend: Backend;
  /** Pairs (default {@link DIGIT_FLIP_PAIRS}). */
  readonly pairs?: readonly FlipPair[];
  /** Pixels erased per curve point (default {@link DIGIT_FLIP_BUDGETS}). */
  readonly budgets?: readonly number[];
  /** At most this many eligible images per pair. */
  readonly limit?: number;
  /** Images per `explain` call (default 64). */
  readonly batch?: number;
  /** Integrated Gradients Gauss–Legendre points (default 50). */
  readonly igSteps?: number;
  /** BBp rules (default all built-in rules). */
  readonly rules?: readonly BuiltinBbpRule[];
  /** Seed of the random-mask baseline (default 1). */
  readonly seed?: number;
  /** Background value erased pixels are set to (default 0). */
  readonly background?: number;
  /** Called after each batch with images done and the total. */
  readonly onProgress?: (done: number, total: number) => void;
}

/** The whole run. */
export interface DigitFlipResult {
  /** Pixel budgets of the curve (0, 78, 157 by default). */
  readonly budgets: readonly number[];
  /** One result per (s, t) pair. */
  readonly pairs: readonly FlipPairResult[];
}

/** Images and labels the protocol draws from. */
export interface LabelledImages {
  /** Number of images. */
  readonly n: number;
  /** Pixels per image. */
  readonly pixels: number;
  /** The images, row-major, values in [0, 1]. */
  readonly images: Float32Array;
  /** The class of each image. */
  readonly labels: ArrayLike<number>;
}

function rows(t: HostTensor, n: number): Float64Array[] {
  const per = t.data.length / n;
  return Array.from({ length: n }, (_, i) =>
    Float64Array.from(t.data.subarray(i * per, (i + 1) * per)),
  );
}

function sub(a: Float64Array, b: Float64Array): Float64Array {
  const out = new Float64Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = a[i]! - b[i]!;
  return out;
}

/**
 * The method list of the protocol for the given BBp rules: gradient, gradient×input, IG, BBp per
 * rule, total (gradient×input + BBp with the first rule), random.
 *
 * @example
 * ```ts
 * digitFlipMethods(['contribution']).map((m) => m.name);
 * // ['gradient', 'inputXGradient', 'integratedGradients', 'bbp:contribution', 'total:contribution', 'random']
 * ```
 */
export function digitFlipMethods(rules: readonly BuiltinBbpRule[]): FlipMethod[] {
  return [
    { name: 'gradient', score: 'contrast readout' },
    { name: 'inputXGradient', score: 'contrast readout' },
    { name: 'integratedGradients', score: 'contrast readout' },
    ...rules.map((r) => ({ name: `bbp:${r}`, score: 'difference of two explanations' as const })),
    { name: `total:${rules[0]!}`, score: 'difference of two explanations' as const },
    { name: 'random', score: 'random' as const },
  ];
}

/**
 * Scores S per method for a batch: gradient, gradient×input and IG from the contrast readout
 * `{ contrast: [s, t] }` (exact, they are linear in the readout); BBp and total as the explanation
 * of `s` minus the explanation of `t`; random from a seeded stream.
 */
async function batchScores(
  graph: IRGraph,
  x: HostTensor,
  n: number,
  pair: FlipPair,
  o: Required<Pick<DigitFlipOptions, 'backend' | 'igSteps' | 'rules' | 'seed'>>,
  offset: number,
): Promise<{ scores: Map<string, Float64Array[]>; logits: Float64Array[] }> {
  const [s, t] = pair;
  const contrast = await explain(graph, x, {
    backend: o.backend,
    methods: ['gradient', 'inputXGradient', 'integratedGradients'],
    target: { contrast: [s, t] },
    integratedGradients: { steps: o.igSteps, method: 'gaussLegendre' },
  });
  const bbpOpts = { backend: o.backend, methods: ['bbp', 'total'] as const, rules: o.rules };
  const es = await explain(graph, x, { ...bbpOpts, target: s });
  const et = await explain(graph, x, { ...bbpOpts, target: t });
  const scores = new Map<string, Float64Array[]>();
  scores.set('gradient', rows(contrast.gradient!, n));
  scores.set('inputXGradient', rows(contrast.inputXGradient!, n));
  scores.set('integratedGradients', rows(contrast.integratedGradients!.attribution, n));
  for (const r of o.rules) {
    const a = rows(es.bbp![r]!, n);
    const b = rows(et.bbp![r]!, n);
    scores.set(
      `bbp:${r}`,
      a.map((v, i) => sub(v, b[i]!)),
    );
  }
  const r0 = o.rules[0]!;
  const ta = rows(es.total![r0]!, n);
  const tb = rows(et.total![r0]!, n);
  scores.set(
    `total:${r0}`,
    ta.map((v, i) => sub(v, tb[i]!)),
  );
  const per = x.data.length / n;
  scores.set(
    'random',
    Array.from({ length: n }, (_, i) =>
      Float64Array.from(randomScores(per, o.seed * 1_000_003 + offset + i)),
    ),
  );
  return { scores, logits: rows(contrast.logits, n) };
}

/**
 * Runs the digit-flip protocol: for each pair `s → t`, the test images of class `s` that the model
 * classifies as `s`; per method the score S, the `budget` pixels with the largest S > 0 erased to
 * the background, and the change of `logit_s − logit_t`, as mean ± std per budget.
 *
 * @example
 * ```ts
 * const r = await runDigitFlip(graph, { shape: [28, 28, 1] }, test, { backend, limit: 100 });
 * r.pairs[0].methods.find((m) => m.name === 'integratedGradients')?.mean; // [0, -x, -y]
 * ```
 */
export async function runDigitFlip(
  graph: IRGraph,
  inputShape: readonly number[],
  data: LabelledImages,
  options: DigitFlipOptions,
): Promise<DigitFlipResult> {
  const pairs = options.pairs ?? DIGIT_FLIP_PAIRS;
  const budgets = options.budgets ?? DIGIT_FLIP_BUDGETS;
  const rules = options.rules ?? BUILTIN_BBP_RULES;
  const batch = options.batch ?? 64;
  const background = options.background ?? 0;
  const o = {
    backend: options.backend,
    igSteps: options.igSteps ?? 50,
    rules,
    seed: options.seed ?? 1,
  };
  const per = data.pixels;
  const methods = digitFlipMethods(rules);
  // Eligible images per source class: labelled s and classified as s.
  const eligible = new Map<number, number[]>();
  for (const s of new Set(pairs.map((p) => p[0]))) {
    const idx: number[] = [];
    for (let i = 0; i < data.n; i++) if (data.labels[i] === s) idx.push(i);
    const keep: number[] = [];
    for (let b = 0; b < idx.length; b += 256) {
      const part = idx.slice(b, b + 256);
      const x = gather(data, part, inputShape);
      const logits = rows(await predict(graph, x, o.backend), part.length);
      logits.forEach((l, j) => {
        if (argmax(l) === s) keep.push(part[j]!);
      });
    }
    eligible.set(s, keep);
  }
  const chosen = pairs.map((p) => {
    const all = eligible.get(p[0])!;
    return options.limit === undefined ? all : all.slice(0, options.limit);
  });
  const total = chosen.reduce((a, c) => a + c.length, 0);
  let done = 0;
  options.onProgress?.(0, total);
  const out: FlipPairResult[] = [];
  for (let p = 0; p < pairs.length; p++) {
    const pair = pairs[p]!;
    const [s, t] = pair;
    const ids = chosen[p]!;
    const changes = methods.map(() => budgets.map(() => [] as number[]));
    const erasedCount = methods.map(() => budgets.map(() => 0));
    const changedCount = methods.map(() => budgets.map(() => 0));
    for (let b = 0; b < ids.length; b += batch) {
      const part = ids.slice(b, b + batch);
      const n = part.length;
      const x = gather(data, part, inputShape);
      const { scores, logits } = await batchScores(graph, x, n, pair, o, b);
      // Every (method, budget > 0, image) erased copy in one forward run.
      const jobs: { m: number; k: number; i: number }[] = [];
      const copies: Float32Array[] = [];
      methods.forEach((m, mi) => {
        const sc = scores.get(m.name)!;
        budgets.forEach((budget, ki) => {
          for (let i = 0; i < n; i++) {
            if (budget === 0) {
              changes[mi]![ki]!.push(0);
              continue;
            }
            const sel = selectPixels(sc[i]!, budget);
            erasedCount[mi]![ki]! += sel.length;
            changedCount[mi]![ki]! += sel.filter((q) => x.data[i * per + q] !== background).length;
            copies.push(erasePixels(x.data.subarray(i * per, (i + 1) * per), sel, background));
            jobs.push({ m: mi, k: ki, i });
          }
        });
      });
      const all = new Float32Array(copies.length * per);
      copies.forEach((c, j) => all.set(c, j * per));
      const after: Float64Array[] = [];
      for (let j = 0; j < copies.length; j += 1024) {
        const m = Math.min(1024, copies.length - j);
        const xt = { data: all.subarray(j * per, (j + m) * per), shape: [m, ...inputShape] };
        after.push(...rows(await predict(graph, xt, o.backend), m));
      }
      jobs.forEach((job, j) => {
        changes[job.m]![job.k]!.push(logOddsChange(logits[job.i]!, after[j]!, s, t));
      });
      done += n;
      options.onProgress?.(done, total);
    }
    out.push({
      source: s,
      target: t,
      images: ids.length,
      methods: methods.map((m, mi) => {
        const stats = changes[mi]!.map((c) => meanStd(c));
        return {
          ...m,
          mean: stats.map((x) => x.mean),
          std: stats.map((x) => x.std),
          erased: erasedCount[mi]!.map((c) => (ids.length ? c / ids.length : 0)),
          changed: changedCount[mi]!.map((c) => (ids.length ? c / ids.length : 0)),
        };
      }),
    });
  }
  return { budgets, pairs: out };
}

function argmax(v: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < v.length; i++) if (v[i]! > v[best]!) best = i;
  return best;
}

function gather(
  data: LabelledImages,
  ids: readonly number[],
  shape: readonly number[],
): HostTensor {
  const per = data.pixels;
  const x = new Float32Array(ids.length * per);
  ids.forEach((id, j) => x.set(data.images.subarray(id * per, (id + 1) * per), j * per));
  return { data: x, shape: [ids.length, ...shape] };
}
