// The legend of the attribution colormap.
import { colormapGradientCss } from './colormap.js';
import { el } from './dom.js';

/**
 * A horizontal colour bar from −max to +max with what the two ends mean.
 *
 * @example
 * ```ts
 * results.append(colormapLegend());
 * ```
 */
export function colormapLegend(): HTMLElement {
  const bar = el('div', { class: 'legend-bar' });
  bar.style.background = colormapGradientCss();
  return el(
    'div',
    { class: 'legend', 'data-testid': 'legend' },
    el('span', { class: 'legend-end' }, '−max |a|', el('small', {}, 'against the class')),
    bar,
    el('span', { class: 'legend-end' }, '+max |a|', el('small', {}, 'for the class')),
    el(
      'span',
      { class: 'legend-note' },
      'Each map is scaled to its own max |a| (shown under it); white is 0.',
    ),
  );
}
