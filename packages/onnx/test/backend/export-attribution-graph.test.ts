// The exported attribution graph, run by plain onnxruntime-node (no biasprop code in the loop:
// just an InferenceSession on the bytes), reproduces explain() on the reference backend.
import type { Explanation, HostTensor } from '@biasprop/core';
import { explain } from '@biasprop/core';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { lenetBn, mixedNet, seeded } from '../../bench/networks.js';
import { decodeModel, exportAttributionGraph } from '../../src/index.js';
import { relativeError } from './helpers/kernel-harness.js';
import { nodeProvider } from './helpers/node-backends.js';

const TOL = 1e-4;

async function runExported(
  bytes: Uint8Array,
  feeds: Record<string, ort.Tensor>,
  executionProvider = 'cpu',
): Promise<Record<string, HostTensor>> {
  const session = await ort.InferenceSession.create(bytes, {
    executionProviders: [executionProvider],
  });
  const out = await session.run(feeds);
  await session.release();
  const result: Record<string, HostTensor> = {};
  for (const [k, t] of Object.entries(out))
    result[k] = { data: t.data as Float32Array, shape: [...t.dims] };
  return result;
}

function perExample(
  e: Explanation,
  f: (d: Explanation['decomposition'][number]) => number,
): HostTensor {
  return { data: Float64Array.from(e.decomposition.map(f)), shape: [e.decomposition.length] };
}

describe('exportAttributionGraph', () => {
  const graph = lenetBn();
  const r = seeded(21);
  const batch = 3;
  const x: HostTensor = {
    data: Float32Array.from({ length: batch * 784 }, (_, i) => (i < 784 ? 0 : Math.max(0, r()))),
    shape: [batch, 1, 28, 28],
  };

  it('class-index targets (−1 = predicted): every output matches explain() on the reference', async () => {
    const rules = ['contribution', 'signed', 'uniform', 'weight'] as const;
    const exported = exportAttributionGraph(graph, {
      batch,
      rules,
      integratedGradients: { steps: 20 },
    });
    expect(decodeModel(exported.bytes).opset_import?.[0]?.version).toBe(17);
    expect(exported.inputs.map((i) => i.name)).toEqual(['x', 'target']);
    const targets = [-1, 3, -1];
    const got = await runExported(exported.bytes, {
      x: new ort.Tensor('float32', x.data as Float32Array, [...x.shape]),
      target: new ort.Tensor('int64', BigInt64Array.from(targets.map(BigInt)), [batch]),
    });
    const want = await explain(graph, x, {
      target: ['pred', 3, 'pred'],
      rules,
      integratedGradients: { steps: 20 },
    });
    const checks: [string, HostTensor][] = [
      ['logits', want.logits],
      ['readout', want.readout],
      ['gradient', want.gradient!],
      ['input_x_gradient', want.inputXGradient!],
      ['integrated_gradients', want.integratedGradients!.attribution],
      ['f', perExample(want, (d) => d.f)],
      ['wx', perExample(want, (d) => d.wx)],
      ['b', perExample(want, (d) => d.bias)],
      ['bias_terms', perExample(want, (d) => d.biasTerms)],
      ['ig_delta', { data: want.integratedGradients!.delta, shape: [batch] }],
    ];
    for (const rule of rules) {
      checks.push(
        [`bbp_${rule}`, want.bbp![rule]!],
        [`total_${rule}`, want.total![rule]!],
        [`bbp_sum_${rule}`, perExample(want, (d) => d.bbpSum[rule]!)],
      );
    }
    for (const [name, ref] of checks) {
      const g = got[name];
      expect(g, name).toBeDefined();
      if (name === 'ig_delta') {
        for (let i = 0; i < batch; i++)
          expect(Math.abs(g!.data[i]! - ref.data[i]!)).toBeLessThan(
            TOL * Math.max(1, Math.abs(want.decomposition[i]!.f)),
          );
        continue;
      }
      // Per-example scalars are compared relative to max(|f|, |w·x|, |b|) (DESIGN §4).
      const scalar = ref.shape.length === 1;
      const scale = scalar
        ? Math.max(
            ...want.decomposition.map((d) =>
              Math.max(Math.abs(d.f), Math.abs(d.wx), Math.abs(d.bias)),
            ),
          )
        : 1;
      const err = scalar
        ? Math.max(...Array.from(ref.data, (v, i) => Math.abs(g!.data[i]! - v))) / scale
        : relativeError(g!, ref);
      expect(err, name).toBeLessThanOrEqual(TOL);
    }
    // total sums to f per example.
    const per = 784;
    for (let i = 0; i < batch; i++) {
      let s = 0;
      for (let j = 0; j < per; j++) s += got.total_contribution!.data[i * per + j]!;
      expect(Math.abs(s - got.f!.data[i]!)).toBeLessThan(
        TOL * Math.max(1, Math.abs(got.f!.data[i]!)),
      );
    }
  });

  it('readout input (a contrast between two classes) on a network with many op kinds', async () => {
    const g = mixedNet();
    const xs: HostTensor = {
      data: Float32Array.from({ length: 2 * 288 }, () => r()),
      shape: [2, 2, 12, 12],
    };
    const exported = exportAttributionGraph(g, {
      batch: 2,
      target: 'readout',
      rules: ['contribution'],
    });
    const readout = new Float32Array(8);
    readout[0 * 4 + 1] = 1;
    readout[0 * 4 + 2] = -1;
    readout[1 * 4 + 3] = 1;
    const got = await runExported(exported.bytes, {
      x: new ort.Tensor('float32', xs.data as Float32Array, [2, 2, 12, 12]),
      readout: new ort.Tensor('float32', readout, [2, 4]),
    });
    const want = await explain(g, xs, {
      target: [{ contrast: [1, 2] }, 3],
      rules: ['contribution'],
      methods: ['gradient', 'bbp', 'total'],
    });
    expect(relativeError(got.gradient!, want.gradient!)).toBeLessThanOrEqual(TOL);
    expect(relativeError(got.bbp_contribution!, want.bbp!.contribution!)).toBeLessThanOrEqual(TOL);
    expect(relativeError(got.total_contribution!, want.total!.contribution!)).toBeLessThanOrEqual(
      TOL,
    );
  });

  describe('for the WebGPU provider', async () => {
    const webgpu = await nodeProvider('webgpu');
    const rules = ['contribution'] as const;
    const plain = exportAttributionGraph(graph, { batch, rules });
    const forWebgpu = exportAttributionGraph(graph, { batch, rules, executionProvider: 'webgpu' });
    const feeds = {
      x: new ort.Tensor('float32', x.data as Float32Array, [...x.shape]),
      target: new ort.Tensor('int64', BigInt64Array.from([-1n, 3n, -1n]), [batch]),
    };
    /** Input channels per group of each Conv whose weight is an initializer (a padded one is not). */
    const initializerConvChannels = (bytes: Uint8Array): number[] => {
      const g = decodeModel(bytes).graph!;
      const dims = new Map(g.initializer!.map((t) => [t.name!, t.dims!.map(Number)]));
      return g
        .node!.filter((n) => n.op_type === 'Conv' && dims.has(n.input![1]!))
        .map((n) => dims.get(n.input![1]!)![1]!);
    };

    it("pads LeNet's 6-channel conv to 8 channels of which 2 are zero: ort-cpu gives the same outputs", async () => {
      expect(initializerConvChannels(plain.bytes)).toContain(6);
      expect(initializerConvChannels(forWebgpu.bytes).filter((c) => c > 1 && c % 4 !== 0)).toEqual(
        [],
      );
      const a = await runExported(plain.bytes, feeds);
      const b = await runExported(forWebgpu.bytes, feeds);
      for (const name of ['logits', 'gradient', 'bbp_contribution', 'b'])
        expect(relativeError(b[name]!, a[name]!), name).toBeLessThanOrEqual(1e-6);
    });

    if (webgpu.skip) {
      it.skip(`ort-webgpu skipped: ${webgpu.skip}`, () => {});
      console.warn(`[ort-webgpu] skipped: ${webgpu.skip}`);
      return;
    }
    it('runs right on onnxruntime-node WebGPU, where the portable graph does not (an ONNX Runtime 1.30 Conv bug)', async () => {
      const want = await runExported(plain.bytes, feeds);
      const got = await runExported(forWebgpu.bytes, feeds, 'webgpu');
      for (const name of ['logits', 'gradient', 'bbp_contribution', 'total_contribution', 'b'])
        expect(relativeError(got[name]!, want[name]!), name).toBeLessThanOrEqual(TOL);
      // The upstream bug the padding works around. When this fails, ONNX Runtime's WebGPU Conv
      // handles 6 input channels and `convChannelMultiple` can default to 1 there.
      const wrong = await runExported(plain.bytes, feeds, 'webgpu');
      expect(relativeError(wrong.logits!, want.logits!)).toBeGreaterThan(1e-2);
    }, 300_000);
  });

  it("for the CPU provider: ONNX Runtime's own max pooling, the same outputs", async () => {
    const rules = ['contribution', 'signed'] as const;
    const plain = exportAttributionGraph(graph, { batch, rules });
    const forCpu = exportAttributionGraph(graph, { batch, rules, executionProvider: 'cpu' });
    const ops = (bytes: Uint8Array) =>
      new Set(decodeModel(bytes).graph!.node!.map((n) => n.op_type));
    expect(ops(forCpu.bytes)).toContain('MaxUnpool');
    expect(ops(plain.bytes)).not.toContain('MaxUnpool');
    const feeds = {
      x: new ort.Tensor('float32', x.data as Float32Array, [...x.shape]),
      target: new ort.Tensor('int64', BigInt64Array.from([-1n, 3n, -1n]), [batch]),
    };
    const a = await runExported(plain.bytes, feeds);
    const b = await runExported(forCpu.bytes, feeds);
    for (const name of ['gradient', 'bbp_contribution', 'bbp_signed', 'f', 'b'])
      expect(relativeError(b[name]!, a[name]!), name).toBeLessThanOrEqual(1e-6);
  });

  it('refuses to export for the legacy WebGL provider', () => {
    expect(() =>
      exportAttributionGraph(graph, {
        executionProvider: 'webgl' as unknown as 'cpu',
      }),
    ).toThrow(/legacy 'webgl'/);
  });

  it('rejects a bad batch size', () => {
    expect(() => exportAttributionGraph(graph, { batch: 0 })).toThrow(/batch/);
  });
});
