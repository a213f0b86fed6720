// @biasprop/example-custom-adapter: a worked example of a biasprop adapter for a model format biasprop
// does not support (a plain-JSON layer list), proven with @biasprop/conformance.
export type {
  BatchNormLayer,
  ConvLayer,
  DenseLayer,
  LayerListActivation,
  LayerListLayer,
  LayerListModel,
  NestedNumbers,
  PoolLayer,
  SimpleLayer,
} from './format.js';
export { fromLayerList } from './from-layer-list.js';
export type { LayerListImportOptions } from './from-layer-list.js';
export { flattenNested, hwioToOihw, shapeOfNested } from './nested.js';
export { chwCnnModel, mlpModel, tinyCnnModel } from './sample-models.js';
export { createFixtures } from './conformance.js';
