import { existsSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseArgs } from '../src/args/parse-args.js';
import { captureIo } from '../src/cli-io.js';
import { imageLayoutOf } from '../src/inputs/image-layout.js';
import { readNpy, writeNpy } from '../src/inputs/npy.js';
import { OutputStage } from '../src/output/output-stage.js';
import { formatNumber, formatTable } from '../src/output/table.js';
import { ProgressBar } from '../src/progress-bar.js';
import { GLYPH_HEIGHT, drawText, textWidth } from '../src/render/bitmap-font.js';
import { diverging, maxAbs, sequential } from '../src/render/colormap.js';
import { displayScale, renderAbsolute, renderSigned, toMap2d } from '../src/render/heatmap.js';

describe('npy', () => {
  it('round-trips float32 with and without a batch axis', () => {
    for (const shape of [[4], [2, 3], [1, 2, 2, 1]]) {
      const n = shape.reduce((a, b) => a * b, 1);
      const data = Float32Array.from({ length: n }, (_, i) => i * 0.5 - 1);
      const bytes = writeNpy(data, shape);
      expect((10 + new DataView(bytes.buffer).getUint16(8, true)) % 64).toBe(0);
      const back = readNpy(bytes);
      expect(back.shape).toEqual(shape);
      expect(Array.from(back.data)).toEqual(Array.from(data));
    }
  });

  it('rejects bad files with a reason', () => {
    expect(() => readNpy(new Uint8Array([1, 2, 3]))).toThrow('not a .npy file');
    const header = "{'descr': '<f4', 'fortran_order': True, 'shape': (2,), }";
    const bytes = new Uint8Array(10 + header.length + 8);
    bytes.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
    new DataView(bytes.buffer).setUint16(8, header.length, true);
    bytes.set(new TextEncoder().encode(header), 10);
    expect(() => readNpy(bytes)).toThrow('Fortran-order');
  });
});

describe('args', () => {
  const specs = [
    { name: 'batch', value: true },
    { name: 'flag', value: false },
  ];
  it('parses values, = values, flags, -- and help', () => {
    const a = parseArgs(['m', '--batch', '3', '--flag', 'x', '--', '--batch'], specs, 't');
    expect(a.positionals).toEqual(['m', 'x', '--batch']);
    expect(a.options.get('batch')).toBe('3');
    expect(a.options.get('flag')).toBe('true');
    expect(parseArgs(['--batch=4', '-h'], specs, 't')).toMatchObject({ help: true });
    expect(() => parseArgs(['-x'], specs, 't')).toThrow("unknown option '-x'");
    expect(() => parseArgs(['--flag=1'], specs, 't')).toThrow('takes no value');
    expect(() => parseArgs(['--batch='], specs, 't')).toThrow('non-empty value');
  });
});

describe('render', () => {
  it('diverging map is symmetric: blue, white, red', () => {
    expect(diverging(0)).toEqual([255, 255, 255]);
    expect(diverging(-1)).toEqual([33, 102, 172]);
    expect(diverging(1)).toEqual([178, 24, 43]);
    expect(diverging(5)).toEqual(diverging(1));
    expect(diverging(Number.NaN)).toEqual([255, 255, 255]);
  });

  it('sequential map goes dark to bright', () => {
    const lum = (c: readonly number[]) => c[0]! + c[1]! + c[2]!;
    for (let t = 0; t < 1; t += 0.1)
      expect(lum(sequential(t + 0.1))).toBeGreaterThan(lum(sequential(t)) - 1);
    expect(maxAbs([1, -3, 2])).toBe(3);
  });

  it('signed view scales by the max |value|; absolute view by max |a|', () => {
    const map = toMap2d([-2, 0, 1, 2], [2, 2]);
    const s = renderSigned(map, 1);
    expect(Array.from(s.data.subarray(0, 3))).toEqual([...diverging(-1)]);
    expect(Array.from(s.data.subarray(4, 7))).toEqual([255, 255, 255]);
    expect(Array.from(s.data.subarray(8, 11))).toEqual([...diverging(0.5)]);
    const a = renderAbsolute(map, 1);
    expect(Array.from(a.data.subarray(0, 3))).toEqual([...sequential(1)]);
    expect(Array.from(a.data.subarray(4, 7))).toEqual([...sequential(0)]);
    const zero = renderSigned(toMap2d([0, 0, 0, 0], [2, 2]), 1);
    expect(Array.from(zero.data.subarray(0, 3))).toEqual([255, 255, 255]);
  });

  it('maps sum channels of images and wrap vectors into a grid', () => {
    const hwc = toMap2d([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12], [2, 2, 3]);
    expect(Array.from(hwc.values)).toEqual([6, 15, 24, 33]);
    const chw = toMap2d([1, 2, 3, 4, 10, 20, 30, 40, 100, 200, 300, 400], [3, 2, 2]);
    expect(Array.from(chw.values)).toEqual([111, 222, 333, 444]);
    const vec = toMap2d([1, 2, 3, 4, 5], [5]);
    expect([vec.width, vec.height]).toEqual([3, 2]);
    expect(Number.isNaN(vec.values[5]!)).toBe(true);
    expect(displayScale(28, 28)).toBe(4);
    expect(imageLayoutOf([28, 28, 1])?.order).toBe('hwc');
    expect(imageLayoutOf([1, 28, 28])?.order).toBe('chw');
    expect(imageLayoutOf([784])).toBeUndefined();
  });

  it('bitmap font draws every label character', () => {
    const lit: [number, number][] = [];
    drawText('GRADIENT × INPUT |A|/MAX 1.5E-2', 0, 0, (x, y) => lit.push([x, y]));
    expect(lit.length).toBeGreaterThan(100);
    expect(Math.max(...lit.map((p) => p[1]))).toBeLessThan(GLYPH_HEIGHT);
    expect(Math.max(...lit.map((p) => p[0]))).toBeLessThan(
      textWidth('GRADIENT × INPUT |A|/MAX 1.5E-2'),
    );
    expect(textWidth('IG')).toBe(11);
  });
});

describe('output', () => {
  it('the stage writes nothing into the output directory until commit', () => {
    const out = join(tmpdir(), `biasprop-stage-test-${process.pid}`);
    const stage = new OutputStage(out);
    stage.write('a.txt', 'hello');
    expect(existsSync(out)).toBe(false);
    expect(stage.commit()).toEqual(['a.txt']);
    stage.discard();
    expect(readFileSync(join(out, 'a.txt'), 'utf8')).toBe('hello');
    const failed = new OutputStage(join(out, 'never'));
    failed.write('b.txt', 'x');
    failed.discard();
    expect(existsSync(join(out, 'never'))).toBe(false);
    rmSync(out, { recursive: true, force: true });
  });

  it('tables and numbers', () => {
    expect(
      formatTable([
        ['a', 'bb'],
        ['ccc', 'd'],
      ]),
    ).toBe('a    bb\n---  --\nccc  d\n');
    expect(formatNumber(12.3456789)).toBe('12.3457');
    expect(formatNumber(1e-7)).toBe('1.00e-7');
  });

  it('progress bar: one line per unit off a terminal, redraws on one', () => {
    const io = captureIo('/');
    const bar = new ProgressBar(io.stderr, 4, 'batches', 8);
    for (let i = 0; i <= 4; i += 0.5) bar.update(i);
    bar.finish();
    expect(io.stderrText().trim().split('\n')).toHaveLength(5);
    expect(io.stderrText()).toContain('[########] 4/4 batches 100%');
    const tty = captureIo('/', { tty: true });
    const bar2 = new ProgressBar(tty.stderr, 2, 'batches', 4);
    bar2.update(0);
    bar2.update(1);
    bar2.update(2);
    bar2.finish();
    expect(tty.stderrText()).toBe(
      '\r[....] 0/2 batches   0%\r[##..] 1/2 batches  50%\r[####] 2/2 batches 100%\n',
    );
  });
});
