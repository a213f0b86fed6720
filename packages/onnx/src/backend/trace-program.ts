import type { Program, Shape } from '@biasprop/core';
import { Ops, Tensor } from '@biasprop/core';
import type { ModelProto } from '../proto/onnx-proto.js';
import type { OnnxGraphRecorderOptions } from './onnx-graph-recorder.js';
import { OnnxGraphRecorder } from './onnx-graph-recorder.js';

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
  }[];
  /** Number of recorded ONNX nodes. */
  readonly nodeCount: number;
  /** Bytes of float32 weights stored as initializers. */
  readonly initializerBytes: number;
}

/**
 * Records a {@link Program} for fixed input shapes as one ONNX graph: inputs become float32
 * graph inputs `in_<k>`, outputs `out_<k>` (in program order), and every kernel call a node.
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
  const result = program.build(ops, tensors);
  const outputs = Object.entries(result).map(([name, t], i) => {
    const onnxName = `out_${i}`;
    rec.addOutput(t.handle as string, onnxName, t.shape);
    return { onnxName, name, shape: [...t.shape] };
  });
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
