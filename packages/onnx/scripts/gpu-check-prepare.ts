// Prepares a self-contained GPU check: exports attribution graphs of the fixture networks as
// standalone .onnx files with inputs and float64 reference outputs (explain() on the reference
// backend), so any ONNX Runtime build (e.g. Python onnxruntime-gpu) can run and check them with
// no JavaScript.
// Usage: tsx --conditions=@biasprop/source scripts/gpu-check-prepare.ts [outDir] [--cases=a,b]
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Explanation, HostTensor, IRGraph, Target } from '@biasprop/core';
import { explain } from '@biasprop/core';
import { lenetBn, mixedNet, mlp, seeded, smallVgg } from '../bench/networks.js';
import { exportAttributionGraph } from '../src/index.js';

const RULES = ['contribution', 'weight', 'signed', 'uniform'] as const;
const args = process.argv.slice(2);
const outDir = resolve(
  args.find((a) => !a.startsWith('--')) ?? join(import.meta.dirname, '..', '.gpu-check'),
);
/** `--cases=mlp-b4,mixed-b4` prepares only those (the test of the GPU-check scripts does). */
const only = (args.find((a) => a.startsWith('--cases='))?.slice('--cases='.length) ?? '')
  .split(',')
  .filter(Boolean);

interface FileInfo {
  file: string;
  dtype: 'float32' | 'float64' | 'int64';
  shape: number[];
}

function fixtureBatch(graph: IRGraph, batch: number, seed: number): HostTensor {
  const r = seeded(seed);
  const shape = graph.input.shape;
  const per = shape.reduce((a, b) => a * b, 1);
  const data = new Float32Array(batch * per);
  for (let e = 0; e < batch; e++) {
    const kind = batch <= 4 ? e % 4 : 0;
    for (let i = 0; i < per; i++) {
      let v: number;
      if (kind === 0) v = r();
      else if (kind === 1) {
        // blank background with a bright square: max-pool ties everywhere else
        const w = shape.length === 3 ? shape[2]! : per;
        const y = Math.floor((i % (shape.length === 3 ? shape[1]! * w : per)) / w);
        const x = i % w;
        v = y >= 3 && y < 8 && x >= 2 && x < 7 ? 1 : 0;
      } else if (kind === 2) v = 0;
      else v = 0.5;
      data[e * per + i] = v;
    }
  }
  return { data, shape: [batch, ...shape] };
}

async function writeArray(
  dir: string,
  name: string,
  data: Float32Array | Float64Array | BigInt64Array,
  shape: number[],
): Promise<FileInfo> {
  const dtype =
    data instanceof Float32Array ? 'float32' : data instanceof Float64Array ? 'float64' : 'int64';
  await writeFile(join(dir, name), new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
  return { file: name, dtype, shape };
}

function references(e: Explanation): Record<string, HostTensor> {
  const per = (f: (d: Explanation['decomposition'][number]) => number): HostTensor => ({
    data: Float64Array.from(e.decomposition.map(f)),
    shape: [e.decomposition.length],
  });
  const out: Record<string, HostTensor> = {
    logits: e.logits,
    gradient: e.gradient!,
    input_x_gradient: e.inputXGradient!,
    f: per((d) => d.f),
    wx: per((d) => d.wx),
    b: per((d) => d.bias),
  };
  for (const r of RULES) {
    out[`bbp_${r}`] = e.bbp![r]!;
    out[`total_${r}`] = e.total![r]!;
    out[`bbp_sum_${r}`] = per((d) => d.bbpSum[r]!);
  }
  if (e.integratedGradients) out.integrated_gradients = e.integratedGradients.attribution;
  return out;
}

const CASES: { name: string; graph: () => IRGraph; batch: number; igSteps?: number }[] = [
  { name: 'mlp-b4', graph: mlp, batch: 4, igSteps: 50 },
  { name: 'mixed-b4', graph: mixedNet, batch: 4, igSteps: 16 },
  { name: 'lenet-bn-b4', graph: lenetBn, batch: 4, igSteps: 16 },
  { name: 'small-vgg-b4', graph: smallVgg, batch: 4, igSteps: 8 },
  { name: 'lenet-bn-b32', graph: lenetBn, batch: 32 },
  { name: 'small-vgg-b32', graph: smallVgg, batch: 32 },
];

await mkdir(outDir, { recursive: true });
const manifest: unknown[] = [];
for (const c of CASES.filter((k) => only.length === 0 || only.includes(k.name))) {
  const graph = c.graph();
  const dir = join(outDir, c.name);
  await mkdir(dir, { recursive: true });
  const x = fixtureBatch(graph, c.batch, c.batch + 7);
  // Half the examples explain the predicted class (-1), the others class 1.
  const targets = Array.from({ length: c.batch }, (_, i) => (i % 2 === 0 ? -1 : 1));
  const exportOptions = {
    batch: c.batch,
    rules: RULES,
    ...(c.igSteps ? { integratedGradients: { steps: c.igSteps } } : {}),
  };
  const exported = exportAttributionGraph(graph, exportOptions);
  await writeFile(join(dir, 'model.onnx'), exported.bytes);
  // ONNX Runtime's WebGPU provider needs its own graph where a conv has an input channel count
  // its Conv gets wrong; written only where it differs from the portable one.
  const models: Record<string, string> = {};
  const forWebgpu = exportAttributionGraph(graph, {
    ...exportOptions,
    executionProvider: 'webgpu',
  });
  if (Buffer.compare(Buffer.from(forWebgpu.bytes), Buffer.from(exported.bytes)) !== 0) {
    await writeFile(join(dir, 'model-webgpu.onnx'), forWebgpu.bytes);
    models.webgpu = `${c.name}/model-webgpu.onnx`;
  }
  const want = await explain(graph, x, {
    target: targets.map((t): Target => (t < 0 ? 'pred' : t)),
    rules: RULES,
    methods: c.igSteps ? undefined : ['gradient', 'inputXGradient', 'bbp', 'total'],
    ...(c.igSteps ? { integratedGradients: { steps: c.igSteps } } : {}),
  });
  const inputs = {
    x: await writeArray(dir, 'in_x.f32', x.data, [...x.shape]),
    target: await writeArray(dir, 'in_target.i64', BigInt64Array.from(targets.map(BigInt)), [
      c.batch,
    ]),
  };
  const refs: Record<string, FileInfo> = {};
  for (const [k, t] of Object.entries(references(want)))
    refs[k] = await writeArray(dir, `ref_${k}.f64`, Float64Array.from(t.data), [...t.shape]);
  manifest.push({
    name: c.name,
    model: `${c.name}/model.onnx`,
    models,
    dir: c.name,
    batch: c.batch,
    inputs,
    references: refs,
  });
  console.log(
    `prepared ${c.name}: ${exported.bytes.length} bytes, ${Object.keys(refs).length} reference outputs`,
  );
}
await writeFile(
  join(outDir, 'manifest.json'),
  JSON.stringify(
    { producer: 'biasprop gpu-check-prepare', tolerance: 1e-4, cases: manifest },
    null,
    2,
  ),
);
console.log(`wrote ${outDir}/manifest.json`);
