// Small program outputs packed into one graph output: the traced graph's structure, and the same
// values as unpacked outputs when the backend runs it.
import type { Program } from '@biasprop/core';
import { explain } from '@biasprop/core';
import * as ort from 'onnxruntime-node';
import { afterAll, describe, expect, it } from 'vitest';
import { lenetBn, seeded } from '../../bench/networks.js';
import { OrtBackend, traceProgram } from '../../src/index.js';

/** Outputs of 1, 3 · 4 and 5 · 1000 values, computed from x `[N, 4]`. */
const program: Program = {
  key: 'packed-outputs-test',
  build(ops, { x }) {
    return {
      total: ops.sum(x!, [0, 1]),
      doubled: ops.add(x!, x!),
      big: ops.mul(ops.reshape(x!, [x!.shape[0]!, 4, 1]), ops.fill([1, 1, 1000], 0.5)),
      rows: ops.sum(x!, [1]),
    };
  },
};

describe('packed program outputs', () => {
  it('puts the outputs up to the limit, in program order, into one flat graph output declared last', () => {
    const traced = traceProgram(program, { x: [3, 4] }, {}, { packOutputsUpTo: 12 });
    expect(traced.model.graph!.output!.map((o) => o.name)).toEqual(['out_2', 'out_packed']);
    expect(traced.outputs).toEqual([
      { onnxName: 'out_2', name: 'big', shape: [3, 4, 1000] },
      { onnxName: 'out_packed', name: 'total', shape: [], offset: 0 },
      { onnxName: 'out_packed', name: 'doubled', shape: [3, 4], offset: 1 },
      { onnxName: 'out_packed', name: 'rows', shape: [3], offset: 13 },
    ]);
    const packed = traced.model.graph!.output![1]!;
    expect(packed.type!.tensor_type!.shape!.dim!.map((d) => d.dim_value)).toEqual([16]);
  });

  it('packs nothing by default, or when only one output is small enough', () => {
    for (const options of [{}, { packOutputsUpTo: 1 }]) {
      const traced = traceProgram(program, { x: [3, 4] }, {}, options);
      expect(traced.outputs.every((o) => o.offset === undefined)).toBe(true);
      expect(traced.model.graph!.output).toHaveLength(4);
    }
  });

  describe('on ort-cpu, where the backend packs', () => {
    const backend = new OrtBackend({ ort, executionProvider: 'cpu' });
    afterAll(async () => {
      await backend.dispose();
    });

    it('the program run returns each packed output with its own values and shape', async () => {
      const x = { data: Float64Array.from({ length: 12 }, (_, i) => i - 5.5), shape: [3, 4] };
      expect(backend.trace(program, { x }).outputs.some((o) => o.offset !== undefined)).toBe(true);
      const got = await backend.run(program, { x });
      expect(got.total).toEqual({ data: Float32Array.of(0), shape: [] });
      expect([...got.doubled!.data]).toEqual([...x.data].map((v) => 2 * v));
      expect(got.doubled!.shape).toEqual([3, 4]);
      expect([...got.rows!.data]).toEqual([-16, 0, 16]);
      expect(got.big!.data).toHaveLength(12000);
      expect(got.big!.data[4 * 1000 + 999]).toBe(-0.75);
    });

    it('explain gives the same results as an unpacked run (the float64 reference)', async () => {
      const graph = lenetBn();
      const r = seeded(3);
      const x = {
        data: Float32Array.from({ length: 784 }, () => Math.max(0, r())),
        shape: [1, 1, 28, 28],
      };
      const got = await explain(graph, x, { backend, methods: ['gradient', 'bbp'] });
      const want = await explain(graph, x, { methods: ['gradient', 'bbp'] });
      const close = (a: ArrayLike<number>, b: ArrayLike<number>) => {
        const scale = Math.max(...Array.from(b, Math.abs));
        for (let i = 0; i < b.length; i++)
          expect(Math.abs(a[i]! - b[i]!)).toBeLessThanOrEqual(1e-4 * scale);
      };
      close(got.logits.data, want.logits.data);
      close(got.gradient!.data, want.gradient!.data);
      close(got.bbp!.contribution!.data, want.bbp!.contribution!.data);
      expect(got.layers.map((l) => l.layer)).toEqual(want.layers.map((l) => l.layer));
      for (const [i, l] of got.layers.entries()) close(l.values, want.layers[i]!.values);
    });
  });
});
