import { getOpRule, registerOp } from '@biasprop/core';
import { hardSigmoidOp } from './hard-sigmoid.js';
import { hardSwishOp } from './hard-swish.js';

/**
 * Registers `hardSwish` and `hardSigmoid` with `@biasprop/core` (idempotent). Call it before
 * building graphs that use them; the registry lives in the `@biasprop/core` module, so the
 * application, the adapters and the backends must share one copy of it.
 *
 * @example
 * ```ts
 * registerCustomOps();
 * const g = createGraph({ name: 'm', input: { name: 'x', shape: [4] },
 *   nodes: [{ name: 'hs', op: 'hardSwish', inputs: ['x'] }] });
 * ```
 */
export function registerCustomOps(): void {
  if (getOpRule(hardSwishOp.kind) !== hardSwishOp) registerOp(hardSwishOp);
  if (getOpRule(hardSigmoidOp.kind) !== hardSigmoidOp) registerOp(hardSigmoidOp);
}
