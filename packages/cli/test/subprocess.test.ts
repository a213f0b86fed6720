import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Fixtures } from './helpers/fixtures.js';
import {
  createFixtures,
  filesIn,
  freshOut,
  readSummary,
  removeFixtures,
} from './helpers/fixtures.js';

const BIN = join(import.meta.dirname, '..', 'bin', 'biasprop.js');

let fx: Fixtures;
beforeAll(async () => {
  fx = await createFixtures();
});
afterAll(() => removeFixtures(fx));

function biasprop(args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    cwd: fx.dir,
    encoding: 'utf8',
    timeout: 120_000,
    env: { ...process.env, BIASPROP_CLI_SOURCE: '1' },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('bin/biasprop.js as a real process', () => {
  it('explains a directory of PNGs with the ONNX model on ort-cpu', () => {
    const out = freshOut(fx);
    const r = biasprop([
      'explain',
      'tiny.onnx',
      'pngs',
      '--out',
      out,
      '--batch',
      '2',
      '--ig-steps',
      '8',
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.split('\n')[0]).toMatch(/^input\s+pred\s+f\(x\)\s+w·x\s+b\s+residual$/);
    expect(r.stdout).toMatch(/^a\s+\d\s+/m);
    expect(r.stdout).toContain('3 input(s) on ort-cpu (float32)');
    expect(r.stderr).toContain('2/2 batches');
    expect(filesIn(out)).toContain('c.montage.png');
    expect(readSummary(out).inputs).toHaveLength(3);
  });

  it('fails with one line and exit code 1 on a bad input, writing nothing', () => {
    const out = freshOut(fx);
    const r = biasprop(['explain', 'bad.onnx', 'pngs', '--out', out]);
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain("unsupported op 'Erf' at node 'weird'");
    expect(filesIn(out)).toEqual([]);
  });
});
