import { existsSync, readFileSync } from 'node:fs';
import { modelFiles, type ModelName } from './zoo.js';

/** Machine-readable model card (`models/<name>/card.json`, written by scripts/evaluate.ts). */
export interface ModelCardInfo {
  readonly name: ModelName;
  readonly task: string;
  readonly classNames: readonly string[];
  readonly architecture: {
    readonly conv1Filters: number;
    readonly conv2Filters: number;
    readonly denseUnits: number;
    readonly layers: readonly string[];
    readonly parameters: number;
  };
  readonly input: string;
  readonly dataSource: string;
  readonly training: Readonly<Record<string, unknown>>;
  readonly evaluation: {
    readonly testImages: number;
    readonly testAccuracy: number;
    readonly perClassAccuracy: readonly number[];
    readonly backend: string;
    readonly seconds: number;
  };
  readonly onnx: Readonly<Record<string, unknown>> | null;
  readonly files: Readonly<Record<string, { readonly bytes: number }>>;
}

/**
 * The model card of a zoo model as data (accuracy, training settings, ONNX check), read from
 * `card.json`; the prose version is `MODEL_CARD.md` beside it.
 *
 * @example
 * ```ts
 * const card = modelCard('mnist');
 * console.log(card.evaluation.testAccuracy); // e.g. 0.9846
 * ```
 */
export function modelCard(name: ModelName): ModelCardInfo {
  const { cardJson } = modelFiles(name);
  if (!existsSync(cardJson))
    throw new Error(`${name}: ${cardJson} is missing (run scripts/evaluate.ts)`);
  return JSON.parse(readFileSync(cardJson, 'utf8')) as ModelCardInfo;
}
