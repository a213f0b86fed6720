// Writes a small MNIST-shaped ONNX network (seeded weights, not trained) and a few synthetic
// 28×28 digit PNGs: the fallback of scripts/explain.sh while the model zoo has no trained model.
// Usage: tsx --conditions=@biasprop/source packages/cli/scripts/make-demo-model.ts <dir>
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { NodeProto, TensorProto } from '@biasprop/onnx';
import { AttributeType, TensorDataType, encodeModel } from '@biasprop/onnx';
import { PNG } from 'pngjs';

const dir = process.argv[2] ?? 'demo-model';
let state = 1234;
const rand = (scale: number) => {
  state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
  return (state / 2 ** 32 - 0.5) * 2 * scale;
};
const values = (n: number, scale: number) => Array.from({ length: n }, () => rand(scale));
const tensor = (name: string, dims: number[], data: number[]): TensorProto => ({
  name,
  dims,
  data_type: TensorDataType.FLOAT,
  raw_data: new Uint8Array(new Float32Array(data).buffer),
});
const ints = (name: string, v: number[]) => ({ name, type: AttributeType.INTS, ints: v });
const node = (
  op_type: string,
  name: string,
  input: string[],
  attribute = [] as NodeProto['attribute'],
): NodeProto => ({
  op_type,
  name,
  input,
  output: [name],
  attribute,
});

const nodes: NodeProto[] = [
  node(
    'Conv',
    'conv1',
    ['x', 'conv1.w', 'conv1.b'],
    [ints('kernel_shape', [3, 3]), ints('pads', [1, 1, 1, 1])],
  ),
  node('Relu', 'relu1', ['conv1']),
  node('MaxPool', 'pool1', ['relu1'], [ints('kernel_shape', [2, 2]), ints('strides', [2, 2])]),
  node(
    'Conv',
    'conv2',
    ['pool1', 'conv2.w', 'conv2.b'],
    [ints('kernel_shape', [3, 3]), ints('pads', [1, 1, 1, 1])],
  ),
  node('Relu', 'relu2', ['conv2']),
  node('MaxPool', 'pool2', ['relu2'], [ints('kernel_shape', [2, 2]), ints('strides', [2, 2])]),
  node('Flatten', 'flatten', ['pool2'], [{ name: 'axis', type: AttributeType.INT, i: 1 }]),
  node('Gemm', 'dense1', ['flatten', 'dense1.w', 'dense1.b']),
  node('Relu', 'relu3', ['dense1']),
  node('Gemm', 'dense2', ['relu3', 'dense2.w', 'dense2.b']),
  node('Softmax', 'probs', ['dense2'], [{ name: 'axis', type: AttributeType.INT, i: 1 }]),
];
const dim = (d: number | string) => (typeof d === 'number' ? { dim_value: d } : { dim_param: d });
const model = encodeModel({
  ir_version: 8,
  opset_import: [{ domain: '', version: 17 }],
  producer_name: 'biasprop-demo',
  graph: {
    name: 'demo_mnist_untrained',
    node: nodes,
    initializer: [
      tensor('conv1.w', [8, 1, 3, 3], values(72, 0.5)),
      tensor('conv1.b', [8], values(8, 0.05)),
      tensor('conv2.w', [16, 8, 3, 3], values(1152, 0.2)),
      tensor('conv2.b', [16], values(16, 0.05)),
      tensor('dense1.w', [784, 32], values(784 * 32, 0.08)),
      tensor('dense1.b', [32], values(32, 0.05)),
      tensor('dense2.w', [32, 10], values(320, 0.3)),
      tensor('dense2.b', [10], values(10, 0.05)),
    ],
    input: [
      {
        name: 'x',
        type: {
          tensor_type: {
            elem_type: TensorDataType.FLOAT,
            shape: { dim: ['N', 1, 28, 28].map(dim) },
          },
        },
      },
    ],
    output: [
      {
        name: 'probs',
        type: {
          tensor_type: { elem_type: TensorDataType.FLOAT, shape: { dim: ['N', 10].map(dim) } },
        },
      },
    ],
  },
});
mkdirSync(join(dir, 'samples'), { recursive: true });
writeFileSync(join(dir, 'model.onnx'), model);

// Synthetic digits: strokes drawn as thick polylines on a black 28×28 canvas.
const STROKES: Record<string, [number, number][]> = {
  '0': [
    [14, 5],
    [20, 9],
    [20, 19],
    [14, 23],
    [8, 19],
    [8, 9],
    [14, 5],
  ],
  '1': [
    [11, 8],
    [15, 5],
    [15, 23],
  ],
  '4': [
    [17, 23],
    [17, 5],
    [8, 17],
    [21, 17],
  ],
  '7': [
    [8, 6],
    [20, 6],
    [12, 23],
  ],
};
for (const [digit, points] of Object.entries(STROKES)) {
  const png = new PNG({ width: 28, height: 28 });
  for (let i = 0; i < 28 * 28; i++) png.data.set([0, 0, 0, 255], 4 * i);
  for (let k = 0; k + 1 < points.length; k++) {
    const [x0, y0] = points[k]!;
    const [x1, y1] = points[k + 1]!;
    for (let s = 0; s <= 64; s++) {
      const x = x0 + ((x1 - x0) * s) / 64;
      const y = y0 + ((y1 - y0) * s) / 64;
      for (let dy = -1; dy <= 1; dy++) {
        for (let dx = -1; dx <= 1; dx++) {
          const px = Math.round(x + dx);
          const py = Math.round(y + dy);
          if (px >= 0 && py >= 0 && px < 28 && py < 28)
            png.data.set([255, 255, 255], 4 * (py * 28 + px));
        }
      }
    }
  }
  writeFileSync(join(dir, 'samples', `digit${digit}.png`), PNG.sync.write(png, { colorType: 0 }));
}
console.log(
  `wrote ${join(dir, 'model.onnx')} and ${Object.keys(STROKES).length} samples (an untrained demo network)`,
);
