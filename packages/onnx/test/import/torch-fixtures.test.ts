// Networks exported by a real exporter (torch.onnx.export from Debian's python3-torch; see
// scripts/export_torch_fixtures.py): each imports, its forward equals ONNX Runtime and torch, and
// the exporter-folded and BatchNorm-node versions explain the same.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { explain, loadOnnxGraph, predict } from '../../src/index.js';
import type { Explanation, IRGraph, Target } from '../../src/index.js';
import { relativeError, runOrt } from './compare.js';

interface NetRecord {
  readonly inputShape: number[];
  readonly batch: number;
  readonly input: number[];
  readonly output: number[];
  readonly outputShape: number[];
  readonly softmax: boolean;
}

const FIXTURES = fileURLToPath(new URL('../../fixtures/', import.meta.url));
const record = JSON.parse(readFileSync(`${FIXTURES}torch-outputs.json`, 'utf8')) as {
  torch: string;
  nets: Record<string, NetRecord>;
};
const RULES = ['contribution', 'weight', 'signed', 'uniform'] as const;

/**
 * Tolerance between the exporter-folded file and the BatchNorm-node file. `conv_bn_pool` and
 * `depthwise_relu6` have dyadic BatchNorm statistics (eps = 0, power-of-two scales, short means and
 * betas), so the exporter's float32 fold is exact and the files agree to 1e-9. torch's exporter
 * does not fold `avgpool_hardtanh`'s BatchNorm1d into the Gemm: both files keep the node (1e-9).
 * `residual` has ordinary statistics: the exporter folds in float32, so its weights differ from
 * the float64 fold by float32 rounding (about 1e-7 relative here); we allow 1e-6.
 */
const FOLD_TOLERANCE: Readonly<Record<string, number>> = {
  conv_bn_pool: 1e-9,
  depthwise_relu6: 1e-9,
  avgpool_hardtanh: 1e-9,
  residual: 1e-6,
};

const path = (net: string, variant: 'folded' | 'bn'): string => `${FIXTURES}${net}.${variant}.onnx`;

function inputOf(net: NetRecord): { data: Float64Array; shape: number[] } {
  return { data: Float64Array.from(net.input), shape: [net.batch, ...net.inputShape] };
}

async function attributions(
  graph: IRGraph,
  net: NetRecord,
  target: Target[],
): Promise<Explanation> {
  return explain(graph, inputOf(net), { methods: ['gradient', 'bbp'], rules: [...RULES], target });
}

function expectClose(a: Explanation, b: Explanation, tol: number): void {
  expect(relativeError(a.gradient!.data, b.gradient!.data)).toBeLessThanOrEqual(tol);
  for (const r of RULES)
    expect(relativeError(a.bbp![r]!.data, b.bbp![r]!.data), r).toBeLessThanOrEqual(tol);
}

describe('PyTorch-exported fixtures', () => {
  for (const [name, net] of Object.entries(record.nets)) {
    for (const variant of ['folded', 'bn'] as const) {
      it(`${name}.${variant}.onnx: forward equals ONNX Runtime and torch`, async () => {
        const raw = await loadOnnxGraph(path(name, variant), { prepare: false });
        const prepared = await loadOnnxGraph(path(name, variant));
        expect(prepared.name).toBe(`${name}.${variant}.onnx`);
        const x = inputOf(net);
        const ort = await runOrt(readFileSync(path(name, variant)), {
          name: 'input',
          data: x.data,
          dims: x.shape,
        });
        const ours = await predict(raw, x);
        expect(relativeError(ours.data, ort.data)).toBeLessThanOrEqual(1e-5);
        expect(relativeError(ours.data, net.output)).toBeLessThanOrEqual(1e-5);
        if (net.softmax) {
          expect(prepared.removedSoftmax).toBeDefined();
        } else {
          expect(relativeError((await predict(prepared, x)).data, net.output)).toBeLessThanOrEqual(
            1e-5,
          );
        }
        // Every BatchNorm is folded by the exporter or by the core pass, and no Shape chain is left.
        expect(prepared.nodes.map((n) => n.op)).not.toContain('batchNorm');
        expect(prepared.nodes.filter((n) => n.op === 'reshape')).toHaveLength(1);
      });
    }

    it(`${name}: BatchNorm folded by the core pass or kept as a node gives the same gradient and BBp (1e-9)`, async () => {
      const folded = await loadOnnxGraph(path(name, 'bn'));
      const kept = await loadOnnxGraph(path(name, 'bn'), { prepare: { foldBatchNorm: false } });
      expect(kept.nodes.some((n) => n.op === 'batchNorm')).toBe(true);
      const target = Array.from({ length: net.batch }, (_, i) => i % net.outputShape[1]!);
      const a = await attributions(folded, net, target);
      const b = await attributions(kept, net, target);
      expectClose(a, b, 1e-9);
      for (const d of a.decomposition)
        for (const r of RULES) expect(d.bbpResidual[r]).toBeLessThanOrEqual(1e-9);
    });

    const tol = FOLD_TOLERANCE[name] ?? 1e-4;
    it(`${name}: exporter-folded and BatchNorm-node files give the same gradient and BBp (${tol})`, async () => {
      const byExporter = await loadOnnxGraph(path(name, 'folded'));
      const byCore = await loadOnnxGraph(path(name, 'bn'));
      const target = Array.from({ length: net.batch }, (_, i) => (i + 1) % net.outputShape[1]!);
      expectClose(
        await attributions(byExporter, net, target),
        await attributions(byCore, net, target),
        tol,
      );
    });
  }
});
