// The progress bar of a running explanation.
import type { ProgressInfo } from '../worker/protocol.js';
import { el } from './dom.js';

/** The progress indicator. */
export interface ProgressView {
  readonly element: HTMLElement;
  start(label: string): void;
  update(p: ProgressInfo): void;
  finish(label: string): void;
}

/**
 * Creates a progress bar with a label.
 *
 * @example
 * ```ts
 * const progress = createProgressView();
 * progress.update({ stage: 'Integrated Gradients: 20/50 points', done: 1.4, total: 3 });
 * ```
 */
export function createProgressView(): ProgressView {
  const bar = el('progress', { max: 1, value: 0, 'data-testid': 'progress' });
  const label = el('span', { class: 'progress-label', 'data-testid': 'progress-label' });
  return {
    element: el('div', { class: 'progress' }, bar, label),
    start(text) {
      bar.removeAttribute('value');
      label.textContent = text;
    },
    update(p) {
      bar.value = p.total > 0 ? p.done / p.total : 0;
      label.textContent = p.stage;
    },
    finish(text) {
      bar.value = 1;
      label.textContent = text;
    },
  };
}
