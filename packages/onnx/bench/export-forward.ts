// The "original model" for the benchmark: a network's plain forward pass written with standard
// ONNX operators (Conv, Relu, MaxPool, Gemm, Flatten), as an exporter from PyTorch or tf2onnx
// would write it. Supports the node kinds the benchmark networks use.
import type { IRGraph } from '@biasprop/core';
import { OnnxGraphRecorder } from '../src/index.js';
import { encodeModel } from '../src/index.js';

function nums(v: unknown, fallback: readonly number[]): number[] {
  return Array.isArray(v) ? (v as number[]) : [...fallback];
}

/**
 * Exports the forward pass of a conv/dense/relu/maxpool/flatten graph as an ONNX model with
 * input `x` `[batch, ...inputShape]` and output `y`.
 *
 * @example
 * ```ts
 * const bytes = exportForwardModel(lenetBn(), 32);
 * ```
 */
export function exportForwardModel(graph: IRGraph, batch: number): Uint8Array {
  const rec = new OnnxGraphRecorder();
  const values = new Map<string, string>();
  values.set(graph.input.name, rec.addInput('x', [batch, ...graph.input.shape]));
  for (const node of graph.nodes) {
    const x = values.get(node.inputs[0]!)!;
    let y: string;
    switch (node.op) {
      case 'conv2d': {
        const w = node.params.weight!;
        const inputs = [x, rec.constant(w.data, w.shape)];
        if (node.params.bias)
          inputs.push(rec.constant(node.params.bias.data, node.params.bias.shape));
        y = rec.node('Conv', inputs, {
          kernel_shape: w.shape.slice(2),
          strides: nums(node.attrs.strides, [1, 1]),
          pads: nums(node.attrs.pads, [0, 0, 0, 0]),
          dilations: nums(node.attrs.dilations, [1, 1]),
          group: typeof node.attrs.groups === 'number' ? node.attrs.groups : 1,
        });
        break;
      }
      case 'relu':
        y = rec.node('Relu', [x]);
        break;
      case 'maxPool2d':
        y = rec.node('MaxPool', [x], {
          kernel_shape: nums(node.attrs.kernel, []),
          strides: nums(node.attrs.strides, [1, 1]),
          pads: nums(node.attrs.pads, [0, 0, 0, 0]),
        });
        break;
      case 'reshape':
        y = rec.node('Flatten', [x], { axis: 1 });
        break;
      case 'dense': {
        const w = node.params.weight!;
        const inputs = [x, rec.constant(w.data, w.shape)];
        if (node.params.bias)
          inputs.push(rec.constant(node.params.bias.data, node.params.bias.shape));
        y = rec.node('Gemm', inputs);
        break;
      }
      default:
        throw new Error(`exportForwardModel: node kind '${node.op}' is not supported`);
    }
    values.set(node.name, y);
  }
  const out = graph.nodes.find((n) => n.name === graph.output)!;
  rec.addOutput(values.get(graph.output)!, 'y', [batch, ...out.shape]);
  return encodeModel(rec.toModel(`${graph.name}_forward`));
}
