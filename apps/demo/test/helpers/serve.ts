// Builds the demo with `vite build` and serves it with `vite preview` on 127.0.0.1.
import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';

/** The demo package directory. */
export const DEMO_DIR = join(import.meta.dirname, '..', '..');
const VITE = join(DEMO_DIR, 'node_modules', '.bin', 'vite');

function run(args: readonly string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(VITE, args, { cwd: DEMO_DIR, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0
        ? resolve()
        : reject(new Error(`vite ${args.join(' ')} exited with ${code}:\n${output.slice(-4000)}`)),
    );
  });
}

/**
 * Runs `vite build` (skipped when DEMO_SKIP_BUILD=1 and dist/ exists, for quick reruns).
 *
 * @example
 * ```ts
 * await buildDemo();
 * ```
 */
export async function buildDemo(): Promise<void> {
  if (process.env.DEMO_SKIP_BUILD === '1' && existsSync(join(DEMO_DIR, 'dist', 'index.html')))
    return;
  await run(['build', '--logLevel', 'warn']);
}

/**
 * A free TCP port on 127.0.0.1.
 *
 * @example
 * ```ts
 * const port = await freePort();
 * ```
 */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** A running `vite preview`. */
export interface Preview {
  readonly url: string;
  close(): Promise<void>;
}

/**
 * Starts `vite preview` on a free port and waits until it answers.
 *
 * @example
 * ```ts
 * const preview = await startPreview();
 * await page.goto(preview.url);
 * await preview.close();
 * ```
 */
export async function startPreview(): Promise<Preview> {
  const port = await freePort();
  const child: ChildProcess = spawn(
    VITE,
    ['preview', '--host', '127.0.0.1', '--port', String(port), '--strictPort'],
    { cwd: DEMO_DIR, stdio: 'ignore' },
  );
  const url = `http://127.0.0.1:${port}/`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`vite preview exited with ${child.exitCode}`);
    try {
      const res = await fetch(url);
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill();
      throw new Error(`vite preview did not answer on ${url} within 60 s`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return {
    url,
    close: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
