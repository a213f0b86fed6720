import type { Backend, HostTensor, Precision, Program, Shape } from '@biasprop/core';
import { BiaspropError, sizeOf } from '@biasprop/core';
import { encodeModel } from '../proto/onnx-proto.js';
import { forbidTf32 } from './cuda-float32.js';
import type { OrtExecutionProvider, OrtRuntimeKind } from './execution-providers.js';
import { ortBackendName } from './execution-providers.js';
import type { ProviderRecordingOverrides } from './provider-recording-options.js';
import { recordingOptionsFor } from './provider-recording-options.js';
import type { OrtModule, OrtSession, OrtSessionOptions, OrtTensor } from './ort-runtime.js';
import type { WebglContextLike } from './legacy-webgl-precision.js';
import { legacyWebglPrecision } from './legacy-webgl-precision.js';
import type { TracedProgram } from './trace-program.js';
import { traceProgram } from './trace-program.js';

/** Options of {@link OrtBackend} (the recording choices per provider: {@link ProviderRecordingOverrides}). */
export interface OrtBackendOptions extends ProviderRecordingOverrides {
  /** The ONNX Runtime module: `await import('onnxruntime-node')` or an `onnxruntime-web` bundle. */
  readonly ort: OrtModule;
  /** Which binding `ort` is (default: `node` when the module lists backends, else `web`). */
  readonly runtime?: OrtRuntimeKind;
  /** Execution provider (default `cpu` on Node, `wasm` on the web binding). */
  readonly executionProvider?: OrtExecutionProvider;
  /** Backend name (default from {@link ortBackendName}). */
  readonly name?: string;
  /** Threads inside one operator (onnxruntime-node; the web binding uses `ort.env.wasm.numThreads`). */
  readonly intraOpNumThreads?: number;
  /** Threads across operators (onnxruntime-node, parallel execution mode only). */
  readonly interOpNumThreads?: number;
  /** Graph optimization level (default `all`). */
  readonly graphOptimizationLevel?: 'disabled' | 'basic' | 'extended' | 'all';
  /** More session options, merged last. */
  readonly sessionOptions?: OrtSessionOptions;
}

/** Program outputs of at most this many values come back packed in one graph output. */
const PACKED_OUTPUT_MAX_SIZE = 4096;

/** A compiled program: one session for one (program key, input shapes). */
interface Compiled {
  readonly session: OrtSession;
  readonly traced: TracedProgram;
  readonly compileMs: number;
}

/** Counters of what the backend has built and run. */
export interface OrtBackendStats {
  /** Programs traced to ONNX (one per new key and input shapes). */
  traces: number;
  /** `InferenceSession`s created. */
  sessionsCreated: number;
  /** Runs executed. */
  runs: number;
  /** Milliseconds spent tracing, serializing and creating sessions. */
  compileMs: number;
}

function shapesKey(inputs: Readonly<Record<string, HostTensor>>): string {
  return Object.entries(inputs)
    .map(([k, t]) => `${k}:${t.shape.join('x')}`)
    .join(';');
}

/**
 * The ONNX Runtime backend. Running a {@link Program} traces it into one ONNX graph (forward,
 * backward, BBp: everything), compiles that into one `InferenceSession` per (program key, input
 * shapes), caches it and reuses it for every later call with the same key and shapes. Data
 * crosses from JavaScript to the runtime once per call (the inputs) and back once (the
 * outputs). Works with onnxruntime-node (`cpu`, `webgpu`, `cuda` where installed) and
 * onnxruntime-web (`wasm`, `webgpu`, `webgl`). Computes in float32 (float16 on a legacy WebGL
 * provider whose WebGL 1 context has no renderable float32 textures: see `precision`); on `cuda`
 * it sets `NVIDIA_TF32_OVERRIDE=0` where unset, since the CUDA provider would use TF32 (see
 * {@link forbidTf32}).
 *
 * @example
 * ```ts
 * import * as ort from 'onnxruntime-node';
 * const backend = new OrtBackend({ ort, executionProvider: 'cpu', intraOpNumThreads: 2 });
 * const e = await explain(graph, x, { backend });
 * await backend.dispose();
 * ```
 */
export class OrtBackend implements Backend {
  readonly name: string;
  private knownPrecision: Precision | undefined;
  /** The execution provider sessions are created with. */
  readonly executionProvider: OrtExecutionProvider;
  /** onnxruntime-node or onnxruntime-web. */
  readonly runtime: OrtRuntimeKind;
  /** Counters: traces, sessions created, runs and milliseconds spent compiling. */
  readonly stats: OrtBackendStats = { traces: 0, sessionsCreated: 0, runs: 0, compileMs: 0 };
  private readonly ort: OrtModule;
  private readonly cache = new Map<string, Promise<Compiled>>();
  private queue: Promise<unknown> = Promise.resolve();
  private disposed = false;

  constructor(private readonly options: OrtBackendOptions) {
    this.ort = options.ort;
    this.runtime = options.runtime ?? ('listSupportedBackends' in options.ort ? 'node' : 'web');
    this.executionProvider =
      options.executionProvider ?? (this.runtime === 'node' ? 'cpu' : 'wasm');
    this.name = options.name ?? ortBackendName(this.runtime, this.executionProvider);
  }

  /**
   * The float precision results are computed in: float32, except on the legacy WebGL provider
   * where its WebGL 1 context cannot render to float32 textures (then float16; known once the
   * provider has created its context, i.e. after the first run).
   */
  get precision(): Precision {
    if (this.knownPrecision) return this.knownPrecision;
    if (this.executionProvider !== 'webgl') return (this.knownPrecision = 'float32');
    const gl = (this.ort.env as { webgl?: { context?: WebglContextLike } }).webgl?.context;
    if (!gl) return 'float32';
    return (this.knownPrecision = legacyWebglPrecision(gl));
  }

  /** Number of compiled programs in the cache. */
  get cachedPrograms(): number {
    return this.cache.size;
  }

  /** The session options used for every compiled program. */
  sessionOptions(): OrtSessionOptions {
    const o = this.options;
    return {
      executionProviders: [this.executionProvider],
      graphOptimizationLevel: o.graphOptimizationLevel ?? 'all',
      logSeverityLevel: 3,
      ...(o.intraOpNumThreads !== undefined ? { intraOpNumThreads: o.intraOpNumThreads } : {}),
      ...(o.interOpNumThreads !== undefined
        ? { interOpNumThreads: o.interOpNumThreads, executionMode: 'parallel' as const }
        : {}),
      ...o.sessionOptions,
    };
  }

  /**
   * Traces `program` for these input shapes into an ONNX model (what {@link run} compiles).
   *
   * @example
   * ```ts
   * const traced = backend.trace(forwardProgram(graph), { x: { data, shape: [1, 784] } });
   * ```
   */
  trace(
    program: Program,
    inputs: Readonly<Record<string, HostTensor | { shape: Shape }>>,
  ): TracedProgram {
    const shapes: Record<string, Shape> = {};
    for (const [k, t] of Object.entries(inputs)) shapes[k] = t.shape;
    const recording = recordingOptionsFor(this.executionProvider, this.options);
    // Measured on the CPU providers: 0.90–0.93× a batch-1 gradient or BBp on onnxruntime-node
    // `cpu`, 0.80–0.83× on onnxruntime-web `wasm` (in Node), 0.97–0.99× at batch 32. The GPU
    // providers return their outputs as before.
    const packs =
      (this.executionProvider === 'cpu' || this.executionProvider === 'wasm') &&
      !recording.legacyWebgl;
    return traceProgram(program, shapes, recording, {
      packOutputsUpTo: packs ? PACKED_OUTPUT_MAX_SIZE : 0,
    });
  }

  private async compile(
    program: Program,
    inputs: Readonly<Record<string, HostTensor>>,
  ): Promise<Compiled> {
    const start = performance.now();
    const traced = this.trace(program, inputs);
    this.stats.traces++;
    const bytes = encodeModel(traced.model);
    if (this.executionProvider === 'cuda') forbidTf32();
    let session: OrtSession;
    try {
      session = await this.ort.InferenceSession.create(bytes, this.sessionOptions());
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      throw new BiaspropError(
        'BACKEND',
        `${this.name}: ONNX Runtime could not compile program '${program.key}' (${traced.nodeCount} nodes): ${message}`,
      );
    }
    this.stats.sessionsCreated++;
    const compileMs = performance.now() - start;
    this.stats.compileMs += compileMs;
    return { session, traced, compileMs };
  }

  private compiled(
    program: Program,
    inputs: Readonly<Record<string, HostTensor>>,
  ): Promise<Compiled> {
    const key = `${program.key}|${shapesKey(inputs)}`;
    let entry = this.cache.get(key);
    if (!entry) {
      entry = this.compile(program, inputs);
      this.cache.set(key, entry);
      entry.catch(() => this.cache.delete(key));
    }
    return entry;
  }

  async run(
    program: Program,
    inputs: Readonly<Record<string, HostTensor>>,
  ): Promise<Record<string, HostTensor>> {
    if (this.disposed)
      throw new BiaspropError('INVALID_OPTION', `${this.name}: the backend was disposed`);
    const task = this.queue.then(() => this.runNow(program, inputs));
    this.queue = task.catch(() => undefined);
    return task;
  }

  private async runNow(
    program: Program,
    inputs: Readonly<Record<string, HostTensor>>,
  ): Promise<Record<string, HostTensor>> {
    const { session, traced } = await this.compiled(program, inputs);
    const feeds: Record<string, OrtTensor> = {};
    for (const [name, t] of Object.entries(inputs)) {
      const onnxName = traced.inputNames[name];
      if (!onnxName) continue;
      const data = t.data instanceof Float32Array ? t.data : Float32Array.from(t.data);
      feeds[onnxName] = new this.ort.Tensor('float32', data, [...t.shape]);
    }
    const results = await session.run(feeds);
    this.stats.runs++;
    const out: Record<string, HostTensor> = {};
    for (const o of traced.outputs) {
      let data = results[o.onnxName]!.data as Float32Array;
      if (o.offset !== undefined) data = data.subarray(o.offset, o.offset + sizeOf(o.shape));
      // onnxruntime-web may hand out views of memory that its next run reuses: copy them.
      const owned =
        data instanceof Float32Array
          ? this.runtime === 'web'
            ? data.slice()
            : data
          : Float32Array.from(data);
      out[o.name] = { data: owned, shape: [...o.shape] };
    }
    for (const r of Object.values(results)) r.dispose();
    return out;
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    await this.queue;
    const entries = [...this.cache.values()];
    this.cache.clear();
    for (const e of entries) {
      try {
        await (await e).session.release();
      } catch {
        // a failed compile has no session to release
      }
    }
  }
}
