// Page side of the worker protocol: one promise per request, progress by callback.
import type {
  Capabilities,
  DemoResult,
  ExplainParams,
  ModelInfo,
  ProgressInfo,
  WorkerRequest,
  WorkerResponse,
} from './protocol.js';
import type { ModelSource } from '../models/model-source.js';

/** An error the worker reported (its message is meant for the user). */
export class WorkerError extends Error {
  constructor(
    message: string,
    readonly code?: string,
  ) {
    super(message);
    this.name = 'WorkerError';
  }
}

interface Pending {
  resolve(r: WorkerResponse): void;
  reject(e: Error): void;
  onProgress?: (p: ProgressInfo) => void;
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/**
 * Starts the explanation worker and talks to it.
 *
 * @example
 * ```ts
 * const client = new ExplainWorkerClient((e) => showError(e.message));
 * const caps = await client.probe();
 * ```
 */
export class ExplainWorkerClient {
  private readonly worker: Worker;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;

  /** `onCrash` hears about failures outside any request (the worker script failed to load, …). */
  constructor(private readonly onCrash: (e: Error) => void) {
    this.worker = new Worker(new URL('./explain-worker.ts', import.meta.url), {
      type: 'module',
      name: 'biasprop-explain',
    });
    this.worker.addEventListener('message', (e: MessageEvent<WorkerResponse>) =>
      this.receive(e.data),
    );
    this.worker.addEventListener('error', (e: ErrorEvent) => {
      e.preventDefault();
      this.fail(
        new WorkerError(
          `the explanation worker failed: ${e.message || 'its script could not be loaded'}`,
        ),
      );
    });
    this.worker.addEventListener('messageerror', () =>
      this.fail(new WorkerError('a worker message could not be decoded')),
    );
  }

  private fail(error: Error): void {
    const waiting = [...this.pending.values()];
    this.pending.clear();
    for (const p of waiting) p.reject(error);
    if (waiting.length === 0) this.onCrash(error);
  }

  private receive(msg: WorkerResponse): void {
    const p = this.pending.get(msg.id);
    if (!p) return;
    if (msg.type === 'progress') {
      p.onProgress?.(msg.progress);
      return;
    }
    if (msg.type === 'log') return;
    this.pending.delete(msg.id);
    if (msg.type === 'error') p.reject(new WorkerError(msg.message, msg.code));
    else p.resolve(msg);
  }

  private request(
    req: DistributiveOmit<WorkerRequest, 'id'>,
    onProgress?: (p: ProgressInfo) => void,
    transfer: Transferable[] = [],
  ): Promise<WorkerResponse> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject, ...(onProgress ? { onProgress } : {}) });
      const message: WorkerRequest = { ...req, id };
      this.worker.postMessage(message, transfer);
    });
  }

  /** Which backends and importers can run in the worker. */
  async probe(): Promise<Capabilities> {
    const r = await this.request({ type: 'probe' });
    if (r.type !== 'probed') throw new WorkerError(`unexpected reply '${r.type}' to probe`);
    return r.capabilities;
  }

  /** Loads a model (replacing the previous one). */
  async load(source: ModelSource): Promise<ModelInfo> {
    const r = await this.request({ type: 'load', source });
    if (r.type !== 'loaded') throw new WorkerError(`unexpected reply '${r.type}' to load`);
    return r.model;
  }

  /** Explains the input with the loaded model. */
  async explain(
    params: ExplainParams,
    onProgress?: (p: ProgressInfo) => void,
  ): Promise<DemoResult> {
    const r = await this.request({ type: 'explain', params }, onProgress);
    if (r.type !== 'explained') throw new WorkerError(`unexpected reply '${r.type}' to explain`);
    return r.result;
  }
}
