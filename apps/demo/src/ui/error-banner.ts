// The error banner at the top of the page: every failure shows here, not only in the console.
import { el } from './dom.js';

/** The banner. */
export interface ErrorBanner {
  readonly element: HTMLElement;
  show(message: string): void;
  hide(): void;
}

/**
 * Creates the (hidden) error banner.
 *
 * @example
 * ```ts
 * const banner = createErrorBanner();
 * banner.show('model.json needs the weight file weights.bin');
 * ```
 */
export function createErrorBanner(): ErrorBanner {
  const text = el('span', { class: 'error-text' });
  const close = el(
    'button',
    { type: 'button', class: 'error-close', 'aria-label': 'dismiss' },
    '×',
  );
  const element = el(
    'div',
    { class: 'error-banner', role: 'alert', 'data-testid': 'error-banner', hidden: true },
    el('strong', {}, 'Error: '),
    text,
    close,
  );
  const hide = (): void => {
    element.hidden = true;
    text.textContent = '';
  };
  close.addEventListener('click', hide);
  return {
    element,
    show(message) {
      text.textContent = message;
      element.hidden = false;
    },
    hide,
  };
}
