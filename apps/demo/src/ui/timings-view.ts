// Time per method.
import type { MethodTiming } from '../worker/protocol.js';
import { el } from './dom.js';

/**
 * A table of milliseconds per method, with a bar for scale.
 *
 * @example
 * ```ts
 * card.replaceChildren(timingsView(result.timings, 'tfjs-webgl'));
 * ```
 */
export function timingsView(timings: readonly MethodTiming[], backend: string): HTMLElement {
  const max = Math.max(...timings.map((t) => t.ms), 1e-9);
  return el(
    'table',
    { class: 'timings', 'data-testid': 'timings' },
    el(
      'tbody',
      {},
      ...timings.map((t) => {
        const bar = el('span', { class: 'time-bar' });
        bar.style.width = `${Math.max(2, (t.ms / max) * 100)}%`;
        const compile = t.compileMs !== undefined ? Math.min(t.compileMs, t.ms) : 0;
        if (compile > 0) {
          const part = el('span', {
            class: 'time-compile',
            title: `${compile.toFixed(0)} ms compiling`,
          });
          part.style.width = `${(compile / t.ms) * 100}%`;
          bar.append(part);
        }
        const note = [t.note, compile > 0 ? `${compile.toFixed(0)} ms of it compiling` : '']
          .filter(Boolean)
          .join('; ');
        return el(
          'tr',
          {},
          el(
            'th',
            {},
            t.method,
            compile > 0
              ? el(
                  'small',
                  { class: 'compile-note' },
                  `incl. ${(compile / 1000).toFixed(1)} s compile`,
                )
              : null,
          ),
          el('td', { class: 'num' }, `${t.ms.toFixed(1)} ms`),
          el('td', { class: 'time-cell', title: note }, bar),
        );
      }),
    ),
    el(
      'caption',
      {},
      `on ${backend}; the first run on a backend also loads and compiles its kernels (hatched: ONNX Runtime session builds)`,
    ),
  );
}
