import { BiaspropError } from '../errors.js';
import type { HostTensor } from '../tensor/host-tensor.js';
import type { Backend } from '../backend/backend.js';

/**
 * Refuses results that are not all finite: a backend's arithmetic that overflows at an input
 * (float32 beyond ±3.4e38, float16 beyond ±65504) gives infinities or NaN, and an explanation
 * built on them would be silently wrong. Throws a `NON_FINITE_RESULT` {@link BiaspropError}
 * naming the output, the example, the backend, its precision and the model.
 *
 * @example
 * ```ts
 * assertFiniteResults({ logits }, { model: graph.name, backend });
 * ```
 */
export function assertFiniteResults(
  results: Readonly<Record<string, HostTensor | undefined>>,
  context: { readonly model: string; readonly backend: Pick<Backend, 'name' | 'precision'> },
): void {
  for (const [name, t] of Object.entries(results)) {
    if (!t) continue;
    const data = t.data;
    for (let i = 0; i < data.length; i++) {
      const v = data[i]!;
      if (Number.isFinite(v)) continue;
      const perExample = t.shape.length > 0 ? data.length / t.shape[0]! : data.length;
      const example = Math.floor(i / Math.max(perExample, 1));
      const { backend } = context;
      throw new BiaspropError(
        'NON_FINITE_RESULT',
        `backend '${backend.name}' (${backend.precision}) computed ${v} in '${name}' for example ${example} of model '${context.model}': ` +
          `the model's arithmetic overflows at this input in ${backend.precision}` +
          (backend.precision === 'float64'
            ? ''
            : '; the float64 ReferenceBackend has a wider range'),
      );
    }
  }
}
