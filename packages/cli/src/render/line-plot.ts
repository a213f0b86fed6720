import { GLYPH_HEIGHT, drawText, textWidth } from './bitmap-font.js';
import type { Rgb } from './colormap.js';
import { Raster } from './raster.js';

/** One line of a {@link linePlot}. */
export interface PlotSeries {
  /** Legend label. */
  readonly name: string;
  /** Line and legend colour. */
  readonly color: Rgb;
  /** Points `[x, y]`, drawn in order. */
  readonly points: readonly (readonly [number, number])[];
}

/** Options of {@link linePlot}. */
export interface LinePlotOptions {
  /** Title above the plot. */
  readonly title: string;
  /** Label of the x axis. */
  readonly xLabel: string;
  /** Label of the y axis. */
  readonly yLabel: string;
  /** The lines to draw. */
  readonly series: readonly PlotSeries[];
  /** Plot area size in pixels (default 260 × 180). */
  readonly width?: number;
  /** Plot height in pixels. */
  readonly height?: number;
  /** Draw the legend to the right of the axes (default true). */
  readonly legend?: boolean;
}

/** A qualitative palette for plot lines (colour-blind friendly, Okabe–Ito plus extras). */
export const PLOT_COLORS: readonly Rgb[] = [
  [0, 114, 178],
  [230, 159, 0],
  [0, 158, 115],
  [213, 94, 0],
  [204, 121, 167],
  [86, 180, 233],
  [120, 80, 40],
  [0, 0, 0],
  [150, 150, 150],
  [240, 228, 66],
];

function line(r: Raster, x0: number, y0: number, x1: number, y1: number, c: Rgb, thick = 1): void {
  const steps = Math.max(Math.abs(x1 - x0), Math.abs(y1 - y0), 1);
  for (let i = 0; i <= steps; i++) {
    const x = Math.round(x0 + ((x1 - x0) * i) / steps);
    const y = Math.round(y0 + ((y1 - y0) * i) / steps);
    for (let d = 0; d < thick; d++) r.set(x, y + d, c);
  }
}

function niceTicks(lo: number, hi: number, count = 5): number[] {
  const span = hi - lo || 1;
  const raw = span / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? raw;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + 1e-9 * span; v += step)
    out.push(Math.abs(v) < 1e-12 ? 0 : v);
  return out;
}

function fmt(v: number): string {
  return Number.isInteger(v) ? String(v) : v.toFixed(Math.abs(v) < 1 ? 2 : 1);
}

/**
 * Draws a line plot (axes with ticks, a title, axis labels and a legend in the bitmap font) into a
 * new {@link Raster}. Each series is a polyline with square markers at its points.
 *
 * @example
 * ```ts
 * const r = linePlot({
 *   title: '8 TO 3', xLabel: 'PIXELS ERASED', yLabel: 'LOG-ODDS CHANGE',
 *   series: [{ name: 'IG', color: PLOT_COLORS[0], points: [[0, 0], [78, -5], [157, -9]] }],
 * });
 * writeFileSync('plot.png', r.toPng());
 * ```
 */
export function linePlot(o: LinePlotOptions): Raster {
  const pw = o.width ?? 260;
  const ph = o.height ?? 180;
  const showLegend = o.legend ?? true;
  const pts = o.series.flatMap((s) => s.points).filter((p) => Number.isFinite(p[1]));
  const xs = pts.map((p) => p[0]);
  const ys = pts.map((p) => p[1]);
  const xlo = Math.min(...xs, 0);
  let xhi = Math.max(...xs, 1);
  let ylo = Math.min(...ys, 0);
  let yhi = Math.max(...ys, 0);
  if (xhi === xlo) xhi = xlo + 1;
  if (yhi === ylo) yhi = ylo + 1;
  const pad = (yhi - ylo) * 0.05;
  ylo -= pad;
  yhi += pad;
  const yTicks = niceTicks(ylo, yhi);
  const xTicks = niceTicks(xlo, xhi);
  const left = 14 + Math.max(...yTicks.map((t) => textWidth(fmt(t)))) + 4;
  const top = 6 + GLYPH_HEIGHT * 2 + 6;
  const bottom = 6 + GLYPH_HEIGHT + 4 + GLYPH_HEIGHT + 6;
  const legendW = showLegend ? 16 + Math.max(0, ...o.series.map((s) => textWidth(s.name))) + 12 : 0;
  const r = new Raster(left + pw + 10 + legendW, top + ph + bottom);
  const X = (v: number) => left + Math.round(((v - xlo) / (xhi - xlo)) * pw);
  const Y = (v: number) => top + ph - Math.round(((v - ylo) / (yhi - ylo)) * ph);
  const grey: Rgb = [225, 225, 225];
  const black: Rgb = [0, 0, 0];
  for (const t of yTicks) {
    line(r, left, Y(t), left + pw, Y(t), t === 0 ? [160, 160, 160] : grey);
    const s = fmt(t);
    r.text(s, left - 4 - textWidth(s), Y(t) - 3);
  }
  for (const t of xTicks) {
    line(r, X(t), top, X(t), top + ph, grey);
    const s = fmt(t);
    r.text(s, X(t) - Math.floor(textWidth(s) / 2), top + ph + 5);
  }
  line(r, left, top, left, top + ph, black);
  line(r, left, top + ph, left + pw, top + ph, black);
  drawScaled(r, o.title, left + Math.floor((pw - textWidth(o.title, 2)) / 2), 6, 2);
  r.text(
    o.xLabel,
    left + Math.floor((pw - textWidth(o.xLabel)) / 2),
    top + ph + 5 + GLYPH_HEIGHT + 4,
  );
  // The y label, vertical: one glyph per row would be tall; put it above the axis instead.
  r.text(o.yLabel, 2, top - GLYPH_HEIGHT - 3);
  for (const s of o.series) {
    const p = s.points.filter((q) => Number.isFinite(q[1]));
    for (let i = 1; i < p.length; i++)
      line(r, X(p[i - 1]![0]), Y(p[i - 1]![1]), X(p[i]![0]), Y(p[i]![1]), s.color, 2);
    for (const q of p) r.fill(X(q[0]) - 2, Y(q[1]) - 2, 5, 5, s.color);
  }
  if (showLegend) {
    const lx = left + pw + 14;
    o.series.forEach((s, i) => {
      const ly = top + 4 + i * (GLYPH_HEIGHT + 5);
      r.fill(lx, ly + 2, 10, 3, s.color);
      r.text(s.name, lx + 14, ly);
    });
  }
  return r;
}

function drawScaled(r: Raster, text: string, x0: number, y0: number, scale: number): void {
  drawText(text, x0, y0, (x, y) => r.set(x, y, [0, 0, 0]), scale);
}
