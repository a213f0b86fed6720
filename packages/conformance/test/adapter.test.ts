import { GraphBuilder, ReferenceBackend } from '@biasprop/core';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadConformanceAdapter } from '../src/node.js';
import {
  adapterFixtures,
  conformanceAdapterFrom,
  defaultAdapterInputs,
  runConformance,
} from '../src/runner.js';

const MODULE = fileURLToPath(new URL('./adapter/tiny-adapter-module.ts', import.meta.url));

function cnn() {
  const b = new GraphBuilder('adapter-cnn', [1, 6, 6]);
  const h = b.maxPool2d(
    b.relu(
      b.conv2d(
        b.input,
        Array.from({ length: 18 }, (_, i) => ((i % 5) - 2) / 4),
        [2, 1, 3, 3],
        [0.25, -0.5],
      ),
    ),
    [2, 2],
    { strides: [2, 2] },
  );
  b.dense(
    b.flatten(h),
    Array.from({ length: 16 }, (_, i) => ((i % 3) - 1) / 2),
    [8, 2],
    [0.5, 0],
  );
  return b.build();
}

describe('adapter fixtures', () => {
  it('builds standard inputs for the graph input shape, targets fitted to the outputs', () => {
    const inputs = defaultAdapterInputs(cnn());
    expect(inputs.map((i) => i.name)).toEqual(['random', 'blank-background', 'constant-regions']);
    expect(inputs.every((i) => i.tensor.shape.join() === '1,1,6,6')).toBe(true);
    expect(inputs.map((i) => i.target)).toEqual([0, { contrast: [1, 0] }, 0]); // 2 classes
  });

  it('lays the same images out channels-last for an HWC input', () => {
    const b = new GraphBuilder('hwc', [4, 6, 2]);
    b.dense(
      b.flatten(b.input),
      Array.from({ length: 144 }, (_, i) => (i % 7) / 7),
      [48, 3],
    );
    const hwc = defaultAdapterInputs(b.build(), 5, 'hwc');
    const chwGraph = new GraphBuilder('chw', [2, 4, 6]);
    chwGraph.dense(
      chwGraph.flatten(chwGraph.input),
      Array.from({ length: 144 }, () => 0),
      [48, 3],
    );
    const chw = defaultAdapterInputs(chwGraph.build(), 5);
    expect(hwc[1]!.tensor.shape).toEqual([1, 4, 6, 2]);
    for (let k = 0; k < 3; k++)
      for (let c = 0; c < 2; c++)
        for (let y = 0; y < 4; y++)
          for (let x = 0; x < 6; x++)
            expect(hwc[k]!.tensor.data[(y * 6 + x) * 2 + c]).toBe(
              chw[k]!.tensor.data[(c * 4 + y) * 6 + x],
            );
  });

  it('passes the suite on the reference backend and rejects bad specs', async () => {
    const fixtures = adapterFixtures([{ name: 'cnn', graph: cnn() }]);
    const rows = await runConformance({
      name: 'reference',
      createBackend: () => new ReferenceBackend(),
      fixtures,
    });
    expect(rows.length).toBe(12); // 11 explain cases and SmoothGrad
    expect(rows.filter((r) => r.status !== 'pass')).toEqual([]);
    expect(() =>
      adapterFixtures([
        { name: 'a', graph: cnn() },
        { name: 'a', graph: cnn() },
      ]),
    ).toThrow(/used twice/);
    const bad = { name: 'x', tensor: { data: new Float64Array(3), shape: [1, 3] }, target: 0 };
    expect(() => adapterFixtures([{ name: 'b', graph: cnn(), inputs: [bad] }])).toThrow(
      /expected \[1, 1, 6, 6\]/,
    );
  });

  it('reads adapter modules: fixtures or createFixtures, default exports, exclusions per backend', async () => {
    const fixtures = adapterFixtures([{ name: 'cnn', graph: cnn() }]);
    expect((await conformanceAdapterFrom({ fixtures }, 'm')).name).toBe('m');
    const viaDefault = await conformanceAdapterFrom(
      { default: { name: 'd', createFixtures: async () => fixtures } },
      'm',
    );
    expect(viaDefault.name).toBe('d');
    expect(viaDefault.fixtures).toHaveLength(1);
    await expect(conformanceAdapterFrom({}, 'empty')).rejects.toThrow(/neither 'fixtures' nor/);
    await expect(conformanceAdapterFrom({ fixtures: [{ name: 'x' }] }, 'bad')).rejects.toThrow(
      /fixture 0 is not a ConformanceFixture/,
    );
  });

  it('loads a module by path and runs its fixtures', async () => {
    const adapter = await loadConformanceAdapter(MODULE);
    expect(adapter.name).toBe('tiny-adapter');
    expect(adapter.exclusionsFor('slow')).toHaveLength(1);
    expect(adapter.exclusionsFor('reference')).toEqual([]);
    const rows = await runConformance({
      name: 'reference',
      createBackend: () => new ReferenceBackend(),
      fixtures: adapter.fixtures,
      exclude: adapter.exclusionsFor('slow'),
    });
    expect(rows.filter((r) => r.status === 'skipped')).toHaveLength(1);
    expect(rows.filter((r) => r.status === 'fail')).toEqual([]);
    await expect(loadConformanceAdapter('./no-such-adapter.js')).rejects.toThrow(/not found/);
    await expect(loadConformanceAdapter('no-such-adapter-package')).rejects.toThrow(
      /neither a file nor a package/,
    );
  });
});
