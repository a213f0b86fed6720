import * as tfl from '@tensorflow/tfjs-layers';

/** LeNet-5-sized CNN on 28×28×1 (conv 5×5, max pools, three dense layers). */
export function lenet(): tfl.LayersModel {
  return tfl.sequential({
    name: 'lenet',
    layers: [
      tfl.layers.conv2d({
        inputShape: [28, 28, 1],
        filters: 6,
        kernelSize: 5,
        padding: 'same',
        activation: 'relu',
      }),
      tfl.layers.maxPooling2d({ poolSize: 2 }),
      tfl.layers.conv2d({ filters: 16, kernelSize: 5, activation: 'relu' }),
      tfl.layers.maxPooling2d({ poolSize: 2 }),
      tfl.layers.flatten(),
      tfl.layers.dense({ units: 120, activation: 'relu' }),
      tfl.layers.dense({ units: 84, activation: 'relu' }),
      tfl.layers.dense({ units: 10, activation: 'softmax' }),
    ],
  });
}

function convBn(
  x: tfl.SymbolicTensor,
  filters: number,
  kernel: number,
  strides: number,
  relu6: boolean,
): tfl.SymbolicTensor {
  let h = tfl.layers
    .conv2d({ filters, kernelSize: kernel, strides, padding: 'same', useBias: false })
    .apply(x) as tfl.SymbolicTensor;
  h = tfl.layers.batchNormalization().apply(h) as tfl.SymbolicTensor;
  return relu6 ? (tfl.layers.reLU({ maxValue: 6 }).apply(h) as tfl.SymbolicTensor) : h;
}

/**
 * MobileNetV2 (width 1.0: inverted residual blocks with BN, ReLU6, depthwise convs and residual
 * adds; 3.5 M parameters) at `size`×`size`×3, random weights.
 */
export function mobilenetV2(size: number): tfl.LayersModel {
  const input = tfl.input({ shape: [size, size, 3] });
  let x = convBn(input, 32, 3, 2, true);
  let channels = 32;
  const blocks: [number, number, number, number][] = [
    [1, 16, 1, 1],
    [6, 24, 2, 2],
    [6, 32, 3, 2],
    [6, 64, 4, 2],
    [6, 96, 3, 1],
    [6, 160, 3, 2],
    [6, 320, 1, 1],
  ];
  for (const [t, c, n, s] of blocks) {
    for (let i = 0; i < n; i++) {
      const stride = i === 0 ? s : 1;
      let h = t === 1 ? x : convBn(x, channels * t, 1, 1, true);
      h = tfl.layers
        .depthwiseConv2d({ kernelSize: 3, strides: stride, padding: 'same', useBias: false })
        .apply(h) as tfl.SymbolicTensor;
      h = tfl.layers.batchNormalization().apply(h) as tfl.SymbolicTensor;
      h = tfl.layers.reLU({ maxValue: 6 }).apply(h) as tfl.SymbolicTensor;
      h = convBn(h, c, 1, 1, false);
      x =
        stride === 1 && channels === c ? (tfl.layers.add().apply([x, h]) as tfl.SymbolicTensor) : h;
      channels = c;
    }
  }
  x = convBn(x, 1280, 1, 1, true);
  x = tfl.layers.globalAveragePooling2d({}).apply(x) as tfl.SymbolicTensor;
  const out = tfl.layers
    .dense({ units: 1000, activation: 'softmax' })
    .apply(x) as tfl.SymbolicTensor;
  return tfl.model({ inputs: input, outputs: out, name: `mobilenet_v2_${size}` });
}
