// The model's prediction: the top classes with their softmax probabilities.
import { el } from './dom.js';

/**
 * Shows the top `k` classes by logit, with softmax probabilities when the model ended in a
 * softmax (it was removed for the explanation) and raw logits otherwise.
 *
 * @example
 * ```ts
 * card.replaceChildren(predictionView(result.logits, names, true));
 * ```
 */
export function predictionView(
  logits: Float64Array,
  classNames: readonly string[],
  softmax: boolean,
  k = 3,
): HTMLElement {
  const max = Math.max(...logits);
  const exp = Array.from(logits, (v) => Math.exp(v - max));
  const z = exp.reduce((a, b) => a + b, 0);
  const order = Array.from(logits.keys()).sort((a, b) => logits[b]! - logits[a]!);
  const rows = order.slice(0, k).map((c, rank) => {
    const p = exp[c]! / z;
    const bar = el('span', { class: 'prob-bar' });
    bar.style.width = `${Math.max(1, p * 100)}%`;
    const name = classNames[c] ?? String(c);
    return el(
      'li',
      {
        class: rank === 0 ? 'top' : '',
        'data-testid': rank === 0 ? 'predicted-class' : undefined,
        'data-class': c,
      },
      el('span', { class: 'prob-name' }, name === String(c) ? name : `${c} · ${name}`),
      el('span', { class: 'prob-track' }, bar),
      el(
        'span',
        { class: 'prob-value' },
        softmax ? `${(p * 100).toFixed(1)}%` : `logit ${logits[c]!.toFixed(2)}`,
      ),
    );
  });
  return el('ol', { class: 'prediction' }, ...rows);
}
