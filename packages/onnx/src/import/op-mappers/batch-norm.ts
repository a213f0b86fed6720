import { floatAttr, intAttr } from '../attributes.js';
import { floatParam } from '../params.js';
import type { OpMapper } from './op-mapper.js';

/**
 * `BatchNormalization` (inference) → `batchNorm` with `scale = γ/√(var+ε)` and
 * `shift = β − mean·scale`, computed in float64 from the file's values. The core pass folds it
 * into a preceding Conv/Gemm; otherwise it stays a per-channel affine node.
 *
 * @example
 * ```ts
 * batchNormalization(ctx, node); // → { op: 'batchNorm', params: { scale, shift } }
 * ```
 */
export const batchNormalization: OpMapper = (ctx, node) => {
  if (intAttr(node, 'training_mode', 0) === 1)
    ctx.unsupported(
      node,
      'training_mode = 1 normalizes with batch statistics; export the model in eval mode',
    );
  if (node.output?.slice(1).some((o) => o !== ''))
    ctx.unsupported(node, 'the running-statistics outputs (training mode) are not supported');
  if (ctx.opset < 9 && intAttr(node, 'spatial', 1) !== 1)
    ctx.unsupported(node, 'spatial = 0 is not supported');
  const x = ctx.dynamicInput(node, 0);
  if (x.shape.length < 1) ctx.unsupported(node, 'the input needs a channel axis (axis 1)');
  const [gamma, beta, mean, variance] = (['scale', 'B', 'input_mean', 'input_var'] as const).map(
    (what, i) => floatParam(ctx, node, ctx.constInput(node, i + 1, what), what),
  );
  const eps = floatAttr(node, 'epsilon', 1e-5);
  const c = x.shape[0]!;
  for (const p of [gamma!, beta!, mean!, variance!])
    if (p.data.length !== c) ctx.invalid(node, `statistics need ${c} values (one per channel)`);
  const scale = new Float64Array(c);
  const shift = new Float64Array(c);
  for (let i = 0; i < c; i++) {
    scale[i] = gamma!.data[i]! / Math.sqrt(variance!.data[i]! + eps);
    shift[i] = beta!.data[i]! - mean!.data[i]! * scale[i]!;
  }
  ctx.setOutput(
    node,
    0,
    ctx.emit(
      node,
      'batchNorm',
      [x],
      { axis: 0 },
      { scale: { data: scale, shape: [c] }, shift: { data: shift, shape: [c] } },
    ),
  );
};
