// The program cache: one InferenceSession per (program key, input shapes), reused afterwards.
import { explain } from '@biasprop/core';
import * as ort from 'onnxruntime-node';
import { afterAll, describe, expect, it } from 'vitest';
import { lenetBn, mlp, seeded } from '../../bench/networks.js';
import { OrtBackend } from '../../src/index.js';

describe('OrtBackend program cache', () => {
  const backend = new OrtBackend({ ort, executionProvider: 'cpu' });
  afterAll(async () => {
    await backend.dispose();
  });
  const graph = lenetBn();
  const r = seeded(5);
  const x = (n: number) => ({
    data: Float32Array.from({ length: n * 784 }, () => r()),
    shape: [n, 1, 28, 28],
  });

  it('the second call with the same key and shapes builds no new session', async () => {
    await explain(graph, x(1), { backend, methods: ['gradient', 'bbp'] });
    const after1 = { ...backend.stats };
    expect(after1.sessionsCreated).toBe(1);
    const second = await explain(graph, x(1), { backend, methods: ['gradient', 'bbp'] });
    expect(backend.stats.sessionsCreated).toBe(after1.sessionsCreated);
    expect(backend.stats.traces).toBe(after1.traces);
    expect(backend.stats.runs).toBe(after1.runs + 1);
    expect(second.gradient?.shape).toEqual([1, 1, 28, 28]);
  });

  it('another batch size, method set or model compiles a new session, once', async () => {
    const before = backend.stats.sessionsCreated;
    await explain(graph, x(3), { backend, methods: ['gradient', 'bbp'] });
    await explain(graph, x(3), { backend, methods: ['gradient', 'bbp'] });
    expect(backend.stats.sessionsCreated).toBe(before + 1);
    await explain(graph, x(1), { backend, methods: ['gradient'] });
    expect(backend.stats.sessionsCreated).toBe(before + 2);
    // A different model object with the same name must not reuse the compiled program.
    const other = lenetBn(99);
    const x1 = x(1);
    const a = await explain(other, x1, { backend, methods: ['gradient'] });
    const b = await explain(other, x1, { methods: ['gradient'] });
    expect(backend.stats.sessionsCreated).toBe(before + 3);
    expect(Math.abs(a.logits.data[0]! - b.logits.data[0]!)).toBeLessThan(
      1e-4 * Math.max(1, Math.abs(b.logits.data[0]!)),
    );
  });

  it('Integrated Gradients reuses one session for all its chunks', async () => {
    const g = mlp();
    const before = backend.stats.sessionsCreated;
    const xs = { data: Float32Array.from({ length: 12 }, () => r()), shape: [2, 6] };
    await explain(g, xs, {
      backend,
      methods: ['integratedGradients'],
      integratedGradients: { steps: 50, stepsPerRun: 10 },
    });
    // attribution program + IG chunk program (5 runs) + forward at the baseline
    expect(backend.stats.sessionsCreated).toBe(before + 3);
    const runs = backend.stats.runs;
    await explain(g, xs, {
      backend,
      methods: ['integratedGradients'],
      integratedGradients: { steps: 50, stepsPerRun: 10 },
    });
    expect(backend.stats.sessionsCreated).toBe(before + 3);
    expect(backend.stats.runs).toBe(runs + 7);
  });
});
