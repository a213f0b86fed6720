import type { Explanation } from '@biasprop/core';

/** What summary.json holds for one input. */
export interface InputSummary {
  readonly input: string;
  readonly file: string;
  readonly index?: number;
  /** The explained class (the predicted one for `--target pred`); absent for a contrast. */
  readonly target?: number;
  /** `[t, s]` when logit t minus logit s is explained. */
  readonly contrast?: readonly [number, number];
  readonly targetSource: 'pred' | 'class' | 'contrast';
  readonly predicted: number;
  readonly logits: readonly number[];
  /** f(x). */
  readonly f: number;
  /** w·x. */
  readonly wx: number;
  /** b^x = f(x) − w·x. */
  readonly b: number;
  /** Σ_v g_v·c_v over all nodes. */
  readonly biasTerms: number;
  /** Σ_v g_v·c_v over the nodes selected by --bias-layers: what BBp distributes. */
  readonly selectedBias: number;
  /** Σβ₀ per BBp rule. */
  readonly sumBeta0: Readonly<Record<string, number>>;
  /** |f − w·x − Σ g·c| relative to max(|f|, |w·x|, |b|). */
  readonly completenessResidual: number;
  /** |Σβ₀ − selected bias| relative to max(|f|, |w·x|, |b|), per rule. */
  readonly bbpResidual: Readonly<Record<string, number>>;
  /** Σ IG − (f(x) − f(x')). */
  readonly igDelta?: number;
  /** f(x') at the IG baseline (averaged over baselines). */
  readonly fBaseline?: number;
  readonly biasByLayer: readonly {
    layer: string;
    index: number;
    selected: boolean;
    value: number;
  }[];
  readonly biasByNode: readonly {
    node: string;
    op: string;
    layer: string;
    selected: boolean;
    value: number;
  }[];
  readonly backend: string;
  readonly precision: string;
  /** Milliseconds per method (per input: the batch's time divided by its size). */
  readonly ms: Readonly<Record<string, number>>;
  readonly files: readonly string[];
}

/** Where an example sits in its batch and what was asked for it. */
export interface ExampleContext {
  readonly input: string;
  readonly file: string;
  readonly index?: number;
  readonly position: number;
  readonly contrast?: readonly [number, number];
  readonly targetSource: 'pred' | 'class' | 'contrast';
  readonly ms: Readonly<Record<string, number>>;
  readonly files: readonly string[];
}

/**
 * The summary.json entry of example `ctx.position` of an explanation.
 *
 * @example
 * ```ts
 * const entry = summarizeExample(e, { input: 'digit7', file, position: 0, targetSource: 'pred', ms, files });
 * ```
 */
export function summarizeExample(e: Explanation, ctx: ExampleContext): InputSummary {
  const i = ctx.position;
  const d = e.decomposition[i]!;
  const k = e.logits.shape[1]!;
  const logits = Array.from(e.logits.data.subarray(i * k, (i + 1) * k));
  const readout = Array.from(e.readout.data.subarray(i * k, (i + 1) * k));
  const target = ctx.contrast ? undefined : readout.findIndex((v) => v === 1);
  return {
    input: ctx.input,
    file: ctx.file,
    ...(ctx.index !== undefined ? { index: ctx.index } : {}),
    ...(target !== undefined ? { target } : {}),
    ...(ctx.contrast ? { contrast: ctx.contrast } : {}),
    targetSource: ctx.targetSource,
    predicted: e.predicted[i]!,
    logits,
    f: d.f,
    wx: d.wx,
    b: d.bias,
    biasTerms: d.biasTerms,
    selectedBias: d.selectedBias,
    sumBeta0: d.bbpSum,
    completenessResidual: d.completenessResidual,
    bbpResidual: d.bbpResidual,
    ...(e.integratedGradients
      ? {
          igDelta: e.integratedGradients.delta[i]!,
          fBaseline: e.integratedGradients.baselineValue[i]!,
        }
      : {}),
    biasByLayer: e.layers.map((l) => ({
      layer: l.layer,
      index: l.index,
      selected: l.selected,
      value: l.values[i]!,
    })),
    biasByNode: e.biasTerms.map((t) => ({
      node: t.node,
      op: t.op,
      layer: t.layer,
      selected: t.selected,
      value: t.values[i]!,
    })),
    backend: e.backend,
    precision: e.precision,
    ms: ctx.ms,
    files: ctx.files,
  };
}
