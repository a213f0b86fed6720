import type { FloatArray, HostTensor } from '../tensor/host-tensor.js';
import type { Shape } from '../tensor/shape.js';
import type { Backend, Precision, Program } from './backend.js';
import type { Kernels } from './kernels.js';
import type { WeightCache } from './ops.js';
import { Ops } from './ops.js';
import type { Tensor } from './tensor.js';

/** Keeps uploaded weights per source array and shape. */
export class IdentityWeightCache implements WeightCache {
  private map = new WeakMap<FloatArray, Map<string, unknown>>();
  private readonly all: unknown[] = [];
  private computed = new WeakMap<object, Map<string, unknown>>();

  /** The handle stored for this array and shape, if any. */
  get(data: FloatArray, shape: Shape): unknown {
    return this.map.get(data)?.get(shape.join(','));
  }

  /** Stores the handle of an uploaded weight. */
  set(data: FloatArray, shape: Shape, handle: unknown): void {
    let m = this.map.get(data);
    if (!m) this.map.set(data, (m = new Map<string, unknown>()));
    m.set(shape.join(','), handle);
    this.all.push(handle);
  }

  /** The tensor computed from constants under this owner and key, if any. */
  getComputed(owner: object, key: string): unknown {
    return this.computed.get(owner)?.get(key);
  }

  /** Keeps a tensor computed from constants (a `Tensor` with the backend's handle). */
  setComputed(owner: object, key: string, tensor: unknown): void {
    let m = this.computed.get(owner);
    if (!m) this.computed.set(owner, (m = new Map<string, unknown>()));
    m.set(key, tensor);
    this.all.push((tensor as Tensor).handle);
  }

  /**
   * Every handle ever stored (for disposal); forgets them, so a backend used again after
   * `dispose()` uploads its weights anew instead of reading released handles.
   */
  drain(): unknown[] {
    this.map = new WeakMap<FloatArray, Map<string, unknown>>();
    this.computed = new WeakMap<object, Map<string, unknown>>();
    return [...new Set(this.all.splice(0, this.all.length))];
  }
}

/**
 * Base class of eager backends: runs a program op by op on {@link Kernels}, reads the outputs and
 * disposes every intermediate handle. Subclasses supply the kernels, `read` and `release`.
 */
export abstract class EagerBackend<H> implements Backend {
  abstract readonly name: string;
  abstract readonly precision: Precision;
  /** The kernels the program runs on. */
  protected abstract readonly kernels: Kernels<H>;
  /** Model weights uploaded once and kept until `dispose()`. */
  protected readonly weightCache = new IdentityWeightCache();

  /** Copies a handle's values to JavaScript memory. */
  protected abstract read(handle: H, shape: Shape): Promise<FloatArray>;
  /** Frees a handle (no-op for garbage-collected data). */
  protected abstract release(handle: H): void;

  /** Runs the program op by op, reads the outputs and frees every intermediate handle. */
  async run(
    program: Program,
    inputs: Readonly<Record<string, HostTensor>>,
  ): Promise<Record<string, HostTensor>> {
    const ops = new Ops(this.kernels, this.weightCache);
    try {
      const tensors: Record<string, Tensor> = {};
      for (const [name, t] of Object.entries(inputs)) tensors[name] = ops.constant(t.data, t.shape);
      const outputs = program.build(ops, tensors);
      const result: Record<string, HostTensor> = {};
      for (const [name, t] of Object.entries(outputs)) {
        result[name] = { data: await this.read(t.handle as H, t.shape), shape: [...t.shape] };
      }
      return result;
    } finally {
      for (const h of new Set(ops.createdHandles))
        if (!ops.persistentHandles.has(h)) this.release(h as H);
    }
  }

  dispose(): void {
    for (const h of this.weightCache.drain()) this.release(h as H);
  }
}
