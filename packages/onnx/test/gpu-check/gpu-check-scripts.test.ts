// The GPU check's scripts, run here on the CPU so they are known to work before a GPU machine
// runs them: gpu-check-prepare.ts exports attribution graphs with float64 references;
// gpu-check-ort.mjs (onnxruntime-node) and gpu_check.py (PyTorch op by op, here on the CPU)
// check them and fail on a wrong reference; gpu-check.sh skips, exit 0, where there is no GPU.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const pkg = resolve(import.meta.dirname, '../..');
const CASES = ['mlp-b4', 'lenet-bn-b4'];

interface Run {
  status: number | null;
  output: string;
}

function run(command: string, args: string[], env: NodeJS.ProcessEnv = {}): Run {
  const r = spawnSync(command, args, {
    cwd: pkg,
    encoding: 'utf8',
    env: { ...process.env, ...env },
    timeout: 240_000,
  });
  return { status: r.status, output: `${r.stdout}${r.stderr}${r.error ? String(r.error) : ''}` };
}

/** A Python with PyTorch, ONNX and NumPy (Debian's python3-torch, python3-onnx), or why none. */
function torchPython(): { python?: string; why?: string } {
  for (const python of ['python3', '/usr/bin/python3']) {
    if (run(python, ['-c', 'import torch, onnx, numpy']).status === 0) return { python };
  }
  return {
    why: 'no python3 with torch, onnx and numpy here (Debian: python3-torch python3-onnx)',
  };
}

/** Adds `delta` to the first float64 of a prepared reference file. */
function corrupt(dir: string, caseName: string, file: string, delta: number): void {
  const path = join(dir, caseName, file);
  const bytes = readFileSync(path);
  const values = new Float64Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + 8));
  values[0]! += delta;
  bytes.set(new Uint8Array(values.buffer), 0);
  writeFileSync(path, bytes);
}

describe('GPU check scripts (on the CPU)', () => {
  let dir: string;
  let wrong: string;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'biasprop-gpu-check-'));
    const prepared = run('npx', [
      'tsx',
      '--conditions=@biasprop/source',
      'scripts/gpu-check-prepare.ts',
      dir,
      `--cases=${CASES.join(',')}`,
    ]);
    expect(prepared.status, prepared.output).toBe(0);
    wrong = `${dir}-wrong`;
    cpSync(dir, wrong, { recursive: true });
    corrupt(wrong, 'mlp-b4', 'ref_logits.f64', 0.5);
  }, 240_000);

  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
    rmSync(wrong, { recursive: true, force: true });
  });

  it('prepares the asked cases, with a WebGPU variant where that graph differs', () => {
    const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as {
      cases: { name: string; models: Record<string, string> }[];
    };
    expect(manifest.cases.map((c) => c.name)).toEqual(CASES);
    expect(manifest.cases[1]!.models.webgpu).toBe('lenet-bn-b4/model-webgpu.onnx');
  });

  it('gpu-check-ort.mjs: the exported graphs on onnxruntime-node match the float64 reference', () => {
    const ok = run('node', ['scripts/gpu-check-ort.mjs', dir, '--providers=cpu']);
    expect(ok.status, ok.output).toBe(0);
    expect(ok.output).toMatch(/\| lenet-bn-b4 \| \d\.\d+e-\d+ \(/);
    expect(ok.output).toContain('OK: every output that ran is within 0.0001');
    const bad = run('node', ['scripts/gpu-check-ort.mjs', wrong, '--providers=cpu']);
    expect(bad.status, bad.output).toBe(1);
    expect(bad.output).toMatch(/mlp-b4 on cpu: outputs beyond 0.0001: logits=/);
    const cuda = run('node', ['scripts/gpu-check-ort.mjs', dir, '--providers=cpu,cuda'], {
      GPU_CHECK_NODE_MODULES: '',
    });
    expect(cuda.output).toMatch(/cuda: skipped: |max error cuda/);
  }, 240_000);

  const { python, why } = torchPython();
  if (!python) {
    it.skip(`gpu_check.py skipped: ${why}`, () => {});
    console.warn(`[gpu_check.py] skipped: ${why}`);
  } else {
    it('gpu_check.py: PyTorch runs the exported graphs op by op (float32 and float64) and checks them', () => {
      const env = { GPU_CHECK_TORCH_DEVICE: 'cpu', PYTHONPATH: '' };
      const ok = run(python, ['scripts/gpu_check.py', dir], env);
      expect(ok.status, ok.output).toBe(0);
      expect(ok.output).toMatch(/\| mlp-b4 \| .* \| \d\.\d+e-\d+ \(\w+\) \| \d\.\de-\d+ \|/);
      expect(ok.output).toContain('OK: every output within 0.0001');
      const bad = run(python, ['scripts/gpu_check.py', wrong], env);
      expect(bad.status, bad.output).toBe(1);
      expect(bad.output).toMatch(/mlp-b4 on torch-cpu: outputs beyond 0.0001: .*logits=/);
    }, 240_000);
  }

  const hasGpu = run('sh', ['-c', 'command -v nvidia-smi']).status === 0;
  it.skipIf(hasGpu)('gpu-check.sh skips with its reason and exit 0 where there is no GPU', () => {
    const r = run('bash', ['scripts/gpu-check.sh']);
    expect(r.status, r.output).toBe(0);
    expect(r.output).toContain('gpu-check: skipped: no NVIDIA GPU here');
  });
});
