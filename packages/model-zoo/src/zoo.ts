import { existsSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Names of the models shipped in the zoo. */
export const MODEL_NAMES = ['mnist', 'fashion-mnist'] as const;

/** A model name of the zoo. */
export type ModelName = (typeof MODEL_NAMES)[number];

/** Class names per model, index = class id. */
export const CLASS_NAMES: Readonly<Record<ModelName, readonly string[]>> = {
  mnist: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'],
  'fashion-mnist': [
    'T-shirt/top',
    'Trouser',
    'Pullover',
    'Dress',
    'Coat',
    'Sandal',
    'Shirt',
    'Sneaker',
    'Bag',
    'Ankle boot',
  ],
};

/** Input shape of every zoo model (NHWC without the batch axis), pixel values in [0, 1]. */
export const INPUT_SHAPE = [28, 28, 1] as const;

/**
 * Absolute path of the `models/` directory of this package (works from `src/` and `dist/`).
 *
 * @example
 * ```ts
 * const root = modelsRoot(); // …/packages/model-zoo/models
 * ```
 */
export function modelsRoot(): string {
  return resolve(dirname(fileURLToPath(import.meta.url)), '..', 'models');
}

/**
 * Type guard for zoo model names.
 *
 * @example
 * ```ts
 * if (isModelName(arg)) console.log(modelZooPath(arg));
 * ```
 */
export function isModelName(name: string): name is ModelName {
  return (MODEL_NAMES as readonly string[]).includes(name);
}

/**
 * Directory of one zoo model: it holds `model.json`, `weights.bin`, `model.onnx`,
 * `MODEL_CARD.md`, `card.json` and `samples/`.
 *
 * @example
 * ```ts
 * const dir = modelZooPath('mnist');
 * const modelJson = join(dir, 'model.json');
 * ```
 */
export function modelZooPath(name: ModelName): string {
  if (!isModelName(name)) throw new Error(`unknown zoo model '${String(name)}'`);
  return join(modelsRoot(), name);
}

/** Paths of the files of one zoo model. */
export interface ModelFiles {
  readonly name: ModelName;
  readonly dir: string;
  /** tfjs LayersModel topology + weights manifest (load it with `fileIOHandler`). */
  readonly modelJson: string;
  /** ONNX export (opset 13, NCHW input `[N,1,28,28]`, softmax output). */
  readonly onnx: string;
  readonly modelCard: string;
  readonly cardJson: string;
  readonly samplesDir: string;
}

/**
 * File paths of one zoo model.
 *
 * @example
 * ```ts
 * const { modelJson, onnx } = modelFiles('fashion-mnist');
 * ```
 */
export function modelFiles(name: ModelName): ModelFiles {
  const dir = modelZooPath(name);
  return {
    name,
    dir,
    modelJson: join(dir, 'model.json'),
    onnx: join(dir, 'model.onnx'),
    modelCard: join(dir, 'MODEL_CARD.md'),
    cardJson: join(dir, 'card.json'),
    samplesDir: join(dir, 'samples'),
  };
}

/**
 * The zoo models whose trained files are present (`model.json` exists).
 *
 * @example
 * ```ts
 * for (const m of listModels()) console.log(m.name, m.modelJson);
 * ```
 */
export function listModels(): ModelFiles[] {
  const present = existsSync(modelsRoot()) ? readdirSync(modelsRoot()) : [];
  return MODEL_NAMES.filter((n) => present.includes(n))
    .map(modelFiles)
    .filter((f) => existsSync(f.modelJson));
}
