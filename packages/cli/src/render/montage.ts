import { GLYPH_HEIGHT, textWidth } from './bitmap-font.js';
import { diverging, maxAbs, sequential } from './colormap.js';
import type { Map2d } from './heatmap.js';
import { renderAbsolute, renderSigned } from './heatmap.js';
import type { Raster as RasterType } from './raster.js';
import { Raster } from './raster.js';

/** One attribution column of a montage. */
export interface MontageColumn {
  /** Column label, e.g. `GRADIENT`, `BBP CONTRIBUTION`. */
  readonly label: string;
  /** The attribution as a 2-D map (channels summed). */
  readonly map: Map2d;
}

/** What {@link renderMontage} draws. */
export interface MontageSpec {
  /** A title line above the figure (input name, class, f(x)). */
  readonly title: string;
  /** The rendered input (already magnified by `scale`). */
  readonly input: RasterType;
  /** The columns, left to right (one per method and rule). */
  readonly columns: readonly MontageColumn[];
  /** Magnification of every map. */
  readonly scale: number;
}

const LINE = GLYPH_HEIGHT + 3;
const GAP = 6;
const MARGIN = 6;
const INK: readonly [number, number, number] = [20, 20, 20];
const GREY: readonly [number, number, number] = [90, 90, 90];

function wrap(label: string, width: number): string[] {
  const lines: string[] = [];
  let current = '';
  for (const word of label.split(/\s+/)) {
    const next = current ? `${current} ${word}` : word;
    if (textWidth(next) <= width || !current) current = next;
    else {
      lines.push(current);
      current = word;
    }
  }
  if (current) lines.push(current);
  return lines;
}

function formatMax(m: number): string {
  return `MAX ${m === 0 ? '0' : m.toExponential(1).toUpperCase()}`;
}

/**
 * The figure of one input, laid out like the paper's: the input, then one column per attribution
 * (gradient, gradient×input, IG, BBp per rule, total), with a signed row (diverging, symmetric,
 * per-map scale, the max |value| below) and a normalized-absolute row (`|a|/max|a|`), column
 * labels on top and row labels on the left, drawn with the built-in bitmap font.
 *
 * @example
 * ```ts
 * const png = renderMontage({ title: 'digit7  pred 7', input, columns, scale: 4 }).toPng();
 * ```
 */
export function renderMontage(spec: MontageSpec): Raster {
  const panelW = spec.input.width;
  const panelH = spec.input.height;
  const colW = Math.max(panelW, 66);
  const rowLabels = ['SIGNED', '|A|/MAX|A|'];
  const rowLabelW = Math.max(...rowLabels.map((l) => textWidth(l))) + GAP;
  const headers = [['INPUT'], ...spec.columns.map((c) => wrap(c.label, colW))];
  const headerLines = Math.max(...headers.map((h) => h.length));
  const nCols = spec.columns.length + 1;
  const width = MARGIN * 2 + rowLabelW + nCols * colW + (nCols - 1) * GAP;
  const titleH = LINE + 4;
  const top = MARGIN + titleH + headerLines * LINE + 2;
  const row1 = top;
  const row2 = row1 + panelH + LINE + GAP;
  const height = row2 + panelH + MARGIN;
  const r = new Raster(Math.max(width, textWidth(spec.title) + 2 * MARGIN), height);
  r.text(spec.title, MARGIN, MARGIN, INK);
  const colX = (i: number) => MARGIN + rowLabelW + i * (colW + GAP);
  headers.forEach((lines, i) => {
    lines.forEach((line, k) => {
      r.text(
        line,
        colX(i) + Math.max(0, Math.floor((colW - textWidth(line)) / 2)),
        MARGIN + titleH + k * LINE,
        INK,
      );
    });
  });
  r.text(rowLabels[0]!, MARGIN, row1 + Math.floor(panelH / 2) - 3, GREY);
  r.text(rowLabels[1]!, MARGIN, row2 + Math.floor(panelH / 2) - 3, GREY);
  const inset = (i: number) => colX(i) + Math.floor((colW - panelW) / 2);
  r.blit(spec.input, inset(0), row1);
  // Legend under the input: the two colour scales.
  const barW = Math.min(colW, 60);
  const barX = colX(0) + Math.floor((colW - barW) / 2);
  for (let x = 0; x < barW; x++) {
    const t = barW > 1 ? x / (barW - 1) : 0;
    r.fill(barX + x, row2 + 4, 1, 8, diverging(2 * t - 1));
    r.fill(barX + x, row2 + 4 + 8 + LINE + 4, 1, 8, sequential(t));
  }
  r.text('-', barX, row2 + 14, GREY);
  r.text('0', barX + Math.floor(barW / 2) - 2, row2 + 14, GREY);
  r.text('+', barX + barW - 5, row2 + 14, GREY);
  r.text('0', barX, row2 + 4 + 8 + LINE + 14, GREY);
  r.text('1', barX + barW - 5, row2 + 4 + 8 + LINE + 14, GREY);
  spec.columns.forEach((c, i) => {
    const x = inset(i + 1);
    r.blit(renderSigned(c.map, spec.scale), x, row1);
    const caption = formatMax(maxAbs(c.map.values.filter((v) => !Number.isNaN(v))));
    r.text(
      caption,
      colX(i + 1) + Math.max(0, Math.floor((colW - textWidth(caption)) / 2)),
      row1 + panelH + 2,
      GREY,
    );
    r.blit(renderAbsolute(c.map, spec.scale), x, row2);
  });
  return r;
}
