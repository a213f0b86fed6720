// The read-out of the local linear model f(x) = w·x + b and the completeness residuals.
import type { DemoResult } from '../worker/protocol.js';
import { el, fmt } from './dom.js';

/** Residuals below this (relative) are shown as passing; float32 backends land near 1e-7..1e-5. */
export const RESIDUAL_OK = 1e-4;

function residual(name: string, value: number, testId: string, note: string): HTMLElement {
  const ok = value <= RESIDUAL_OK;
  return el(
    'tr',
    { class: ok ? 'ok' : 'bad' },
    el('th', {}, name),
    el(
      'td',
      { class: 'num', 'data-testid': testId, 'data-residual': value.toExponential(3) },
      value.toExponential(2),
    ),
    el('td', { class: 'note' }, ok ? `✓ ${note}` : `✗ ${note}`),
  );
}

/**
 * Renders `f(x) = w·x + b`, `Σ_v g_v·c_v`, the BBp sums per rule and every residual (relative to
 * `max(|f|, |w·x|, |b|)`), each cell tagged with `data-residual` for tests.
 *
 * @example
 * ```ts
 * card.replaceChildren(decompositionView(result));
 * ```
 */
export function decompositionView(r: DemoResult): HTMLElement {
  const d = r.decomposition;
  const equation = el(
    'div',
    { class: 'equation', 'data-testid': 'equation' },
    el('span', { class: 'eq-term' }, el('small', {}, 'f(x)'), fmt(d.f)),
    ' = ',
    el('span', { class: 'eq-term' }, el('small', {}, 'w·x'), fmt(d.wx)),
    ' + ',
    el('span', { class: 'eq-term' }, el('small', {}, 'b'), fmt(d.bias)),
  );
  const rows: HTMLElement[] = [
    el(
      'tr',
      {},
      el('th', {}, 'Σᵥ gᵥ·cᵥ (all bias terms)'),
      el('td', { class: 'num' }, fmt(d.biasTerms)),
      el('td', { class: 'note' }, '= b in exact arithmetic'),
    ),
    residual('|b − Σᵥ gᵥ·cᵥ|', d.completenessResidual, 'residual-completeness', 'complete'),
  ];
  if (r.skipFirst > 0 || Object.keys(d.bbpSum).length > 0) {
    rows.push(
      el(
        'tr',
        {},
        el(
          'th',
          {},
          r.skipFirst > 0
            ? `selected bias (skip first ${r.skipFirst})`
            : 'selected bias (all layers)',
        ),
        el('td', { class: 'num' }, fmt(d.selectedBias)),
        el('td', { class: 'note' }, 'what BBp distributes'),
      ),
    );
  }
  let igRow: HTMLElement | null = null;
  if (d.igDelta !== undefined) {
    igRow = el(
      'table',
      { class: 'readout' },
      el(
        'tbody',
        {},
        el(
          'tr',
          { class: 'info' },
          el('th', {}, 'IG: |Σ IG − (f(x) − f(x′))|'),
          el(
            'td',
            {
              class: 'num',
              'data-testid': 'ig-delta',
              'data-residual': d.igDelta.toExponential(3),
            },
            d.igDelta.toExponential(2),
          ),
          el(
            'td',
            { class: 'note' },
            `quadrature error (absolute ${fmt(d.igDeltaAbs ?? 0, 3)}; ${d.igWork ?? ''})`,
          ),
        ),
      ),
    );
  }
  const bbpRows = Object.entries(d.bbpSum).map(([rule, sum]) => {
    const res = d.bbpResidual[rule]!;
    const ok = res <= RESIDUAL_OK;
    return el(
      'tr',
      { class: ok ? 'ok' : 'bad' },
      el('th', {}, rule),
      el('td', { class: 'num' }, fmt(sum)),
      el(
        'td',
        {
          class: 'num',
          'data-testid': `residual-bbp-${rule}`,
          'data-residual': res.toExponential(3),
        },
        res.toExponential(2),
      ),
      el('td', { class: 'note' }, ok ? '✓' : '✗'),
    );
  });
  const bbpTable =
    bbpRows.length > 0
      ? el(
          'table',
          { class: 'readout bbp' },
          el(
            'thead',
            {},
            el(
              'tr',
              {},
              el('th', {}, 'BBp rule'),
              el('th', { class: 'num' }, 'Σ β₀'),
              el('th', { class: 'num' }, '|Σ β₀ − selected b|'),
              el('th', {}, ''),
            ),
          ),
          el('tbody', {}, ...bbpRows),
        )
      : null;
  return el(
    'div',
    { class: 'decomposition' },
    equation,
    el('table', { class: 'readout' }, el('tbody', {}, ...rows)),
    bbpTable,
    igRow,
    el(
      'p',
      { class: 'hint' },
      `Residuals are relative to max(|f|, |w·x|, |b|); ${r.precision} arithmetic on ${r.backend}.`,
    ),
  );
}
