import type { Ops } from '../backend/ops.js';
import type { Tensor } from '../backend/tensor.js';
import type { IRNode } from '../ir/types.js';
import type { LinearMapBlock, LocalLinearMap, MapVariant } from '../ops/op-rule.js';
import type { BbpRule, BuiltinBbpRule } from './bbp-rule.js';

function addAll(ops: Ops, terms: readonly (Tensor | null)[]): Tensor | null {
  let acc: Tensor | null = null;
  for (const t of terms) if (t) acc = acc ? ops.add(acc, t) : t;
  return acc;
}

function accumulate(ops: Ops, into: (Tensor | null)[], add: readonly (Tensor | null)[]): void {
  add.forEach((t, i) => {
    if (t) into[i] = into[i] ? ops.add(into[i], t) : t;
  });
}

/** Batch-1 ones shaped like the block's input, broadcast over the batch by the map operators. */
function onesLike(ops: Ops, b: LinearMapBlock): Tensor {
  return ops.fill([1, ...b.h.shape.slice(1)], 1);
}

/** `Σ_u A_u^{variant} · t_u`. */
function applySum(
  ops: Ops,
  blocks: readonly LinearMapBlock[],
  t: readonly Tensor[],
  v: MapVariant,
): Tensor {
  return addAll(
    ops,
    blocks.map((b, i) => b.apply(t[i]!, v)),
  )!;
}

/**
 * `t / N` where `N ≠ 0`, `t` where `N = 0` (as `t / (N + [N = 0])`), for `N` a sum of non-negative
 * weights that the quotient is then distributed with. Where `N_p = 0` every weight of row `p` is
 * exactly zero, so whatever finite value row `p` carries contributes exact zeros: the result
 * equals distributing `divNoNan(t, N)`, with fewer operations (no selects), and where `N` is a
 * constant (the fallback counts) a compiling backend folds the divisor away.
 */
function divideByWeightSum(ops: Ops, t: Tensor, n: Tensor): Tensor {
  return ops.div(t, ops.add(n, ops.equal(n, 0)));
}

/** The rule's weights: the denominators `N_p` and the distribution of `β̃ = β / N`. */
interface RuleWeights {
  readonly denominator: Tensor;
  distribute(betaTilde: Tensor): (Tensor | null)[];
  /** Whether `N_p = 0` can happen where row p of `A^x` has non-zero entries. */
  readonly needsNonzeroFallback: boolean;
}

function ruleWeights(
  ops: Ops,
  blocks: readonly LinearMapBlock[],
  rule: BuiltinBbpRule,
  beta: Tensor,
  g: Tensor,
): RuleWeights {
  switch (rule) {
    case 'contribution': {
      const absH = blocks.map((b) => ops.abs(b.h));
      return {
        denominator: applySum(ops, blocks, absH, 'abs'),
        distribute: (bt) => blocks.map((b, i) => ops.mul(absH[i]!, b.applyTransposed(bt, 'abs'))),
        needsNonzeroFallback: true,
      };
    }
    case 'weight': {
      const ones = blocks.map((b) => onesLike(ops, b));
      return {
        denominator: applySum(ops, blocks, ones, 'abs'),
        distribute: (bt) => blocks.map((b) => b.applyTransposed(bt, 'abs')),
        needsNonzeroFallback: false,
      };
    }
    case 'uniform': {
      const ones = blocks.map((b) => onesLike(ops, b));
      return {
        denominator: applySum(ops, blocks, ones, 'nonzero'),
        distribute: (bt) => blocks.map((b) => b.applyTransposed(bt, 'nonzero')),
        needsNonzeroFallback: false,
      };
    }
    case 'signed': {
      // σ_p = sign(β_p g_p); units with g_p = 0 use the contribution weights.
      const bg = ops.mul(beta, g);
      const pos = ops.greater(bg, 0);
      const neg = ops.less(bg, 0);
      const zeroG = ops.equal(g, 0);
      const hp = blocks.map((b) => ops.maximum(b.h, 0));
      const hn = blocks.map((b) => ops.minimum(b.h, 0));
      const absH = blocks.map((b) => ops.abs(b.h));
      // max(0, A h) = A⁺h⁺ + A⁻h⁻ ;  max(0, −A h) = −(A⁺h⁻ + A⁻h⁺)
      const nPos = ops.add(
        applySum(ops, blocks, hp, 'positive'),
        applySum(ops, blocks, hn, 'negative'),
      );
      const nNeg = ops.neg(
        ops.add(applySum(ops, blocks, hn, 'positive'), applySum(ops, blocks, hp, 'negative')),
      );
      const nZero = applySum(ops, blocks, absH, 'abs');
      const denominator = ops.add(
        ops.add(ops.mul(pos, nPos), ops.mul(neg, nNeg)),
        ops.mul(zeroG, nZero),
      );
      return {
        denominator,
        distribute: (bt) => {
          const bPos = ops.mul(bt, pos);
          const bNeg = ops.mul(bt, neg);
          const bZero = ops.mul(bt, zeroG);
          return blocks.map((b, i) => {
            const fromPos = ops.add(
              ops.mul(hp[i]!, b.applyTransposed(bPos, 'positive')),
              ops.mul(hn[i]!, b.applyTransposed(bPos, 'negative')),
            );
            const fromNeg = ops.add(
              ops.mul(hn[i]!, b.applyTransposed(bNeg, 'positive')),
              ops.mul(hp[i]!, b.applyTransposed(bNeg, 'negative')),
            );
            const fromZero = ops.mul(absH[i]!, b.applyTransposed(bZero, 'abs'));
            return ops.add(ops.sub(fromPos, fromNeg), fromZero);
          });
        },
        needsNonzeroFallback: true,
      };
    }
  }
}

/**
 * Distributes `β_w` over the inputs of a node with a general linear map, following the rule and
 * then the zero-denominator fallbacks of DESIGN §2.3: where the rule's weights sum to 0 for a unit,
 * uniform over the non-zero entries of its row of `A^x`; where there are none, uniform over the
 * op's static connectivity. Never produces NaN or Inf.
 */
export function distributeGeneral(
  ops: Ops,
  node: IRNode,
  blocks: readonly LinearMapBlock[],
  hasZeroWeights: boolean,
  rule: BuiltinBbpRule,
  beta: Tensor,
  g: Tensor,
): (Tensor | null)[] {
  const w = ruleWeights(ops, blocks, rule, beta, g);
  const out: (Tensor | null)[] = w.distribute(divideByWeightSum(ops, beta, w.denominator));
  // The fallbacks' counts depend on the weights and shapes only: computed once per backend.
  const shapes = blocks.map((b) => b.h.shape.slice(1).join('x')).join(';');
  const count = (variant: 'nonzero' | 'connectivity') =>
    ops.cachedConstant(node, `bbp-count|${variant}|${shapes}`, () =>
      applySum(
        ops,
        blocks,
        blocks.map((b) => onesLike(ops, b)),
        variant,
      ),
    );
  let nonzeroCount: Tensor | null = null;
  if (w.needsNonzeroFallback) {
    nonzeroCount = count('nonzero');
    const rest = divideByWeightSum(ops, ops.mul(beta, ops.equal(w.denominator, 0)), nonzeroCount);
    accumulate(
      ops,
      out,
      blocks.map((b) => b.applyTransposed(rest, 'nonzero')),
    );
  }
  if (hasZeroWeights) {
    nonzeroCount ??= count('nonzero');
    const connCount = count('connectivity');
    const rest = divideByWeightSum(ops, ops.mul(beta, ops.equal(nonzeroCount, 0)), connCount);
    accumulate(
      ops,
      out,
      blocks.map((b) => b.applyTransposed(rest, 'connectivity')),
    );
  }
  return out;
}

/** `D_{w→u}(β_w)` for every input u of a node, under a rule. */
export function distributeBeta(
  ops: Ops,
  node: IRNode,
  map: LocalLinearMap,
  rule: BbpRule,
  beta: Tensor,
  g: Tensor,
): (Tensor | null)[] {
  if (map.kind === 'routing') return map.route(beta);
  if (typeof rule !== 'string') return rule.distribute({ ops, node, blocks: map.blocks, beta, g });
  return distributeGeneral(ops, node, map.blocks, map.hasZeroWeights, rule, beta, g);
}
