import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { smoothGrad } from '@biasprop/core';
import { readNpy } from '../src/inputs/npy.js';
import { loadModel } from '../src/load-model.js';
import type { Fixtures } from './helpers/fixtures.js';
import {
  createFixtures,
  filesIn,
  freshOut,
  readSummary,
  run,
  removeFixtures,
} from './helpers/fixtures.js';
import { writeNpyFile } from './helpers/inputs.js';
import { CLASSES, SIDE } from './helpers/models.js';

let fx: Fixtures;
beforeAll(async () => {
  fx = await createFixtures();
});
afterAll(() => removeFixtures(fx));

const REF = ['--backend', 'reference'];

function sum(a: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]!;
  return s;
}

describe('explain: methods and rules', () => {
  it('computes every method by default, with the contribution rule, in png+json', async () => {
    const out = freshOut(fx);
    const r = await run(fx.dir, ['explain', fx.onnx, fx.png, ...REF, '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    expect(filesIn(out)).toEqual([
      'a.bbp.contribution.png',
      'a.gradient.png',
      'a.input-x-gradient.png',
      'a.integrated-gradients.png',
      'a.montage.png',
      'a.total.contribution.png',
      'summary.json',
    ]);
    const s = readSummary(out);
    expect(s.methods).toEqual([
      'gradient',
      'input-x-gradient',
      'integrated-gradients',
      'bbp',
      'total',
    ]);
    expect(s.rules).toEqual(['contribution']);
    const e = s.inputs[0]!;
    expect(e.f).toBeCloseTo(e.wx + e.b, 10);
    expect(e.sumBeta0.contribution).toBeCloseTo(e.b, 9);
    expect(e.completenessResidual).toBeLessThan(1e-9);
    expect(e.bbpResidual.contribution).toBeLessThan(1e-9);
    expect(e.igDelta).toBeDefined();
    expect(r.stdout).toMatch(/input\s+pred\s+f\(x\)\s+w·x\s+b\s+residual/);
  });

  it.each([
    ['gradient', ['a.gradient.npy']],
    ['input-x-gradient', ['a.input-x-gradient.npy']],
    ['integrated-gradients', ['a.integrated-gradients.npy']],
    ['bbp', ['a.bbp.contribution.npy']],
    ['total', ['a.total.contribution.npy']],
    ['gradient,bbp', ['a.bbp.contribution.npy', 'a.gradient.npy']],
  ])('--method %s writes only that method', async (method, expected) => {
    const out = freshOut(fx);
    const r = await run(fx.dir, [
      'explain',
      fx.onnx,
      fx.png,
      ...REF,
      '--out',
      out,
      '--method',
      method,
      '--format',
      'npy',
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(filesIn(out)).toEqual(expected);
    const arr = readNpy(readFileSync(join(out, expected[0]!)));
    expect(arr.shape).toEqual([1, SIDE, SIDE]);
  });

  it('every rule: one bbp and total map per rule, each summing to b', async () => {
    const out = freshOut(fx);
    const r = await run(fx.dir, [
      'explain',
      fx.onnx,
      fx.png,
      ...REF,
      '--out',
      out,
      '--method',
      'bbp,total',
      '--rule',
      'contribution,weight,signed,uniform',
      '--format',
      'npy,json',
    ]);
    expect(r.code, r.stderr).toBe(0);
    const e = readSummary(out).inputs[0]!;
    for (const rule of ['contribution', 'weight', 'signed', 'uniform']) {
      const beta = readNpy(readFileSync(join(out, `a.bbp.${rule}.npy`))).data;
      const total = readNpy(readFileSync(join(out, `a.total.${rule}.npy`))).data;
      expect(sum(beta)).toBeCloseTo(e.b, 5);
      expect(sum(total)).toBeCloseTo(e.f, 5);
      expect(e.sumBeta0[rule]).toBeCloseTo(e.b, 9);
      expect(e.bbpResidual[rule]).toBeLessThan(1e-9);
    }
    // The rules differ.
    const a = readNpy(readFileSync(join(out, 'a.bbp.contribution.npy'))).data;
    const u = readNpy(readFileSync(join(out, 'a.bbp.uniform.npy'))).data;
    expect(Array.from(a)).not.toEqual(Array.from(u));
  });

  it('gradient×input is the gradient times the input', async () => {
    const out = freshOut(fx);
    const r = await run(fx.dir, [
      'explain',
      fx.onnx,
      fx.npyChw,
      ...REF,
      '--out',
      out,
      '--method',
      'gradient,input-x-gradient',
      '--format',
      'npy',
    ]);
    expect(r.code, r.stderr).toBe(0);
    const g = readNpy(readFileSync(join(out, 'chw.gradient.npy'))).data;
    const gx = readNpy(readFileSync(join(out, 'chw.input-x-gradient.npy'))).data;
    const x = readNpy(readFileSync(fx.npyChw)).data;
    for (let i = 0; i < x.length; i++) expect(gx[i]).toBeCloseTo(g[i]! * x[i]!, 6);
  });
});

describe('explain: targets', () => {
  it('--target N explains that class (f = its logit)', async () => {
    for (const t of [0, CLASSES - 1]) {
      const out = freshOut(fx);
      const r = await run(fx.dir, [
        'explain',
        fx.onnx,
        fx.png,
        ...REF,
        '--out',
        out,
        '--target',
        String(t),
        '--format',
        'json',
        '--method',
        'gradient,bbp',
      ]);
      expect(r.code, r.stderr).toBe(0);
      const e = readSummary(out).inputs[0]!;
      expect(e.target).toBe(t);
      expect(e.targetSource).toBe('class');
      expect(e.f).toBeCloseTo(e.logits[t]!, 10);
      expect(e.sumBeta0.contribution).toBeCloseTo(e.b, 9);
    }
  });

  it('--target pred explains the predicted class', async () => {
    const out = freshOut(fx);
    const r = await run(fx.dir, [
      'explain',
      fx.onnx,
      fx.pngDir,
      ...REF,
      '--out',
      out,
      '--target',
      'pred',
      '--format',
      'json',
      '--method',
      'gradient',
    ]);
    expect(r.code, r.stderr).toBe(0);
    for (const e of readSummary(out).inputs) {
      expect(e.target).toBe(e.predicted);
      expect(e.targetSource).toBe('pred');
      expect(e.f).toBe(Math.max(...e.logits));
    }
  });

  it('--contrast T,S explains logit T minus logit S', async () => {
    const out = freshOut(fx);
    const r = await run(fx.dir, [
      'explain',
      fx.onnx,
      fx.png,
      ...REF,
      '--out',
      out,
      '--contrast',
      '2,0',
      '--format',
      'json',
      '--method',
      'bbp',
    ]);
    expect(r.code, r.stderr).toBe(0);
    const e = readSummary(out).inputs[0]!;
    expect(e.contrast).toEqual([2, 0]);
    expect(e.target).toBeUndefined();
    expect(e.f).toBeCloseTo(e.logits[2]! - e.logits[0]!, 10);
    expect(e.sumBeta0.contribution).toBeCloseTo(e.b, 9);
  });
});

describe('explain: Integrated Gradients options', () => {
  it.each([
    'gauss-legendre',
    'riemann-left',
    'riemann-right',
    'riemann-middle',
    'riemann-trapezoid',
  ])('--ig-method %s', async (method) => {
    const out = freshOut(fx);
    const r = await run(fx.dir, [
      'explain',
      fx.onnx,
      fx.png,
      ...REF,
      '--out',
      out,
      '--method',
      'integrated-gradients',
      '--ig-method',
      method,
      '--ig-steps',
      '64',
      '--format',
      'npy,json',
    ]);
    expect(r.code, r.stderr).toBe(0);
    const s = readSummary(out);
    expect(s.integratedGradients).toEqual({ steps: 64, method, baseline: 'zero' });
    const e = s.inputs[0]!;
    const ig = readNpy(readFileSync(join(out, 'a.integrated-gradients.npy'))).data;
    expect(sum(ig) - e.igDelta!).toBeCloseTo(e.f - e.fBaseline!, 5); // Σ IG − delta = f(x) − f(x')
    expect(Math.abs(e.igDelta!)).toBeLessThan(0.05);
  });

  it('--ig-method exact walks the path: Σ IG = f(x) − f(x′) and igRegions is reported', async () => {
    const out = freshOut(fx);
    const r = await run(fx.dir, [
      'explain',
      fx.onnx,
      fx.png,
      ...REF,
      '--out',
      out,
      '--method',
      'integrated-gradients',
      '--ig-method',
      'exact',
      '--format',
      'json',
    ]);
    expect(r.code, r.stderr).toBe(0);
    const e = readSummary(out).inputs[0]!;
    expect(e.igRegions).toBeGreaterThanOrEqual(1);
    expect(Math.abs(e.igDelta!)).toBeLessThan(1e-9 * Math.max(1, Math.abs(e.f - e.fBaseline!)));
  });

  it('--ig-method adaptive reports the points it used', async () => {
    const out = freshOut(fx);
    const r = await run(fx.dir, [
      'explain',
      fx.onnx,
      fx.png,
      ...REF,
      '--out',
      out,
      '--method',
      'integrated-gradients',
      '--ig-method',
      'adaptive',
      '--format',
      'json',
    ]);
    expect(r.code, r.stderr).toBe(0);
    const e = readSummary(out).inputs[0]!;
    expect(e.igPoints).toBeGreaterThanOrEqual(16);
    expect(e.igRegions).toBeUndefined();
  });

  it('--ig-steps changes the quadrature (fewer steps, larger delta for a Riemann rule)', async () => {
    const deltas: number[] = [];
    for (const steps of ['2', '200']) {
      const out = freshOut(fx);
      const r = await run(fx.dir, [
        'explain',
        fx.onnx,
        fx.png,
        ...REF,
        '--out',
        out,
        '--method',
        'integrated-gradients',
        '--ig-method',
        'riemann-left',
        '--ig-steps',
        steps,
        '--format',
        'json',
      ]);
      expect(r.code, r.stderr).toBe(0);
      deltas.push(Math.abs(readSummary(out).inputs[0]!.igDelta!));
    }
    expect(deltas[1]!).toBeLessThan(deltas[0]!);
  });

  it('--baseline FILE.npy: the input itself as baseline gives IG = 0', async () => {
    const out = freshOut(fx);
    const r = await run(fx.dir, [
      'explain',
      fx.onnx,
      fx.npyChw,
      ...REF,
      '--out',
      out,
      '--method',
      'integrated-gradients',
      '--baseline',
      fx.npyChw,
      '--format',
      'npy,json',
    ]);
    expect(r.code, r.stderr).toBe(0);
    const ig = readNpy(readFileSync(join(out, 'chw.integrated-gradients.npy'))).data;
    expect(Math.max(...Array.from(ig, Math.abs))).toBe(0);
    expect(readSummary(out).integratedGradients).toMatchObject({ baseline: fx.npyChw });
  });

  it('--baseline zero is the default', async () => {
    const out = freshOut(fx);
    const a = await run(fx.dir, [
      'explain',
      fx.onnx,
      fx.png,
      ...REF,
      '--out',
      out,
      '--method',
      'integrated-gradients',
      '--baseline',
      'zero',
      '--format',
      'npy',
    ]);
    const out2 = freshOut(fx);
    const b = await run(fx.dir, [
      'explain',
      fx.onnx,
      fx.png,
      ...REF,
      '--out',
      out2,
      '--method',
      'integrated-gradients',
      '--format',
      'npy',
    ]);
    expect(a.code + b.code).toBe(0);
    expect(readFileSync(join(out, 'a.integrated-gradients.npy'))).toEqual(
      readFileSync(join(out2, 'a.integrated-gradients.npy')),
    );
  });
});

describe('explain: --bias-layers', () => {
  async function summaryFor(sel: string) {
    const out = freshOut(fx);
    const r = await run(fx.dir, [
      'explain',
      fx.onnx,
      fx.png,
      ...REF,
      '--out',
      out,
      '--method',
      'bbp',
      '--rule',
      'contribution,uniform',
      '--bias-layers',
      sel,
      '--format',
      'npy,json',
    ]);
    expect(r.code, r.stderr).toBe(0);
    return { e: readSummary(out).inputs[0]!, out };
  }

  it('all: Σβ₀ = b', async () => {
    const { e } = await summaryFor('all');
    expect(e.selectedBias).toBeCloseTo(e.b, 9);
    expect(e.sumBeta0.contribution).toBeCloseTo(e.b, 9);
  });

  it('skip-first:1: Σβ₀ = the bias of the layers after the first', async () => {
    const { e, out } = await summaryFor('skip-first:1');
    const layers = e.biasByLayer;
    expect(layers.map((l) => l.selected)).toEqual([false, true]);
    const expected = layers.filter((l) => l.selected).reduce((s, l) => s + l.value, 0);
    expect(e.selectedBias).toBeCloseTo(expected, 9);
    expect(e.sumBeta0.contribution).toBeCloseTo(expected, 9);
    expect(e.sumBeta0.uniform).toBeCloseTo(expected, 9);
    expect(sum(readNpy(readFileSync(join(out, 'a.bbp.contribution.npy'))).data)).toBeCloseTo(
      expected,
      5,
    );
    expect(Math.abs(e.selectedBias - e.b)).toBeGreaterThan(1e-6);
  });

  it('skip-first:0 is all', async () => {
    const { e } = await summaryFor('skip-first:0');
    expect(e.selectedBias).toBeCloseTo(e.b, 9);
  });

  it('NAMES: only the named layers (or nodes)', async () => {
    const { e } = await summaryFor('conv1');
    const conv = e.biasByLayer.find((l) => l.layer === 'conv1')!;
    expect(e.biasByLayer.filter((l) => l.selected).map((l) => l.layer)).toEqual(['conv1']);
    expect(e.sumBeta0.contribution).toBeCloseTo(conv.value, 9);
    const both = (await summaryFor('conv1,fc')).e;
    expect(both.sumBeta0.contribution).toBeCloseTo(both.b, 9);
    const node = (await summaryFor('fc')).e;
    const fcNode = node.biasByNode.filter((n) => n.selected).reduce((s, n) => s + n.value, 0);
    expect(node.sumBeta0.contribution).toBeCloseTo(fcNode, 9);
  });
});

describe('explain: batching and progress', () => {
  it('--batch 1 over 3 inputs shows a progress bar on stderr', async () => {
    const out = freshOut(fx);
    const r = await run(fx.dir, [
      'explain',
      fx.onnx,
      fx.pngDir,
      ...REF,
      '--out',
      out,
      '--batch',
      '1',
      '--method',
      'gradient',
      '--format',
      'json',
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('3/3 batches');
    expect(r.stderr).toMatch(/\[#+\.*\] 1\/3 batches/);
    expect(readSummary(out).inputs.map((e) => e.input)).toEqual(['a', 'b', 'c']);
  });

  it('one batch: no progress bar; results equal to batch 1', async () => {
    const out = freshOut(fx);
    const r = await run(fx.dir, [
      'explain',
      fx.onnx,
      fx.pngDir,
      ...REF,
      '--out',
      out,
      '--batch',
      '32',
      '--method',
      'gradient,bbp',
      '--format',
      'json',
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe('');
    const out1 = freshOut(fx);
    await run(fx.dir, [
      'explain',
      fx.onnx,
      fx.pngDir,
      ...REF,
      '--out',
      out1,
      '--batch',
      '2',
      '--method',
      'gradient,bbp',
      '--format',
      'json',
    ]);
    const a = readSummary(out).inputs;
    const b = readSummary(out1).inputs;
    a.forEach((e, i) => expect(e.f).toBeCloseTo(b[i]!.f, 12));
  });
});

describe('explain: --format', () => {
  it.each([
    ['png', (f: string[]) => f.every((n) => n.endsWith('.png')) && f.includes('a.montage.png')],
    ['npy', (f: string[]) => f.every((n) => n.endsWith('.npy'))],
    ['json', (f: string[]) => f.length === 1 && f[0] === 'summary.json'],
    [
      'png,npy,json',
      (f: string[]) => ['.png', '.npy', '.json'].every((ext) => f.some((n) => n.endsWith(ext))),
    ],
  ])('--format %s', async (format, check) => {
    const out = freshOut(fx);
    const r = await run(fx.dir, [
      'explain',
      fx.onnx,
      fx.png,
      ...REF,
      '--out',
      out,
      '--format',
      format,
      '--method',
      'gradient,bbp',
    ]);
    expect(r.code, r.stderr).toBe(0);
    const files = filesIn(out);
    expect(check(files), files.join(' ')).toBe(true);
  });

  it('the heatmap and montage are PNGs at ×scale of the input', async () => {
    const out = freshOut(fx);
    await run(fx.dir, [
      'explain',
      fx.onnx,
      fx.png,
      ...REF,
      '--out',
      out,
      '--format',
      'png',
      '--method',
      'gradient',
    ]);
    const { PNG } = await import('pngjs');
    const heat = PNG.sync.read(readFileSync(join(out, 'a.gradient.png')));
    expect(heat.width).toBe(SIDE * 14);
    const montage = PNG.sync.read(readFileSync(join(out, 'a.montage.png')));
    expect(montage.width).toBeGreaterThan(2 * heat.width);
  });
});

describe('explain: inputs', () => {
  it('a directory of PNGs, a .npy without and with batch axis', async () => {
    const out = freshOut(fx);
    const r = await run(fx.dir, [
      'explain',
      fx.onnx,
      fx.pngDir,
      fx.npyChw,
      fx.npyChwBatch,
      ...REF,
      '--out',
      out,
      '--method',
      'gradient',
      '--format',
      'npy,json',
    ]);
    expect(r.code, r.stderr).toBe(0);
    const names = readSummary(out).inputs.map((e) => e.input);
    expect(names).toEqual(['a', 'b', 'c', 'chw', 'chw-batch-0', 'chw-batch-1']);
    expect(filesIn(out)).toContain('chw-batch-1.gradient.npy');
    expect(readNpy(readFileSync(join(out, 'chw-batch-1.gradient.npy'))).shape).toEqual([
      1,
      SIDE,
      SIDE,
    ]);
    // Example 1 of the batch file is explained on its own values.
    const batch = readNpy(readFileSync(fx.npyChwBatch));
    const single = writeNpyFile(
      join(fx.dir, 'second.npy'),
      [1, SIDE, SIDE],
      0,
      Array.from(batch.data.subarray(SIDE * SIDE)),
    );
    const out2 = freshOut(fx);
    await run(fx.dir, [
      'explain',
      fx.onnx,
      single,
      ...REF,
      '--out',
      out2,
      '--method',
      'gradient',
      '--format',
      'npy',
    ]);
    expect(readFileSync(join(out2, 'second.gradient.npy'))).toEqual(
      readFileSync(join(out, 'chw-batch-1.gradient.npy')),
    );
  });

  it('png and npy of the same pixels give the same result; --scale changes the values', async () => {
    const { PNG } = await import('pngjs');
    const png = PNG.sync.read(readFileSync(fx.png));
    const values = Array.from({ length: SIDE * SIDE }, (_, i) => png.data[4 * i]! / 255);
    const npy = writeNpyFile(join(fx.dir, 'same-as-a.npy'), [1, SIDE, SIDE], 0, values);
    const o1 = freshOut(fx);
    const o2 = freshOut(fx);
    const o3 = freshOut(fx);
    await run(fx.dir, [
      'explain',
      fx.onnx,
      fx.png,
      ...REF,
      '--out',
      o1,
      '--method',
      'gradient',
      '--format',
      'json',
    ]);
    await run(fx.dir, [
      'explain',
      fx.onnx,
      npy,
      ...REF,
      '--out',
      o2,
      '--method',
      'gradient',
      '--format',
      'json',
    ]);
    const r = await run(fx.dir, [
      'explain',
      fx.onnx,
      fx.png,
      ...REF,
      '--out',
      o3,
      '--method',
      'gradient',
      '--format',
      'json',
      '--scale',
      '0,255',
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(readSummary(o1).inputs[0]!.f).toBeCloseTo(readSummary(o2).inputs[0]!.f, 6);
    expect(readSummary(o3).inputs[0]!.f).not.toBeCloseTo(readSummary(o1).inputs[0]!.f, 3);
  });

  it('JPEG input (gray) is read like a PNG; a model directory finds its model.json', async () => {
    const jpeg = (await import('jpeg-js')).default;
    const { PNG } = await import('pngjs');
    const png = PNG.sync.read(readFileSync(fx.png));
    const { writeFileSync } = await import('node:fs');
    writeFileSync(
      join(fx.dir, 'a-photo.jpg'),
      jpeg.encode({ data: png.data, width: SIDE, height: SIDE }, 100).data,
    );
    const out = freshOut(fx);
    const r = await run(fx.dir, [
      'explain',
      join(fx.dir, 'tfjs'),
      join(fx.dir, 'a-photo.jpg'),
      '--backend',
      'reference',
      '--out',
      out,
      '--method',
      'gradient',
      '--format',
      'json',
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(readSummary(out).format).toBe('tfjs-layers');
    expect(readSummary(out).inputs[0]!.input).toBe('a-photo');
  });

  it('the tfjs model takes NHWC .npy and PNG; the IR model takes vectors', async () => {
    const out = freshOut(fx);
    const r = await run(fx.dir, [
      'explain',
      fx.tfjs,
      fx.npyHwc,
      fx.png,
      '--backend',
      'tfjs-cpu',
      '--out',
      out,
      '--method',
      'gradient,bbp',
      '--format',
      'npy,json',
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(readNpy(readFileSync(join(out, 'hwc.gradient.npy'))).shape).toEqual([SIDE, SIDE, 1]);
    const out2 = freshOut(fx);
    const r2 = await run(fx.dir, ['explain', fx.ir, fx.npyVec, '--out', out2]);
    expect(r2.code, r2.stderr).toBe(0);
    expect(readSummary(out2).backend).toBe('reference');
    expect(filesIn(out2)).toContain('vec.montage.png');
  });

  it('files sharing a stem keep their extension in output names; a file given twice counts once', async () => {
    const dir = join(fx.dir, 'mixed');
    writeNpyFile(join(dir, 'a.npy'), [1, SIDE, SIDE]);
    const { copyFileSync } = await import('node:fs');
    copyFileSync(fx.png, join(dir, 'a.png'));
    const out = freshOut(fx);
    const r = await run(fx.dir, [
      'explain',
      fx.onnx,
      dir,
      join(dir, 'a.png'),
      ...REF,
      '--out',
      out,
      '--method',
      'gradient',
      '--format',
      'npy',
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(filesIn(out)).toEqual(['a-npy.gradient.npy', 'a-png.gradient.npy']);
  });

  it('writes into an existing output directory, keeping other files', async () => {
    const out = freshOut(fx);
    await run(fx.dir, [
      'explain',
      fx.onnx,
      fx.npyChw,
      ...REF,
      '--out',
      out,
      '--method',
      'gradient',
      '--format',
      'npy',
    ]);
    const r = await run(fx.dir, [
      'explain',
      fx.onnx,
      fx.png,
      ...REF,
      '--out',
      out,
      '--method',
      'gradient',
      '--format',
      'npy',
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(filesIn(out)).toEqual(['a.gradient.npy', 'chw.gradient.npy']);
  });
});

describe('explain --smoothgrad', () => {
  const smoothArgs = (out: string, batch: string) => [
    'explain',
    fx.onnx,
    fx.npyChwBatch,
    ...REF,
    '--out',
    out,
    '--method',
    'gradient,bbp',
    '--smoothgrad',
    '4',
    '--noise-level',
    '0.1',
    '--seed',
    '5',
    '--batch',
    batch,
    '--format',
    'npy,json,png',
  ];

  it('writes the smoothed maps next to the plain ones; they equal smoothGrad input by input', async () => {
    const out = freshOut(fx);
    const r = await run(fx.dir, smoothArgs(out, '2'));
    expect(r.code, r.stderr).toBe(0);
    // One batch, but SmoothGrad is long: the bar counts inputs (one line per input off a terminal).
    expect(r.stderr).toContain('1/2 inputs');
    expect(r.stderr).toContain('2/2 inputs 100%');
    const files = filesIn(out);
    for (const f of [
      'chw-batch-0.smoothgrad.gradient.npy',
      'chw-batch-0.smoothgrad.gradient.png',
      'chw-batch-1.smoothgrad.bbp.contribution.npy',
      'chw-batch-1.gradient.npy',
      'chw-batch-1.montage.png',
    ])
      expect(files).toContain(f);
    const s = readSummary(out) as ReturnType<typeof readSummary> & {
      smoothGrad: { samples: number; noiseLevel: number; seed: number };
    };
    expect(s.smoothGrad).toEqual({ samples: 4, noiseLevel: 0.1, seed: 5 });

    const x = readNpy(readFileSync(fx.npyChwBatch)).data;
    const { graph } = await loadModel(fx.onnx, fx.dir);
    for (const i of [0, 1]) {
      const one = { data: x.slice(i * 64, (i + 1) * 64), shape: [1, 1, SIDE, SIDE] };
      const want = await smoothGrad(graph, one, {
        methods: ['gradient', 'bbp'],
        samples: 4,
        noiseLevel: 0.1,
        seed: 5,
      });
      const got = (key: string) => readNpy(readFileSync(join(out, `chw-batch-${i}.${key}.npy`)));
      for (const [key, t] of [
        ['smoothgrad.gradient', want.gradient!],
        ['smoothgrad.bbp.contribution', want.bbp!.contribution!],
      ] as const)
        for (let j = 0; j < 64; j++) expect(got(key).data[j]).toBeCloseTo(t.data[j]!, 6);
      const entry = s.inputs[i] as unknown as { smoothGrad: { sigma: number; meanF: number } };
      expect(entry.smoothGrad.sigma).toBeCloseTo(want.sigma[0]!, 12);
      expect(
        (s.inputs[i] as unknown as { ms: Record<string, number> }).ms.smoothgrad,
      ).toBeGreaterThan(0);
      expect(entry.smoothGrad.meanF).toBeCloseTo(want.meanF[0]!, 9);
      // the noise moved the gradient: smoothed and plain maps differ
      const plain = got('gradient').data;
      expect(plain.some((v, j) => Math.abs(v - got('smoothgrad.gradient').data[j]!) > 1e-6)).toBe(
        true,
      );
    }
  });

  it("an input's SmoothGrad does not depend on the batch it is in", async () => {
    const one = freshOut(fx, 'batch1');
    const two = freshOut(fx, 'batch2');
    expect((await run(fx.dir, smoothArgs(one, '1'))).code).toBe(0);
    expect((await run(fx.dir, smoothArgs(two, '2'))).code).toBe(0);
    for (const f of [
      'chw-batch-1.smoothgrad.gradient.npy',
      'chw-batch-1.smoothgrad.bbp.contribution.npy',
    ])
      expect(readFileSync(join(one, f))).toEqual(readFileSync(join(two, f)));
  });

  it.each([
    [['--noise-level', '0.2'], '--noise-level only applies with --smoothgrad'],
    [['--seed', '3'], '--seed only applies with --smoothgrad'],
    [['--smoothgrad', '0'], '--smoothgrad must be an integer'],
    [['--smoothgrad', '4', '--noise-level', '-1'], '--noise-level must be a number ≥ 0'],
    [['--smoothgrad', '4', '--seed', '4294967296'], '--seed must be an integer'],
  ])('%j is a usage error, nothing written', async (extra, message) => {
    const out = freshOut(fx);
    const r = await run(fx.dir, ['explain', fx.onnx, fx.png, ...REF, '--out', out, ...extra]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(message);
    expect(existsSync(out)).toBe(false);
  });
});
