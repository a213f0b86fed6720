// An input whose float32 arithmetic overflows is refused on ONNX Runtime (float32), not explained
// with infinities; the float64 reference explains the same input. The small VGG's first max pool
// takes its window planes with one-hot convs on the CPU provider (ReLU outputs, 16 channels),
// whose selection an infinity would upset: the overflow must surface as an error there too.
import { BiaspropError, explain } from '@biasprop/core';
import * as ort from 'onnxruntime-node';
import { afterAll, describe, expect, it } from 'vitest';
import { seeded, smallVgg } from '../../bench/networks.js';
import { OrtBackend } from '../../src/index.js';

describe('non-finite results on ONNX Runtime (float32)', () => {
  const backend = new OrtBackend({ ort, executionProvider: 'cpu', intraOpNumThreads: 1 });
  afterAll(() => backend.dispose());

  it('refuses an input whose float32 arithmetic overflows; the float64 reference explains it', async () => {
    const graph = smallVgg();
    const r = seeded(5);
    const data = Float32Array.from({ length: 2 * 3 * 32 * 32 }, () => r());
    // Finite float32 values that the first convs' sums take beyond float32's range: a 6×6
    // patch of 3e38 in every channel of the second example.
    for (let c = 0; c < 3; c++)
      for (let y = 10; y < 16; y++)
        for (let xx = 10; xx < 16; xx++) data[(3 + c) * 32 * 32 + y * 32 + xx] = 3e38;
    const x = { data, shape: [2, 3, 32, 32] };
    const error = await explain(graph, x, { backend, methods: ['gradient', 'bbp'] }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(BiaspropError);
    expect((error as BiaspropError).code).toBe('NON_FINITE_RESULT');
    expect((error as Error).message).toContain('example 1');
    expect((error as Error).message).toContain('float32');
    const reference = await explain(graph, x, { methods: ['gradient', 'bbp'] });
    expect(reference.decomposition.every((d) => Number.isFinite(d.f))).toBe(true);
    // The first example alone is explained.
    const first = await explain(
      graph,
      { data: data.slice(0, 3 * 32 * 32), shape: [1, 3, 32, 32] },
      { backend, methods: ['gradient'] },
    );
    expect(Number.isFinite(first.decomposition[0]!.f)).toBe(true);
  });
});
