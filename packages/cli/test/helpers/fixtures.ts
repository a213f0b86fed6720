// One temp directory per test file with tiny models and inputs, and an in-process CLI runner.
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { captureIo } from '../../src/cli-io.js';
import { main } from '../../src/main.js';
import type { InputSummary } from '../../src/output/summary.js';
import { writeNpyFile, writePng } from './inputs.js';
import { SIDE, tinyIrJson, tinyLayersModel, tinyOnnx } from './models.js';

/** Paths of the fixture files. */
export interface Fixtures {
  readonly dir: string;
  readonly onnx: string;
  readonly badOnnx: string;
  readonly tfjs: string;
  readonly ir: string;
  /** Directory with three 8×8 grayscale PNGs (a, b, c). */
  readonly pngDir: string;
  readonly png: string;
  /** NCHW [1,8,8] without batch axis, and [2,1,8,8] with one. */
  readonly npyChw: string;
  readonly npyChwBatch: string;
  /** NHWC [8,8,1] for the tfjs model. */
  readonly npyHwc: string;
  /** [6] for the IR model. */
  readonly npyVec: string;
}

/**
 * Creates the fixture files in a new temp directory.
 *
 * @example
 * ```ts
 * const fx = await createFixtures();
 * ```
 */
export async function createFixtures(): Promise<Fixtures> {
  const dir = mkdtempSync(join(tmpdir(), 'biasprop-cli-test-'));
  const pngDir = join(dir, 'pngs');
  writePng(join(pngDir, 'a.png'), SIDE, SIDE, { seed: 3 });
  writePng(join(pngDir, 'b.png'), SIDE, SIDE, { seed: 4 });
  writePng(join(pngDir, 'c.png'), SIDE, SIDE, { seed: 5 });
  return {
    dir,
    onnx: tinyOnnx(join(dir, 'tiny.onnx')),
    badOnnx: tinyOnnx(join(dir, 'bad.onnx'), { unsupportedOp: 'Erf' }),
    tfjs: await tinyLayersModel(join(dir, 'tfjs', 'model.json')),
    ir: tinyIrJson(join(dir, 'ir.json')),
    pngDir,
    png: join(pngDir, 'a.png'),
    npyChw: writeNpyFile(join(dir, 'chw.npy'), [1, SIDE, SIDE], 8),
    npyChwBatch: writeNpyFile(join(dir, 'chw-batch.npy'), [2, 1, SIDE, SIDE], 9),
    npyHwc: writeNpyFile(join(dir, 'hwc.npy'), [SIDE, SIDE, 1], 10),
    npyVec: writeNpyFile(join(dir, 'vec.npy'), [6], 11),
  };
}

/** What one in-process run produced. */
export interface RunResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs `biasprop` in-process in `cwd`.
 *
 * @example
 * ```ts
 * const r = await run(fx.dir, ['info', 'tiny.onnx']);
 * ```
 */
export async function run(cwd: string, argv: readonly string[]): Promise<RunResult> {
  const io = captureIo(cwd);
  const code = await main(argv, io);
  return { code, stdout: io.stdoutText(), stderr: io.stderrText() };
}

let counter = 0;

/** A fresh output directory name (not created). */
export function freshOut(fx: Fixtures, label = 'out'): string {
  return join(fx.dir, `${label}-${++counter}`);
}

/** The parsed summary.json of an output directory. */
export function readSummary(
  out: string,
): { backend: string; precision: string; inputs: InputSummary[] } & Record<string, unknown> {
  return JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as {
    backend: string;
    precision: string;
    inputs: InputSummary[];
  };
}

/** Sorted file names in a directory ([] when it does not exist). */
export function filesIn(dir: string): string[] {
  return existsSync(dir) ? readdirSync(dir).sort() : [];
}

/**
 * Removes the fixture directory and everything the tests wrote into it.
 *
 * @example
 * ```ts
 * afterAll(() => removeFixtures(fx));
 * ```
 */
export function removeFixtures(fx: Fixtures | undefined): void {
  if (fx) rmSync(fx.dir, { recursive: true, force: true });
}
