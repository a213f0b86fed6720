import type { Ops } from '../backend/ops.js';
import type { Tensor } from '../backend/tensor.js';
import type { IRNode } from '../ir/types.js';
import type { LinearMapBlock } from '../ops/op-rule.js';

/** The BBp distribution rules biasprop ships (DESIGN §2.3). */
export type BuiltinBbpRule = 'contribution' | 'weight' | 'signed' | 'uniform';

/** Names of the built-in rules, in documentation order. */
export const BUILTIN_BBP_RULES: readonly BuiltinBbpRule[] = [
  'contribution',
  'weight',
  'signed',
  'uniform',
];

/** What a user-defined rule receives for one node `w` with a general (non-routing) linear map. */
export interface CustomRuleArgs {
  /** The tensor operations to write the rule with. */
  readonly ops: Ops;
  /** The node whose `β` is distributed. */
  readonly node: IRNode;
  /** One block per input u: `h_u` and the operators of `A_{w,u}^x` and its variants. */
  readonly blocks: readonly LinearMapBlock[];
  /** `β_w`, the bias attribution arriving at the node's output. */
  readonly beta: Tensor;
  /** `g_w`, the gradient of the explained scalar with respect to the node's output. */
  readonly g: Tensor;
}

/**
 * A user-defined BBp rule: returns the `β` given to each input, written with {@link Ops} so it runs
 * on every backend. Nodes whose map is routing (activations, max pooling, reshapes) send `β` to
 * their single connected input whatever the rule, so `distribute` is called only for dense, conv,
 * pooling-by-average and sums of tensors. To keep completeness, the returned tensors must add up,
 * per output unit, to `β`.
 *
 * @example
 * ```ts
 * // Distribute in proportion to |A|·|h|, like 'contribution' without its fallbacks.
 * const myRule: CustomBbpRule = {
 *   name: 'my-contribution',
 *   distribute: ({ ops, blocks, beta }) => {
 *     const n = blocks.map((b) => b.apply(ops.abs(b.h), 'abs')).reduce((a, b) => ops.add(a, b));
 *     const bt = ops.divNoNan(beta, n);
 *     return blocks.map((b) => ops.mul(ops.abs(b.h), b.applyTransposed(bt, 'abs')));
 *   },
 * };
 * ```
 */
export interface CustomBbpRule {
  /** The rule's name in results (`bbp[name]`). */
  readonly name: string;
  /** Returns the `β` for each input (null for an input that gets nothing). */
  distribute(args: CustomRuleArgs): (Tensor | null)[];
}

/** A BBp rule: a built-in name or a {@link CustomBbpRule}. */
export type BbpRule = BuiltinBbpRule | CustomBbpRule;

/** The display name of a rule. */
export function ruleName(rule: BbpRule): string {
  return typeof rule === 'string' ? rule : rule.name;
}
