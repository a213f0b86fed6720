// @biasprop/cli: the `biasprop` command, also callable in-process through `main(argv, io)`.
export { main, MAIN_HELP } from './main.js';
export type { CapturedIo, CliIo, OutputStream } from './cli-io.js';
export { captureIo, processIo } from './cli-io.js';
export { CliError, describeError } from './errors.js';
export {
  BACKEND_NAMES,
  backendAvailability,
  createBackend,
  defaultBackend,
  isBackendName,
} from './backends.js';
export type { BackendName } from './backends.js';
export { loadModel } from './load-model.js';
export type { LoadedModel, ModelFormat } from './load-model.js';
export { readNpy, writeNpy } from './inputs/npy.js';
export type { NpyArray } from './inputs/npy.js';
export { readInputs } from './inputs/read-inputs.js';
export type { InputExample, ReadInputsOptions } from './inputs/read-inputs.js';
export { diverging, sequential } from './render/colormap.js';
export type { Rgb } from './render/colormap.js';
export { renderMontage } from './render/montage.js';
export type { Map2d } from './render/heatmap.js';
export type { MontageColumn, MontageSpec } from './render/montage.js';
export { Raster } from './render/raster.js';
export type { InputSummary, SmoothGradSummary } from './output/summary.js';
export {
  DIGIT_FLIP_BUDGETS,
  DIGIT_FLIP_PAIRS,
  digitFlipMethods,
  runDigitFlip,
} from './eval/digit-flip.js';
export type {
  DigitFlipOptions,
  DigitFlipResult,
  FlipMethod,
  FlipMethodResult,
  FlipPair,
  FlipPairResult,
  LabelledImages,
  ScoreKind,
} from './eval/digit-flip.js';
export {
  erasePixels,
  logOdds,
  logOddsChange,
  randomScores,
  selectPixels,
} from './eval/pixel-flip.js';
export { linePlot } from './render/line-plot.js';
export type { LinePlotOptions, PlotSeries } from './render/line-plot.js';
export { runBiasMatters } from './eval/bias-matters.js';
export type { BiasMattersOptions, BiasMattersResult } from './eval/bias-matters.js';
