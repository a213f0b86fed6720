import * as tfl from '@tensorflow/tfjs-layers';
import type { ModelName } from '../src/zoo.js';

/** Layer sizes of the conv–BN–ReLU–maxpool ×2 → dense–ReLU → dense–softmax network. */
export interface ArchitectureSpec {
  readonly conv1Filters: number;
  readonly conv2Filters: number;
  readonly denseUnits: number;
}

/** The sizes used for each zoo model. */
export const ARCHITECTURES: Readonly<Record<ModelName, ArchitectureSpec>> = {
  mnist: { conv1Filters: 8, conv2Filters: 16, denseUnits: 64 },
  'fashion-mnist': { conv1Filters: 16, conv2Filters: 32, denseUnits: 64 },
};

/**
 * Builds the (uncompiled) zoo CNN with seeded initializers: He-normal conv/dense kernels,
 * Glorot-uniform output kernel, zero biases. Layer names are fixed so that the ONNX export
 * script can find the weights by name.
 *
 * @example
 * ```ts
 * const model = buildModel(ARCHITECTURES.mnist, 1234);
 * ```
 */
export function buildModel(spec: ArchitectureSpec, seed: number): tfl.Sequential {
  const he = (k: number) => tfl.initializers.heNormal({ seed: seed + k });
  const model = tfl.sequential({ name: 'zoo_cnn' });
  model.add(
    tfl.layers.conv2d({
      name: 'conv1',
      inputShape: [28, 28, 1],
      filters: spec.conv1Filters,
      kernelSize: 3,
      padding: 'same',
      kernelInitializer: he(1),
    }),
  );
  model.add(tfl.layers.batchNormalization({ name: 'bn1', axis: -1 }));
  model.add(tfl.layers.reLU({ name: 'relu1' }));
  model.add(tfl.layers.maxPooling2d({ name: 'pool1', poolSize: 2, strides: 2 }));
  model.add(
    tfl.layers.conv2d({
      name: 'conv2',
      filters: spec.conv2Filters,
      kernelSize: 3,
      padding: 'same',
      kernelInitializer: he(2),
    }),
  );
  model.add(tfl.layers.batchNormalization({ name: 'bn2', axis: -1 }));
  model.add(tfl.layers.reLU({ name: 'relu2' }));
  model.add(tfl.layers.maxPooling2d({ name: 'pool2', poolSize: 2, strides: 2 }));
  model.add(tfl.layers.flatten({ name: 'flatten' }));
  model.add(
    tfl.layers.dense({
      name: 'dense1',
      units: spec.denseUnits,
      activation: 'relu',
      kernelInitializer: he(3),
    }),
  );
  model.add(
    tfl.layers.dense({
      name: 'dense2',
      units: 10,
      activation: 'softmax',
      kernelInitializer: tfl.initializers.glorotUniform({ seed: seed + 4 }),
    }),
  );
  return model;
}
