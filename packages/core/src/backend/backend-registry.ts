import { BiaspropError } from '../errors.js';
import type { Backend } from './backend.js';

/** Creates a backend, or throws with the reason it cannot start here. */
export type BackendFactory = () => Promise<Backend>;

/**
 * Backends by name with priorities: `create()` starts the highest-priority backend that starts,
 * `create(name)` a specific one. Adapters register theirs (`tfjs-cpu`, `ort-cpu`, …).
 *
 * @example
 * ```ts
 * const registry = new BackendRegistry();
 * registry.register('reference', async () => new ReferenceBackend(), 0);
 * const backend = await registry.create('reference');
 * ```
 */
export class BackendRegistry {
  private readonly entries = new Map<string, { factory: BackendFactory; priority: number }>();

  /** Adds (or replaces) a backend; a higher priority is tried first by `create()`. */
  register(name: string, factory: BackendFactory, priority = 0): void {
    this.entries.set(name, { factory, priority });
  }

  /** Registered names, highest priority first. */
  names(): string[] {
    return [...this.entries.entries()]
      .sort((a, b) => b[1].priority - a[1].priority)
      .map(([n]) => n);
  }

  /** Starts the named backend, or the first that starts by priority; errors give every reason. */
  async create(name?: string): Promise<Backend> {
    if (name !== undefined) {
      const entry = this.entries.get(name);
      if (!entry)
        throw new BiaspropError(
          'BACKEND',
          `unknown backend '${name}'; registered: ${this.names().join(', ')}`,
        );
      return entry.factory();
    }
    const reasons: string[] = [];
    for (const n of this.names()) {
      try {
        return await this.entries.get(n)!.factory();
      } catch (e) {
        reasons.push(`${n}: ${(e as Error).message}`);
      }
    }
    throw new BiaspropError('BACKEND', `no backend could start (${reasons.join('; ')})`);
  }
}
