// `biasprop eval digit-flip`: the protocol's pieces, the oracle check on a linear model, and the
// command end to end on a tiny model with tiny IDX files.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { IRGraph } from '@biasprop/core';
import { ReferenceBackend, createGraph, predict, prepareGraph } from '@biasprop/core';
import { afterAll, describe, expect, it } from 'vitest';
import { runDigitFlip } from '../src/eval/digit-flip.js';
import {
  erasePixels,
  logOdds,
  logOddsChange,
  meanStd,
  randomScores,
  selectPixels,
} from '../src/eval/pixel-flip.js';
import { run } from './helpers/fixtures.js';
import { seeded } from './helpers/models.js';

const PIXELS = 16;
const CLASSES = 10;

function linearSpec(hidden: boolean, pixels = PIXELS) {
  const nodes = hidden
    ? [
        {
          name: 'fc1',
          op: 'dense',
          inputs: ['x'],
          params: {
            weight: { shape: [pixels, 12], data: seeded(pixels * 12, 41, 0.8) },
            bias: { shape: [12], data: seeded(12, 42, 0.3) },
          },
        },
        { name: 'relu1', op: 'relu', inputs: ['fc1'] },
        {
          name: 'fc2',
          op: 'dense',
          inputs: ['relu1'],
          params: {
            weight: { shape: [12, CLASSES], data: seeded(12 * CLASSES, 43, 0.8) },
            bias: { shape: [CLASSES], data: seeded(CLASSES, 44, 0.3) },
          },
        },
      ]
    : [
        {
          name: 'fc',
          op: 'dense',
          inputs: ['x'],
          params: {
            weight: { shape: [pixels, CLASSES], data: seeded(pixels * CLASSES, 45, 1) },
            bias: { shape: [CLASSES], data: seeded(CLASSES, 46, 0.3) },
          },
        },
      ];
  return { format: 'biasprop-ir', name: 'tiny', input: { name: 'x', shape: [pixels] }, nodes };
}

function graphOf(spec: ReturnType<typeof linearSpec>): IRGraph {
  return prepareGraph(
    createGraph({
      ...spec,
      nodes: spec.nodes.map((n) => ({
        ...n,
        params: Object.fromEntries(
          Object.entries(n.params ?? {}).map(([k, p]) => [
            k,
            { shape: p.shape, data: Float32Array.from(p.data) },
          ]),
        ),
      })),
    }),
  );
}

/** Images in [0, 1] labelled with the model's own prediction (so all are eligible). */
async function labelled(graph: IRGraph, n: number, quantize = false) {
  const images = Float32Array.from(seeded(n * PIXELS, 47, 1), (v) =>
    quantize ? Math.round(Math.abs(v) * 255) / 255 : Math.abs(v),
  );
  const logits = await predict(graph, { data: images, shape: [n, PIXELS] });
  const labels = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const row = Array.from(logits.data.subarray(i * CLASSES, (i + 1) * CLASSES));
    labels[i] = row.indexOf(Math.max(...row));
  }
  return { n, pixels: PIXELS, images, labels };
}

function count(labels: Uint8Array, c: number): number {
  return labels.filter((l) => l === c).length;
}

describe('digit-flip pieces', () => {
  it('selects only the largest S > 0, never more than the budget', () => {
    expect(selectPixels([0.5, -1, 2, 0, 0.1, NaN], 10)).toEqual([2, 0, 4]);
    expect(selectPixels([0.5, -1, 2, 0, 0.1], 2)).toEqual([2, 0]);
    expect(selectPixels([0.5, 3], 0)).toEqual([]);
    expect(selectPixels([-1, 0, -3], 5)).toEqual([]);
    expect(selectPixels([1, 1, 1], 2)).toEqual([0, 1]);
  });

  it('erases to the background value and leaves the input untouched', () => {
    const x = Float32Array.of(0.2, 0.4, 0.6);
    expect(Array.from(erasePixels(x, [0, 2]))).toEqual([0, Math.fround(0.4), 0]);
    expect(Array.from(erasePixels(x, [1], 0.5))).toEqual([Math.fround(0.2), 0.5, Math.fround(0.6)]);
    expect(Array.from(x)).toEqual(Array.from(Float32Array.of(0.2, 0.4, 0.6)));
  });

  it('computes the log-odds change from the logits before and after', () => {
    expect(logOdds([0.1, 2, -1], 1, 2)).toBe(3);
    expect(logOddsChange([3, 1, 0], [1, 2, 5], 0, 1)).toBe(-3);
    expect(logOddsChange([3, 1], [3, 1], 0, 1)).toBe(0);
  });

  it('draws seeded random scores in (0, 1] and summarizes mean ± std', () => {
    const a = randomScores(50, 3);
    expect(Array.from(a)).toEqual(Array.from(randomScores(50, 3)));
    expect(Array.from(a)).not.toEqual(Array.from(randomScores(50, 4)));
    expect(a.every((v) => v > 0 && v <= 1)).toBe(true);
    expect(meanStd([1, 3])).toEqual({ mean: 2, std: 1 });
  });
});

describe('runDigitFlip', () => {
  it('on a linear model: the oracle S = w ⊙ x gives exactly −Σ S of the erased pixels, beating random', async () => {
    const graph = graphOf(linearSpec(false));
    const data = await labelled(graph, 120);
    const [s] = [data.labels[0]!];
    const t = (s + 1) % CLASSES;
    const r = await runDigitFlip(graph, [PIXELS], data, {
      backend: new ReferenceBackend(),
      pairs: [[s, t]],
      budgets: [0, 2, 4],
      rules: ['contribution'],
      batch: 16,
    });
    const p = r.pairs[0]!;
    const ids = Array.from(data.labels.keys()).filter((i) => data.labels[i] === s);
    expect(p.images).toBe(ids.length);
    const gxi = p.methods.find((m) => m.name === 'inputXGradient')!;
    const ig = p.methods.find((m) => m.name === 'integratedGradients')!;
    const random = p.methods.find((m) => m.name === 'random')!;
    // Exact: on a linear model the log-odds drop is the sum of the erased (w_s − w_t)·x.
    const w = graph.nodes.find((n) => n.name === 'fc')!.params.weight!.data;
    const expected = ids.map((i) => {
      const S = Array.from({ length: PIXELS }, (_, q) => {
        const x = data.images[i * PIXELS + q]!;
        return (w[q * CLASSES + s]! - w[q * CLASSES + t]!) * x;
      });
      return -selectPixels(S, 4).reduce((a, q) => a + S[q]!, 0);
    });
    expect(gxi.mean[2]).toBeCloseTo(meanStd(expected).mean, 4);
    expect(ig.mean[2]).toBeCloseTo(meanStd(expected).mean, 4);
    expect(gxi.mean[0]).toBe(0);
    expect(gxi.mean[2]!).toBeLessThan(gxi.mean[1]!);
    expect(gxi.mean[2]!).toBeLessThan(random.mean[2]!);
    expect(random.erased).toEqual([0, 2, 4]);
    for (const m of p.methods) {
      m.erased.forEach((e, k) => {
        expect(e).toBeLessThanOrEqual(r.budgets[k]!);
        expect(m.changed[k]!).toBeLessThanOrEqual(e);
      });
    }
  });
});

describe('biasprop eval digit-flip', () => {
  const dir = mkdtempSync(join(tmpdir(), 'biasprop-digit-flip-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  function writeIdx(path: string, dims: number[], bytes: Uint8Array): void {
    const head = Buffer.alloc(4 + 4 * dims.length);
    head.writeUInt8(0x08, 2);
    head.writeUInt8(dims.length, 3);
    dims.forEach((d, i) => head.writeUInt32BE(d, 4 + 4 * i));
    writeFileSync(path, Buffer.concat([head, Buffer.from(bytes)]));
  }

  it('writes the Markdown, JSON and PNG on a tiny model with tiny IDX files', async () => {
    const spec = linearSpec(true);
    writeFileSync(join(dir, 'tiny.json'), JSON.stringify(spec));
    const graph = graphOf(spec);
    const n = 400;
    // Labelled with the model's own prediction of the 8-bit images: every image is eligible.
    const data = await labelled(graph, n, true);
    const idx = join(dir, 'idx');
    mkdirSync(idx);
    const raw = Uint8Array.from(data.images, (v) => Math.round(v * 255));
    writeIdx(join(idx, 't10k-images-idx3-ubyte'), [n, 4, 4], raw);
    writeIdx(join(idx, 't10k-labels-idx1-ubyte'), [n], data.labels);
    const out = join(dir, 'out');
    const r = await run(dir, [
      'eval',
      'digit-flip',
      '--model',
      'tiny.json',
      '--data',
      'idx',
      '--backend',
      'reference',
      '--limit',
      '5',
      '--ig-steps',
      '8',
      '--out',
      out,
    ]);
    expect(r.stderr).not.toMatch(/error/);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/\| integratedGradients \| contrast readout \|/);
    expect(r.stdout).toMatch(/\| bbp:signed \| difference of two explanations \|/);
    expect(r.stderr).toMatch(/images/);
    for (const f of ['digit-flip.md', 'digit-flip.json', 'digit-flip.png'])
      expect(existsSync(join(out, f))).toBe(true);
    const json = JSON.parse(readFileSync(join(out, 'digit-flip.json'), 'utf8')) as {
      budgets: number[];
      pairs: { source: number; target: number; images: number; methods: unknown[] }[];
    };
    expect(json.budgets).toEqual([0, 78, 157]);
    expect(json.pairs.map((p) => [p.source, p.target])).toEqual([
      [8, 3],
      [8, 6],
      [9, 1],
      [4, 1],
    ]);
    for (const p of json.pairs) expect(p.images).toBe(Math.min(5, count(data.labels, p.source)));
    expect(json.pairs.some((p) => p.images > 0)).toBe(true);
    expect(readFileSync(join(out, 'digit-flip.png')).subarray(1, 4).toString()).toBe('PNG');
  });

  it('rejects a model whose input does not match the images, and unknown options', async () => {
    const wide = linearSpec(false, PIXELS * 2);
    writeFileSync(join(dir, 'wide.json'), JSON.stringify(wide));
    const mismatch = await run(dir, [
      'eval',
      'digit-flip',
      '--model',
      'wide.json',
      '--data',
      'idx',
    ]);
    expect(mismatch.code).toBe(1);
    expect(mismatch.stderr).toMatch(/takes 32 values per example .* 16 pixels/);
    const bad = await run(dir, ['eval', 'digit-flip', '--rule', 'nope', '--limit', '1']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/unknown BBp rule 'nope'/);
    const proto = await run(dir, ['eval', 'nope']);
    expect(proto.code).toBe(2);
    expect(proto.stderr).toMatch(/unknown protocol 'nope'/);
  });
});
