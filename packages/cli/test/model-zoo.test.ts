// The trained zoo models (packages/model-zoo/models), once they exist: the CLI on real MNIST and
// Fashion-MNIST CNNs in both formats. Skipped, with the reason printed, while they are missing.
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readNpy } from '../src/inputs/npy.js';
import { filesIn, readSummary, run } from './helpers/fixtures.js';

const ZOO = join(import.meta.dirname, '..', '..', 'model-zoo', 'models');

describe.each(['mnist', 'fashion-mnist'])('zoo model %s', (name) => {
  const dir = join(ZOO, name);
  const onnx = join(dir, 'model.onnx');
  const tfjs = join(dir, 'model.json');
  const samples = join(dir, 'samples');
  const present = existsSync(onnx) && existsSync(tfjs) && existsSync(samples);
  const pngs = present
    ? readdirSync(samples)
        .filter((f) => f.endsWith('.png'))
        .sort()
        .slice(0, 4)
        .map((f) => join(samples, f))
    : [];

  it('explains its PNG samples from ONNX (ort-cpu) and tfjs (tfjs-wasm) alike', async (ctx) => {
    if (!present || pngs.length === 0) {
      console.log(
        `skipped zoo model ${name}: ${dir} has no model.onnx, model.json and samples/*.png yet`,
      );
      ctx.skip();
      return;
    }
    const work = mkdtempSync(join(tmpdir(), `biasprop-zoo-${name}-`));
    const outOnnx = join(work, 'onnx');
    const outTfjs = join(work, 'tfjs');
    const args = [
      '--method',
      'gradient,bbp,total',
      '--rule',
      'contribution,signed',
      '--format',
      'npy,json',
      '--ig-steps',
      '16',
    ];
    const a = await run(work, ['explain', onnx, ...pngs, '--out', outOnnx, ...args]);
    expect(a.code, a.stderr).toBe(0);
    const b = await run(work, ['explain', tfjs, ...pngs, '--out', outTfjs, ...args]);
    expect(b.code, b.stderr).toBe(0);
    const sa = readSummary(outOnnx).inputs;
    const sb = readSummary(outTfjs).inputs;
    sa.forEach((e, i) => {
      expect(e.predicted).toBe(sb[i]!.predicted);
      const scale = Math.max(Math.abs(e.f), Math.abs(e.wx), Math.abs(e.b));
      expect(Math.abs(e.f - sb[i]!.f) / scale).toBeLessThan(1e-4);
      expect(e.bbpResidual.contribution).toBeLessThan(1e-4);
      expect(e.bbpResidual.signed).toBeLessThan(1e-4);
    });
    // The ONNX model is NCHW and the tfjs model NHWC: for 1-channel inputs both are H×W in memory.
    for (const file of filesIn(outOnnx).filter((f) => f.endsWith('.npy'))) {
      const x = readNpy(readFileSync(join(outOnnx, file))).data;
      const y = readNpy(readFileSync(join(outTfjs, file))).data;
      let err = 0;
      let scale = 0;
      for (let i = 0; i < x.length; i++) {
        err = Math.max(err, Math.abs(x[i]! - y[i]!));
        scale = Math.max(scale, Math.abs(x[i]!));
      }
      expect(err / scale, file).toBeLessThan(1e-3);
    }
    rmSync(work, { recursive: true, force: true });
  });

  it('info shows the folded BatchNorms and the removed softmax', async (ctx) => {
    if (!present) {
      console.log(`skipped zoo model ${name}: not trained yet`);
      ctx.skip();
      return;
    }
    const r = await run(dir, ['info', 'model.onnx']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('removed');
  });
});
