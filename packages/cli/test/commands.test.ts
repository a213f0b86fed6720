import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readNpy } from '../src/inputs/npy.js';
import type { Fixtures } from './helpers/fixtures.js';
import { createFixtures, freshOut, readSummary, run, removeFixtures } from './helpers/fixtures.js';

let fx: Fixtures;
beforeAll(async () => {
  fx = await createFixtures();
});
afterAll(() => removeFixtures(fx));

describe('--help', () => {
  it.each(['explain', 'info', 'conformance', 'bench', 'export'])(
    'biasprop %s --help',
    async (command) => {
      const r = await run(fx.dir, [command, '--help']);
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(new RegExp(`^Usage: biasprop ${command}`));
      expect(r.stderr).toBe('');
    },
  );

  it('biasprop --help and no arguments', async () => {
    const r = await run(fx.dir, ['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Commands:');
    const none = await run(fx.dir, []);
    expect(none.code).toBe(2);
    expect(none.stdout).toContain('Usage: biasprop <command>');
  });

  it('--version', async () => {
    const r = await run(fx.dir, ['--version']);
    expect(r.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('the explain help documents every option', async () => {
    const r = await run(fx.dir, ['explain', '-h']);
    for (const o of [
      '--method',
      '--rule',
      '--target',
      '--contrast',
      '--ig-steps',
      '--ig-method',
      '--baseline',
      '--bias-layers',
      '--backend',
      '--batch',
      '--out',
      '--format',
      '--scale',
      '--smoothgrad',
      '--noise-level',
      '--seed',
    ]) {
      expect(r.stdout).toContain(o);
    }
  });
});

describe('info', () => {
  it('summarizes an ONNX model: nodes, shapes, removed softmax, layers', async () => {
    const r = await run(fx.dir, ['info', 'tiny.onnx']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('model:   tiny.onnx (onnx)');
    expect(r.stdout).toContain('[1, 8, 8] per example');
    expect(r.stdout).toContain("final softmax 'probs' removed");
    expect(r.stdout).toContain('layers:  2 (conv1, fc)');
    expect(r.stdout).toContain('unsupported ops: none');
    expect(r.stdout).toMatch(/conv1\s+conv2d\s+\[3, 8, 8\]/);
  });

  it('summarizes a tfjs LayersModel and an IR file', async () => {
    const r = await run(fx.dir, ['info', fx.tfjs]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('(tfjs-layers)');
    expect(r.stdout).toContain('[8, 8, 1] per example');
    const ir = await run(fx.dir, ['info', fx.ir]);
    expect(ir.code, ir.stderr).toBe(0);
    expect(ir.stdout).toContain('(biasprop-ir)');
  });

  it('names every unsupported op with its node and the model', async () => {
    const r = await run(fx.dir, ['info', 'bad.onnx']);
    expect(r.code).toBe(1);
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain("unsupported op 'Erf' at node 'weird' in model 'bad.onnx'");
    expect(lines[0]).toContain("all unsupported nodes: Erf 'weird'");
  });
});

describe('bench', () => {
  it.each(['reference', 'ort-cpu', 'tfjs-cpu'])('times every stage on %s', async (backend) => {
    const r = await run(fx.dir, [
      'bench',
      'tiny.onnx',
      '--backend',
      backend,
      '--repeat',
      '2',
      '--ig-steps',
      '8',
      '--batch',
      '2',
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`on ${backend} (`);
    for (const stage of ['forward', 'gradient', 'bbp', 'integrated-gradients (8 steps)'])
      expect(r.stdout).toContain(stage);
    expect(r.stdout).toMatch(/forward\s+[\d.]+\s+[\d.]+\s+1\.0/);
  });

  it('benches on a given input', async () => {
    const r = await run(fx.dir, [
      'bench',
      'tiny.onnx',
      '--backend',
      'reference',
      '--repeat',
      '1',
      '--ig-steps',
      '4',
      '--input',
      fx.png,
    ]);
    expect(r.code, r.stderr).toBe(0);
  });
});

describe('conformance', () => {
  it('prints the matrix for the chosen backends; an unavailable one is skipped with its reason', async () => {
    const r = await run(fx.dir, ['conformance', '--backends', 'ort-cpu,ort-cuda']);
    expect(r.code, r.stdout).toBe(0);
    expect(r.stdout).toMatch(/backend\s+fixture\s+case/);
    expect(r.stdout).toMatch(/ort-cpu\s+\S+\s+bbp\[contribution\]\s+float32/);
    expect(r.stdout).toMatch(/cases: \d+ passed, 0 failed/);
    expect(r.stdout).toMatch(/ort-cuda: SKIPPED \(every case\): .+/);
    expect(r.stderr).toContain('2/2 backends');
  });

  it('--adapter runs the matrix on a third-party adapter module’s fixtures', async () => {
    const adapter = resolve(
      import.meta.dirname,
      '../../../examples/custom-adapter/src/conformance.ts',
    );
    const r = await run(fx.dir, ['conformance', '--adapter', adapter, '--backends', 'reference']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/reference\s+layer-list-\S+\s+bbp\[contribution\]/);
    expect(r.stdout).toMatch(/cases: \d+ passed, 0 failed/);
  });

  it('--random N adds seeded random networks to the fixtures', async () => {
    const r = await run(fx.dir, ['conformance', '--backends', 'reference', '--random', '2']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/reference\s+random-2\s+bbp\[contribution\]/);
    expect(r.stdout).toMatch(/reference\s+cnn-bn-pool\s+gradient/);
    expect(r.stdout).not.toMatch(/random-3/);
    const bad = await run(fx.dir, ['conformance', '--random', '0']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("--random must be an integer from 1 to 1000, got '0'");
  });

  it('--adapter with a missing module is a one-line error', async () => {
    const r = await run(fx.dir, ['conformance', '--adapter', './no-such-adapter.js']);
    expect(r.code).not.toBe(0);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/no-such-adapter/);
  });
});

describe('export', () => {
  function relErr(a: ArrayLike<number>, ref: ArrayLike<number>): number {
    let err = 0;
    let scale = 0;
    for (let i = 0; i < ref.length; i++) {
      err = Math.max(err, Math.abs(a[i]! - ref[i]!));
      scale = Math.max(scale, Math.abs(ref[i]!));
    }
    return err / Math.max(scale, 1e-30);
  }

  it('writes the traced attribution graph; plain onnxruntime-node reproduces the summary', async () => {
    const file = join(fx.dir, 'exported', 'attribution.onnx');
    const r = await run(fx.dir, [
      'export',
      'tiny.onnx',
      '--method',
      'bbp,integrated-gradients',
      '--rule',
      'contribution,signed',
      '--ig-steps',
      '16',
      '--out',
      file,
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/output\s+bbp_signed\s+float32\s+\[1, 1, 8, 8\]/);
    expect(existsSync(`${file}.json`)).toBe(true);
    const out = freshOut(fx);
    const e = await run(fx.dir, [
      'explain',
      'tiny.onnx',
      fx.npyChw,
      '--backend',
      'reference',
      '--rule',
      'contribution,signed',
      '--ig-steps',
      '16',
      '--format',
      'npy,json',
      '--out',
      out,
    ]);
    expect(e.code, e.stderr).toBe(0);
    const summary = readSummary(out).inputs[0]!;
    const ort = await import('onnxruntime-node');
    const session = await ort.InferenceSession.create(readFileSync(file));
    const x = readNpy(readFileSync(fx.npyChw)).data;
    const res = await session.run({
      x: new ort.Tensor('float32', x, [1, 1, 8, 8]),
      target: new ort.Tensor('int64', BigInt64Array.of(-1n), [1]),
    });
    const get = (name: string) => res[name]!.data as Float32Array;
    const npy = (name: string) => readNpy(readFileSync(join(out, `chw.${name}.npy`))).data;
    expect(relErr(get('gradient'), npy('gradient'))).toBeLessThan(1e-4);
    expect(relErr(get('input_x_gradient'), npy('input-x-gradient'))).toBeLessThan(1e-4);
    expect(relErr(get('bbp_contribution'), npy('bbp.contribution'))).toBeLessThan(1e-4);
    expect(relErr(get('bbp_signed'), npy('bbp.signed'))).toBeLessThan(1e-4);
    expect(relErr(get('total_contribution'), npy('total.contribution'))).toBeLessThan(1e-4);
    expect(relErr(get('integrated_gradients'), npy('integrated-gradients'))).toBeLessThan(1e-4);
    const scale = Math.max(Math.abs(summary.f), Math.abs(summary.wx), Math.abs(summary.b));
    expect(Math.abs(get('f')[0]! - summary.f) / scale).toBeLessThan(1e-4);
    expect(Math.abs(get('wx')[0]! - summary.wx) / scale).toBeLessThan(1e-4);
    expect(Math.abs(get('b')[0]! - summary.b) / scale).toBeLessThan(1e-4);
    expect(Math.abs(get('bbp_sum_signed')[0]! - summary.sumBeta0.signed!) / scale).toBeLessThan(
      1e-4,
    );
    expect(Math.abs(get('ig_delta')[0]! - summary.igDelta!) / scale).toBeLessThan(1e-4);
    expect(Array.from(get('readout')).indexOf(1)).toBe(summary.predicted);
    await session.release();
  });

  it('a readout input reproduces a contrast; --bias-layers and --batch are baked in', async () => {
    const file = join(fx.dir, 'exported', 'contrast.onnx');
    const r = await run(fx.dir, [
      'export',
      fx.onnx,
      '--method',
      'bbp',
      '--target-input',
      'readout',
      '--bias-layers',
      'skip-first:1',
      '--batch',
      '2',
      '--out',
      file,
    ]);
    expect(r.code, r.stderr).toBe(0);
    const out = freshOut(fx);
    const e = await run(fx.dir, [
      'explain',
      fx.onnx,
      fx.npyChwBatch,
      '--backend',
      'reference',
      '--method',
      'bbp',
      '--contrast',
      '1,3',
      '--bias-layers',
      'skip-first:1',
      '--format',
      'json',
      '--out',
      out,
    ]);
    expect(e.code, e.stderr).toBe(0);
    const ort = await import('onnxruntime-node');
    const session = await ort.InferenceSession.create(readFileSync(file));
    const readout = Float32Array.of(0, 1, 0, -1, 0, 1, 0, -1);
    const res = await session.run({
      x: new ort.Tensor('float32', readNpy(readFileSync(fx.npyChwBatch)).data, [2, 1, 8, 8]),
      readout: new ort.Tensor('float32', readout, [2, 4]),
    });
    const summary = readSummary(out).inputs;
    for (let i = 0; i < 2; i++) {
      const s = summary[i]!;
      const scale = Math.max(Math.abs(s.f), Math.abs(s.wx), Math.abs(s.b));
      expect(Math.abs((res.f!.data as Float32Array)[i]! - s.f) / scale).toBeLessThan(1e-4);
      expect(
        Math.abs((res.bbp_sum_contribution!.data as Float32Array)[i]! - s.selectedBias) / scale,
      ).toBeLessThan(1e-4);
    }
    await session.release();
  });

  it('rejects bad export options before writing', async () => {
    const file = join(fx.dir, 'exported', 'never.onnx');
    for (const extra of [
      ['--target-input', 'class'],
      ['--batch', '0'],
      ['--bias-layers', 'nope'],
      ['--ig-method', 'x'],
    ]) {
      const r = await run(fx.dir, ['export', fx.onnx, '--method', 'bbp', '--out', file, ...extra]);
      expect(r.code).not.toBe(0);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
    }
    expect(existsSync(file)).toBe(false);
  });
});

describe('a real tfjs GraphModel (@vladmandic/human emotion, when installed in the workspace)', () => {
  const model = join(
    import.meta.dirname,
    '..',
    '..',
    'tfjs-real-models',
    'node_modules',
    '@vladmandic',
    'human',
    'models',
    'emotion.json',
  );

  it('info and explain (gradient, BBp) on tfjs-wasm', async (ctx) => {
    if (!existsSync(model)) {
      console.log(`skipped GraphModel test: ${model} is not installed`);
      ctx.skip();
      return;
    }
    const info = await run(fx.dir, ['info', model]);
    expect(info.code, info.stderr).toBe(0);
    expect(info.stdout).toContain('(tfjs-graph)');
    expect(info.stdout).toContain('[64, 64, 1] per example');
    const { writeNpyFile } = await import('./helpers/inputs.js');
    const face = writeNpyFile(join(fx.dir, 'face.npy'), [64, 64, 1], 3);
    const out = freshOut(fx);
    const r = await run(fx.dir, [
      'explain',
      model,
      face,
      '--method',
      'gradient,bbp',
      '--rule',
      'contribution,signed',
      '--format',
      'json',
      '--out',
      out,
    ]);
    expect(r.code, r.stderr).toBe(0);
    const e = readSummary(out).inputs[0]!;
    expect(readSummary(out).backend).toBe('tfjs-wasm');
    expect(e.completenessResidual).toBeLessThan(1e-4);
    expect(e.bbpResidual.signed).toBeLessThan(1e-4);
  });
});
