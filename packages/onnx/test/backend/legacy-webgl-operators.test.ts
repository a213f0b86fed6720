// Graphs for onnxruntime-web's legacy WebGL provider use only the operators (and opset ranges) it
// implements, and what cannot be expressed with them is refused with a clear error. The values
// are checked against the reference by the kernel and explain tests (ort-cpu with the legacy
// WebGL operators) and, in Chromium, on the WebGL provider itself (browser tests).
import type { HostTensor, Program } from '@biasprop/core';
import { BiaspropError, exactIntegratedGradients, explain } from '@biasprop/core';
import * as ort from 'onnxruntime-node';
import { afterAll, describe, expect, it } from 'vitest';
import { lenetBn, mixedNet, seeded } from '../../bench/networks.js';
import { OrtBackend } from '../../src/index.js';
import { fixtureInputs } from './helpers/explanations.js';

/**
 * The operators onnxruntime-web 1.30's WebGL provider resolves at opset 12 (its
 * `WEBGL_OP_RESOLVE_RULES`, restricted to the versions that cover opset 12).
 */
const WEBGL_OPSET_12 = new Set(
  (
    'Abs Acos Add And Asin Atan AveragePool BatchNormalization Cast Ceil Clip Concat Conv ' +
    'ConvTranspose Cos Div Dropout DepthToSpace Equal Elu Exp Flatten Floor Gather Gemm ' +
    'GlobalAveragePool GlobalMaxPool Greater Identity ImageScaler InstanceNormalization LeakyRelu ' +
    'Less LRN Log MatMul MaxPool Mul Neg Not Or Pad Pow PRelu ReduceLogSum ReduceMax ReduceMean ' +
    'ReduceMin ReduceProd ReduceSum ReduceSumSquare Relu Reshape Resize Shape Sigmoid Sin Slice ' +
    'Softmax Split Sqrt Squeeze Sub Sum Tan Tanh Tile Transpose Unsqueeze Xor'
  ).split(' '),
);

describe('graphs for the legacy WebGL provider', () => {
  const backend = new OrtBackend({
    ort,
    executionProvider: 'cpu',
    legacyWebglOperators: true,
    maxPoolLowering: 'portable',
  });
  afterAll(async () => {
    await backend.dispose();
  });

  it('use only its operators, at opset 12, for every method and rule', async () => {
    const traced: string[][] = [];
    const transposingGemms: string[] = [];
    const recording = {
      name: backend.name,
      precision: backend.precision,
      run: (p: Program, inputs: Readonly<Record<string, HostTensor>>) => {
        const model = backend.trace(p, inputs).model;
        expect(model.opset_import).toEqual([{ domain: '', version: 12 }]);
        traced.push((model.graph!.node ?? []).map((n) => n.op_type!));
        for (const n of model.graph!.node ?? []) {
          if (n.op_type !== 'Gemm') continue;
          for (const a of n.attribute ?? [])
            if ((a.name === 'transA' || a.name === 'transB') && Number(a.i) !== 0)
              transposingGemms.push(`${n.name} ${a.name}`);
        }
        return backend.run(p, inputs);
      },
      dispose: async () => {},
    };
    for (const graph of [lenetBn(), mixedNet()]) {
      const { x } = fixtureInputs(graph, seeded(11))[0]!;
      await explain(graph, x, {
        backend: recording,
        rules: ['contribution', 'weight', 'signed', 'uniform'],
        integratedGradients: { steps: 4 },
      });
    }
    expect(traced.length).toBeGreaterThan(2);
    const used = new Set(traced.flat());
    expect([...used].filter((op) => !WEBGL_OPSET_12.has(op))).toEqual([]);
    // The operators the default graphs use and the provider lacks are really gone.
    for (const op of ['Where', 'CumSum', 'Expand', 'Max', 'Min', 'Sign', 'GreaterOrEqual'])
      expect(used.has(op), op).toBe(false);
    // Its Gemm shader cache ignores transA/transB: every Gemm gets transposed operands instead.
    expect(used.has('Gemm')).toBe(true);
    expect(transposingGemms).toEqual([]);
  });

  it('refuses exact Integrated Gradients (its ±∞ selections need Where) with a clear error', async () => {
    const graph = lenetBn();
    const { x } = fixtureInputs(graph, seeded(11))[0]!;
    const run = exactIntegratedGradients(graph, x, { backend });
    await expect(run).rejects.toThrow(BiaspropError);
    await expect(run).rejects.toThrow(/legacy WebGL provider has no Where/);
  });
});
