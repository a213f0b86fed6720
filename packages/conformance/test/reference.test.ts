// The suite against the reference backend itself (zero error, completeness ≤ 1e-9), against a float32
// emulation (passes at 1e-4), and against deliberately broken backends (must fail).
import { ReferenceBackend } from '@biasprop/core';
import { describe, expect, it } from 'vitest';
import type { ConformanceRow } from '../src/index.js';
import {
  conformanceCases,
  conformanceFixtures,
  describeConformance,
  extendedConformanceFixtures,
  formatConformanceTable,
  randomFixture,
  randomFixtures,
  runConformance,
} from '../src/index.js';
import type { ConformanceFixture } from '../src/index.js';
import { float32Backend, lastTieBackend, noConvBackend, noisyBackend } from './helpers/backends.js';

const CASES_PER_FIXTURE = 3 + 4 + 4 + 1; // gradient, inputXGradient, IG; bbp × 4 rules; total × 4 rules; smoothGrad

describeConformance({ name: 'reference', createBackend: () => new ReferenceBackend() });

describeConformance({
  name: 'float32-emulation',
  createBackend: float32Backend,
  exclude: [
    {
      fixture: 'sigmoid-tanh',
      method: 'integratedGradients',
      reason: 'demonstrates an exclusion: skipped rows carry their reason',
    },
  ],
});

const failing = (rows: readonly ConformanceRow[]) => rows.filter((r) => r.status === 'fail');

describe('runConformance', () => {
  it('reference vs itself: every case passes with zero error and completeness ≤ 1e-9', async () => {
    const rows = await runConformance({
      name: 'reference',
      createBackend: () => new ReferenceBackend(),
    });
    expect(rows).toHaveLength(conformanceFixtures.length * CASES_PER_FIXTURE);
    expect(conformanceCases(conformanceFixtures)).toHaveLength(rows.length);
    for (const r of rows) {
      expect(r.status, `${r.fixture} ${r.method} ${r.rule ?? ''}: ${r.reason ?? ''}`).toBe('pass');
      expect(r.maxRelError).toBe(0);
      expect(r.precision).toBe('float64');
      expect(r.tolerance).toBe(1e-9);
      if (r.method === 'integratedGradients' || r.method === 'smoothGrad')
        expect(r.completenessResidual).toBeNull();
      else expect(r.completenessResidual!).toBeLessThanOrEqual(1e-9);
    }
    console.log(formatConformanceTable(rows));
  });

  it('fails a backend whose max pooling breaks ties to the last index, on the tie inputs only', async () => {
    const rows = await runConformance({ name: 'broken-last-tie', createBackend: lastTieBackend });
    const bad = failing(rows);
    console.log(formatConformanceTable(bad));
    // Every fixture with max pooling fails its gradient, on an input with ties.
    for (const fixture of ['cnn-bn-pool', 'residual', 'leaky-prelu']) {
      const g = bad.find((r) => r.fixture === fixture && r.method === 'gradient');
      expect(g, `${fixture} gradient fails`).toBeDefined();
      expect(['blank-background', 'constant-regions']).toContain(g!.worstInput);
      expect(g!.reason).toMatch(/max rel error .* > 1\.00e-9 on input/);
    }
    // Fixtures without max pooling are unaffected.
    for (const fixture of ['mlp', 'sigmoid-tanh'])
      expect(bad.filter((r) => r.fixture === fixture)).toEqual([]);
    // SmoothGrad's noisy inputs have no exact ties, so the tie rule does not show there.
    expect(bad.filter((r) => r.method === 'smoothGrad')).toEqual([]);
  });

  it('fails a float64 backend with 1e-6 relative noise, and passes it when held to float32', async () => {
    const rows64 = await runConformance({ name: 'noisy', createBackend: () => noisyBackend(1e-6) });
    expect(failing(rows64).length).toBeGreaterThan(rows64.length / 2);
    expect(failing(rows64).filter((r) => r.method === 'smoothGrad').length).toBe(
      conformanceFixtures.length,
    );
    const rows32 = await runConformance({
      name: 'noisy',
      createBackend: () => noisyBackend(1e-6, 'float64', false),
      precision: 'float32',
    });
    expect(failing(rows32)).toEqual([]);
    expect(rows32.every((r) => r.precision === 'float32' && r.tolerance === 1e-4)).toBe(true);
  });

  it('float32 emulation passes at 1e-4 but not at 1e-9, and says which precision it was held to', async () => {
    const rows = await runConformance({ name: 'float32', createBackend: float32Backend });
    expect(failing(rows)).toEqual([]);
    expect(Math.max(...rows.map((r) => r.maxRelError))).toBeGreaterThan(1e-9);
    expect(rows.every((r) => r.precision === 'float32')).toBe(true);
    const strict = await runConformance({
      name: 'float32',
      createBackend: float32Backend,
      precision: 'float64',
    });
    expect(failing(strict).length).toBeGreaterThan(0);
  });

  it('a backend error fails the cases of the fixtures it breaks, with the error as reason', async () => {
    const rows = await runConformance({ name: 'no-conv', createBackend: noConvBackend });
    const bad = failing(rows);
    expect(new Set(bad.map((r) => r.fixture))).toEqual(
      new Set(['cnn-bn-pool', 'residual', 'depthwise-relu6', 'leaky-prelu']),
    );
    expect(bad.every((r) => r.reason === 'backend error: conv2d is not implemented')).toBe(true);
    expect(rows.filter((r) => r.fixture === 'mlp').every((r) => r.status === 'pass')).toBe(true);
  });

  it('exclusions become skipped rows with their reason; a missing reason or an unmatched exclusion throws', async () => {
    const rows = await runConformance({
      name: 'reference',
      createBackend: () => new ReferenceBackend(),
      fixtures: conformanceFixtures.slice(0, 2),
      exclude: [
        { fixture: 'mlp', reason: 'whole fixture' },
        { fixture: 'cnn-bn-pool', method: 'bbp', rule: 'signed', reason: 'one rule' },
      ],
    });
    const skipped = rows.filter((r) => r.status === 'skipped');
    expect(skipped).toHaveLength(CASES_PER_FIXTURE + 1);
    expect(
      skipped.filter((r) => r.fixture === 'mlp').every((r) => r.reason === 'whole fixture'),
    ).toBe(true);
    expect(skipped.find((r) => r.fixture === 'cnn-bn-pool')).toMatchObject({
      method: 'bbp',
      rule: 'signed',
      reason: 'one rule',
    });
    expect(rows.filter((r) => r.status === 'pass')).toHaveLength(CASES_PER_FIXTURE - 1);
    const table = formatConformanceTable(rows);
    expect(table).toContain('SKIPPED  one rule');
    expect(table).toContain(
      `${rows.length} cases: ${CASES_PER_FIXTURE - 1} passed, 0 failed, ${CASES_PER_FIXTURE + 1} skipped`,
    );

    const ref = () => new ReferenceBackend();
    await expect(
      runConformance({ name: 'x', createBackend: ref, exclude: [{ method: 'gradient' } as never] }),
    ).rejects.toThrow(/needs a reason/);
    await expect(
      runConformance({
        name: 'x',
        createBackend: ref,
        exclude: [{ method: 'gradient', reason: ' ' }],
      }),
    ).rejects.toThrow(/needs a reason/);
    await expect(
      runConformance({
        name: 'x',
        createBackend: ref,
        exclude: [{ fixture: 'nope', reason: 'typo' }],
      }),
    ).rejects.toThrow(/matches no conformance case/);
    expect(() =>
      describeConformance({
        name: 'x',
        createBackend: ref,
        exclude: [{ fixture: 'mlp' } as never],
      }),
    ).toThrow(/needs a reason/);
  });
});

function expectFloat32Exact(f: ConformanceFixture): void {
  for (const n of f.graph.nodes) {
    for (const [k, p] of Object.entries(n.params)) {
      expect(
        p.data.every((v) => Math.fround(v) === v),
        `${f.name}/${n.name}.${k}`,
      ).toBe(true);
    }
    for (const v of Object.values(n.attrs))
      if (typeof v === 'number') expect(Math.fround(v)).toBe(v);
  }
  for (const i of f.inputs)
    expect(
      i.tensor.data.every((v) => Math.fround(v) === v),
      `${f.name}/${i.name}`,
    ).toBe(true);
  expect(f.inputs.map((i) => i.name)).toContain('random');
}

describe('fixtures', () => {
  it('are deterministic and float32-representable (weights and inputs)', () => {
    const again = conformanceFixtures.map((f) => f.name);
    expect(again).toEqual([
      'mlp',
      'cnn-bn-pool',
      'residual',
      'depthwise-relu6',
      'leaky-prelu',
      'sigmoid-tanh',
    ]);
    for (const f of conformanceFixtures) expectFloat32Exact(f);
  });

  it('random networks: seeded, float32-representable, and covering the shapes they are for', async () => {
    expect(JSON.stringify(randomFixture(5))).toBe(JSON.stringify(randomFixture(5)));
    expect(JSON.stringify(randomFixture(5).graph)).not.toBe(JSON.stringify(randomFixture(6).graph));
    const eight = randomFixtures(8);
    expect(eight.map((f) => f.name)).toEqual([1, 2, 3, 4, 5, 6, 7, 8].map((i) => `random-${i}`));
    expect(extendedConformanceFixtures.map((f) => f.name)).toEqual([
      ...conformanceFixtures.map((f) => f.name),
      ...eight.map((f) => f.name),
    ]);
    for (const f of eight) expectFloat32Exact(f);
    // What the eight that biasprop's backends run reach between them.
    const nodes = eight.flatMap((f) => f.graph.nodes);
    const convs = nodes.filter((n) => n.op === 'conv2d');
    const attr = (n: (typeof nodes)[number], k: string) => n.attrs[k] as number[] | number;
    const reached = {
      multiplier: convs.some(
        (n) =>
          (attr(n, 'groups') as number) > 1 &&
          n.params.weight!.shape[1] === 1 &&
          n.params.weight!.shape[0]! > (attr(n, 'groups') as number),
      ),
      dilation: convs.some(
        (n) => (attr(n, 'dilations') as number[])[0] === 2 && n.params.weight!.shape[2]! > 1,
      ),
      stride: convs.some((n) => (attr(n, 'strides') as number[])[0] === 2),
      squareDense: nodes.some(
        (n) => n.op === 'dense' && n.params.weight!.shape[0] === n.params.weight!.shape[1],
      ),
      maxPool: nodes.some((n) => n.op === 'maxPool2d'),
      avgPool: nodes.some((n) => n.op === 'avgPool2d'),
      smooth: nodes.some((n) => n.op === 'sigmoid' || n.op === 'tanh'),
    };
    expect(reached).toEqual({
      multiplier: true,
      dilation: true,
      stride: true,
      squareDense: true,
      maxPool: true,
      avgPool: true,
      smooth: true,
    });
    // The reference passes them exactly (each graph is valid and complete).
    const rows = await runConformance({
      name: 'reference',
      createBackend: () => new ReferenceBackend(),
      fixtures: eight,
    });
    expect(rows.filter((r) => r.status !== 'pass')).toEqual([]);
  });

  it('image fixtures include exact max-pool ties', async () => {
    // On the blank-background input, a conv outputs exactly its bias over the blank area: windows tie.
    const cnn = conformanceFixtures.find((f) => f.name === 'cnn-bn-pool')!;
    const blank = cnn.inputs.find((i) => i.name === 'blank-background')!;
    expect(blank.tensor.data.filter((v) => v === 0).length).toBeGreaterThan(
      blank.tensor.data.length / 2,
    );
    const regions = cnn.inputs.find((i) => i.name === 'constant-regions')!;
    expect(new Set(regions.tensor.data).size).toBe(2);
  });
});
