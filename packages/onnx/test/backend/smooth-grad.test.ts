// SmoothGrad is reproducible across backends (DESIGN §2.5): the same seed gives the same noisy
// inputs everywhere, so ONNX Runtime (float32) matches the float64 reference to float32 tolerance,
// and the programs compiled once are reused by every later run.
import type { SmoothGradOptions } from '@biasprop/core';
import { smoothGrad } from '@biasprop/core';
import * as ort from 'onnxruntime-node';
import { afterAll, describe, expect, it } from 'vitest';
import { benchInput, lenetBn } from '../../bench/networks.js';
import { OrtBackend } from '../../src/index.js';
import { relativeError } from './helpers/kernel-harness.js';

describe('smoothGrad on ONNX Runtime (cpu) against the float64 reference', () => {
  const backend = new OrtBackend({ ort, executionProvider: 'cpu', intraOpNumThreads: 1 });
  afterAll(() => backend.dispose());

  it('gradient, BBp and IG agree to 1e-4; sessions are reused across runs', async () => {
    const graph = lenetBn();
    const x = benchInput(graph, 2);
    const options: SmoothGradOptions = {
      methods: ['gradient', 'bbp', 'integratedGradients'],
      rules: ['contribution', 'signed'],
      integratedGradients: { steps: 8 },
      samples: 6,
      batchSize: 4, // 12 noisy rows in three runs of 4
      noiseLevel: 0.1,
      seed: 12,
    };
    const ours = await smoothGrad(graph, x, { ...options, backend });
    const ref = await smoothGrad(graph, x, options);
    expect(ours.precision).toBe('float32');
    expect([...ours.readout.data]).toEqual([...ref.readout.data]);
    const errors = {
      gradient: relativeError(ours.gradient!, ref.gradient!),
      contribution: relativeError(ours.bbp!.contribution!, ref.bbp!.contribution!),
      signed: relativeError(ours.bbp!.signed!, ref.bbp!.signed!),
      integratedGradients: relativeError(ours.integratedGradients!, ref.integratedGradients!),
    };
    for (const [what, e] of Object.entries(errors)) expect(e, what).toBeLessThanOrEqual(1e-4);
    // A second call (other noise, same shapes) builds no session: every program is cached.
    const sessions = backend.stats.sessionsCreated;
    const runs = backend.stats.runs;
    await smoothGrad(graph, x, { ...options, backend, seed: 13 });
    expect(backend.stats.sessionsCreated).toBe(sessions);
    expect(backend.stats.runs - runs).toBeGreaterThanOrEqual(1 + 3 + 3); // forward, 3 × (attribution, IG)
  });
});
