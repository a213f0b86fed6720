import type { OutputStream } from './cli-io.js';

/**
 * A progress bar on stderr. On a terminal it redraws one line (also within a batch); otherwise it
 * prints one line per finished batch, so logs stay readable.
 *
 * @example
 * ```ts
 * const bar = new ProgressBar(io.stderr, 4, 'batches');
 * bar.update(1); // [#####...............] 1/4 batches
 * bar.finish();
 * ```
 */
export class ProgressBar {
  private lastLine = '';
  private lastDone = -1;

  constructor(
    private readonly stream: OutputStream,
    private readonly total: number,
    private readonly unit: string,
    private readonly width = 24,
  ) {}

  /** Shows `done` (fractional while a unit is in progress) of `total`. */
  update(done: number): void {
    const clamped = Math.max(0, Math.min(this.total, done));
    const whole = Math.floor(clamped + 1e-9);
    const filled = Math.round((clamped / this.total) * this.width);
    const pct = Math.floor((100 * clamped) / this.total);
    const line = `[${'#'.repeat(filled)}${'.'.repeat(this.width - filled)}] ${whole}/${this.total} ${this.unit} ${String(pct).padStart(3)}%`;
    if (this.stream.isTTY) {
      if (line !== this.lastLine) this.stream.write(`\r${line}`);
    } else if (whole !== this.lastDone) {
      this.stream.write(`${line}\n`);
    }
    this.lastLine = line;
    this.lastDone = whole;
  }

  /** Ends the bar (a newline on a terminal). */
  finish(): void {
    if (this.stream.isTTY && this.lastLine) this.stream.write('\n');
  }
}
