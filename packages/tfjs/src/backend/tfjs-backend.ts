import * as tf from '@tensorflow/tfjs-core';
import type { FloatArray, HostTensor, Kernels, Precision, Program, Shape } from '@biasprop/core';
import { BiaspropError, EagerBackend, IdentityWeightCache } from '@biasprop/core';
import { FilterCache } from './conv-kernels.js';
import { floatPrecisionOf } from './float-precision.js';
import { tfjsKernels } from './tfjs-kernels.js';

/** Remembers which handles are persistent model weights, so derived filters can be cached for them. */
class TrackingWeightCache extends IdentityWeightCache {
  readonly handles = new Set<unknown>();

  override set(data: FloatArray, shape: Shape, handle: unknown): void {
    super.set(data, shape, handle);
    this.handles.add(handle);
  }

  override drain(): unknown[] {
    this.handles.clear();
    return super.drain();
  }
}

/** Options of {@link TfjsBackend.create}. */
export interface TfjsBackendOptions {
  /** tfjs backend to activate first (`cpu`, `wasm`, `webgl`, `webgpu`); default: the active one. */
  readonly backend?: string;
}

/**
 * A biasprop execution backend on TensorFlow.js kernels: it runs on whichever tfjs backend is
 * active (`cpu` and `wasm` in Node, `webgl` and `webgpu` in a browser). Only forward tfjs kernels
 * are used (core supplies the backward rules), so backends without gradient kernels work too.
 * Model weights are uploaded once and kept until {@link TfjsBackend.dispose}; every other tensor
 * of a run is freed when the run ends.
 *
 * @example
 * ```ts
 * import '@tensorflow/tfjs-backend-cpu';
 * const backend = await TfjsBackend.create({ backend: 'cpu' });
 * const e = await explain(graph, x, { backend });
 * backend.dispose();
 * ```
 */
export class TfjsBackend extends EagerBackend<tf.Tensor> {
  readonly name: string;
  readonly precision: Precision;
  /** The tfjs backend this instance runs on (`cpu`, `wasm`, `webgl`, `webgpu`). */
  readonly tfBackend: string;
  /**
   * Model weights uploaded once, with the set of their handles (derived filters are cached only for those).
   *
   * @internal
   */
  protected override readonly weightCache = new TrackingWeightCache();
  private readonly filters = new FilterCache((t) => this.weightCache.handles.has(t));
  protected readonly kernels: Kernels<tf.Tensor> = tfjsKernels(this.filters);

  /** Wraps the active tfjs backend (call `await tf.ready()` first, or use {@link TfjsBackend.create}). */
  constructor() {
    super();
    const active = tf.getBackend();
    if (!active)
      throw new BiaspropError(
        'BACKEND',
        'no tfjs backend is registered: import @tensorflow/tfjs-backend-cpu (or wasm, webgl, webgpu)',
      );
    this.tfBackend = active;
    this.name = `tfjs-${active}`;
    this.precision = floatPrecisionOf(active);
  }

  /**
   * Activates a tfjs backend (when named), waits until it is ready and wraps it.
   *
   * @example
   * ```ts
   * const backend = await TfjsBackend.create({ backend: 'wasm' });
   * ```
   */
  static async create(options: TfjsBackendOptions = {}): Promise<TfjsBackend> {
    if (options.backend !== undefined && options.backend !== tf.getBackend()) {
      const ok = await tf.setBackend(options.backend);
      if (!ok)
        throw new BiaspropError(
          'BACKEND',
          `tfjs backend '${options.backend}' could not be initialized`,
        );
    }
    await tf.ready();
    return new TfjsBackend();
  }

  /** Runs a program, first re-activating this instance's tfjs backend if another one became active. */
  override async run(
    program: Program,
    inputs: Readonly<Record<string, HostTensor>>,
  ): Promise<Record<string, HostTensor>> {
    if (tf.getBackend() !== this.tfBackend) await tf.setBackend(this.tfBackend);
    return super.run(program, inputs);
  }

  protected async read(handle: tf.Tensor): Promise<Float32Array> {
    const data = await handle.data();
    return data instanceof Float32Array ? data : Float32Array.from(data as ArrayLike<number>);
  }

  protected release(handle: tf.Tensor): void {
    if (!handle.isDisposed) handle.dispose();
  }

  override dispose(): void {
    super.dispose();
    this.filters.dispose();
  }
}
