// Messages between the page and the explanation worker. Everything here survives structured
// cloning (plain objects, arrays, typed arrays).
import type { BuiltinBbpRule, HostTensor, IgMethod, Precision, Target } from '@biasprop/core';
import type { BackendId } from '../backends/backend-catalog.js';
import type { ModelSource } from '../models/model-source.js';

/** Whether something can run here, and why not. */
export interface Availability {
  readonly available: boolean;
  readonly reason?: string;
}

/** What the worker found it can run: per backend and per importer. */
export interface Capabilities {
  readonly backends: Readonly<Record<BackendId, Availability>>;
  readonly importers: Readonly<Record<'tfjs' | 'onnx', Availability>>;
}

/** A loaded model as the page sees it. */
export interface ModelInfo {
  readonly name: string;
  readonly label: string;
  /** Per-example input shape of the IR graph (the model's own layout). */
  readonly inputShape: readonly number[];
  readonly classes: number;
  readonly layers: readonly { readonly name: string; readonly index: number }[];
  readonly removedSoftmax?: string;
  /** Text summary of the IR graph. */
  readonly summary: string;
}

/** The methods the page can ask for (`total` comes with `bbp`; `smoothGrad` smooths the gradient). */
export type DemoMethod =
  'gradient' | 'inputXGradient' | 'integratedGradients' | 'bbp' | 'smoothGrad';

/** One explanation request. */
export interface ExplainParams {
  readonly backend: BackendId;
  /** `[1, ...inputShape]`. */
  readonly input: HostTensor;
  readonly target: Target;
  readonly methods: readonly DemoMethod[];
  readonly rules: readonly BuiltinBbpRule[];
  readonly igSteps: number;
  readonly igMethod: IgMethod;
  /** SmoothGrad: noisy copies of the input (σ = 15% of its value range, seed 0). */
  readonly smoothGradSamples: number;
  /** BBp keeps all layers' bias terms except the first `skipFirst` layers'. */
  readonly skipFirst: number;
}

/** Time one method took. */
export interface MethodTiming {
  readonly method: string;
  readonly ms: number;
  /** What the time includes. */
  readonly note?: string;
  /** Of `ms`, the time the backend spent compiling (ONNX Runtime: tracing and creating sessions). */
  readonly compileMs?: number;
}

/** The decomposition of the example, with BBp sums per rule. */
export interface DemoDecomposition {
  readonly f: number;
  readonly wx: number;
  readonly bias: number;
  readonly biasTerms: number;
  readonly completenessResidual: number;
  /** Part of `b` that BBp distributes (the selected layers). */
  readonly selectedBias: number;
  readonly bbpSum: Readonly<Record<string, number>>;
  readonly bbpResidual: Readonly<Record<string, number>>;
  /** IG convergence delta `Σ IG − (f(x) − f(x'))`, relative to `max(|f|, |w·x|, |b|)`. */
  readonly igDelta?: number;
  readonly igDeltaAbs?: number;
  /** Exact IG: linear regions crossed; quadratures: points used. */
  readonly igWork?: string;
}

/** Per-layer bias `Σ_{v ∈ layer} g_v·c_v`. */
export interface DemoLayerBias {
  readonly layer: string;
  readonly index: number;
  readonly selected: boolean;
  readonly value: number;
}

/** What the page renders. Attribution maps have the input's shape `[1, ...inputShape]`. */
export interface DemoResult {
  readonly backend: string;
  readonly precision: Precision;
  readonly logits: Float64Array;
  readonly predicted: number;
  /** The readout explained, as text (`class 7`, `class 7 − class 1`). */
  readonly explained: string;
  readonly removedSoftmax?: string;
  readonly decomposition: DemoDecomposition;
  readonly gradient?: HostTensor;
  readonly inputXGradient?: HostTensor;
  readonly integratedGradients?: HostTensor;
  /** SmoothGrad of the gradient. */
  readonly smoothGrad?: HostTensor;
  readonly bbp: Readonly<Record<string, HostTensor>>;
  readonly total: Readonly<Record<string, HostTensor>>;
  readonly layers: readonly DemoLayerBias[];
  readonly skipFirst: number;
  readonly timings: readonly MethodTiming[];
}

/** Requests the page sends. */
export type WorkerRequest =
  | { readonly id: number; readonly type: 'probe' }
  | { readonly id: number; readonly type: 'load'; readonly source: ModelSource }
  | { readonly id: number; readonly type: 'explain'; readonly params: ExplainParams };

/** Progress of a running request. */
export interface ProgressInfo {
  readonly stage: string;
  readonly done: number;
  readonly total: number;
}

/** Replies of the worker. */
export type WorkerResponse =
  | { readonly id: number; readonly type: 'progress'; readonly progress: ProgressInfo }
  | { readonly id: number; readonly type: 'probed'; readonly capabilities: Capabilities }
  | { readonly id: number; readonly type: 'loaded'; readonly model: ModelInfo }
  | { readonly id: number; readonly type: 'explained'; readonly result: DemoResult }
  | {
      readonly id: number;
      readonly type: 'error';
      readonly message: string;
      readonly code?: string;
    }
  | { readonly id: number; readonly type: 'log'; readonly message: string };
