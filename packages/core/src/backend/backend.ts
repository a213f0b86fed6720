import type { HostTensor } from '../tensor/host-tensor.js';
import type { Ops } from './ops.js';
import type { Tensor } from './tensor.js';

/** Floating-point precision a backend computes in. */
export type Precision = 'float64' | 'float32' | 'float16';

/**
 * A traceable computation: given the ops of a backend and its input tensors, it returns named
 * output tensors. It must not read tensor values, so a symbolic backend can record it once and
 * replay it. `key` identifies the computation (model, method and options) for caching.
 */
export interface Program {
  /** Identifies the computation (model, method, options) for caching compiled programs. */
  readonly key: string;
  /** Builds the outputs from the inputs with the backend's ops; never reads values. */
  build(ops: Ops, inputs: Readonly<Record<string, Tensor>>): Record<string, Tensor>;
}

/**
 * An execution backend. It runs a {@link Program} on host inputs and returns host outputs.
 * Eager backends run the program op by op; symbolic backends may compile it and cache the result
 * per `program.key` and input shapes.
 *
 * @example
 * ```ts
 * const backend: Backend = new ReferenceBackend();
 * const out = await backend.run(program, { x: { data: new Float64Array(4), shape: [1, 4] } });
 * ```
 */
export interface Backend {
  /** Name such as `reference`, `tfjs-cpu`, `ort-cpu`. */
  readonly name: string;
  /** The precision results are computed in. */
  readonly precision: Precision;
  /** Runs a program on host inputs and returns its outputs on the host. */
  run(
    program: Program,
    inputs: Readonly<Record<string, HostTensor>>,
  ): Promise<Record<string, HostTensor>>;
  /** Releases resources (weights, sessions). */
  dispose(): Promise<void> | void;
}
