/**
 * Every error biasprop throws is a {@link BiaspropError} with a stable `code`, so callers can
 * branch on the kind of failure and show the message (which names the node, op and model) as is.
 *
 * @example
 * ```ts
 * try { await explain(graph, x); } catch (e) {
 *   if (e instanceof BiaspropError && e.code === 'UNSUPPORTED_OP') console.error(e.message);
 * }
 * ```
 */
export class BiaspropError extends Error {
  constructor(
    /** Machine-readable kind of failure. */
    readonly code: BiaspropErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'BiaspropError';
  }
}

/** The kinds of {@link BiaspropError}. */
export type BiaspropErrorCode =
  | 'UNSUPPORTED_OP'
  | 'INVALID_GRAPH'
  | 'SHAPE_MISMATCH'
  | 'INVALID_INPUT'
  | 'TARGET_OUT_OF_RANGE'
  | 'INVALID_OPTION'
  | 'NON_FINITE_RESULT'
  | 'BACKEND';

/**
 * An op (or layer) that biasprop cannot linearize. The message names the op type, the node and the model.
 *
 * @example
 * ```ts
 * throw new UnsupportedOpError('Erf', 'encoder/erf_3', 'bert.onnx');
 * ```
 */
export class UnsupportedOpError extends BiaspropError {
  constructor(
    /** The op (or layer) type as the model names it. */
    readonly opType: string,
    /** The node (or layer) name. */
    readonly nodeName: string,
    /** The model's name. */
    readonly modelName: string,
    detail?: string,
  ) {
    super(
      'UNSUPPORTED_OP',
      `unsupported op '${opType}' at node '${nodeName}' in model '${modelName}'` +
        (detail ? `: ${detail}` : ''),
    );
  }
}

/**
 * A tensor whose shape differs from what the graph expects. The message states both shapes.
 *
 * @example
 * ```ts
 * throw new ShapeMismatchError('input x', [1, 28, 28], [28, 28]);
 * ```
 */
export class ShapeMismatchError extends BiaspropError {
  constructor(
    /** What had the wrong shape (an input, a baseline, a param). */
    readonly what: string,
    /** The expected shape (`N` for a free batch axis). */
    readonly expected: readonly (number | string)[],
    /** The shape that was given. */
    readonly actual: readonly number[],
  ) {
    super(
      'SHAPE_MISMATCH',
      `${what}: expected shape [${expected.join(', ')}], got [${actual.join(', ')}]`,
    );
  }
}
