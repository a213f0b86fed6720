import type { Backend, HostTensor, IRGraph } from '@biasprop/core';
import { explain } from '@biasprop/core';
import type { LabelledImages } from './digit-flip.js';

/** Test accuracies of one model with the full output and with each part of `f = w·x + b`. */
export interface BiasMattersResult {
  /** Images evaluated. */
  readonly images: number;
  /** argmax_c of the logits. */
  readonly normal: number;
  /** argmax_c of `w_c^x·x` (the gradient term only). */
  readonly onlyWx: number;
  /** argmax_c of `b_c^x` (the bias term only). */
  readonly onlyB: number;
  /** Largest `|b_c^x|` relative to `max_c |logit_c|` (about 0 for a network without biases). */
  readonly maxRelativeBias: number;
}

/** Options of {@link runBiasMatters}. */
export interface BiasMattersOptions {
  /** Where the gradients run. */
  readonly backend: Backend;
  /** Images per batch (default 256). */
  readonly batch?: number;
  /** Only the first N test images. */
  readonly limit?: number;
  /** Called after each batch with images done and the total. */
  readonly onProgress?: (done: number, total: number) => void;
}

function argmax(v: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < v.length; i++) if (v[i]! > v[best]!) best = i;
  return best;
}

/**
 * The paper's Table 1 for one model: test accuracy predicting with the logits, with only the
 * gradient term `argmax_c w_c^x·x`, and with only the bias term `argmax_c b_c^x`. Every class needs
 * its own gradient: one `explain` per class on a whole batch.
 *
 * @example
 * ```ts
 * const r = await runBiasMatters(graph, [1, 28, 28], test, { backend });
 * r.onlyB; // e.g. 0.25
 * ```
 */
export async function runBiasMatters(
  graph: IRGraph,
  inputShape: readonly number[],
  data: LabelledImages,
  options: BiasMattersOptions,
): Promise<BiasMattersResult> {
  const n = Math.min(data.n, options.limit ?? data.n);
  const batch = options.batch ?? 256;
  const per = data.pixels;
  let normal = 0;
  let onlyWx = 0;
  let onlyB = 0;
  let maxRelativeBias = 0;
  options.onProgress?.(0, n);
  for (let b = 0; b < n; b += batch) {
    const m = Math.min(batch, n - b);
    const x: HostTensor = {
      data: data.images.subarray(b * per, (b + m) * per),
      shape: [m, ...inputShape],
    };
    let classes = 0;
    let wx: Float64Array[] = [];
    let bias: Float64Array[] = [];
    let logits: HostTensor | undefined;
    for (let c = 0; classes === 0 || c < classes; c++) {
      const e = await explain(graph, x, {
        backend: options.backend,
        methods: ['gradient'],
        target: c,
      });
      if (classes === 0) {
        logits = e.logits;
        classes = e.logits.data.length / m;
        wx = Array.from({ length: m }, () => new Float64Array(classes));
        bias = Array.from({ length: m }, () => new Float64Array(classes));
      }
      e.decomposition.forEach((d, i) => {
        wx[i]![c] = d.wx;
        bias[i]![c] = d.bias;
      });
    }
    for (let i = 0; i < m; i++) {
      const row = logits!.data.subarray(i * classes, (i + 1) * classes);
      const label = data.labels[b + i];
      if (argmax(row) === label) normal++;
      if (argmax(wx[i]!) === label) onlyWx++;
      if (argmax(bias[i]!) === label) onlyB++;
      const scale = Math.max(1e-12, ...Array.from(row, Math.abs));
      for (let c = 0; c < classes; c++)
        maxRelativeBias = Math.max(maxRelativeBias, Math.abs(bias[i]![c]!) / scale);
    }
    options.onProgress?.(b + m, n);
  }
  return { images: n, normal: normal / n, onlyWx: onlyWx / n, onlyB: onlyB / n, maxRelativeBias };
}
