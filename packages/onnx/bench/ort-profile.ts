// `pnpm bench:profile [lenet-bn|small-vgg] [batch] [method]`: where the time of one traced
// attribution goes, by ONNX operator type, from ONNX Runtime's own profiler (onnxruntime-node,
// CPU). Not a test: it prints the operator types that take the most time in steady-state runs.
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import type { IRGraph, Method } from '@biasprop/core';
import { explain } from '@biasprop/core';
import * as ort from 'onnxruntime-node';
import { OrtBackend } from '../src/index.js';
import { exportForwardModel } from './export-forward.js';
import { benchInput, lenetBn, smallVgg } from './networks.js';

const [name = 'small-vgg', batchArg = '32', method = 'gradient'] = process.argv.slice(2);
const graphs: Record<string, () => IRGraph> = { 'lenet-bn': lenetBn, 'small-vgg': smallVgg };
const make = graphs[name];
if (!make) throw new Error(`unknown network '${name}'; use ${Object.keys(graphs).join(', ')}`);
const graph = make();
const batch = Number(batchArg);
const x = benchInput(graph, batch);
const data = x.data;
const prefix = `/tmp/biasprop-profile-${process.pid}`;
const backend = new OrtBackend({
  ort,
  executionProvider: 'cpu',
  sessionOptions: { enableProfiling: true, profileFilePrefix: prefix },
});
const runs = Number(process.env.PROFILE_RUNS ?? 20);
if (method === 'original') {
  // The original model's own forward pass, for comparison.
  const session = await ort.InferenceSession.create(exportForwardModel(graph, batch), {
    executionProviders: ['cpu'],
    enableProfiling: true,
    profileFilePrefix: prefix,
  });
  const feed = { x: new ort.Tensor('float32', data, [...x.shape]) };
  for (let i = 0; i < runs; i++) await session.run(feed);
  await session.release();
}
const options = method === 'integratedGradients' ? { integratedGradients: { steps: 50 } } : {};
if (method !== 'original')
  for (let i = 0; i < runs; i++)
    await explain(graph, x, { backend, methods: [method as Method], ...options });
// Releasing a session ends its profile and writes the file.
await backend.dispose();
const files = readdirSync('/tmp').filter((f) => f.startsWith(`biasprop-profile-${process.pid}`));
if (files.length === 0) throw new Error('ONNX Runtime wrote no profile');
const events: {
  cat: string;
  name: string;
  dur: number;
  args?: { op_name?: string; input_type_shape?: unknown };
}[] = [];
for (const f of files) {
  // one file per session (explain may run several programs)
  events.push(...(JSON.parse(readFileSync(`/tmp/${f}`, 'utf8')) as typeof events));
  rmSync(`/tmp/${f}`);
}
const byOp = new Map<string, { us: number; count: number }>();
let total = 0;
for (const e of events) {
  if (e.cat !== 'Node' || !e.name.endsWith('_kernel_time')) continue;
  const op = e.args?.op_name ?? '?';
  const s = byOp.get(op) ?? { us: 0, count: 0 };
  s.us += e.dur;
  s.count++;
  byOp.set(op, s);
  total += e.dur;
}
const byNode = new Map<string, { us: number; op: string; shapes: string }>();
for (const e of events) {
  if (e.cat !== 'Node' || !e.name.endsWith('_kernel_time')) continue;
  const s = byNode.get(e.name) ?? {
    us: 0,
    op: e.args?.op_name ?? '?',
    shapes: JSON.stringify(e.args?.input_type_shape),
  };
  s.us += e.dur;
  byNode.set(e.name, s);
}
if (process.env.PROFILE_NODES)
  for (const [n, s] of [...byNode]
    .sort((a, b) => b[1].us - a[1].us)
    .slice(0, Number(process.env.PROFILE_NODES)))
    console.log(
      `${(s.us / runs / 1000).toFixed(3)} ms ${s.op} ${n.replace('_kernel_time', '')} ${s.shapes}`,
    );
console.log(
  `${name} batch ${batch} ${method}: kernel time per run ${(total / runs / 1000).toFixed(2)} ms`,
);
for (const [op, s] of [...byOp].sort((a, b) => b[1].us - a[1].us).slice(0, 15))
  console.log(
    `${op.padEnd(20)} ${((s.us / total) * 100).toFixed(1).padStart(5)}%  ${(s.us / runs / 1000).toFixed(3)} ms/run  ${s.count / runs} nodes`,
  );
