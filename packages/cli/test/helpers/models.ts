// Tiny models in every format the CLI reads, written into a temp directory by the tests.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { ModelProto, NodeProto, TensorProto, ValueInfoProto } from '@biasprop/onnx';
import { AttributeType, TensorDataType, encodeModel } from '@biasprop/onnx';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as tfl from '@tensorflow/tfjs-layers';

tf.env().set('PROD', true); // no console banner

/** Deterministic values in [-scale, scale), float32-rounded. */
export function seeded(n: number, seed: number, scale = 1): number[] {
  let s = seed >>> 0 || 1;
  return Array.from({ length: n }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return Math.fround((s / 2 ** 32 - 0.5) * 2 * scale);
  });
}

/** Image side of the tiny CNNs. */
export const SIDE = 8;
/** Classes of the tiny models. */
export const CLASSES = 4;

const CONV_W = seeded(3 * 1 * 3 * 3, 11, 0.6); // OIHW [3,1,3,3]
const CONV_B = seeded(3, 12, 0.2);
const DENSE_IN = 3 * (SIDE / 2) * (SIDE / 2);
const DENSE_W = seeded(DENSE_IN * CLASSES, 13, 0.4); // [in, out]
const DENSE_B = seeded(CLASSES, 14, 0.3);

function floatTensor(name: string, dims: number[], data: readonly number[]): TensorProto {
  return {
    name,
    dims,
    data_type: TensorDataType.FLOAT,
    raw_data: new Uint8Array(new Float32Array(data).buffer),
  };
}

function valueInfo(name: string, dims: (number | string)[]): ValueInfoProto {
  return {
    name,
    type: {
      tensor_type: {
        elem_type: TensorDataType.FLOAT,
        shape: {
          dim: dims.map((d) => (typeof d === 'number' ? { dim_value: d } : { dim_param: d })),
        },
      },
    },
  };
}

function ints(name: string, v: number[]) {
  return { name, type: AttributeType.INTS, ints: v };
}

/**
 * A tiny ONNX CNN (NCHW [N,1,8,8]): Conv 3×3 pad 1 → Relu → MaxPool 2 → Flatten → Gemm → Softmax.
 * `extraOp` appends an op the importer does not support (for the error tests).
 */
export function tinyOnnx(path: string, options: { unsupportedOp?: string } = {}): string {
  const nodes: NodeProto[] = [
    {
      op_type: 'Conv',
      name: 'conv1',
      input: ['x', 'conv1.w', 'conv1.b'],
      output: ['c1'],
      attribute: [ints('pads', [1, 1, 1, 1]), ints('kernel_shape', [3, 3])],
    },
    { op_type: 'Relu', name: 'relu1', input: ['c1'], output: ['r1'] },
    {
      op_type: 'MaxPool',
      name: 'pool1',
      input: ['r1'],
      output: ['p1'],
      attribute: [ints('kernel_shape', [2, 2]), ints('strides', [2, 2])],
    },
    {
      op_type: 'Flatten',
      name: 'flatten',
      input: ['p1'],
      output: ['f1'],
      attribute: [{ name: 'axis', type: AttributeType.INT, i: 1 }],
    },
    { op_type: 'Gemm', name: 'fc', input: ['f1', 'fc.w', 'fc.b'], output: ['logits'] },
  ];
  let last = 'logits';
  if (options.unsupportedOp) {
    nodes.push({
      op_type: options.unsupportedOp,
      name: 'weird',
      input: ['logits'],
      output: ['weird_out'],
    });
    last = 'weird_out';
  }
  nodes.push({
    op_type: 'Softmax',
    name: 'probs',
    input: [last],
    output: ['probs'],
    attribute: [{ name: 'axis', type: AttributeType.INT, i: 1 }],
  });
  const model: ModelProto = {
    ir_version: 8,
    opset_import: [{ domain: '', version: 17 }],
    producer_name: 'biasprop-cli-tests',
    graph: {
      name: 'tiny_cnn',
      node: nodes,
      initializer: [
        floatTensor('conv1.w', [3, 1, 3, 3], CONV_W),
        floatTensor('conv1.b', [3], CONV_B),
        floatTensor('fc.w', [DENSE_IN, CLASSES], DENSE_W),
        floatTensor('fc.b', [CLASSES], DENSE_B),
      ],
      input: [valueInfo('x', ['N', 1, SIDE, SIDE])],
      output: [valueInfo('probs', ['N', CLASSES])],
    },
  };
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, encodeModel(model));
  return path;
}

/** A tiny tfjs LayersModel (NHWC [N,8,8,1]) with the same kind of layers, saved as model.json + weights.bin. */
export async function tinyLayersModel(path: string): Promise<string> {
  await tf.setBackend('cpu');
  const model = tfl.sequential({
    name: 'tiny_tfjs',
    layers: [
      tfl.layers.conv2d({
        inputShape: [SIDE, SIDE, 1],
        filters: 3,
        kernelSize: 3,
        padding: 'same',
        activation: 'relu',
        name: 'conv1',
      }),
      tfl.layers.maxPooling2d({ poolSize: 2, name: 'pool1' }),
      tfl.layers.flatten({ name: 'flatten' }),
      tfl.layers.dense({ units: CLASSES, activation: 'softmax', name: 'fc' }),
    ],
  });
  // Deterministic weights: HWIO conv kernel, [in, out] dense kernel.
  const [k, b, dk, db] = model.getWeights();
  model.setWeights([
    tf.tensor(seeded(k!.size, 21, 0.6), k!.shape),
    tf.tensor(seeded(b!.size, 22, 0.2), b!.shape),
    tf.tensor(seeded(dk!.size, 23, 0.4), dk!.shape),
    tf.tensor(seeded(db!.size, 24, 0.3), db!.shape),
  ]);
  const dir = dirname(path);
  mkdirSync(dir, { recursive: true });
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      const weightData =
        artifacts.weightData === undefined
          ? new ArrayBuffer(0)
          : tf.io.CompositeArrayBuffer.join(artifacts.weightData);
      writeFileSync(
        path,
        JSON.stringify({
          modelTopology: artifacts.modelTopology,
          format: 'layers-model',
          generatedBy: 'biasprop-cli-tests',
          convertedBy: null,
          weightsManifest: [{ paths: ['weights.bin'], weights: artifacts.weightSpecs ?? [] }],
        }),
      );
      writeFileSync(join(dir, 'weights.bin'), new Uint8Array(weightData));
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  model.dispose();
  return path;
}

/** A tiny biasprop IR JSON model: dense(6→5) → relu → dense(5→3) → softmax on a vector of 6. */
export function tinyIrJson(path: string): string {
  const spec = {
    format: 'biasprop-ir',
    name: 'tiny_ir',
    input: { name: 'x', shape: [6] },
    nodes: [
      {
        name: 'fc1',
        op: 'dense',
        inputs: ['x'],
        params: {
          weight: { shape: [6, 5], data: seeded(30, 31, 0.7) },
          bias: { shape: [5], data: seeded(5, 32, 0.3) },
        },
      },
      { name: 'relu1', op: 'relu', inputs: ['fc1'] },
      {
        name: 'fc2',
        op: 'dense',
        inputs: ['relu1'],
        params: {
          weight: { shape: [5, 3], data: seeded(15, 33, 0.7) },
          bias: { shape: [3], data: seeded(3, 34, 0.3) },
        },
      },
      { name: 'probs', op: 'softmax', inputs: ['fc2'] },
    ],
  };
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, JSON.stringify(spec));
  return path;
}
