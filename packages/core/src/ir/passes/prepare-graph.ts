import type { IRGraph } from '../types.js';
import { foldBatchNorm } from './fold-batch-norm.js';
import { foldZeroPad } from './fold-zero-pad.js';
import { removeFinalSoftmax } from './remove-final-softmax.js';

/** Which passes {@link prepareGraph} runs. */
export interface PrepareOptions {
  /** Fold BatchNorms into the preceding conv/dense (default true). */
  readonly foldBatchNorm?: boolean;
  /** Fold spatial zero padding into the following conv (default true). */
  readonly foldZeroPad?: boolean;
}

/**
 * The standard passes adapters run after import: remove a final Softmax, fold zero padding into
 * convs, fold BatchNorms into the preceding layer.
 *
 * @example
 * ```ts
 * const graph = prepareGraph(imported, { foldBatchNorm: false });
 * ```
 */
export function prepareGraph(graph: IRGraph, options: PrepareOptions = {}): IRGraph {
  let g = removeFinalSoftmax(graph);
  if (options.foldZeroPad ?? true) g = foldZeroPad(g);
  if (options.foldBatchNorm ?? true) g = foldBatchNorm(g);
  return g;
}
