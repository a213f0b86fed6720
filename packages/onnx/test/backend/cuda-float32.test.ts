// ONNX Runtime's CUDA provider computes convolutions and matrix products in TF32 unless
// NVIDIA_TF32_OVERRIDE=0 (measured on an H100: attributions off by up to 0.19); the backend sets
// it before creating a CUDA session. A fake ONNX Runtime module records what the variable was
// when the session was created (no GPU here); the GPU check runs the real provider.
import { forwardProgram } from '@biasprop/core';
import { afterEach, describe, expect, it } from 'vitest';
import { lenetBn } from '../../bench/networks.js';
import type { OrtModule } from '../../src/index.js';
import { OrtBackend, TF32_OVERRIDE, forbidTf32 } from '../../src/index.js';

describe('forbidTf32', () => {
  const saved = process.env[TF32_OVERRIDE];
  afterEach(() => {
    if (saved === undefined) delete process.env[TF32_OVERRIDE];
    else process.env[TF32_OVERRIDE] = saved;
  });

  it('sets the override to 0 where unset, keeps 0, refuses anything else', () => {
    const env: Record<string, string | undefined> = {};
    forbidTf32(env);
    expect(env[TF32_OVERRIDE]).toBe('0');
    forbidTf32(env);
    expect(env[TF32_OVERRIDE]).toBe('0');
    expect(() => forbidTf32({ [TF32_OVERRIDE]: '1' })).toThrow(/TF32 .*unset it or set it to 0/);
    expect(() => forbidTf32(undefined)).not.toThrow();
  });

  it('OrtBackend on cuda sets it before creating its session; other providers leave it alone', async () => {
    const seen: (string | undefined)[] = [];
    const fakeOrt = {
      InferenceSession: {
        create: async () => {
          seen.push(process.env[TF32_OVERRIDE]);
          throw new Error('no GPU in this test');
        },
      },
      Tensor: class {},
      env: {},
    } as unknown as OrtModule;
    const graph = lenetBn();
    const inputs = { x: { data: new Float32Array(784), shape: [1, 1, 28, 28] } };
    delete process.env[TF32_OVERRIDE];
    const cpu = new OrtBackend({ ort: fakeOrt, runtime: 'node', executionProvider: 'cpu' });
    await expect(cpu.run(forwardProgram(graph), inputs)).rejects.toThrow(/no GPU in this test/);
    expect(seen).toEqual([undefined]);
    const cuda = new OrtBackend({ ort: fakeOrt, runtime: 'node', executionProvider: 'cuda' });
    await expect(cuda.run(forwardProgram(graph), inputs)).rejects.toThrow(/no GPU in this test/);
    expect(seen).toEqual([undefined, '0']);
    process.env[TF32_OVERRIDE] = '1';
    const again = new OrtBackend({ ort: fakeOrt, runtime: 'node', executionProvider: 'cuda' });
    await expect(again.run(forwardProgram(graph), inputs)).rejects.toThrow(/TF32/);
    expect(seen).toHaveLength(2);
  });
});
