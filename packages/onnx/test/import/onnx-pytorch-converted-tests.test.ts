// The official ONNX backend "pytorch-converted" tests (Debian package libonnx-testdata): single
// PyTorch modules exported by torch.onnx with PyTorch's own outputs, run through the importer on
// the float64 reference backend. Every test of the collection is either run or excluded here.
// They declare opset 6 (two MaxPool tests 12); the importer takes opsets 9–21, so opset-6 models
// are declared at 9, and each operator they use is listed below with why it means the same there.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decodeModel } from '../../src/index.js';
import { ONNX_TEST_DATA, describeOnnxTestSuite } from './onnx-backend-test-data.js';

const PYTORCH_DIR = `${ONNX_TEST_DATA}/pytorch-converted`;

const RUN: readonly string[] = [
  'test_AvgPool1d',
  'test_AvgPool1d_stride',
  'test_AvgPool2d',
  'test_AvgPool2d_stride',
  'test_BatchNorm1d_3d_input_eval',
  'test_BatchNorm2d_eval',
  'test_BatchNorm2d_momentum_eval',
  'test_BatchNorm3d_eval',
  'test_BatchNorm3d_momentum_eval',
  'test_Conv1d',
  'test_Conv1d_dilated',
  'test_Conv1d_groups',
  'test_Conv1d_pad1',
  'test_Conv1d_pad1size1',
  'test_Conv1d_pad2',
  'test_Conv1d_pad2size1',
  'test_Conv1d_stride',
  'test_Conv2d',
  'test_Conv2d_depthwise',
  'test_Conv2d_depthwise_padded',
  'test_Conv2d_depthwise_strided',
  'test_Conv2d_depthwise_with_multiplier',
  'test_Conv2d_dilated',
  'test_Conv2d_groups',
  'test_Conv2d_groups_thnn',
  'test_Conv2d_no_bias',
  'test_Conv2d_padding',
  'test_Conv2d_strided',
  'test_ELU',
  'test_LeakyReLU',
  'test_LeakyReLU_with_negval',
  'test_Linear',
  'test_Linear_no_bias',
  'test_LogSoftmax',
  'test_MaxPool1d',
  'test_MaxPool1d_stride',
  'test_MaxPool1d_stride_padding_dilation',
  'test_MaxPool2d',
  'test_MaxPool2d_stride_padding_dilation',
  'test_PReLU_1d',
  'test_PReLU_2d',
  'test_PReLU_3d',
  'test_PixelShuffle',
  'test_ReLU',
  'test_Sigmoid',
  'test_Softmax',
  'test_Softplus',
  'test_Tanh',
  'test_ZeroPad2d',
  'test_log_softmax_dim3',
  'test_log_softmax_lastdim',
  'test_softmax_functional_dim3',
  'test_softmax_lastdim',
];

const THREE_D = 'only 1-D and 2-D convolution and pooling are supported';
const PRELU_PER_CHANNEL =
  'PRelu-6 applies a [C] slope per channel; from PRelu-7 on it broadcasts from the last axis, so at opset 9 the model is invalid (refused)';

const EXCLUDED: Readonly<Record<string, string>> = {
  test_AvgPool3d: THREE_D,
  test_AvgPool3d_stride: THREE_D,
  test_AvgPool3d_stride1_pad0_gpu_input: THREE_D,
  test_Conv3d: THREE_D,
  test_Conv3d_dilated: THREE_D,
  test_Conv3d_dilated_strided: THREE_D,
  test_Conv3d_groups: THREE_D,
  test_Conv3d_no_bias: THREE_D,
  test_Conv3d_stride: THREE_D,
  test_Conv3d_stride_padding: THREE_D,
  test_MaxPool3d: THREE_D,
  test_MaxPool3d_stride: THREE_D,
  test_MaxPool3d_stride_padding: THREE_D,
  test_ConstantPad2d:
    'nonzero pad value 2: refused by design (only zero padding is linear with no constant term)',
  test_ReflectionPad2d: 'reflect padding is not supported (it reads the input)',
  test_ReplicationPad2d: 'edge padding is not supported (it reads the input)',
  test_ConvTranspose2d: 'ConvTranspose is not a supported op',
  test_ConvTranspose2d_no_bias: 'ConvTranspose is not a supported op',
  test_Embedding: 'integer input (an index lookup): biasprop explains float inputs',
  test_Embedding_sparse: 'integer input (an index lookup): biasprop explains float inputs',
  test_GLU: 'Split is not a supported op',
  test_GLU_dim: 'Split is not a supported op',
  test_PReLU_1d_multiparam: PRELU_PER_CHANNEL,
  test_PReLU_2d_multiparam: PRELU_PER_CHANNEL,
  test_PReLU_3d_multiparam: PRELU_PER_CHANNEL,
  test_PoissonNLLLLoss_no_reduce: 'a loss: Exp of the input is not a supported op',
  test_SELU: 'Selu is not a supported op',
  test_Softmin: 'Neg of the input (before the softmax) is not supported',
  test_Softsign: 'Abs of the input is not a supported op',
};

/** Why each operator of the run opset-6 models computes the same when the model says opset 9. */
const SAME_AT_OPSET_9: Readonly<Record<string, string>> = {
  AveragePool: 'AveragePool-7 only adds count_include_pad, whose default 0 is AveragePool-1',
  BatchNormalization:
    'BatchNormalization-6 with is_test = 1 is inference normalization, as in BatchNormalization-9 (7 dropped is_test, 9 spatial = 1)',
  Conv: 'Conv-1 is in force for opsets 1–10',
  Elu: 'Elu-6 is in force for opsets 6–21',
  Gemm: 'Gemm-6 with broadcast = 1 is what Gemm-7 and later compute (7 dropped the attribute)',
  LeakyRelu: 'LeakyRelu-6 is in force for opsets 6–15',
  LogSoftmax: 'LogSoftmax-1 is in force for opsets 1–10',
  MatMul: 'MatMul-9 only adds integer types',
  MaxPool: 'MaxPool-8 only adds the Indices output and storage_order (unused)',
  PRelu: 'PRelu-7 only changes how the slope broadcasts; a one-value slope is the same',
  Pad: 'Pad-2 is in force for opsets 2–10',
  Relu: 'Relu-6 is in force for opsets 6–12',
  Sigmoid: 'Sigmoid-6 is in force for opsets 6–12',
  Softmax: 'Softmax-1 is in force for opsets 1–10',
  Softplus: 'Softplus-1 is in force for opsets 1–21',
  Tanh: 'Tanh-6 is in force for opsets 6–12',
  Transpose: 'Transpose-1 is in force for opsets 1–12',
  Reshape: 'Reshape-5 is in force for opsets 5–12',
  Squeeze: 'Squeeze-1 is in force for opsets 1–10',
  Unsqueeze: 'Unsqueeze-1 is in force for opsets 1–10',
  Constant: 'Constant-9 only adds types',
};

function declaredOpset(test: string): { version: number; ops: string[] } {
  const m = decodeModel(readFileSync(`${PYTORCH_DIR}/${test}/model.onnx`));
  const version = Number(m.opset_import?.find((o) => !o.domain)?.version ?? 0);
  return { version, ops: (m.graph?.node ?? []).map((n) => n.op_type!) };
}

const opsetFor = (test: string): number | undefined =>
  declaredOpset(test).version < 9 ? 9 : undefined;

describe('pytorch-converted tests: the collection is accounted for', () => {
  it('every test of the collection is run or excluded', () => {
    expect(existsSync(PYTORCH_DIR), `${PYTORCH_DIR} is missing: install libonnx-testdata`).toBe(
      true,
    );
    const listed = new Set([...RUN, ...Object.keys(EXCLUDED)]);
    expect(readdirSync(PYTORCH_DIR).filter((t) => !listed.has(t))).toEqual([]);
  });

  it('every operator of a run model declared below opset 9 means the same at opset 9', () => {
    const unexplained = RUN.flatMap((t) => {
      const { version, ops } = declaredOpset(t);
      return version < 9 ? ops.filter((op) => !SAME_AT_OPSET_9[op]).map((op) => `${t}: ${op}`) : [];
    });
    expect(unexplained).toEqual([]);
  });
});

describeOnnxTestSuite({
  title: 'ONNX backend pytorch-converted tests (libonnx-testdata) through the importer',
  dir: PYTORCH_DIR,
  run: RUN,
  excluded: EXCLUDED,
  opsetFor,
});
