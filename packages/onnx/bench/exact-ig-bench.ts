// `pnpm bench:exact-ig`: exact Integrated Gradients on ONNX Runtime (CPU) against the reference:
// regions crossed per input and the exact walk's time relative to one Gauss–Legendre-50 call on
// the same backend, for the LeNet-BN benchmark network. Not a test: it prints a table.
import type { HostTensor } from '@biasprop/core';
import { ReferenceBackend, explain, exactIntegratedGradients } from '@biasprop/core';
import type { Backend } from '@biasprop/core';
import * as ort from 'onnxruntime-node';
import { OrtBackend } from '../src/index.js';
import { lenetBn, seeded } from './networks.js';

const graph = lenetBn();
const inputs: [string, HostTensor][] = [0, 1, 2].map((k) => {
  const r = seeded(100 + k);
  // Strokes on a blank background, like a digit: most max-pool windows start tied at t = 0.
  const data = Float32Array.from({ length: 784 }, (_, i) => {
    const y = Math.floor(i / 28);
    const x = i % 28;
    const stroke = Math.abs(y - 14 + 3 * k) < 3 || Math.abs(x - 10 - 2 * k) < 2;
    return stroke ? Math.fround(0.4 + 0.6 * Math.abs(r())) : 0;
  });
  return [`strokes-${k}`, { data, shape: [1, 1, 28, 28] }];
});

async function row(name: string, backend: Backend, x: HostTensor): Promise<string> {
  const gl = () =>
    explain(graph, x, {
      backend,
      methods: ['integratedGradients'],
      integratedGradients: { steps: 50 },
    });
  await gl(); // compile once
  let t = performance.now();
  await gl();
  const glMs = performance.now() - t;
  await exactIntegratedGradients(graph, x, { backend, maxRegions: 1 }).catch(() => undefined); // compile the step program
  t = performance.now();
  const exact = await exactIntegratedGradients(graph, x, { backend });
  const exactMs = performance.now() - t;
  const rel = Math.abs(exact.deltas[0]![0]!) / Math.abs(exact.differences[0]![0]!);
  return `| ${backend.name} | ${name} | ${exact.regions[0]} | ${glMs.toFixed(1)} | ${exactMs.toFixed(0)} | ${(exactMs / glMs).toFixed(1)}× | ${rel.toExponential(1)} |`;
}

const ortBackend = new OrtBackend({ ort, executionProvider: 'cpu' });
const lines = [
  '| backend | input | regions | GL50 ms | exact ms | exact ÷ GL50 | exact δ / (f(x) − f(x′)) |',
  '|---|---|---:|---:|---:|---:|---:|',
];
for (const [name, x] of inputs) lines.push(await row(name, ortBackend, x));
lines.push(await row(inputs[0]![0], new ReferenceBackend(), inputs[0]![1]));
await ortBackend.dispose();
console.log(`exact IG on LeNet-BN (${graph.nodes.length} nodes), zero baseline, predicted class\n`);
console.log(lines.join('\n'));
