// Bad models get a clear error before anything is computed: the op type, node and model are named.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  BiaspropError,
  UnsupportedOpError,
  fromOnnxModel,
  loadOnnxGraph,
  supportedOnnxOps,
} from '../../src/index.js';
import { OnnxTestModel, f } from './onnx-test-model.js';

function model(
  build: (m: OnnxTestModel, x: string) => string,
  dims: (number | string)[] = ['N', 4],
  opset = 17,
  name = 'bad-model',
): Uint8Array {
  const m = new OnnxTestModel(name, opset);
  const x = m.input('x', dims);
  m.output(build(m, x));
  return m.bytes();
}

function refusal(bytes: Uint8Array): Error {
  try {
    fromOnnxModel(bytes);
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected the import to fail');
}

describe('unsupported ops', () => {
  it('names the op type, the node and the model', () => {
    const bytes = model(
      (m, x) => m.node('Erf', [m.node('Gemm', [x, m.weight([4, 3])])], {}, 1, 'encoder/erf_3'),
      ['N', 4],
      17,
      'bert',
    );
    const e = refusal(bytes);
    expect(e).toBeInstanceOf(UnsupportedOpError);
    expect(e.message).toBe("unsupported op 'Erf' at node 'encoder/erf_3' in model 'bert'");
    expect((e as UnsupportedOpError).opType).toBe('Erf');
    expect((e as UnsupportedOpError).nodeName).toBe('encoder/erf_3');
  });

  it('is reported before any node is mapped, even after supported ops', () => {
    const bytes = model((m, x) => {
      const bad = m.node('Mul', [x, x], {}, 1, 'square'); // would be refused when mapped
      return m.node('Erf', [bad], {}, 1, 'erf');
    });
    expect(refusal(bytes).message).toContain("'Erf' at node 'erf'");
  });

  it('names the domain of a non-default-domain op', () => {
    const m = new OnnxTestModel('ms', 17);
    const x = m.input('x', ['N', 4]);
    m.output(m.node('Gelu', [x], {}, 1, 'gelu'));
    m.last().domain = 'com.microsoft';
    expect(refusal(m.bytes()).message).toContain("'com.microsoft.Gelu' at node 'gelu'");
  });

  it('lists what it supports', () => {
    expect(supportedOnnxOps()).toEqual(
      expect.arrayContaining([
        'Conv',
        'Gemm',
        'MatMul',
        'BatchNormalization',
        'Shape',
        'Gather',
        'Softmax',
      ]),
    );
  });
});

describe('non-linearizable and batch-axis ops', () => {
  const cases: [string, Uint8Array, RegExp][] = [
    [
      'Mul of two tensors',
      model((m, x) => m.node('Mul', [m.node('Relu', [x]), x], {}, 1, 'gate')),
      /'Mul' at node 'gate'.*not linearizable/,
    ],
    [
      'Div of two tensors',
      model((m, x) => m.node('Div', [x, m.node('Sigmoid', [x])], {}, 1, 'ratio')),
      /'Div' at node 'ratio'.*not linearizable/,
    ],
    [
      'constant divided by a tensor',
      model((m, x) => m.node('Div', [m.weight([4]), x], {}, 1, 'inv')),
      /'Div' at node 'inv'.*not linearizable/,
    ],
    [
      'Add with broadcasting between tensors',
      model((m, x) => m.node('Add', [x, m.node('Gemm', [x, m.weight([4, 1])])], {}, 1, 'bc')),
      /broadcasting/,
    ],
    [
      'Flatten axis 0',
      model((m, x) => m.node('Flatten', [x], { axis: 0 }, 1, 'fl'), ['N', 2, 2]),
      /'Flatten' at node 'fl'.*batch axis/,
    ],
    [
      'Transpose moving axis 0',
      model((m, x) => m.node('Transpose', [x], { perm: [1, 0, 2] }, 1, 'tr'), ['N', 2, 2]),
      /'Transpose' at node 'tr'.*moves the batch axis/,
    ],
    [
      'Concat on axis 0',
      model((m, x) => m.node('Concat', [x, m.node('Relu', [x])], { axis: 0 }, 1, 'cat')),
      /'Concat' at node 'cat'.*axis 0/,
    ],
    [
      'Reshape merging the batch',
      model((m, x) => m.node('Reshape', [x, m.ints([-1])], {}, 1, 'rs'), ['N', 2, 2]),
      /'Reshape' at node 'rs'.*batch axis/,
    ],
    [
      'Reshape to a different batch',
      model((m, x) => m.node('Reshape', [x, m.ints([-1, 2])], {}, 1, 'rs2'), ['N', 2, 2]),
      /does not keep the batch axis/,
    ],
    [
      'Squeeze of axis 0',
      model((m, x) => m.node('Squeeze', [x, m.ints([0])], {}, 1, 'sq'), [1, 4]),
      /removes the batch axis/,
    ],
    [
      'Unsqueeze at axis 0',
      model((m, x) => m.node('Unsqueeze', [x, m.ints([0])], {}, 1, 'us')),
      /before the batch axis/,
    ],
    [
      'Pad on axis 0',
      model((m, x) => m.node('Pad', [x, m.ints([1, 0, 0, 0])], {}, 1, 'pb')),
      /padding the batch axis/,
    ],
    [
      'Pad with a nonzero value',
      model((m, x) => m.node('Pad', [x, m.ints([0, 1, 0, 1]), m.weight([], [0.5])], {}, 1, 'p1')),
      /'Pad' at node 'p1'.*nonzero value 0.5/,
    ],
    [
      'Pad reflect',
      model((m, x) => m.node('Pad', [x, m.ints([0, 1, 0, 1])], { mode: 'reflect' }, 1, 'p2')),
      /mode 'reflect'/,
    ],
    [
      'MaxPool Indices output',
      (() => {
        const m = new OnnxTestModel('bad-model', 17);
        const x = m.input('x', ['N', 1, 4, 4]);
        m.output(m.node('MaxPool', [x], { kernel_shape: [2, 2] }, 2, 'mp'));
        return m.bytes();
      })(),
      /'MaxPool' at node 'mp'.*Indices/,
    ],
    [
      'MaxPool storage_order',
      model(
        (m, x) => m.node('MaxPool', [x], { kernel_shape: [2, 2], storage_order: 1 }, 1, 'mp'),
        ['N', 1, 4, 4],
      ),
      /storage_order = 1/,
    ],
    [
      'BatchNormalization training_mode',
      model((m, x) =>
        m.node(
          'BatchNormalization',
          [x, m.weight([4]), m.weight([4]), m.weight([4]), m.weight([4], [1, 1, 1, 1])],
          { training_mode: 1 },
          1,
          'bn',
        ),
      ),
      /training_mode/,
    ],
    [
      'Gemm with a dynamic B',
      model((m, x) =>
        m.node('Gemm', [m.weight([3, 4]), m.node('Transpose', [x], { perm: [0, 1] })], {}, 1, 'g'),
      ),
      /second operand/,
    ],
    [
      'Gather on the input',
      model((m, x) => m.node('Gather', [x, m.ints([0], [])], { axis: 1 }, 1, 'ga')),
      /'Gather' at node 'ga'.*only supported on constants/,
    ],
    [
      'Softmax over axis 1 of [N, C, K]',
      model((m, x) => m.node('Softmax', [x], { axis: 1 }, 1, 'sm'), ['N', 2, 3]),
      /only the last axis/,
    ],
    [
      'Clip with min = max',
      model((m, x) => m.node('Clip', [x], { min: f(1), max: f(1) }, 1, 'c'), ['N', 4], 9),
      /Clip with min=1/,
    ],
  ];
  for (const [what, bytes, pattern] of cases) {
    it(what, () => {
      const e = refusal(bytes);
      expect(e).toBeInstanceOf(UnsupportedOpError);
      expect(e.message).toMatch(pattern);
      expect(e.message).toContain("in model 'bad-model'");
    });
  }
});

describe('graph-level errors', () => {
  it('a second graph input', () => {
    const m = new OnnxTestModel('two-inputs', 17);
    const x = m.input('x', ['N', 4]);
    const y = m.input('y', ['N', 4]);
    m.output(m.node('Add', [x, y]));
    const e = refusal(m.bytes());
    expect(e).toBeInstanceOf(BiaspropError);
    expect(e.message).toBe(
      "model 'two-inputs': the graph has 2 inputs ('x', 'y') that are not initializers; biasprop explains models with exactly one input",
    );
  });

  it('initializers that are also graph inputs are constants, not inputs', () => {
    const m = new OnnxTestModel('init-inputs', 11);
    const x = m.input('x', ['N', 4]);
    const w = m.weight([4, 2]);
    m.input(w, [4, 2]);
    m.output(m.node('MatMul', [x, w]));
    expect(fromOnnxModel(m.bytes()).nodes.map((n) => n.op)).toEqual(['dense']);
  });

  it('two graph outputs', () => {
    const m = new OnnxTestModel('two-outputs', 17);
    const x = m.input('x', ['N', 4]);
    m.output(m.node('Relu', [x]));
    m.output(m.node('Tanh', [x]));
    expect(refusal(m.bytes()).message).toMatch(
      /2 outputs \('relu_0', 'tanh_1'\).*exactly one output/,
    );
  });

  it('an output that does not depend on the input', () => {
    const m = new OnnxTestModel('const-out', 17);
    m.input('x', ['N', 4]);
    m.output(m.node('Identity', [m.weight([3])]));
    expect(refusal(m.bytes()).message).toMatch(/does not depend on the input/);
  });

  it('shape arithmetic that scales the batch size cannot be folded', () => {
    const bytes = model(
      (m, x) => {
        const n = m.node('Gather', [m.node('Shape', [x]), m.ints([0])], { axis: 0 });
        const twice = m.node('Mul', [n, m.ints([2])], {}, 1, 'double_batch');
        return m.node('Reshape', [x, m.node('Concat', [twice, m.ints([-1])], { axis: 0 })]);
      },
      ['N', 4],
    );
    const e = refusal(bytes);
    expect(e).toBeInstanceOf(BiaspropError);
    expect(e.message).toMatch(
      /node 'double_batch' \(Mul\): cannot evaluate this constant node at import time: Mul of the batch size/,
    );
  });

  it('an opset outside 9–21', () => {
    expect(refusal(model((m, x) => m.node('Relu', [x]), ['N', 4], 8)).message).toMatch(
      /opset 8 is outside the supported range 9–21/,
    );
    expect(refusal(model((m, x) => m.node('Relu', [x]), ['N', 4], 22)).message).toMatch(
      /opset 22 is outside/,
    );
  });

  it('symbolic per-example dimensions need inputShape', () => {
    const bytes = model((m, x) => m.node('Relu', [x]), ['N', 'features']);
    expect(refusal(bytes).message).toMatch(/unknown dimensions; pass inputShape/);
    expect(fromOnnxModel(bytes, { inputShape: [5] }).input.shape).toEqual([5]);
    expect(() =>
      fromOnnxModel(
        model((m, x) => m.node('Relu', [x]), ['N', 4]),
        { inputShape: [5] },
      ),
    ).toThrow(/disagrees/);
  });

  it('weights kept in an external file', () => {
    const m = new OnnxTestModel('external', 17);
    const x = m.input('x', ['N', 4]);
    m.initializer({
      name: 'W',
      dims: [4, 2],
      data_type: 1,
      ...{ data_location: 1, external_data: [{ key: 'location', value: 'w.bin' }] },
    });
    m.output(m.node('MatMul', [x, 'W']));
    expect(refusal(m.bytes()).message).toMatch(/external file/);
  });

  it('bad bytes', () => {
    for (const bytes of [
      new Uint8Array(0),
      new TextEncoder().encode('this is not an onnx model at all'),
      Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0xff, 0xff]),
    ]) {
      const e = refusal(bytes);
      expect(e).toBeInstanceOf(BiaspropError);
      expect(e.message).toMatch(
        /^model 'onnx-model': the bytes (are not an ONNX ModelProto|decode to no ONNX graph)/,
      );
    }
    const real = readFileSync(new URL('../../fixtures/residual.bn.onnx', import.meta.url));
    expect(() => fromOnnxModel(real.subarray(0, real.length - 100), { name: 'cut.onnx' })).toThrow(
      /model 'cut.onnx'/,
    );
  });
});

describe('loadOnnxGraph sources', () => {
  const fixture = new URL('../../fixtures/depthwise_relu6.folded.onnx', import.meta.url);
  const bytes = readFileSync(fixture);

  it('reads bytes, an ArrayBuffer, a path, a file URL and an http URL alike', async () => {
    const fromBytes = await loadOnnxGraph(new Uint8Array(bytes), { name: 'dw' });
    const ab = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
    const fromBuffer = await loadOnnxGraph(ab, { name: 'dw' });
    const dir = mkdtempSync(join(tmpdir(), 'biasprop-onnx-'));
    const file = join(dir, 'dw.onnx');
    writeFileSync(file, bytes);
    const fromPath = await loadOnnxGraph(file);
    const fromFileUrl = await loadOnnxGraph(pathToFileURL(file));
    const server = createServer((req, res) => {
      if (req.url === '/models/dw.onnx') res.end(bytes);
      else res.writeHead(404).end();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as AddressInfo).port;
    try {
      const fromHttp = await loadOnnxGraph(`http://127.0.0.1:${port}/models/dw.onnx`);
      expect(fromPath.name).toBe('dw.onnx');
      expect(fromHttp.name).toBe('dw.onnx');
      for (const g of [fromBuffer, fromPath, fromFileUrl, fromHttp]) {
        expect(g.nodes.map((n) => n.name)).toEqual(fromBytes.nodes.map((n) => n.name));
      }
      await expect(loadOnnxGraph(`http://127.0.0.1:${port}/missing.onnx`)).rejects.toThrow(
        /could not fetch ONNX model .*HTTP 404/,
      );
    } finally {
      server.close();
    }
  });

  it('a missing file', async () => {
    await expect(loadOnnxGraph('/nonexistent/model.onnx')).rejects.toThrow(
      /could not read ONNX model file '\/nonexistent\/model.onnx'/,
    );
  });
});
