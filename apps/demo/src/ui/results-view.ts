// The result area: the attribution grid, its legend, the decomposition, the per-layer bias chart
// with the "skip first K layers" slider, and the timings.
import type { HostTensor } from '@biasprop/core';
import type { InputLayout } from '../input/input-layout.js';
import { toPixelMap } from '../input/input-layout.js';
import type { DemoResult } from '../worker/protocol.js';
import { barChart } from './bar-chart.js';
import { decompositionView } from './decomposition-view.js';
import { el } from './dom.js';
import { heatmapCell, inputCell } from './heatmap.js';
import { colormapLegend } from './legend.js';
import { predictionView } from './prediction-view.js';
import { timingsView } from './timings-view.js';

function card(title: string, body: HTMLElement, extra?: HTMLElement): HTMLElement {
  return el('section', { class: 'card' }, el('h2', {}, title, extra ?? null), body);
}

/** The result area and its slider. */
export class ResultsView {
  readonly element: HTMLElement;
  readonly skipSlider = el('input', {
    type: 'range',
    min: 0,
    max: 0,
    step: 1,
    value: 0,
    'data-testid': 'skip-slider',
    'aria-label': 'skip the first K layers’ biases',
  });
  private readonly skipLabel = el('output', { 'data-testid': 'skip-label' }, 'K = 0');
  private readonly header = el('div', { class: 'result-header', 'data-testid': 'result-header' });
  private readonly prediction = el('div', { class: 'prediction-wrap' });
  private readonly grid = el('div', { class: 'grid', 'data-testid': 'grid' });
  private readonly decomposition = el('div', {});
  private readonly layers = el('div', {});
  private readonly layerNote = el('p', { class: 'hint' });
  private readonly timings = el('div', {});
  private readonly summary = el('pre', { class: 'summary', 'data-testid': 'model-summary' });

  constructor() {
    this.skipSlider.addEventListener('input', () => this.showSkip(Number(this.skipSlider.value)));
    const slider = el(
      'label',
      { class: 'slider' },
      'skip first K layers’ biases ',
      this.skipSlider,
      this.skipLabel,
    );
    this.element = el(
      'main',
      { class: 'results', 'data-testid': 'results' },
      el('section', { class: 'card top' }, this.header, this.prediction),
      el('section', { class: 'card' }, this.grid, colormapLegend()),
      el(
        'div',
        { class: 'cards' },
        card('Local linear model f(x) = w·x + b', this.decomposition),
        card('Bias per layer  Σᵥ gᵥ·cᵥ', el('div', {}, this.layers, slider, this.layerNote)),
        card('Time per method', this.timings),
      ),
      el(
        'details',
        { class: 'card' },
        el('summary', {}, 'Model graph (biasprop IR)'),
        this.summary,
      ),
    );
  }

  private showSkip(k: number): void {
    this.skipLabel.textContent = `K = ${k}`;
  }

  /** Sets the model's layers (the slider's range) and its IR summary. */
  setModel(layerCount: number, summary: string): void {
    this.skipSlider.max = String(layerCount);
    this.skipSlider.value = '0';
    this.showSkip(0);
    this.summary.textContent = summary;
  }

  /** Renders a result for the input `x` (`[1, ...inputShape]` data) with the given layout. */
  render(
    r: DemoResult,
    x: ArrayLike<number>,
    layout: InputLayout,
    classNames: readonly string[],
    modelLabel: string,
  ): void {
    const name = (c: number): string =>
      classNames[c] !== undefined && classNames[c] !== String(c)
        ? `${c} · ${classNames[c]}`
        : String(c);
    this.header.replaceChildren(
      el(
        'h2',
        {},
        `Explaining ${r.explained.replace(/class (\d+)/g, (_, c: string) => `class ${name(Number(c))}`)}`,
      ),
      el(
        'p',
        { class: 'meta' },
        `${modelLabel} · `,
        el('span', { 'data-testid': 'result-backend' }, r.backend),
        ` · ${r.precision}`,
        r.removedSoftmax ? ` · final softmax '${r.removedSoftmax}' removed: logits explained` : '',
      ),
    );
    this.prediction.replaceChildren(
      predictionView(r.logits, classNames, r.removedSoftmax !== undefined),
    );

    const map = (data: ArrayLike<number>): Float64Array => toPixelMap(data, layout);
    const row = (label: string, sub: string, cells: HTMLElement[]): HTMLElement | null =>
      cells.length > 0
        ? el(
            'div',
            { class: 'grid-row' },
            el('div', { class: 'row-label' }, label, el('small', {}, sub)),
            ...cells,
          )
        : null;
    const wCells: HTMLElement[] = [inputCell(x, layout, `predicted ${name(r.predicted)}`)];
    const wMaps: [HostTensor | undefined, string, string, string][] = [
      [r.gradient, 'gradient', 'w', 'cell-gradient'],
      [r.inputXGradient, 'gradient × input', 'w ⊙ x', 'cell-inputXGradient'],
      [r.integratedGradients, 'Integrated Gradients', 'IG', 'cell-integratedGradients'],
      [r.smoothGrad, 'SmoothGrad', 'mean w over noisy copies', 'cell-smoothGrad'],
    ];
    for (const [t, title, sub, testId] of wMaps)
      if (t) wCells.push(heatmapCell(title, map(t.data), layout, { sub, testId }).element);
    const bCells = Object.entries(r.bbp).map(
      ([rule, t]) =>
        heatmapCell(`BBp · ${rule}`, map(t.data), layout, { sub: 'β₀', testId: `cell-bbp-${rule}` })
          .element,
    );
    const tCells = Object.entries(r.total).map(
      ([rule, t]) =>
        heatmapCell(`total · ${rule}`, map(t.data), layout, {
          sub: 'w ⊙ x + β₀',
          testId: `cell-total-${rule}`,
        }).element,
    );
    const rows = [
      row('input and w', 'gradient methods', wCells),
      row('bias b', 'Bias Backpropagation', bCells),
      row('total f(x)', 'w ⊙ x + β₀', tCells),
    ].filter((r): r is HTMLElement => r !== null);
    this.grid.replaceChildren(...rows);

    this.decomposition.replaceChildren(decompositionView(r));
    this.layers.replaceChildren(
      barChart(
        r.layers.map((l) => ({ label: l.layer, value: l.value, muted: !l.selected })),
        { title: 'bias per layer' },
      ),
    );
    this.skipSlider.value = String(r.skipFirst);
    this.showSkip(r.skipFirst);
    const skipped = r.layers.filter((l) => !l.selected).map((l) => l.layer);
    this.layerNote.textContent = skipped.length
      ? `BBp leaves out ${skipped.join(', ')} (hatched): its maps distribute ${r.decomposition.selectedBias.toFixed(4)} of b = ${r.decomposition.bias.toFixed(4)}.`
      : 'BBp distributes every layer’s bias. Slide to leave out the first K layers (the paper’s layer study).';
    this.timings.replaceChildren(timingsView(r.timings, r.backend));
  }
}
