/**
 * @biasprop/model-zoo — trained example models (MNIST and Fashion-MNIST CNNs) as tfjs
 * LayersModels and ONNX files, with model cards and sample inputs.
 */
export { fileIOHandler, WEIGHTS_FILE_NAME } from './fileIOHandler.js';
export { modelCard, type ModelCardInfo } from './modelCard.js';
export { decodeNpy, encodeNpy, type NpyArray } from './npy.js';
export { loadSamples, SAMPLES_INDEX_FILE, type Sample, type SampleIndexEntry } from './samples.js';
export {
  CLASS_NAMES,
  INPUT_SHAPE,
  isModelName,
  listModels,
  MODEL_NAMES,
  modelFiles,
  modelsRoot,
  modelZooPath,
  type ModelFiles,
  type ModelName,
} from './zoo.js';
