import { BiaspropError } from '../errors.js';
import {
  clipOp,
  eluOp,
  leakyReluOp,
  preluOp,
  reluOp,
  sigmoidOp,
  softplusOp,
  tanhOp,
} from './activations.js';
import { batchNormOp, scaleShiftOp } from './affine.js';
import { conv2dOp } from './conv2d.js';
import { denseOp } from './dense.js';
import type { OpRule } from './op-rule.js';
import { avgPool2dOp, maxPool2dOp } from './pooling.js';
import {
  concatOp,
  identityOp,
  logSoftmaxOp,
  padOp,
  reshapeOp,
  softmaxOp,
  transposeOp,
} from './structural.js';
import { addOp, maximumOp, minimumOp } from './sum.js';

const registry = new Map<string, OpRule<never>>();

/**
 * Adds an op kind (or replaces one) so graphs may use it. Its rules run on every backend because
 * they are written against {@link Ops}.
 *
 * @example
 * ```ts
 * registerOp(hardSwishOp);
 * const g = createGraph({ ...spec, nodes: [{ name: 'hs', op: 'hardSwish', inputs: ['x'] }] });
 * ```
 */
export function registerOp<S>(rule: OpRule<S>): void {
  if (!rule.kind) throw new BiaspropError('INVALID_OPTION', 'an op rule needs a kind');
  // The registry is heterogeneous: each rule only ever receives the state its own forward returned.
  registry.set(rule.kind, rule as unknown as OpRule<never>);
}

/** The rule of an op kind, or undefined. */
export function getOpRule(kind: string): OpRule<unknown> | undefined {
  return registry.get(kind);
}

/** Every registered op kind. */
export function registeredOpKinds(): string[] {
  return [...registry.keys()];
}

for (const rule of [
  denseOp,
  conv2dOp,
  avgPool2dOp,
  maxPool2dOp,
  batchNormOp,
  scaleShiftOp,
  reluOp,
  leakyReluOp,
  preluOp,
  clipOp,
  sigmoidOp,
  tanhOp,
  softplusOp,
  eluOp,
  addOp,
  maximumOp,
  minimumOp,
  identityOp,
  reshapeOp,
  transposeOp,
  padOp,
  concatOp,
  softmaxOp,
  logSoftmaxOp,
] as OpRule<never>[]) {
  registerOp(rule);
}
