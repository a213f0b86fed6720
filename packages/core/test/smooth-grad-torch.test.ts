// SmoothGrad against an independent implementation: PyTorch's autograd in float64
// (scripts/smooth_grad_torch.py, Debian's python3-torch) on the same CNN and the same standard
// normal draws; and the documented noise generator re-implemented in Python from its description.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { SmoothGradVariant } from '../src/index.js';
import { GraphBuilder, gaussianNoise, smoothGrad } from '../src/index.js';
import { expectClose } from './helpers/numeric.js';
import { mulberry32, uniform } from './helpers/random.js';

const SCRIPT = new URL('../scripts/smooth_grad_torch.py', import.meta.url).pathname;

/** A Python with PyTorch, or why there is none. */
function torchPython(): { python?: string; why?: string } {
  for (const python of ['python3', '/usr/bin/python3'])
    if (spawnSync(python, ['-c', 'import torch'], { encoding: 'utf8' }).status === 0)
      return { python };
  return { why: 'no python3 with torch here (Debian: python3-torch)' };
}

const { python, why } = torchPython();
if (!python) console.warn(`[smoothGrad vs PyTorch] skipped: ${why}`);

describe.skipIf(!python)('smoothGrad against PyTorch (float64 autograd, same draws)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'biasprop-smoothgrad-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('SmoothGrad, SmoothGrad², VarGrad and gradient×input agree to 1e-9; the generator matches its description', async () => {
    const r = mulberry32(61);
    const shape = [2, 6, 6];
    const convW = uniform(r, 4 * 2 * 9);
    const convB = uniform(r, 4, 0.2);
    const denseW = uniform(r, 4 * 3 * 3 * 5, 0.4);
    const denseB = uniform(r, 5, 0.2);
    const b = new GraphBuilder('small-cnn', shape);
    let h = b.relu(b.conv2d(b.input, convW, [4, 2, 3, 3], convB, { pads: [1, 1, 1, 1] }));
    h = b.maxPool2d(h, [2, 2], { strides: [2, 2] });
    b.dense(b.flatten(h), denseW, [36, 5], denseB);
    const graph = b.build();
    const n = 2;
    const samples = 6;
    const per = 72;
    const x = { data: uniform(r, n * per), shape: [n, ...shape] };
    const seed = 2024;
    const noise = gaussianNoise(seed, n * samples * per);
    const targets = [3, 1];
    const o = { samples, seed, noiseLevel: 0.2, target: targets, batchSize: 5 } as const;
    const ours = {} as Record<SmoothGradVariant, Float64Array>;
    for (const variant of ['smoothgrad', 'smoothgradSquared', 'vargrad'] as const)
      ours[variant] = Float64Array.from(
        (await smoothGrad(graph, x, { ...o, variant })).gradient!.data,
      );
    const sx = await smoothGrad(graph, x, { ...o, methods: ['inputXGradient'] });

    const request = join(dir, 'request.json');
    writeFileSync(
      request,
      JSON.stringify({
        convW: [...convW],
        convWShape: [4, 2, 3, 3],
        convB: [...convB],
        denseW: [...denseW],
        denseWShape: [36, 5],
        denseB: [...denseB],
        inputShape: shape,
        batch: n,
        samples,
        x: [...x.data],
        noise: [...noise],
        sigma: [...sx.sigma],
        targets,
        seed,
        gaussianCount: 1001,
      }),
    );
    const run = spawnSync(python!, [SCRIPT, request], { encoding: 'utf8', timeout: 120_000 });
    expect(run.status, run.stderr).toBe(0);
    const torch = JSON.parse(run.stdout) as Record<string, number[]>;
    for (const variant of ['smoothgrad', 'smoothgradSquared', 'vargrad'] as const)
      expectClose(ours[variant], torch[variant]!, 1e-9, variant);
    expectClose(sx.inputXGradient!.data, torch.inputXGradient!, 1e-9, 'inputXGradient');
    expectClose(gaussianNoise(seed, 1001), torch.gaussians!, 1e-14, 'the documented generator');
  });
});
