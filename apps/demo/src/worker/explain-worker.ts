// The explanation worker (a module worker): loads models, creates backends and runs explanations
// off the page's main thread. One request at a time, in arrival order.
import type { IRGraph } from '@biasprop/core';
import { BiaspropError } from '@biasprop/core';
import type { BackendId } from '../backends/backend-catalog.js';
import type { DemoBackend } from '../backends/create-backend.js';
import { createBackend, probeCapabilities } from '../backends/create-backend.js';
import { describeModel, loadModel } from '../models/load-model.js';
import type { WorkerRequest, WorkerResponse } from './protocol.js';
import { runExplanation } from './run-explanation.js';

/** The parts of the dedicated worker global scope used here (the page's lib is DOM). */
interface WorkerScope {
  postMessage(message: WorkerResponse, transfer?: Transferable[]): void;
  addEventListener(type: 'message', listener: (e: MessageEvent<WorkerRequest>) => void): void;
}

const scope = self as unknown as WorkerScope;
let graph: IRGraph | undefined;
let active: { id: BackendId; backend: DemoBackend } | undefined;

async function releaseBackend(): Promise<void> {
  if (active) await active.backend.dispose?.();
  active = undefined;
}

async function backendFor(id: BackendId): Promise<DemoBackend> {
  if (active?.id === id) return active.backend;
  await releaseBackend();
  active = { id, backend: await createBackend(id) };
  return active.backend;
}

async function handle(req: WorkerRequest): Promise<WorkerResponse> {
  switch (req.type) {
    case 'probe':
      return { id: req.id, type: 'probed', capabilities: await probeCapabilities() };
    case 'load': {
      // Cached weights belong to the old graph: start the next explanation on a fresh backend.
      await releaseBackend();
      graph = undefined;
      const label =
        req.source.kind === 'builtin'
          ? 'built-in CNN (untrained, random weights)'
          : req.source.label;
      graph = await loadModel(req.source);
      return { id: req.id, type: 'loaded', model: describeModel(graph, label) };
    }
    case 'explain': {
      if (!graph) throw new Error('no model is loaded');
      const backend = await backendFor(req.params.backend);
      const result = await runExplanation(graph, backend, req.params, (progress) =>
        scope.postMessage({ id: req.id, type: 'progress', progress }),
      );
      return { id: req.id, type: 'explained', result };
    }
  }
}

let queue: Promise<void> = Promise.resolve();

scope.addEventListener('message', (e) => {
  const req = e.data;
  queue = queue.then(async () => {
    try {
      scope.postMessage(await handle(req));
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      const code = err instanceof BiaspropError ? err.code : undefined;
      scope.postMessage({
        id: req.id,
        type: 'error',
        message,
        ...(code !== undefined ? { code } : {}),
      });
    }
  });
});
