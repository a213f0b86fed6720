// Exact Integrated Gradients on ONNX Runtime: the region walk runs one compiled step program per
// region (no graph rebuilt per step) and agrees with the float64 reference backend.
import { exactIntegratedGradients, foldBatchNorm } from '@biasprop/core';
import type { HostTensor } from '@biasprop/core';
import * as ort from 'onnxruntime-node';
import { afterAll, describe, expect, it } from 'vitest';
import { lenetBn, seeded } from '../../bench/networks.js';
import { OrtBackend } from '../../src/index.js';

function relativeL2(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let e = 0;
  let n = 0;
  for (let i = 0; i < a.length; i++) {
    e += (a[i]! - b[i]!) ** 2;
    n += b[i]! ** 2;
  }
  return Math.sqrt(e / n);
}

describe('exact IG on ort-cpu', () => {
  const backend = new OrtBackend({ ort, executionProvider: 'cpu' });
  afterAll(async () => {
    await backend.dispose();
  });
  const graph = foldBatchNorm(lenetBn());
  const r = seeded(21);
  // A bright blob on an exactly blank background: max-pool windows start tied at t = 0.
  const x: HostTensor = {
    data: Float32Array.from({ length: 784 }, (_, i) => {
      const y = Math.floor(i / 28);
      const c = i % 28;
      return y > 8 && y < 20 && c > 10 && c < 17 ? Math.fround(0.5 + Math.abs(r())) : 0;
    }),
    shape: [1, 1, 28, 28],
  };

  it('sums to f(x) − f(x′) within 1e-4 and matches the reference walk', async () => {
    const onOrt = await exactIntegratedGradients(graph, x, {
      backend,
      targets: ['pred', { contrast: [3, 5] }],
    });
    const onRef = await exactIntegratedGradients(graph, x, {
      targets: ['pred', { contrast: [3, 5] }],
    });
    for (let j = 0; j < 2; j++) {
      const diff = Math.abs(onOrt.differences[j]![0]!);
      expect(Math.abs(onOrt.deltas[j]![0]!)).toBeLessThan(1e-4 * Math.max(1, diff));
      expect(Math.abs(onRef.deltas[j]![0]!)).toBeLessThan(1e-9 * Math.max(1, diff));
      expect(relativeL2(onOrt.attributions[j]!.data, onRef.attributions[j]!.data)).toBeLessThan(
        1e-3,
      );
    }
    // float32 merges breakpoints closer than its tolerance: the region counts are close, not equal.
    expect(Math.abs(onOrt.regions[0]! - onRef.regions[0]!)).toBeLessThanOrEqual(
      0.1 * onRef.regions[0]!,
    );
    console.log(`exact IG regions: ort-cpu ${onOrt.regions[0]}, reference ${onRef.regions[0]}`);
  });
});
