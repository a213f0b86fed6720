// `pnpm bench`: forward, gradient, BBp and IG(50) times per tfjs backend available in Node, for a
// LeNet-sized and a MobileNetV2-sized model, with the ratios measured in the same run.
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { availableParallelism, cpus } from 'node:os';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import type { HostTensor, IRGraph } from '../src/index.js';
import { TfjsBackend, explain, fromLayersModel, predict } from '../src/index.js';
import { lenet, mobilenetV2 } from './models.js';

const MOBILENET_SIZE = Number(process.env.BENCH_MOBILENET_SIZE ?? 96);
const REPS = Number(process.env.BENCH_REPS ?? 3);
/** IG(50) repetitions on the large model (each takes tens of seconds on cpu). */
const IG_REPS = Number(process.env.BENCH_IG_REPS ?? 1);

function randomize(model: tfl.LayersModel): void {
  let s = 7;
  const r = () => (s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32 - 0.5;
  for (const layer of model.layers) {
    const ws = layer.getWeights();
    if (!ws.length) continue;
    const fresh = layer.weights.map((w, i) => {
      const n = ws[i]!.size;
      const fanIn = ws[i]!.shape.slice(0, -1).reduce((a, b) => a * b, 1) || 1;
      const v = Float32Array.from({ length: n }, () => (r() * 2) / Math.sqrt(fanIn));
      if (w.originalName.endsWith('moving_variance') || w.originalName.endsWith('gamma'))
        v.forEach((e, k) => (v[k] = 1 + Math.abs(e)));
      return tf.tensor(v, ws[i]!.shape);
    });
    layer.setWeights(fresh);
    fresh.forEach((t) => t.dispose());
  }
}

function image(shape: number[]): HostTensor {
  const size = shape.reduce((a, b) => a * b, 1);
  const data = Float32Array.from({ length: size }, (_, i) =>
    Math.max(0, Math.sin(i * 0.01) * Math.cos(i * 0.003)),
  );
  return { data, shape: [1, ...shape] };
}

interface Row {
  backend: string;
  model: string;
  forward: number;
  gradient: number;
  bbp: number;
  ig: number;
  /** Ratios taken within each repetition (interleaved), then the median: load changes cancel. */
  gradientPerForward: number;
  bbpPerGradient: number;
  igPerGradient: number;
}

const medianOf = (v: number[]): number => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)]!;

async function time(f: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await f();
  return performance.now() - start;
}

async function measure(
  backendName: string,
  model: string,
  graph: IRGraph,
  x: HostTensor,
  reps: number,
  igReps: number,
): Promise<Row> {
  const backend = await TfjsBackend.create({ backend: backendName });
  try {
    // Warm-up: uploads weights and derived filters, JIT.
    await explain(graph, x, { backend, methods: ['bbp'] });
    const gradientRun = () => time(() => explain(graph, x, { backend, methods: ['gradient'] }));
    const f: number[] = [];
    const g: number[] = [];
    const b: number[] = [];
    for (let i = 0; i < reps; i++) {
      f.push(await time(() => predict(graph, x, backend)));
      g.push(await gradientRun());
      b.push(await time(() => explain(graph, x, { backend, methods: ['bbp'] })));
    }
    // IG between two gradients, each repetition.
    const ig: number[] = [];
    const igRatio: number[] = [];
    for (let i = 0; i < igReps; i++) {
      const before = await gradientRun();
      const e = await explain(graph, x, {
        backend,
        methods: ['integratedGradients'],
        integratedGradients: { steps: 50 },
      });
      const after = await gradientRun();
      ig.push(e.timings.integratedGradients!);
      igRatio.push(e.timings.integratedGradients! / ((before + after) / 2));
    }
    return {
      backend: backend.name,
      model,
      forward: medianOf(f),
      gradient: medianOf(g),
      bbp: medianOf(b),
      ig: medianOf(ig),
      gradientPerForward: medianOf(g.map((v, i) => v / f[i]!)),
      bbpPerGradient: medianOf(b.map((v, i) => v / g[i]!)),
      igPerGradient: medianOf(igRatio),
    };
  } finally {
    backend.dispose();
  }
}

const fmt = (ms: number) => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(1)} ms`);

async function main(): Promise<void> {
  const backends: string[] = [];
  for (const name of ['cpu', 'wasm']) {
    try {
      if (await tf.setBackend(name)) backends.push(name);
      else console.log(`tfjs ${name}: not available`);
    } catch (e) {
      console.log(`tfjs ${name}: failed to start (${(e as Error).message})`);
    }
  }
  await tf.setBackend('cpu');
  const models: [string, tfl.LayersModel, number[]][] = [
    ['LeNet-5 28×28×1', lenet(), [28, 28, 1]],
    [
      `MobileNetV2 ${MOBILENET_SIZE}×${MOBILENET_SIZE}×3`,
      mobilenetV2(MOBILENET_SIZE),
      [MOBILENET_SIZE, MOBILENET_SIZE, 3],
    ],
  ];
  const rows: Row[] = [];
  for (const [label, model, shape] of models) {
    randomize(model);
    const graph = fromLayersModel(model);
    const x = image(shape);
    for (const b of backends) {
      const lenet = label.startsWith('LeNet');
      const row = await measure(
        b,
        label,
        graph,
        x,
        lenet ? REPS * 3 : REPS,
        lenet ? REPS : IG_REPS,
      );
      rows.push(row);
      console.log(
        `${row.backend} ${label}: forward ${fmt(row.forward)}, gradient ${fmt(row.gradient)}, BBp ${fmt(row.bbp)}, IG(50) ${fmt(row.ig)}`,
      );
    }
  }
  console.log(
    `\nMachine: ${cpus()[0]?.model ?? 'unknown CPU'}, ${availableParallelism()} cores, Node ${process.version}, tfjs ${tf.version_core}\n`,
  );
  console.log(
    '| backend | model | forward | gradient | BBp | IG(50) | gradient/forward | BBp/gradient (≤ 2.5) | IG/gradient (≤ 55) |',
  );
  console.log('|---|---|---|---|---|---|---|---|---|');
  for (const r of rows) {
    console.log(
      `| ${r.backend} | ${r.model} | ${fmt(r.forward)} | ${fmt(r.gradient)} | ${fmt(r.bbp)} | ${fmt(r.ig)} | ${r.gradientPerForward.toFixed(2)} | ${r.bbpPerGradient.toFixed(2)} | ${r.igPerGradient.toFixed(1)} |`,
    );
  }
}

await main();
