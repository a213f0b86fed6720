import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  renameSync,
  rmSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Collects output files in a private temporary directory and moves them into the output
 * directory only when everything succeeded, so a failed run leaves nothing half-written there.
 *
 * @example
 * ```ts
 * const stage = new OutputStage('./biasprop-out');
 * try {
 *   stage.write('summary.json', JSON.stringify(summary));
 *   stage.commit();
 * } finally {
 *   stage.discard();
 * }
 * ```
 */
export class OutputStage {
  private dir: string | undefined;
  private readonly names: string[] = [];

  constructor(readonly outDir: string) {}

  /** Writes one file into the stage (names are flat file names). */
  write(name: string, data: Uint8Array | string): void {
    this.dir ??= mkdtempSync(join(tmpdir(), 'biasprop-stage-'));
    writeFileSync(join(this.dir, name), data);
    if (!this.names.includes(name)) this.names.push(name);
  }

  /** Names written so far, in order. */
  files(): readonly string[] {
    return this.names;
  }

  /** Moves every staged file into the output directory (created if needed); returns their names. */
  commit(): readonly string[] {
    mkdirSync(this.outDir, { recursive: true });
    if (!this.dir) return [];
    for (const name of readdirSync(this.dir)) {
      const from = join(this.dir, name);
      const to = join(this.outDir, name);
      try {
        renameSync(from, to);
      } catch {
        copyFileSync(from, to); // across file systems
        unlinkSync(from);
      }
    }
    return this.names;
  }

  /** Removes the stage (a no-op after {@link commit} moved everything). */
  discard(): void {
    if (this.dir) rmSync(this.dir, { recursive: true, force: true });
    this.dir = undefined;
  }
}
