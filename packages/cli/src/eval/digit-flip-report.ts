import { linePlot, PLOT_COLORS } from '../render/line-plot.js';
import { Raster } from '../render/raster.js';
import type { DigitFlipResult } from './digit-flip.js';

/** What the run was, for the report header. */
export interface DigitFlipRunInfo {
  readonly model: string;
  readonly backend: string;
  readonly seconds: number;
  readonly igSteps: number;
  readonly seed: number;
  readonly limit?: number;
}

const pm = (m: number, s: number) => `${m.toFixed(2)} ± ${s.toFixed(2)}`;

/**
 * The Markdown report of a digit-flip run: a summary table (log-odds change at the largest budget,
 * methods × pairs) and per pair the full curve with the mean number of pixels actually erased.
 *
 * @example
 * ```ts
 * writeFileSync('digit-flip.md', digitFlipMarkdown(result, info));
 * ```
 */
export function digitFlipMarkdown(r: DigitFlipResult, info: DigitFlipRunInfo): string {
  const last = r.budgets.length - 1;
  const methods = r.pairs[0]?.methods ?? [];
  const out: string[] = [];
  out.push('# Digit flip (DeepLIFT protocol)', '');
  out.push(
    `Model \`${info.model}\`, backend \`${info.backend}\`, Integrated Gradients Gauss–Legendre ${info.igSteps} points, random-mask seed ${info.seed}${info.limit !== undefined ? `, at most ${info.limit} images per pair` : ''}; ${info.seconds.toFixed(1)} s.`,
    '',
    'Per pair s → t: test images of class s that the model classifies as s; the score S (s against t) per pixel; ' +
      `the pixels with the largest S > 0 (at most ${r.budgets[last]}) set to 0; the change of the log-odds logit_s − logit_t ` +
      '(mean ± standard deviation over the images; more negative = the erased pixels mattered more for s against t). ' +
      'gradient, gradient×input and IG use the contrast readout logit_s − logit_t (identical to the difference of the two ' +
      'explanations, they are linear in the readout); BBp and total are the explanation of s minus that of t for every rule ' +
      '(needed for `signed`, whose signs σ_p depend on the readout; for the other rules it equals the contrast readout up to ' +
      'rounding); random erases a seeded random pixel set.',
    '',
  );
  out.push(`## Log-odds change after erasing up to ${r.budgets[last]} pixels`, '');
  out.push(
    `| method | S from | ${r.pairs.map((p) => `${p.source}→${p.target} (n=${p.images})`).join(' | ')} |`,
  );
  out.push(`|---|---|${r.pairs.map(() => '---:').join('|')}|`);
  methods.forEach((m, mi) => {
    const cells = r.pairs.map((p) => pm(p.methods[mi]!.mean[last]!, p.methods[mi]!.std[last]!));
    out.push(`| ${m.name} | ${m.score} | ${cells.join(' | ')} |`);
  });
  out.push('');
  for (const p of r.pairs) {
    out.push(`## ${p.source} → ${p.target}: curve (n=${p.images})`, '');
    out.push(
      `| method | ${r.budgets.map((b) => `${b} px`).join(' | ')} | pixels erased (mean) at ${r.budgets.join(' / ')} | of them not already 0 |`,
    );
    out.push(`|---|${r.budgets.map(() => '---:').join('|')}|---:|---:|`);
    for (const m of p.methods) {
      out.push(
        `| ${m.name} | ${m.mean.map((v, k) => pm(v, m.std[k]!)).join(' | ')} | ${m.erased.map((e) => e.toFixed(1)).join(' / ')} | ${m.changed.map((e) => e.toFixed(1)).join(' / ')} |`,
      );
    }
    out.push('');
  }
  return out.join('\n');
}

/**
 * The plot of a digit-flip run: one panel per pair (log-odds change against pixels erased, one line
 * per method) and a shared legend.
 *
 * @example
 * ```ts
 * writeFileSync('digit-flip.png', digitFlipPlot(result).toPng());
 * ```
 */
export function digitFlipPlot(r: DigitFlipResult): Raster {
  const panels = r.pairs.map((p, i) =>
    linePlot({
      title: `${p.source} TO ${p.target}`,
      xLabel: 'PIXELS ERASED',
      yLabel: 'LOG-ODDS CHANGE',
      legend: i === r.pairs.length - 1 || (i + 1) % 2 === 0,
      series: p.methods.map((m, mi) => ({
        name: m.name.toUpperCase(),
        color: PLOT_COLORS[mi % PLOT_COLORS.length]!,
        points: r.budgets.map((b, k) => [b, m.mean[k]!] as const),
      })),
    }),
  );
  const cols = Math.min(2, panels.length);
  const rowsN = Math.ceil(panels.length / cols);
  const colW = Array.from({ length: cols }, (_, c) =>
    Math.max(0, ...panels.filter((_, i) => i % cols === c).map((p) => p.width)),
  );
  const rowH = Math.max(0, ...panels.map((p) => p.height));
  const out = new Raster(
    Math.max(
      1,
      colW.reduce((a, b) => a + b, 0),
    ),
    Math.max(1, rowsN * rowH),
  );
  panels.forEach((p, i) => {
    const c = i % cols;
    const x = colW.slice(0, c).reduce((a, b) => a + b, 0);
    out.blit(p, x, Math.floor(i / cols) * rowH);
  });
  return out;
}

/**
 * The JSON document of a run (the result plus run info), stable for diffs.
 *
 * @example
 * ```ts
 * writeFileSync('digit-flip.json', digitFlipJson(result, info));
 * ```
 */
export function digitFlipJson(r: DigitFlipResult, info: DigitFlipRunInfo): string {
  return `${JSON.stringify({ protocol: 'digit-flip', ...info, ...r }, null, 2)}\n`;
}
