// `pnpm bench`: ONNX Runtime (onnxruntime-node, CPU) timings of the original model's forward pass
// against biasprop's traced attribution programs, for a LeNet-BN and a small VGG at batch 1 and 32.
// Not a test: it prints a table (first call = trace + session build + run; steady = median).
import type { ExplainOptions, HostTensor, IRGraph, Method } from '@biasprop/core';
import { explain } from '@biasprop/core';
import * as ort from 'onnxruntime-node';
import { OrtBackend } from '../src/index.js';
import { exportForwardModel } from './export-forward.js';
import { lenetBn, seeded, smallVgg } from './networks.js';

const threads = Number(process.env.BENCH_THREADS ?? 0) || undefined;
const minMs = Number(process.env.BENCH_MIN_MS ?? 1500);

/** Median wall time of `fn` over repeated runs (at least 5, until `minMs` has passed). */
async function median(fn: () => Promise<unknown>): Promise<number> {
  for (let i = 0; i < 2; i++) await fn();
  const times: number[] = [];
  const start = performance.now();
  while (times.length < 5 || (performance.now() - start < minMs && times.length < 200)) {
    const t = performance.now();
    await fn();
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
}

interface Row {
  model: string;
  batch: number;
  forward: number;
  gradient: [number, number];
  bbp: [number, number];
  ig: [number, number];
  sessions: number;
}

async function timeMethod(
  graph: IRGraph,
  x: HostTensor,
  backend: OrtBackend,
  methods: Method[],
  extra: ExplainOptions = {},
): Promise<[number, number]> {
  const t = performance.now();
  await explain(graph, x, { backend, methods, ...extra });
  const first = performance.now() - t;
  const steady = await median(() => explain(graph, x, { backend, methods, ...extra }));
  return [first, steady];
}

async function benchOne(graph: IRGraph, batch: number): Promise<Row> {
  const r = seeded(batch);
  const per = graph.input.shape.reduce((a, b) => a * b, 1);
  const data = Float32Array.from({ length: batch * per }, () => Math.max(0, r()));
  const x: HostTensor = { data, shape: [batch, ...graph.input.shape] };
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
  const forward = await median(() => original.run(feed));
  // Sanity: the original model and the traced program agree.
  const y = (await original.run(feed)).y!.data as Float32Array;
  await original.release();
  const backend = new OrtBackend({
    ort,
    executionProvider: 'cpu',
    ...(threads ? { intraOpNumThreads: threads } : {}),
  });
  const check = await explain(graph, x, { backend, methods: ['gradient'] });
  let err = 0;
  for (let i = 0; i < y.length; i++) err = Math.max(err, Math.abs(y[i]! - check.logits.data[i]!));
  if (err > 1e-3)
    throw new Error(`${graph.name}: original model and traced forward differ by ${err}`);
  await backend.dispose();

  const fresh = (): OrtBackend =>
    new OrtBackend({
      ort,
      executionProvider: 'cpu',
      ...(threads ? { intraOpNumThreads: threads } : {}),
    });
  const b1 = fresh();
  const gradient = await timeMethod(graph, x, b1, ['gradient']);
  const b2 = fresh();
  const bbp = await timeMethod(graph, x, b2, ['bbp']);
  const b3 = fresh();
  const ig = await timeMethod(graph, x, b3, ['integratedGradients'], {
    integratedGradients: { steps: 50 },
  });
  const sessions = b1.stats.sessionsCreated + b2.stats.sessionsCreated + b3.stats.sessionsCreated;
  for (const b of [b1, b2, b3]) await b.dispose();
  return { model: graph.name, batch, forward, gradient, bbp, ig, sessions };
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
  `ONNX Runtime ${ort.env.versions.node ?? ''} CPU (onnxruntime-node), ${threads ?? 'default'} intra-op threads; times in ms, steady = median; first call = trace + InferenceSession build + run.`,
);
console.log('');
console.log(
  '| model | batch | forward (original .onnx) | gradient first / steady | BBp first / steady | IG(50) first / steady | gradient ÷ forward | BBp ÷ forward | IG(50) ÷ gradient |',
);
console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|');
for (const r of rows) {
  console.log(
    `| ${r.model} | ${r.batch} | ${f(r.forward)} | ${f(r.gradient[0])} / ${f(r.gradient[1])} | ${f(r.bbp[0])} / ${f(r.bbp[1])} | ${f(r.ig[0])} / ${f(r.ig[1])} | ${(r.gradient[1] / r.forward).toFixed(2)}× | ${(r.bbp[1] / r.forward).toFixed(2)}× | ${(r.ig[1] / r.gradient[1]).toFixed(1)}× |`,
  );
}
console.log('');
console.log(
  'Targets: gradient ≤ 3× forward, gradient+BBp (the BBp run computes both) ≤ 5× forward, IG(50) ≤ 55× gradient; the steady state builds no session.',
);
