// `biasprop eval bias-matters`: accuracy with the logits, only w·x and only b, on tiny models whose
// w·x and b are known in closed form.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ReferenceBackend, createGraph, prepareGraph } from '@biasprop/core';
import { afterAll, describe, expect, it } from 'vitest';
import { runBiasMatters } from '../src/eval/bias-matters.js';
import { run } from './helpers/fixtures.js';
import { seeded } from './helpers/models.js';

const PIXELS = 16;
const CLASSES = 10;
const N = 60;
const W = seeded(PIXELS * CLASSES, 51, 1); // [in, out]
const B = seeded(CLASSES, 52, 2);

function spec(withBias: boolean) {
  return {
    format: 'biasprop-ir',
    name: withBias ? 'linear' : 'linear_nobias',
    input: { name: 'x', shape: [PIXELS] },
    nodes: [
      {
        name: 'fc',
        op: 'dense',
        inputs: ['x'],
        params: {
          weight: { shape: [PIXELS, CLASSES], data: W },
          ...(withBias ? { bias: { shape: [CLASSES], data: B } } : {}),
        },
      },
    ],
  };
}

const images = Float32Array.from(
  seeded(N * PIXELS, 53, 1),
  (v) => Math.round(Math.abs(v) * 255) / 255,
);
const argmax = (v: number[]) => v.indexOf(Math.max(...v));
const wx = (i: number) =>
  Array.from({ length: CLASSES }, (_, c) => {
    let s = 0;
    for (let q = 0; q < PIXELS; q++)
      s += Math.fround(W[q * CLASSES + c]!) * images[i * PIXELS + q]!;
    return s;
  });
// Labels: half agree with argmax(w·x), the rest with argmax(w·x + b) shifted, so the accuracies differ.
const labels = Uint8Array.from({ length: N }, (_, i) =>
  i % 2 === 0 ? argmax(wx(i)) : argmax(wx(i).map((v, c) => v + B[c]!)),
);

function expected() {
  let normal = 0;
  let onlyWx = 0;
  let onlyB = 0;
  for (let i = 0; i < N; i++) {
    if (argmax(wx(i).map((v, c) => v + B[c]!)) === labels[i]) normal++;
    if (argmax(wx(i)) === labels[i]) onlyWx++;
    if (argmax([...B]) === labels[i]) onlyB++;
  }
  return { normal: normal / N, onlyWx: onlyWx / N, onlyB: onlyB / N };
}

describe('runBiasMatters', () => {
  it('on a linear model: w·x is Wx and b is the bias, per class', async () => {
    const s = spec(true);
    const graph = prepareGraph(
      createGraph({
        ...s,
        nodes: s.nodes.map((n) => ({
          ...n,
          params: Object.fromEntries(
            Object.entries(n.params).map(([k, p]) => [
              k,
              { shape: p.shape, data: Float32Array.from(p.data) },
            ]),
          ),
        })),
      }),
    );
    const r = await runBiasMatters(
      graph,
      [PIXELS],
      { n: N, pixels: PIXELS, images, labels },
      {
        backend: new ReferenceBackend(),
        batch: 7,
      },
    );
    const e = expected();
    expect(r.images).toBe(N);
    expect(r.normal).toBeCloseTo(e.normal, 12);
    expect(r.onlyWx).toBeCloseTo(e.onlyWx, 12);
    expect(r.onlyB).toBeCloseTo(e.onlyB, 12);
    expect(r.onlyWx).not.toBe(r.normal);
  });
});

describe('biasprop eval bias-matters', () => {
  const dir = mkdtempSync(join(tmpdir(), 'biasprop-bias-matters-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  function writeIdx(path: string, dims: number[], bytes: Uint8Array): void {
    const head = Buffer.alloc(4 + 4 * dims.length);
    head.writeUInt8(0x08, 2);
    head.writeUInt8(dims.length, 3);
    dims.forEach((d, i) => head.writeUInt32BE(d, 4 + 4 * i));
    writeFileSync(path, Buffer.concat([head, Buffer.from(bytes)]));
  }

  it('writes the table for a model with and one without biases', async () => {
    writeFileSync(join(dir, 'bias.json'), JSON.stringify(spec(true)));
    writeFileSync(join(dir, 'nobias.json'), JSON.stringify(spec(false)));
    writeIdx(
      join(dir, 't10k-images-idx3-ubyte'),
      [N, 4, 4],
      Uint8Array.from(images, (v) => Math.round(v * 255)),
    );
    writeIdx(join(dir, 't10k-labels-idx1-ubyte'), [N], labels);
    const out = join(dir, 'out');
    const r = await run(dir, [
      'eval',
      'bias-matters',
      '--model',
      'bias.json',
      '--no-bias-model',
      'nobias.json',
      '--data',
      '.',
      '--backend',
      'reference',
      '--out',
      out,
    ]);
    expect(r.stderr).not.toMatch(/error/);
    expect(r.code).toBe(0);
    const e = expected();
    expect(r.stdout).toContain(`| trained with bias: only w·x | ${(100 * e.onlyWx).toFixed(2)} |`);
    expect(r.stdout).toContain(`| trained with bias: only b | ${(100 * e.onlyB).toFixed(2)} |`);
    expect(r.stdout).toContain(
      `| trained without bias: argmax logits | ${(100 * e.onlyWx).toFixed(2)} |`,
    );
    const json = JSON.parse(readFileSync(join(out, 'bias-matters.json'), 'utf8')) as {
      noBias: { maxRelativeBias: number };
    };
    expect(json.noBias.maxRelativeBias).toBeLessThan(1e-6);
  });
});
