// Bad input gets a clear error and no partial output (DESIGN §4).
import { describe, expect, it } from 'vitest';
import type { IRGraph, Method } from '../src/index.js';
import {
  BiaspropError,
  GraphBuilder,
  ShapeMismatchError,
  UnsupportedOpError,
  createGraph,
  explain,
  predict,
} from '../src/index.js';
import { mlp } from './fixtures/networks.js';

/** Runs `fn`, expects a BiaspropError with `code`, returns it. */
async function expectError(fn: () => unknown, code: string): Promise<BiaspropError> {
  try {
    await fn();
  } catch (e) {
    expect(e).toBeInstanceOf(BiaspropError);
    expect((e as BiaspropError).code, (e as Error).message).toBe(code);
    return e as BiaspropError;
  }
  return expect.fail(`expected a ${code} error`);
}

function tiny(): IRGraph {
  const b = new GraphBuilder('tiny-model', [3]);
  b.dense(b.input, [1, 2, 3, 4, 5, 6], [3, 2], [0, 1], 'fc');
  return b.build();
}

const x1 = { data: Float64Array.from([1, 2, 3]), shape: [1, 3] };

describe('non-finite results', () => {
  it('an input whose arithmetic overflows float64 is refused, naming the output, example and backend', async () => {
    // 1e300 · 1e10 overflows float64; the input itself is finite, so validation lets it through.
    const b = new GraphBuilder('overflow-model', [2]);
    b.dense(b.input, [1e10, 1, 1, 1], [2, 2], [0, 0], 'fc');
    const graph = b.build();
    const x = { data: Float64Array.from([1, 1, 1e300, 1]), shape: [2, 2] };
    const e = await expectError(() => explain(graph, x), 'NON_FINITE_RESULT');
    expect(e.message).toContain('example 1');
    expect(e.message).toContain("'reference'");
    expect(e.message).toContain('float64');
    expect(e.message).toContain("'overflow-model'");
    // The first example alone is fine.
    await expect(
      explain(graph, { data: Float64Array.from([1, 1]), shape: [1, 2] }),
    ).resolves.toBeDefined();
  });
});

describe('graph errors', () => {
  it('unsupported op: names the op type, the node and the model', async () => {
    const e = await expectError(
      () =>
        createGraph({
          name: 'bert.onnx',
          input: { name: 'x', shape: [4] },
          nodes: [{ name: 'encoder/erf_3', op: 'erf', inputs: ['x'] }],
        }),
      'UNSUPPORTED_OP',
    );
    expect(e).toBeInstanceOf(UnsupportedOpError);
    expect(e.message).toContain("'erf'");
    expect(e.message).toContain("'encoder/erf_3'");
    expect(e.message).toContain("'bert.onnx'");
    // The framework's own op name is used when the adapter gives one.
    const e2 = await expectError(
      () =>
        createGraph({
          name: 'm',
          input: { name: 'x', shape: [4] },
          nodes: [{ name: 'n1', op: 'gelu_exact', source: 'Erf', inputs: ['x'] }],
        }),
      'UNSUPPORTED_OP',
    );
    expect(e2.message).toMatch(/unsupported op 'Erf' at node 'n1' in model 'm'/);
  });

  it('unknown input name', async () => {
    const e = await expectError(
      () =>
        createGraph({
          name: 'm',
          input: { name: 'x', shape: [3] },
          nodes: [{ name: 'r', op: 'relu', inputs: ['nope'] }],
        }),
      'INVALID_GRAPH',
    );
    expect(e.message).toContain("input 'nope' is not defined before this node");
    expect(e.message).toContain("node 'r'");
    expect(e.message).toContain("model 'm'");
  });

  it('an input defined after its use', async () => {
    const e = await expectError(
      () =>
        createGraph({
          name: 'm',
          input: { name: 'x', shape: [3] },
          nodes: [
            { name: 'a', op: 'relu', inputs: ['b'] },
            { name: 'b', op: 'relu', inputs: ['x'] },
          ],
        }),
      'INVALID_GRAPH',
    );
    expect(e.message).toContain("input 'b' is not defined before this node");
  });

  it('duplicate node name (also the input name)', async () => {
    const b = new GraphBuilder('dup', [3]);
    b.relu(b.input, 'r');
    b.relu('r', 'r');
    expect((await expectError(() => b.build(), 'INVALID_GRAPH')).message).toMatch(
      /node 'r' \(relu\): duplicate node name/,
    );
    const c = new GraphBuilder('dup2', [3]);
    c.relu(c.input, 'input');
    expect((await expectError(() => c.build(), 'INVALID_GRAPH')).message).toContain(
      'duplicate node name',
    );
  });

  it('shape errors inside the graph name the node', async () => {
    const b = new GraphBuilder('bad-dense', [2, 3]);
    b.dense(b.input, [1, 2, 3, 4, 5, 6], [6, 1], undefined, 'fc');
    expect((await expectError(() => b.build(), 'INVALID_GRAPH')).message).toMatch(
      /node 'fc' \(dense\): input of shape \[2, 3\] does not match weight \[6, 1\]/,
    );
    const c = new GraphBuilder('bad-add', [3]);
    c.sum([c.input, c.dense(c.input, [1, 2, 3, 4, 5, 6], [3, 2])], undefined, 'sum');
    expect((await expectError(() => c.build(), 'INVALID_GRAPH')).message).toMatch(
      /node 'sum' \(add\): inputs must have equal shapes, got \[3\] and \[2\]/,
    );
    const d = new GraphBuilder('nan-weight', [2]);
    d.dense(d.input, [1, NaN], [2, 1], undefined, 'fc');
    expect((await expectError(() => d.build(), 'INVALID_GRAPH')).message).toMatch(
      /param 'weight' contains NaN/,
    );
  });

  it('softmax in the middle of a graph is refused by explain, naming the node', async () => {
    const b = new GraphBuilder('mid-softmax', [3]);
    const s = b.softmax(b.dense(b.input, [1, 2, 3, 4, 5, 6, 7, 8, 9], [3, 3]), 'sm');
    b.dense(s, [1, 2, 3], [3, 1]);
    const e = await expectError(() => explain(b.build(), x1), 'UNSUPPORTED_OP');
    expect(e.message).toMatch(/unsupported op 'softmax' at node 'sm' in model 'mid-softmax'/);
    expect(e.message).toContain('final node');
  });

  it('a final softmax that was not removed gets an error that says how to remove it', async () => {
    const b = new GraphBuilder('raw-softmax', [3]);
    b.softmax(b.dense(b.input, [1, 2, 3, 4, 5, 6], [3, 2]), 'probs');
    const e = await expectError(() => explain(b.build(), x1), 'UNSUPPORTED_OP');
    expect(e.message).toMatch(
      /unsupported op 'softmax' at node 'probs' in model 'raw-softmax': the final softmax must be removed/,
    );
    expect(e.message).toContain('prepareGraph');
  });

  it('a final softmax is removed and said so', async () => {
    const f = mlp();
    expect(f.graph.removedSoftmax).toBeDefined();
    const e = await explain(f.graph, f.input, { methods: ['gradient'] });
    expect(e.removedSoftmax).toBe(f.graph.removedSoftmax);
  });
});

describe('input errors', () => {
  it('shape mismatch names the expected and the actual shape', async () => {
    const e = await expectError(
      () => explain(tiny(), { data: new Float64Array(4), shape: [1, 4] }),
      'SHAPE_MISMATCH',
    );
    expect(e).toBeInstanceOf(ShapeMismatchError);
    expect(e.message).toContain("model 'tiny-model'");
    expect(e.message).toContain('expected shape [N, 3], got [1, 4]');
    const e2 = await expectError(
      () => predict(tiny(), { data: new Float64Array(6), shape: [2, 3, 1] }),
      'SHAPE_MISMATCH',
    );
    expect(e2.message).toContain('got [2, 3, 1]');
  });

  it('data length that does not fit the shape', async () => {
    const e = await expectError(
      () => explain(tiny(), { data: new Float64Array(5), shape: [2, 3] }),
      'INVALID_INPUT',
    );
    expect(e.message).toContain('5 values for shape [2, 3]');
  });

  it('NaN and Inf in the input are refused, with no progress reported', async () => {
    for (const bad of [NaN, Infinity, -Infinity]) {
      let progress = 0;
      const data = Float64Array.from([1, 2, 3, 4, bad, 6]);
      const e = await expectError(
        () => explain(tiny(), { data, shape: [2, 3] }, { onProgress: () => progress++ }),
        'INVALID_INPUT',
      );
      expect(e.message).toContain(`value ${bad} at example 1, element 1`);
      expect(progress).toBe(0);
    }
  });

  it('NaN in an IG baseline is refused', async () => {
    const e = await expectError(
      () =>
        explain(tiny(), x1, {
          methods: ['integratedGradients'],
          integratedGradients: { baselines: { data: Float64Array.from([0, NaN, 0]), shape: [3] } },
        }),
      'INVALID_INPUT',
    );
    expect(e.message).toContain('IG baseline');
  });

  it('non-float input data', async () => {
    await expectError(
      () => explain(tiny(), { data: Int32Array.from([1, 2, 3]) as never, shape: [1, 3] }),
      'INVALID_INPUT',
    );
  });
});

describe('option errors', () => {
  it('target out of range', async () => {
    for (const target of [2, -1, 1.5]) {
      const e = await expectError(() => explain(tiny(), x1, { target }), 'TARGET_OUT_OF_RANGE');
      expect(e.message).toContain(`target class ${target} of example 0 is out of range`);
      expect(e.message).toContain('2 outputs (0..1)');
    }
    await expectError(
      () => explain(tiny(), x1, { target: { contrast: [0, 5] } }),
      'TARGET_OUT_OF_RANGE',
    );
  });

  it('invalid contrast and wrong number of targets', async () => {
    const e = await expectError(
      () => explain(tiny(), x1, { target: { contrast: [1, 1] } }),
      'INVALID_OPTION',
    );
    expect(e.message).toContain('compares class 1 with itself');
    const e2 = await expectError(() => explain(tiny(), x1, { target: [0, 1] }), 'INVALID_OPTION');
    expect(e2.message).toContain('2 targets for a batch of 1');
  });

  it('unknown rule, duplicate rule, unknown method', async () => {
    const e = await expectError(
      () => explain(tiny(), x1, { rules: ['bias.1' as never] }),
      'INVALID_OPTION',
    );
    expect(e.message).toContain("unknown BBp rule 'bias.1'");
    await expectError(() => explain(tiny(), x1, { rules: ['weight', 'weight'] }), 'INVALID_OPTION');
    const e3 = await expectError(
      () => explain(tiny(), x1, { methods: ['smoothGrad' as Method] }),
      'INVALID_OPTION',
    );
    expect(e3.message).toContain("unknown method 'smoothGrad'");
  });

  it('unknown bias layer and bad skipFirst', async () => {
    const e = await expectError(
      () => explain(tiny(), x1, { biasLayers: ['conv9'] }),
      'INVALID_OPTION',
    );
    expect(e.message).toContain(
      "bias layer 'conv9' is neither a layer nor a node of model 'tiny-model'",
    );
    await expectError(
      () => explain(tiny(), x1, { biasLayers: { skipFirst: -1 } }),
      'INVALID_OPTION',
    );
  });

  it('bad IG options', async () => {
    await expectError(
      () =>
        explain(tiny(), x1, {
          methods: ['integratedGradients'],
          integratedGradients: { steps: 0 },
        }),
      'INVALID_OPTION',
    );
    await expectError(
      () =>
        explain(tiny(), x1, {
          methods: ['integratedGradients'],
          integratedGradients: { stepsPerRun: 0 },
        }),
      'INVALID_OPTION',
    );
    await expectError(
      () =>
        explain(tiny(), x1, {
          methods: ['integratedGradients'],
          integratedGradients: { method: 'simpson' as never },
        }),
      'INVALID_OPTION',
    );
    await expectError(
      () =>
        explain(tiny(), x1, {
          methods: ['integratedGradients'],
          integratedGradients: { baselines: [] },
        }),
      'INVALID_OPTION',
    );
  });
});
