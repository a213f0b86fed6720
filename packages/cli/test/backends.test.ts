import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backendAvailability } from '../src/backends.js';
import { readNpy } from '../src/inputs/npy.js';
import type { Fixtures } from './helpers/fixtures.js';
import { createFixtures, freshOut, readSummary, run, removeFixtures } from './helpers/fixtures.js';

// onnxruntime-node's WebGPU needs a Vulkan driver: Chromium's software one (SwiftShader) where it
// is installed, as in the onnx package's tests; a driver named already is kept.
const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';
if (!process.env.VK_ICD_FILENAMES && existsSync(SWIFTSHADER_ICD))
  process.env.VK_ICD_FILENAMES = SWIFTSHADER_ICD;

let fx: Fixtures;
beforeAll(async () => {
  fx = await createFixtures();
});
afterAll(() => removeFixtures(fx));

const METHODS = [
  'gradient',
  'input-x-gradient',
  'integrated-gradients',
  'bbp.contribution',
  'total.contribution',
];

async function explainOn(
  model: string,
  input: string,
  backend: string,
): Promise<{ out: string; stdout: string }> {
  const out = freshOut(fx, backend);
  const r = await run(fx.dir, [
    'explain',
    model,
    input,
    '--backend',
    backend,
    '--out',
    out,
    '--format',
    'npy,json',
    '--ig-steps',
    '16',
  ]);
  expect(r.code, r.stderr).toBe(0);
  return { out, stdout: r.stdout };
}

function maxRelError(a: ArrayLike<number>, ref: ArrayLike<number>): number {
  let err = 0;
  let scale = 0;
  for (let i = 0; i < ref.length; i++) {
    err = Math.max(err, Math.abs(a[i]! - ref[i]!));
    scale = Math.max(scale, Math.abs(ref[i]!));
  }
  return scale > 0 ? err / scale : err;
}

function compare(out: string, ref: string, stem: string): void {
  for (const m of METHODS) {
    const a = readNpy(readFileSync(join(out, `${stem}.${m}.npy`))).data;
    const r = readNpy(readFileSync(join(ref, `${stem}.${m}.npy`))).data;
    expect(maxRelError(a, r), m).toBeLessThan(1e-4);
  }
  const s = readSummary(out).inputs[0]!;
  const r = readSummary(ref).inputs[0]!;
  expect(s.predicted).toBe(r.predicted);
  expect(Math.abs(s.f - r.f) / Math.max(Math.abs(r.f), Math.abs(r.wx), Math.abs(r.b))).toBeLessThan(
    1e-4,
  );
  expect(s.bbpResidual.contribution).toBeLessThan(1e-4);
}

describe.each([
  ['onnx', () => fx.onnx, () => fx.npyChw, 'chw'],
  ['tfjs', () => fx.tfjs, () => fx.npyHwc, 'hwc'],
])('%s model on every backend', (_name, model, input, stem) => {
  let ref: string;
  beforeAll(async () => {
    ref = (await explainOn(model(), input(), 'reference')).out;
    expect(readSummary(ref).precision).toBe('float64');
  });

  it.each(['tfjs-cpu', 'tfjs-wasm', 'ort-cpu', 'ort-wasm'])(
    '%s agrees with the reference',
    async (backend) => {
      const { out, stdout } = await explainOn(model(), input(), backend);
      const s = readSummary(out);
      expect(s.backend).toBe(backend);
      expect(s.precision).toBe('float32');
      expect(stdout).toContain(`on ${backend} (float32)`);
      compare(out, ref, stem);
    },
  );

  it.for(['ort-webgpu', 'ort-cuda'] as const)(
    '%s agrees with the reference where available',
    async (backend, ctx) => {
      const a = await backendAvailability(backend);
      if (!a.available) {
        console.log(`skipped ${backend}: ${a.reason}`);
        ctx.skip();
        return;
      }
      compare((await explainOn(model(), input(), backend)).out, ref, stem);
    },
  );
});

describe('default backends', () => {
  it('ort-cpu for .onnx, tfjs-wasm for tfjs, reference for an IR file', async () => {
    for (const [model, input, expected] of [
      [fx.onnx, fx.npyChw, 'ort-cpu'],
      [fx.tfjs, fx.npyHwc, 'tfjs-wasm'],
      [fx.ir, fx.npyVec, 'reference'],
    ] as const) {
      const out = freshOut(fx);
      const r = await run(fx.dir, [
        'explain',
        model,
        input,
        '--out',
        out,
        '--method',
        'gradient',
        '--format',
        'json',
      ]);
      expect(r.code, r.stderr).toBe(0);
      expect(readSummary(out).backend).toBe(expected);
    }
  });
});
