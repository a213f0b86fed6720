import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Fixtures } from './helpers/fixtures.js';
import { createFixtures, filesIn, freshOut, run, removeFixtures } from './helpers/fixtures.js';
import { writeNpyFile, writePng } from './helpers/inputs.js';
import { SIDE } from './helpers/models.js';

let fx: Fixtures;
beforeAll(async () => {
  fx = await createFixtures();
});
afterAll(() => removeFixtures(fx));

/** Runs explain expecting failure: non-zero exit, one line on stderr, nothing in --out. */
async function fails(args: (fx: Fixtures) => string[], expectedCode?: number): Promise<string> {
  const out = freshOut(fx, 'err');
  const r = await run(fx.dir, ['explain', ...args(fx), '--out', out]);
  expect(r.code).not.toBe(0);
  if (expectedCode !== undefined) expect(r.code).toBe(expectedCode);
  const lines = r.stderr.split('\n').filter((l) => l.length > 0);
  expect(lines, r.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(/^biasprop explain: error: /);
  expect(r.stdout).toBe('');
  expect(filesIn(out)).toEqual([]);
  return lines[0]!;
}

describe('explain: error paths (one line, non-zero exit, nothing written)', () => {
  it('missing model file', async () => {
    const m = await fails(() => ['nothere.onnx', fx.png]);
    expect(m).toContain('model file not found: nothere.onnx');
  });

  it('unknown model format', async () => {
    writeFileSync(join(fx.dir, 'model.txt'), 'hello');
    writeFileSync(join(fx.dir, 'other.json'), '{"hello": 1}');
    writeFileSync(join(fx.dir, 'broken.json'), '{');
    expect(await fails(() => ['model.txt', fx.png])).toContain("unknown model format '.txt'");
    expect(await fails(() => ['other.json', fx.png])).toMatch(
      /unknown model format: other\.json is JSON but neither/,
    );
    expect(await fails(() => ['broken.json', fx.png])).toMatch(
      /unknown model format: broken\.json is not valid JSON/,
    );
  });

  it('unsupported op: names op, node and model', async () => {
    const m = await fails(() => ['bad.onnx', fx.png]);
    expect(m).toContain("'Erf'");
    expect(m).toContain("'weird'");
    expect(m).toContain('bad.onnx');
  });

  it('input shape mismatch: expected and actual', async () => {
    const wrong = writeNpyFile(join(fx.dir, 'wrong-shape.npy'), [SIDE, SIDE]);
    const m = await fails(() => [fx.onnx, wrong]);
    expect(m).toContain('shape [8, 8]');
    expect(m).toContain('expected [1, 8, 8] or [N, 1, 8, 8]');
    // NHWC data for the NCHW model
    expect(await fails(() => [fx.onnx, fx.npyHwc])).toContain('shape [8, 8, 1]');
  });

  it('NaN in a .npy input', async () => {
    const values = Array.from({ length: SIDE * SIDE }, (_, i) => (i === 17 ? Number.NaN : 0.5));
    const nan = writeNpyFile(join(fx.dir, 'nan.npy'), [1, SIDE, SIDE], 0, values);
    const m = await fails(() => [fx.onnx, fx.png, nan]);
    expect(m).toContain('nan.npy');
    expect(m).toContain('NaN');
    expect(m).toContain('element 17');
  });

  it('non-float .npy dtype', async () => {
    const bytes = Buffer.concat([
      Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]),
      Buffer.from([118, 0]),
      Buffer.from(
        `{'descr': '<i8', 'fortran_order': False, 'shape': (1, 8, 8), }`.padEnd(117, ' ') + '\n',
      ),
      Buffer.alloc(8 * 64),
    ]);
    writeFileSync(join(fx.dir, 'ints.npy'), bytes);
    expect(await fails(() => [fx.onnx, join(fx.dir, 'ints.npy')])).toContain(
      "dtype '<i8' is not supported",
    );
  });

  it('wrong PNG size or channels', async () => {
    const big = writePng(join(fx.dir, 'big', 'big.png'), 16, 16);
    const rgb = writePng(join(fx.dir, 'rgb', 'rgb.png'), SIDE, SIDE, { rgb: true });
    const m1 = await fails(() => [fx.onnx, big]);
    expect(m1).toContain('image is 16×16');
    expect(m1).toContain('expects 8×8 with 1 channel');
    const m2 = await fails(() => [fx.onnx, rgb]);
    expect(m2).toContain('3 channels (RGB)');
    expect(m2).toContain('1 channel (grayscale)');
    // an image for a model whose input is not an image
    expect(await fails(() => [fx.ir, fx.png])).toContain('which is not an image');
  });

  it('target out of range', async () => {
    expect(await fails(() => [fx.onnx, fx.png, '--target', '4'])).toContain(
      '--target 4 is out of range: model',
    );
    expect(await fails(() => [fx.onnx, fx.png, '--contrast', '1,9'])).toContain(
      '--contrast class 9 is out of range',
    );
  });

  it.each([
    [['--method', 'saliency'], "--method: unknown value 'saliency'"],
    [['--method', 'gradient,'], "--method: unknown value ''"],
    [['--rule', 'bias.1'], "--rule: unknown value 'bias.1'"],
    [['--target', 'x'], "--target: 'x' is not a class index"],
    [['--target', '-1'], "--target: '-1' is not a class index"],
    [['--contrast', '1'], '--contrast needs two classes T,S'],
    [['--contrast', '2,2'], 'compares class 2 with itself'],
    [['--target', '1', '--contrast', '1,2'], '--target and --contrast exclude each other'],
    [['--ig-steps', '0'], '--ig-steps must be an integer from 1'],
    [['--ig-steps', '2.5'], '--ig-steps must be an integer from 1'],
    [['--ig-method', 'simpson'], "--ig-method: unknown value 'simpson'"],
    [['--batch', '0'], '--batch must be an integer from 1'],
    [['--format', 'gif'], "--format: unknown value 'gif'"],
    [['--bias-layers', 'skip-first:x'], 'skip-first:K needs a non-negative integer'],
    [['--bias-layers', 'skip-first:9'], 'skips more layers than model'],
    [['--bias-layers', 'conv9'], "'conv9' is neither a layer nor a node"],
    [['--scale', '1'], '--scale must be LO,HI'],
    [['--baseline', 'nothere.npy'], 'baseline file not found: nothere.npy'],
    [['--foo'], "unknown option '--foo'"],
    [['--batch'], "option '--batch' needs a value"],
    [['--batch', '2', '--batch', '3'], "option '--batch' is given twice"],
  ])('bad option %j', async (extra, message) => {
    const m = await fails(() => [fx.onnx, fx.png, '--backend', 'reference', ...extra]);
    expect(m).toContain(message);
    expect(m).toMatch(/see 'biasprop explain --help'|out of range|not found|neither|skips more/);
  });

  it('baseline of the wrong shape', async () => {
    const wrong = writeNpyFile(join(fx.dir, 'baseline-wrong.npy'), [3]);
    expect(await fails(() => [fx.onnx, fx.png, '--baseline', wrong])).toContain(
      'baseline-wrong.npy: shape [3] does not fit',
    );
  });

  it('--out that is a file', async () => {
    writeFileSync(join(fx.dir, 'a-file'), 'x');
    const r = await run(fx.dir, ['explain', fx.onnx, fx.png, '--out', 'a-file']);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe(
      'biasprop explain: error: --out a-file exists and is not a directory; choose another --out',
    );
  });

  it('unknown backend', async () => {
    const m = await fails(() => [fx.onnx, fx.png, '--backend', 'tfjs-gpu'], 2);
    expect(m).toContain(
      "unknown backend 'tfjs-gpu'; use one of reference, tfjs-cpu, tfjs-wasm, ort-cpu, ort-wasm, ort-webgpu, ort-cuda",
    );
  });

  it('missing inputs, empty directories, unsupported files, colliding names', async () => {
    expect(await fails(() => [fx.onnx], 2)).toContain('missing <input...>');
    expect(await fails(() => [], 2)).toContain('missing <model>');
    expect(await fails(() => [fx.onnx, 'nope.png'])).toContain('input not found: nope.png');
    writeFileSync(join(fx.dir, 'notes.bmp'), 'x');
    expect(await fails(() => [fx.onnx, 'notes.bmp'])).toContain("unsupported file type '.bmp'");
    const empty = join(fx.dir, 'tfjs');
    expect(await fails(() => [fx.onnx, empty])).toContain('has no .png, .jpg or .npy files');
    writePng(join(fx.dir, 'dup', 'a.png'), SIDE, SIDE);
    expect(await fails(() => [fx.onnx, fx.png, join(fx.dir, 'dup', 'a.png')])).toContain(
      "would both write outputs named 'a-png'",
    );
  });

  it('a backend that cannot start here fails before anything is written', async () => {
    const m = await fails(() => [fx.onnx, fx.pngDir, '--backend', 'ort-cuda', '--batch', '1']);
    expect(m).toContain('backend ort-cuda is not available here');
  });
});

describe('other commands: error paths', () => {
  it.each([
    [['info'], 'expected one <model>'],
    [['info', 'nothere.onnx'], 'model file not found'],
    [['info', '--bogus', 'x'], "unknown option '--bogus'"],
    [['bench', 'tiny.onnx', '--repeat', '0'], '--repeat must be a positive integer'],
    [['bench', 'tiny.onnx', '--backend', 'gpu'], "unknown backend 'gpu'"],
    [['export', 'tiny.onnx', '--out', 'x.onnx'], 'missing --method'],
    [['export', 'tiny.onnx', '--method', 'bbp'], 'missing --out'],
    [['export', 'tiny.onnx', '--method', 'bbp', '--out', 'x.txt'], '--out must name an .onnx file'],
    [
      ['export', 'tiny.onnx', '--method', 'magic', '--out', 'x.onnx'],
      "--method: unknown value 'magic'",
    ],
    [['conformance', '--backends', 'nope'], "unknown backend 'nope'"],
  ])('%j', async (argv, message) => {
    const r = await run(fx.dir, argv);
    expect(r.code).not.toBe(0);
    const lines = r.stderr.split('\n').filter((l) => l.length > 0);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(message);
    expect(lines[0]).toMatch(new RegExp(`^biasprop ${argv[0]}: error: `));
  });

  it('unknown command', async () => {
    const r = await run(fx.dir, ['explian']);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe(
      "biasprop: error: unknown command 'explian'; use one of explain, info, conformance, bench, export, eval (see 'biasprop --help')",
    );
  });
});
