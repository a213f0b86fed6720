// The per-layer bias chart: Σ_{v ∈ layer} g_v·c_v for each layer, as an SVG of horizontal bars.
import { el, fmt } from './dom.js';

/** One bar. */
export interface Bar {
  readonly label: string;
  readonly value: number;
  /** Drawn muted (a layer BBp skips). */
  readonly muted?: boolean;
}

const SVG = 'http://www.w3.org/2000/svg';

function svg<K extends keyof SVGElementTagNameMap>(
  tag: K,
  attrs: Record<string, string | number>,
  text?: string,
): SVGElementTagNameMap[K] {
  const node = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  if (text !== undefined) node.textContent = text;
  return node;
}

/**
 * Draws horizontal bars around a zero axis (positive red to the right, negative blue to the
 * left, muted bars hatched grey), with labels and values.
 *
 * @example
 * ```ts
 * card.append(barChart([{ label: 'conv1', value: 0.3 }, { label: 'dense2', value: -1.2, muted: true }]));
 * ```
 */
export function barChart(
  bars: readonly Bar[],
  options: { width?: number; title?: string } = {},
): HTMLElement {
  const width = options.width ?? 360;
  const rowH = 24;
  const labelW = 96;
  const valueW = 72;
  const plotW = width - labelW - valueW;
  const height = bars.length * rowH + 8;
  const max = Math.max(...bars.map((b) => Math.abs(b.value)));
  const hasNeg = bars.some((b) => b.value < 0);
  const hasPos = bars.some((b) => b.value > 0);
  const zeroX = labelW + (hasNeg && hasPos ? plotW / 2 : hasNeg ? plotW : 0);
  const unit = max > 0 && Number.isFinite(max) ? (hasNeg && hasPos ? plotW / 2 : plotW) / max : 0;
  const root = svg('svg', {
    viewBox: `0 0 ${width} ${height}`,
    role: 'img',
    class: 'bar-chart',
    preserveAspectRatio: 'xMinYMin meet',
  });
  if (options.title) root.append(svg('title', {}, options.title));
  const defs = svg('defs', {});
  const pattern = svg('pattern', {
    id: 'hatch',
    width: 6,
    height: 6,
    patternUnits: 'userSpaceOnUse',
    patternTransform: 'rotate(45)',
  });
  pattern.append(
    svg('rect', { width: 6, height: 6, fill: '#e5e7eb' }),
    svg('line', { x1: 0, y1: 0, x2: 0, y2: 6, stroke: '#9ca3af', 'stroke-width': 2 }),
  );
  defs.append(pattern);
  root.append(defs);
  bars.forEach((b, i) => {
    const y = 4 + i * rowH;
    const w = Math.abs(b.value) * unit;
    const x = b.value >= 0 ? zeroX : zeroX - w;
    const fill = b.muted ? 'url(#hatch)' : b.value >= 0 ? '#b2182b' : '#2166ac';
    root.append(
      svg(
        'text',
        {
          x: labelW - 8,
          y: y + rowH / 2 + 4,
          'text-anchor': 'end',
          class: b.muted ? 'bar-label muted' : 'bar-label',
        },
        b.label,
      ),
      svg('rect', { x, y: y + 4, width: Math.max(w, 1), height: rowH - 8, fill, rx: 2 }),
      svg(
        'text',
        {
          x: width - 4,
          y: y + rowH / 2 + 4,
          'text-anchor': 'end',
          class: b.muted ? 'bar-value muted' : 'bar-value',
        },
        fmt(b.value, 3),
      ),
    );
  });
  root.append(
    svg('line', { x1: zeroX, y1: 0, x2: zeroX, y2: height, stroke: '#374151', 'stroke-width': 1 }),
  );
  return el('div', { class: 'bar-chart-wrap' }, root as unknown as Node);
}
