// The adapter module of this example: what `biasprop conformance --adapter <this file>` imports.
// It exports the adapter's conformance fixtures: graphs produced by *this* importer from models in
// the layer-list format, with the suite's standard inputs.
import type { ConformanceFixture } from '@biasprop/conformance/runner';
import { adapterFixtures } from '@biasprop/conformance/runner';
import { fromLayerList } from './from-layer-list.js';
import { chwCnnModel, mlpModel, tinyCnnModel } from './sample-models.js';

/** The adapter's name in conformance output. */
export const name = 'layer-list JSON adapter';

/**
 * The fixtures `biasprop conformance --adapter` (and this example's tests) run: the three sample
 * models imported with {@link fromLayerList}.
 *
 * @example
 * ```ts
 * const fixtures = createFixtures(); // tiny-cnn (HWC), chw-cnn, mlp
 * ```
 */
export function createFixtures(): ConformanceFixture[] {
  return adapterFixtures([
    {
      name: 'layer-list-tiny-cnn',
      graph: fromLayerList(tinyCnnModel()),
      layout: 'hwc',
      description: 'HWC conv+ReLU, max pool (ties), conv+BatchNorm (folded), LeakyReLU, dense',
    },
    {
      name: 'layer-list-chw-cnn',
      graph: fromLayerList(chwCnnModel()),
      description: 'CHW conv+tanh, avg pool, dense+sigmoid',
    },
    {
      name: 'layer-list-mlp',
      graph: fromLayerList(mlpModel()),
      description: 'dense/ReLU on a vector input',
    },
  ]);
}
