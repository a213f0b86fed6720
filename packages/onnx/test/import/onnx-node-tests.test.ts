// The official ONNX backend node tests (Debian package libonnx-testdata) run through the importer
// on the float64 reference backend, against their expected outputs. Node tests feed weights as
// graph inputs: every input after the first becomes an initializer holding its .pb data (the
// importer treats initializers that are also graph inputs as constants).
import type { IRGraph } from '../../src/index.js';
import { BiaspropError } from '../../src/index.js';
import { ONNX_TEST_DATA, describeOnnxTestSuite } from './onnx-backend-test-data.js';

const NODE_DIR = `${ONNX_TEST_DATA}/node`;

/** Rank-1 node tests get past the importer only when a caller forces a shape; nothing else to check. */
function validateInput(graph: IRGraph): void {
  if (graph.input.shape.length === 0)
    throw new BiaspropError('INVALID_INPUT', `model '${graph.name}': no per-example axes`);
}

/** Node tests run, one per supported op feature. */
const RUN: readonly string[] = [
  // Gemm
  'test_gemm_alpha',
  'test_gemm_beta',
  'test_gemm_default_no_bias',
  'test_gemm_default_scalar_bias',
  'test_gemm_default_single_elem_vector_bias',
  'test_gemm_default_vector_bias',
  'test_gemm_default_zero_bias',
  'test_gemm_transposeB',
  // MatMul
  'test_matmul_2d',
  // Conv
  'test_basic_conv_with_padding',
  'test_basic_conv_without_padding',
  'test_conv_with_autopad_same',
  'test_conv_with_strides_and_asymmetric_padding',
  'test_conv_with_strides_no_padding',
  'test_conv_with_strides_padding',
  // BatchNormalization
  'test_batchnorm_epsilon',
  'test_batchnorm_example',
  // Activations
  'test_relu',
  'test_leakyrelu',
  'test_leakyrelu_default',
  'test_prelu_broadcast',
  'test_clip',
  'test_clip_default_max',
  'test_clip_default_min',
  'test_sigmoid',
  'test_tanh',
  'test_softplus',
  'test_elu',
  'test_elu_default',
  // MaxPool
  'test_maxpool_2d_ceil',
  'test_maxpool_2d_default',
  'test_maxpool_2d_dilations',
  'test_maxpool_2d_pads',
  'test_maxpool_2d_precomputed_pads',
  'test_maxpool_2d_precomputed_same_upper',
  'test_maxpool_2d_precomputed_strides',
  'test_maxpool_2d_same_lower',
  'test_maxpool_2d_same_upper',
  'test_maxpool_2d_strides',
  'test_maxpool_1d_default',
  // AveragePool
  'test_averagepool_1d_default',
  'test_averagepool_2d_ceil',
  'test_averagepool_2d_default',
  'test_averagepool_2d_pads',
  'test_averagepool_2d_pads_count_include_pad',
  'test_averagepool_2d_precomputed_pads',
  'test_averagepool_2d_precomputed_pads_count_include_pad',
  'test_averagepool_2d_precomputed_same_upper',
  'test_averagepool_2d_precomputed_strides',
  'test_averagepool_2d_same_lower',
  'test_averagepool_2d_same_upper',
  'test_averagepool_2d_strides',
  // Global pooling
  'test_globalaveragepool',
  'test_globalaveragepool_precomputed',
  'test_globalmaxpool',
  'test_globalmaxpool_precomputed',
  // Flatten, Reshape, Transpose, Squeeze, Unsqueeze
  'test_flatten_axis1',
  'test_flatten_default_axis',
  'test_flatten_negative_axis3',
  'test_reshape_extended_dims',
  'test_reshape_negative_dim',
  'test_reshape_reduced_dims',
  'test_reshape_reordered_last_dims',
  'test_reshape_zero_and_negative_dim',
  'test_reshape_zero_dim',
  'test_transpose_all_permutations_0',
  'test_transpose_all_permutations_1',
  'test_squeeze_negative_axes',
  'test_unsqueeze_axis_1',
  'test_unsqueeze_axis_2',
  'test_unsqueeze_axis_3',
  'test_unsqueeze_negative_axes',
  'test_unsqueeze_three_axes',
  'test_unsqueeze_two_axes',
  'test_unsqueeze_unsorted_axes',
  // Add / Sub / Mul / Div by a constant
  'test_add_bcast',
  'test_sub_bcast',
  'test_mul_bcast',
  'test_div_bcast',
  // Identity, Dropout, Cast
  'test_identity',
  'test_dropout_default',
  'test_dropout_default_ratio',
  'test_dropout_random_old',
  'test_cast_FLOAT_to_DOUBLE',
  'test_cast_DOUBLE_to_FLOAT',
  'test_cast_FLOAT16_to_FLOAT',
  'test_cast_FLOAT16_to_DOUBLE',
  // Softmax / LogSoftmax over the last axis
  'test_softmax_axis_2',
  'test_softmax_default_axis',
  'test_softmax_example',
  'test_softmax_large_number',
  'test_softmax_negative_axis',
  'test_logsoftmax_axis_2',
  'test_logsoftmax_default_axis',
  'test_logsoftmax_example_1',
  'test_logsoftmax_large_number',
  'test_logsoftmax_negative_axis',
];

/**
 * Tests whose model declares an opset below 9 for an op whose definition is unchanged up to opset
 * 21: the harness raises the declared opset to 9 (the importer accepts opsets 9–21 only).
 */
const OPSET_RAISED: Readonly<Record<string, string>> = {
  test_globalaveragepool: 'GlobalAveragePool-1 is the version in force for opsets 1–21',
  test_globalaveragepool_precomputed: 'GlobalAveragePool-1 is the version in force for opsets 1–21',
  test_globalmaxpool: 'GlobalMaxPool-1 is the version in force for opsets 1–21',
  test_globalmaxpool_precomputed: 'GlobalMaxPool-1 is the version in force for opsets 1–21',
  test_softplus: 'Softplus-1 is the version in force for opsets 1–21',
  test_elu: 'Elu-6 is the version in force for opsets 6–21',
  test_elu_default: 'Elu-6 is the version in force for opsets 6–21',
};

const RANK1 = 'rank-1 input: with axis 0 as the batch axis an example has no features';
const BATCH_CONST =
  'the second operand has the full shape including axis 0, so as a constant it would differ per example';
const BATCH_AXIS = 'operates on the batch axis (axis 0), which the importer refuses by design';
const NOT_FLOAT = 'non-float input';
const ONE_D = 'only 1-D and 2-D convolution and pooling are supported';
const EXPANDED =
  'function-expanded form uses ReduceMax/Exp/ReduceSum/Log, which are not supported ops';

/** Node tests of supported ops (or their neighbours) that are not run, with the reason. */
const EXCLUDED: Readonly<Record<string, string>> = {
  test_add: BATCH_CONST,
  test_sub: BATCH_CONST,
  test_mul: BATCH_CONST,
  test_div: BATCH_CONST,
  test_prelu_example: BATCH_CONST,
  test_gemm_default_matrix_bias: 'bias C [3, 4] differs along the batch axis',
  test_gemm_all_attributes: 'transA = 1 contracts the batch axis',
  test_gemm_transposeA: 'transA = 1 contracts the batch axis',
  test_matmul_3d: 'batched MatMul with a rank-3 B: only [N, K] × [K, M] is supported',
  test_matmul_4d: 'batched MatMul with a rank-4 B: only [N, K] × [K, M] is supported',
  test_add_uint8: NOT_FLOAT,
  test_sub_uint8: NOT_FLOAT,
  test_mul_uint8: NOT_FLOAT,
  test_div_uint8: NOT_FLOAT,
  test_maxpool_2d_uint8: NOT_FLOAT,
  test_clip_default_int8_inbounds: NOT_FLOAT,
  test_clip_default_int8_max: NOT_FLOAT,
  test_clip_default_int8_min: NOT_FLOAT,
  test_edge_pad: `${NOT_FLOAT}, and edge padding is not supported`,
  test_reflect_pad: `${NOT_FLOAT}, and reflect padding is not supported`,
  test_constant_pad:
    'nonzero pad value 1.2: refused by design (only zero padding is linear with no constant term)',
  test_sub_example: RANK1,
  test_mul_example: RANK1,
  test_div_example: RANK1,
  test_clip_default_inbounds: RANK1,
  test_clip_example: RANK1,
  test_clip_inbounds: RANK1,
  test_clip_outbounds: RANK1,
  test_clip_splitbounds: RANK1,
  test_leakyrelu_example: RANK1,
  test_sigmoid_example: RANK1,
  test_tanh_example: RANK1,
  test_softplus_example: RANK1,
  test_elu_example: RANK1,
  test_dropout_default_old: RANK1,
  test_concat_1d_axis_0: RANK1,
  test_concat_1d_axis_negative_1: RANK1,
  test_concat_2d_axis_0:
    'Concat of the input with a constant (the second input becomes an initializer) is not supported',
  test_concat_2d_axis_1:
    'Concat of the input with a constant (the second input becomes an initializer) is not supported',
  test_concat_2d_axis_negative_1: 'Concat of the input with a constant is not supported',
  test_concat_2d_axis_negative_2: 'Concat of the input with a constant is not supported',
  test_concat_3d_axis_0: 'Concat of the input with a constant is not supported',
  test_concat_3d_axis_1: 'Concat of the input with a constant is not supported',
  test_concat_3d_axis_2: 'Concat of the input with a constant is not supported',
  test_concat_3d_axis_negative_1: 'Concat of the input with a constant is not supported',
  test_concat_3d_axis_negative_2: 'Concat of the input with a constant is not supported',
  test_concat_3d_axis_negative_3: 'Concat of the input with a constant is not supported',
  test_flatten_axis0: BATCH_AXIS,
  test_flatten_axis2: BATCH_AXIS,
  test_flatten_axis3: BATCH_AXIS,
  test_flatten_negative_axis1: BATCH_AXIS,
  test_flatten_negative_axis2: BATCH_AXIS,
  test_flatten_negative_axis4: BATCH_AXIS,
  test_reshape_negative_extended_dims: BATCH_AXIS,
  test_reshape_one_dim: BATCH_AXIS,
  test_reshape_reordered_all_dims: BATCH_AXIS,
  test_reshape_allowzero_reordered: 'allowzero with a zero-size target dimension',
  test_transpose_default: BATCH_AXIS,
  test_transpose_all_permutations_2: BATCH_AXIS,
  test_transpose_all_permutations_3: BATCH_AXIS,
  test_transpose_all_permutations_4: BATCH_AXIS,
  test_transpose_all_permutations_5: BATCH_AXIS,
  test_squeeze: BATCH_AXIS,
  test_unsqueeze_axis_0: BATCH_AXIS,
  test_softmax_axis_0:
    'softmax over a non-last axis (only a final softmax over the last axis is supported)',
  test_softmax_axis_1: 'softmax over a non-last axis',
  test_logsoftmax_axis_0: 'log-softmax over a non-last axis',
  test_logsoftmax_axis_1: 'log-softmax over a non-last axis',
  test_softmax_axis_0_expanded: EXPANDED,
  test_softmax_axis_1_expanded: EXPANDED,
  test_softmax_axis_2_expanded: EXPANDED,
  test_softmax_default_axis_expanded: EXPANDED,
  test_softmax_example_expanded: EXPANDED,
  test_softmax_large_number_expanded: EXPANDED,
  test_softmax_negative_axis_expanded: EXPANDED,
  test_logsoftmax_axis_0_expanded: EXPANDED,
  test_logsoftmax_axis_1_expanded: EXPANDED,
  test_logsoftmax_axis_2_expanded: EXPANDED,
  test_logsoftmax_default_axis_expanded: EXPANDED,
  test_logsoftmax_example_1_expanded: EXPANDED,
  test_logsoftmax_large_number_expanded: EXPANDED,
  test_logsoftmax_negative_axis_expanded: EXPANDED,
  test_batchnorm_epsilon_training_mode: 'training mode (batch statistics, three outputs)',
  test_batchnorm_example_training_mode: 'training mode (batch statistics, three outputs)',
  test_dropout_default_mask: 'mask output',
  test_dropout_default_mask_ratio: 'mask output',
  test_maxpool_with_argmax_2d_precomputed_pads: 'Indices output: refused by design',
  test_maxpool_with_argmax_2d_precomputed_strides: 'Indices output: refused by design',
  test_maxpool_3d_default: ONE_D,
  test_averagepool_3d_default: ONE_D,
  test_constant: 'no graph input (the output is a constant)',
  test_identity_opt: 'optional type input',
  test_identity_sequence: 'sequence type input',
  test_cast_FLOAT_to_FLOAT16:
    'Cast to float16 rounds the values: refused for input-dependent tensors',
  test_cast_DOUBLE_to_FLOAT16:
    'Cast to float16 rounds the values: refused for input-dependent tensors',
  test_cast_FLOAT_to_BFLOAT16: 'bfloat16',
  test_cast_BFLOAT16_to_FLOAT: 'bfloat16',
  test_cast_FLOAT_to_STRING: 'string type',
  test_cast_STRING_to_FLOAT: 'string type',
};

describeOnnxTestSuite({
  title: 'ONNX backend node tests (libonnx-testdata) through the importer',
  dir: NODE_DIR,
  run: RUN,
  excluded: EXCLUDED,
  opsetFor: (test) => (OPSET_RAISED[test] ? 9 : undefined),
  validate: validateInput,
});
