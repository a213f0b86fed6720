import type { Program, Shape } from '@biasprop/core';
import { Ops, Tensor, sizeOf } from '@biasprop/core';
import type { ModelProto } from '../proto/onnx-proto.js';
import type { OnnxGraphRecorderOptions } from './onnx-graph-recorder.js';
import { OnnxGraphRecorder } from './onnx-graph-recorder.js';

/** The flat graph output that holds the packed program outputs. */
const PACKED_OUTPUT = 'out_packed';

/** A program recorded as one ONNX model, with the names that connect it to the program. */
export interface TracedProgram {
  /** The recorded ONNX model. */
  readonly model: ModelProto;
  /** Program input name → ONNX graph input name. */
  readonly inputNames: Readonly<Record<string, string>>;
  /** ONNX graph output name → program output name and its static shape. */
  readonly outputs: readonly {
    /** The ONNX graph output's name. */
    readonly onnxName: string;
    /** The program output's name. */
    readonly name: string;
    /** Its static shape. */
    readonly shape: Shape;
    /**
     * Set for a packed output (see {@link TraceOptions.packOutputsUpTo}): where its values start
     * in the flat graph output `onnxName`.
     */
    readonly offset?: number;
  }[];
  /** Number of recorded ONNX nodes. */
  readonly nodeCount: number;
  /** Bytes of float32 weights stored as initializers. */
  readonly initializerBytes: number;
}

/** Options of {@link traceProgram} besides the recording's. */
export interface TraceOptions {
  /**
   * Return every program output of at most this many values as a slice of one flat graph
   * output, `out_packed` (after the other outputs), instead of as a graph output of its own
   * (default 0: none). ONNX Runtime's bindings pay per output of a run (about 2 µs each on
   * onnxruntime-node), which counts at batch 1, where a program has a dozen small outputs.
   */
  readonly packOutputsUpTo?: number;
}

/**
 * Records a {@link Program} for fixed input shapes as one ONNX graph: inputs become float32
 * graph inputs `in_<k>`, outputs `out_<k>` (in program order), and every kernel call a node;
 * with `packOutputsUpTo`, the small outputs are slices of `out_packed` instead.
 *
 * @example
 * ```ts
 * const traced = traceProgram(forwardProgram(graph), { x: [1, 1, 28, 28] });
 * const bytes = encodeModel(traced.model);
 * ```
 */
export function traceProgram(
  program: Program,
  inputShapes: Readonly<Record<string, Shape>>,
  options: OnnxGraphRecorderOptions = {},
  { packOutputsUpTo = 0 }: TraceOptions = {},
): TracedProgram {
  const rec = new OnnxGraphRecorder(options);
  const ops = new Ops(rec, rec.weightCache);
  const inputNames: Record<string, string> = {};
  const tensors: Record<string, Tensor> = {};
  Object.entries(inputShapes).forEach(([name, shape], i) => {
    const onnxName = rec.addInput(`in_${i}`, shape);
    inputNames[name] = onnxName;
    tensors[name] = new Tensor(onnxName, [...shape]);
  });
  const result = Object.entries(program.build(ops, tensors));
  let packed = result.filter(([, t]) => sizeOf(t.shape) <= packOutputsUpTo);
  if (packed.length < 2) packed = [];
  const packedNames = new Set(packed.map(([name]) => name));
  const outputs: TracedProgram['outputs'][number][] = [];
  result.forEach(([name, t], i) => {
    if (packedNames.has(name)) return;
    const onnxName = `out_${i}`;
    rec.addOutput(t.handle as string, onnxName, t.shape);
    outputs.push({ onnxName, name, shape: [...t.shape] });
  });
  if (packed.length > 0) {
    // Declared last: ONNX Runtime's execution order follows the outputs, and a first output
    // that needs every layer's bias sum moved those sums to the end (1–2% slower at batch 32).
    let offset = 0;
    const flat = packed.map(([name, t]) => {
      outputs.push({ onnxName: PACKED_OUTPUT, name, shape: [...t.shape], offset });
      offset += sizeOf(t.shape);
      // Rank-1 outputs (the per-example sums) are concatenated as they are.
      const handle = t.handle as string;
      return t.shape.length === 1 ? handle : rec.node('Reshape', [handle, rec.int64s([-1])]);
    });
    rec.addOutput(rec.concatValues(flat, 0), PACKED_OUTPUT, [offset]);
  }
  return {
    model: rec.toModel(
      program.key.replace(/[^A-Za-z0-9_]/g, '_').slice(0, 100),
      `biasprop program ${program.key}`,
    ),
    inputNames,
    outputs,
    nodeCount: rec.nodes.length,
    initializerBytes: rec.initializerBytes,
  };
}
