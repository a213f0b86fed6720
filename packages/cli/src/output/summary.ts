import type { Explanation } from '@biasprop/core';

/** SmoothGrad's numbers for one input (`--smoothgrad`). */
export interface SmoothGradSummary {
  /** The noise's standard deviation. */
  readonly sigma: number;
  /** The mean of the explained value `f(x + ε)` over the noisy samples. */
  readonly meanF: number;
}

/** What summary.json holds for one input. */
export interface InputSummary {
  /** The input's name (its stem) in outputs. */
  readonly input: string;
  /** The file it came from. */
  readonly file: string;
  /** Example index inside a batched `.npy` file. */
  readonly index?: number;
  /** The explained class (the predicted one for `--target pred`); absent for a contrast. */
  readonly target?: number;
  /** `[t, s]` when logit t minus logit s is explained. */
  readonly contrast?: readonly [number, number];
  /** How the target was chosen: the prediction, a class or a contrast. */
  readonly targetSource: 'pred' | 'class' | 'contrast';
  /** The predicted class. */
  readonly predicted: number;
  /** The model's output (logits once a softmax is removed). */
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
  /** Exact IG: linear regions crossed on the path. */
  readonly igRegions?: number;
  /** Quadrature IG: points used (in adaptive mode, the final count). */
  readonly igPoints?: number;
  /** The bias terms summed per layer. */
  readonly biasByLayer: readonly {
    /** The layer's name. */
    layer: string;
    /** Position of the layer in the model, from 0. */
    index: number;
    /** Whether BBp includes this layer (see `--bias-layers`). */
    selected: boolean;
    /** The layer's bias terms summed. */
    value: number;
  }[];
  /** Every node's bias term. */
  readonly biasByNode: readonly {
    /** The node's name. */
    node: string;
    /** The node's op kind. */
    op: string;
    /** The layer the node belongs to. */
    layer: string;
    /** Whether BBp includes this node's term. */
    selected: boolean;
    /** `g_v · c_v` for this node. */
    value: number;
  }[];
  /** The backend that computed it. */
  readonly backend: string;
  /** The precision the backend computes in. */
  readonly precision: string;
  /** Milliseconds per method (per input: the batch's time divided by its size). */
  readonly ms: Readonly<Record<string, number>>;
  /** The files written for this input. */
  readonly files: readonly string[];
  /** With `--smoothgrad`: the noise and the mean explained value over the noisy samples. */
  readonly smoothGrad?: SmoothGradSummary;
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
  readonly smoothGrad?: SmoothGradSummary;
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
          ...(e.integratedGradients.regions
            ? { igRegions: e.integratedGradients.regions[i]! }
            : { igPoints: e.integratedGradients.steps }),
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
    ...(ctx.smoothGrad ? { smoothGrad: ctx.smoothGrad } : {}),
  };
}
