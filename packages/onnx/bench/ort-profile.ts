// `pnpm bench:profile [lenet-bn|small-vgg] [batch] [method]`: where the time of one traced
// attribution goes, by ONNX operator type, from ONNX Runtime's own profiler (onnxruntime-node,
// CPU). Not a test: it prints the operator types that take the most time in steady-state runs,
// and, profiled in the same process, how the program's convolutions alone compare with the
// original model's whole forward pass (the floor of the speed ratios `pnpm bench` prints).
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
const runs = Number(process.env.PROFILE_RUNS ?? 20);

interface KernelEvent {
  readonly cat: string;
  readonly name: string;
  readonly dur: number;
  readonly args?: { op_name?: string; input_type_shape?: unknown };
}

/** Runs `work` with profiling sessions whose files start with `tag`; returns their kernel events. */
async function profiled(
  tag: string,
  work: (prefix: string) => Promise<void>,
): Promise<KernelEvent[]> {
  const file = `biasprop-profile-${process.pid}-${tag}`;
  await work(`/tmp/${file}`);
  const files = readdirSync('/tmp').filter((f) => f.startsWith(file));
  if (files.length === 0) throw new Error('ONNX Runtime wrote no profile');
  const events: KernelEvent[] = [];
  for (const f of files) {
    // one file per session (explain may run several programs)
    events.push(...(JSON.parse(readFileSync(`/tmp/${f}`, 'utf8')) as KernelEvent[]));
    rmSync(`/tmp/${f}`);
  }
  return events.filter((e) => e.cat === 'Node' && e.name.endsWith('_kernel_time'));
}

// The original model's own forward pass.
const original = await profiled('original', async (prefix) => {
  const session = await ort.InferenceSession.create(exportForwardModel(graph, batch), {
    executionProviders: ['cpu'],
    enableProfiling: true,
    profileFilePrefix: prefix,
  });
  const feed = { x: new ort.Tensor('float32', x.data, [...x.shape]) };
  for (let i = 0; i < runs; i++) await session.run(feed);
  // Releasing a session ends its profile and writes the file.
  await session.release();
});
const events =
  method === 'original'
    ? original
    : await profiled(method, async (prefix) => {
        const backend = new OrtBackend({
          ort,
          executionProvider: 'cpu',
          sessionOptions: { enableProfiling: true, profileFilePrefix: prefix },
        });
        const options =
          method === 'integratedGradients' ? { integratedGradients: { steps: 50 } } : {};
        for (let i = 0; i < runs; i++)
          await explain(graph, x, { backend, methods: [method as Method], ...options });
        await backend.dispose();
      });

const msPerRun = (list: readonly KernelEvent[]) =>
  list.reduce((s, e) => s + e.dur, 0) / runs / 1000;
const isConv = (e: KernelEvent) => /^(Conv|ConvTranspose|FusedConv)$/.test(e.args?.op_name ?? '');
const byOp = new Map<string, { us: number; count: number }>();
const byNode = new Map<string, { us: number; op: string; shapes: string }>();
for (const e of events) {
  const op = e.args?.op_name ?? '?';
  const s = byOp.get(op) ?? { us: 0, count: 0 };
  s.us += e.dur;
  s.count++;
  byOp.set(op, s);
  const n = byNode.get(e.name) ?? { us: 0, op, shapes: JSON.stringify(e.args?.input_type_shape) };
  n.us += e.dur;
  byNode.set(e.name, n);
}
if (process.env.PROFILE_NODES)
  for (const [n, s] of [...byNode]
    .sort((a, b) => b[1].us - a[1].us)
    .slice(0, Number(process.env.PROFILE_NODES)))
    console.log(
      `${(s.us / runs / 1000).toFixed(3)} ms ${s.op} ${n.replace('_kernel_time', '')} ${s.shapes}`,
    );
const total = msPerRun(events);
console.log(`${name} batch ${batch} ${method}: kernel time per run ${total.toFixed(2)} ms`);
for (const [op, s] of [...byOp].sort((a, b) => b[1].us - a[1].us).slice(0, 15))
  console.log(
    `${op.padEnd(20)} ${((s.us / runs / 1000 / total) * 100).toFixed(1).padStart(5)}%  ${(s.us / runs / 1000).toFixed(3)} ms/run  ${s.count / runs} nodes`,
  );
const forward = msPerRun(original);
const conv = msPerRun(events.filter(isConv));
console.log(
  `original forward: kernel time per run ${forward.toFixed(2)} ms; ${method}'s convolutions ${conv.toFixed(2)} ms = ${(conv / forward).toFixed(2)}× it, its other kernels ${(total - conv).toFixed(2)} ms = ${((total - conv) / forward).toFixed(2)}×`,
);
