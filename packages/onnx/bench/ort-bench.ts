// `pnpm bench`: ONNX Runtime (onnxruntime-node, CPU) timings of the original model's forward pass
// against biasprop's traced attribution programs, for a LeNet-BN and a small VGG at batch 1 and 32.
// Not a test: it prints a table (first call = trace + session build + run; steady = median of the
// mean of 10 calls in a row, one call for IG; the ratios are taken inside each repetition, where
// forward, gradient, BBp and IG run in turn, and their medians printed, so changes of the
// machine's load cancel). BBp runs under the default `contribution` rule and, for comparison, the
// `weight` rule.
import type { ExplainOptions, HostTensor, IRGraph, Method } from '@biasprop/core';
import { explain } from '@biasprop/core';
import * as ort from 'onnxruntime-node';
import { OrtBackend } from '../src/index.js';
import { exportForwardModel } from './export-forward.js';
import { benchInput, lenetBn, smallVgg } from './networks.js';

const threads = Number(process.env.BENCH_THREADS ?? 0) || undefined;
const minMs = Number(process.env.BENCH_MIN_MS ?? 1500);

interface Row {
  model: string;
  batch: number;
  forward: number;
  gradient: [number, number];
  bbp: [number, number];
  ig: [number, number];
  /** Steady BBp under the `weight` rule, whose denominators are constants (one conv pass fewer). */
  bbpWeight: number;
  sessions: number;
  /** Ratios taken inside each repetition (forward, gradient, BBp, IG in turn), then the median. */
  gradientPerForward: number;
  bbpPerForward: number;
  bbpWeightPerForward: number;
  igPerGradient: number;
}

const medianOf = (v: number[]): number => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)]!;

async function time(fn: () => Promise<unknown>): Promise<number> {
  const t = performance.now();
  await fn();
  return performance.now() - t;
}

/** Calls timed back to back by {@link meanTime}. */
const CALLS_IN_A_ROW = 10;

/** The mean time of `CALLS_IN_A_ROW` calls of `fn` in a row. */
async function meanTime(fn: () => Promise<unknown>): Promise<number> {
  return (
    (await time(async () => {
      for (let k = 0; k < CALLS_IN_A_ROW; k++) await fn();
    })) / CALLS_IN_A_ROW
  );
}

async function benchOne(graph: IRGraph, batch: number): Promise<Row> {
  const x: HostTensor = benchInput(graph, batch);
  const data = x.data as Float32Array;
  const sessionOptions = {
    executionProviders: ['cpu'],
    graphOptimizationLevel: 'all' as const,
    ...(threads ? { intraOpNumThreads: threads } : {}),
  };
  const original = await ort.InferenceSession.create(
    exportForwardModel(graph, batch),
    sessionOptions,
  );
  const feed = { x: new ort.Tensor('float32', data, [...x.shape]) };
  // Sanity: the original model and the traced program agree.
  const y = (await original.run(feed)).y!.data as Float32Array;
  const fresh = (): OrtBackend =>
    new OrtBackend({
      ort,
      executionProvider: 'cpu',
      ...(threads ? { intraOpNumThreads: threads } : {}),
    });
  const check = fresh();
  const checked = await explain(graph, x, { backend: check, methods: ['gradient'] });
  let err = 0;
  for (let i = 0; i < y.length; i++) err = Math.max(err, Math.abs(y[i]! - checked.logits.data[i]!));
  if (err > 1e-3)
    throw new Error(`${graph.name}: original model and traced forward differ by ${err}`);
  await check.dispose();

  const b1 = fresh();
  const b2 = fresh();
  const b3 = fresh();
  const b4 = fresh();
  const run =
    (backend: OrtBackend, methods: Method[], extra: ExplainOptions = {}) =>
    () =>
      explain(graph, x, { backend, methods, ...extra });
  const gradientRun = run(b1, ['gradient']);
  const bbpRun = run(b2, ['bbp']);
  const igRun = run(b3, ['integratedGradients'], { integratedGradients: { steps: 50 } });
  const bbpWeightRun = run(b4, ['bbp'], { rules: ['weight'] });
  const first = [await time(gradientRun), await time(bbpRun), await time(igRun)] as const;
  for (let i = 0; i < 2; i++) {
    await original.run(feed);
    await gradientRun();
    await bbpRun();
    await bbpWeightRun();
  }
  const t = {
    forward: [] as number[],
    gradient: [] as number[],
    bbp: [] as number[],
    bbpWeight: [] as number[],
    ig: [] as number[],
  };
  const start = performance.now();
  while (t.ig.length < 5 || (performance.now() - start < minMs && t.ig.length < 200)) {
    // The forward, the gradient and BBp are each timed the same way, as the mean of a few calls in
    // a row (what explaining many inputs does): only the forward timed like that, against single
    // program calls after an IG run, favours the forward by up to 2× at batch 1.
    t.forward.push(await meanTime(() => original.run(feed)));
    t.gradient.push(await meanTime(gradientRun));
    t.bbp.push(await meanTime(bbpRun));
    t.bbpWeight.push(await meanTime(bbpWeightRun));
    t.ig.push(await time(igRun));
  }
  await original.release();
  const backends = [b1, b2, b3, b4];
  const sessions = backends.reduce((n, b) => n + b.stats.sessionsCreated, 0);
  for (const b of backends) await b.dispose();
  return {
    model: graph.name,
    batch,
    forward: medianOf(t.forward),
    gradient: [first[0], medianOf(t.gradient)],
    bbp: [first[1], medianOf(t.bbp)],
    ig: [first[2], medianOf(t.ig)],
    bbpWeight: medianOf(t.bbpWeight),
    sessions,
    gradientPerForward: medianOf(t.gradient.map((v, i) => v / t.forward[i]!)),
    bbpPerForward: medianOf(t.bbp.map((v, i) => v / t.forward[i]!)),
    bbpWeightPerForward: medianOf(t.bbpWeight.map((v, i) => v / t.forward[i]!)),
    igPerGradient: medianOf(t.ig.map((v, i) => v / t.gradient[i]!)),
  };
}

const f = (ms: number): string =>
  ms < 10 ? ms.toFixed(2) : ms < 100 ? ms.toFixed(1) : ms.toFixed(0);
const rows: Row[] = [];
for (const graph of [lenetBn(), smallVgg()]) {
  for (const batch of [1, 32]) {
    const row = await benchOne(graph, batch);
    rows.push(row);
    console.error(`done ${graph.name} batch ${batch}`);
  }
}
console.log(
  `ONNX Runtime ${ort.env.versions.node ?? ''} CPU (onnxruntime-node), ${threads ?? 'default'} intra-op threads; times in ms, steady = median of the mean of ${CALLS_IN_A_ROW} calls in a row (IG: one call); first call = trace + InferenceSession build + run.`,
);
console.log('');
console.log(
  '| model | batch | forward (original .onnx) | gradient first / steady | BBp first / steady | IG(50) first / steady | gradient ÷ forward | BBp ÷ forward | IG(50) ÷ gradient | BBp (weight rule) steady, ÷ forward |',
);
console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
for (const r of rows) {
  console.log(
    `| ${r.model} | ${r.batch} | ${f(r.forward)} | ${f(r.gradient[0])} / ${f(r.gradient[1])} | ${f(r.bbp[0])} / ${f(r.bbp[1])} | ${f(r.ig[0])} / ${f(r.ig[1])} | ${r.gradientPerForward.toFixed(2)}× | ${r.bbpPerForward.toFixed(2)}× | ${r.igPerGradient.toFixed(1)}× | ${f(r.bbpWeight)}, ${r.bbpWeightPerForward.toFixed(2)}× |`,
  );
}
console.log('');
console.log(
  'Targets: gradient ≤ 3× forward, gradient+BBp (the BBp run computes both) ≤ 5× forward, IG(50) ≤ 55× gradient; the steady state builds no session. BBp is the default `contribution` rule; the last column is the `weight` rule for comparison.',
);
