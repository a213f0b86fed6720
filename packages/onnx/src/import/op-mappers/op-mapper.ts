import type { NodeProto } from '../../proto/onnx-proto.js';
import type { ImportContext } from '../import-context.js';

/**
 * Maps one ONNX node whose main input depends on the model input onto IR nodes (or aliases its
 * output to an existing value). Reads inputs and writes outputs through the context.
 *
 * @example
 * ```ts
 * const relu: OpMapper = (ctx, node) => ctx.setOutput(node, 0, ctx.emit(node, 'relu', [ctx.dynamicInput(node, 0)]));
 * ```
 */
export type OpMapper = (ctx: ImportContext, node: NodeProto) => void;
