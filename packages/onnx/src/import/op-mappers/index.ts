import { clip, elu, leakyRelu, prelu, relu, sigmoid, softplus, tanh } from './activations.js';
import { add, div, mul, sub } from './arithmetic.js';
import { batchNormalization } from './batch-norm.js';
import { concat } from './concat.js';
import { conv } from './conv.js';
import { gemm, matMul } from './dense.js';
import type { OpMapper } from './op-mapper.js';
import { pad } from './pad.js';
import { cast, dropout, identity } from './passthrough.js';
import { averagePool, globalAveragePool, globalMaxPool, maxPool } from './pooling.js';
import { flatten, reshape, squeeze, transpose, unsqueeze } from './reshaping.js';
import { logSoftmax, softmax } from './softmax.js';

/**
 * The ONNX ops (default domain) the importer maps onto the IR, by op type.
 *
 * @example
 * ```ts
 * const mapper = OP_MAPPERS[node.op_type!];
 * if (mapper) mapper(ctx, node);
 * ```
 */
export const OP_MAPPERS: Readonly<Record<string, OpMapper>> = {
  Gemm: gemm,
  MatMul: matMul,
  Conv: conv,
  BatchNormalization: batchNormalization,
  Relu: relu,
  LeakyRelu: leakyRelu,
  PRelu: prelu,
  Clip: clip,
  Sigmoid: sigmoid,
  Tanh: tanh,
  Softplus: softplus,
  Elu: elu,
  MaxPool: maxPool,
  AveragePool: averagePool,
  GlobalAveragePool: globalAveragePool,
  GlobalMaxPool: globalMaxPool,
  Flatten: flatten,
  Reshape: reshape,
  Transpose: transpose,
  Squeeze: squeeze,
  Unsqueeze: unsqueeze,
  Pad: pad,
  Add: add,
  Sub: sub,
  Mul: mul,
  Div: div,
  Concat: concat,
  Identity: identity,
  Dropout: dropout,
  Cast: cast,
  Softmax: softmax,
  LogSoftmax: logSoftmax,
};
