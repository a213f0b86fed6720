import type { Program } from '../backend/backend.js';
import type { Ops } from '../backend/ops.js';
import type { Tensor } from '../backend/tensor.js';
import type { BbpRule } from '../bbp/bbp-rule.js';
import { ruleName } from '../bbp/bbp-rule.js';
import { distributeBeta } from '../bbp/distribute.js';
import type { IRGraph } from '../ir/types.js';
import { graphKey } from './graph-key.js';
import { accumulateInto, backward, linearize } from './linearize.js';
import { resolveReadout } from './targets.js';

/** Output names of the attribution program. */
export const OUT = {
  /** The model output `[N, K]`. */
  logits: 'logits',
  /** The readout vectors `r`. */
  readout: 'readout',
  /** The explained scalar `f(x)` per example. */
  f: 'f',
  /** The gradient `w`. */
  gradient: 'gradient',
  /** `w·x` per example. */
  wx: 'wx',
  /** `Σ_v g_v·c_v` over all nodes, per example. */
  biasTotal: 'biasTotal',
  /** `Σ_v g_v·c_v` over the selected nodes, per example. */
  biasSelected: 'biasSelected',
  /** Output name of a node's bias term `ρ_v`. */
  rho: (node: string) => `rho:${node}`,
  /** Output name of `β_0` under a rule. */
  bbp: (rule: string) => `bbp:${rule}`,
  /** Output name of `Σ β_0` under a rule. */
  bbpSum: (rule: string) => `bbpSum:${rule}`,
} as const;

/** Options of {@link attributionProgram}. */
export interface AttributionProgramOptions {
  /** The BBp rules to run. */
  readonly rules: readonly BbpRule[];
  /** Nodes whose `ρ_v = g_v ⊙ c_v` BBp includes. */
  readonly selected: ReadonlySet<string>;
  /** Text key of the options, for caching compiled programs. */
  readonly key: string;
}

/**
 * Runs BBp for one rule: `β_v = ρ_v + Σ_w D_{w→v}(β_w)` in reverse topological order; returns `β_0`.
 */
export function biasBackpropagation(
  ops: Ops,
  graph: IRGraph,
  lin: ReturnType<typeof linearize>,
  g: ReadonlyMap<string, Tensor>,
  rho: ReadonlyMap<string, Tensor>,
  rule: BbpRule,
): Tensor {
  const beta = new Map<string, Tensor>();
  for (let i = lin.nodes.length - 1; i >= 0; i--) {
    const n = lin.nodes[i]!;
    const name = n.node.name;
    let b = beta.get(name) ?? null;
    const r = rho.get(name);
    if (r) b = b ? ops.add(b, r) : r;
    if (!b) continue;
    const gv = g.get(name) ?? ops.fill(n.y.shape, 0);
    const parts = distributeBeta(ops, n.node, n.rule.linearMap(n.ctx, n.state), rule, b, gv);
    n.node.inputs.forEach((input, k) => accumulateInto(ops, beta, input, parts[k] ?? null));
  }
  return beta.get(graph.input.name) ?? ops.fill(lin.x.shape, 0);
}

/**
 * `Σ g ⊙ c` per example. Where `c` is constant along non-batch axes of `g` (a per-channel bias
 * `[1, C, 1, 1]` of a `[N, C, H, W]` output), `g` is summed over those axes first: the same sum
 * in another order, without the full-size product.
 */
function biasDotPerExample(ops: Ops, g: Tensor, c: Tensor): Tensor {
  const axes =
    c.rank === g.rank
      ? g.shape.flatMap((d, i) => (i > 0 && d > 1 && c.shape[i] === 1 ? [i] : []))
      : [];
  return ops.sumPerExample(ops.mul(axes.length ? ops.sum(g, axes, true) : g, c));
}

/**
 * The main attribution program: forward, readout, gradient, the bias terms of every node, BBp for
 * each rule and the decomposition `f(x) = w·x + b^x`. Inputs: `x`, `readout` `[N, K]`,
 * `usePredicted` `[N, 1]`.
 */
export function attributionProgram(graph: IRGraph, options: AttributionProgramOptions): Program {
  return {
    key: `attribution|${graphKey(graph)}|${options.key}`,
    build(ops, inputs) {
      const x = inputs.x!;
      const lin = linearize(ops, graph, x);
      const r = resolveReadout(ops, lin.logits, inputs.readout!, inputs.usePredicted!);
      const g = backward(ops, graph, lin, r);
      const w = g.get(graph.input.name)!;
      const out: Record<string, Tensor> = {
        [OUT.logits]: lin.logits,
        [OUT.readout]: r,
        [OUT.f]: ops.sum(ops.mul(r, lin.logits), [1]),
        [OUT.gradient]: w,
        [OUT.wx]: ops.sumPerExample(ops.mul(w, x)),
      };
      const rho = new Map<string, Tensor>();
      let total: Tensor | null = null;
      let selected: Tensor | null = null;
      for (const n of lin.nodes) {
        const gv = g.get(n.node.name);
        const c = gv ? n.rule.bias(n.ctx, n.state) : null;
        if (!gv || !c) continue;
        const isSelected = options.selected.has(n.node.name);
        // BBp starts from the term itself; otherwise only its sum is needed.
        const term = isSelected && options.rules.length > 0 ? ops.mul(gv, c) : null;
        const perExample = term ? ops.sumPerExample(term) : biasDotPerExample(ops, gv, c);
        out[OUT.rho(n.node.name)] = perExample;
        total = total ? ops.add(total, perExample) : perExample;
        if (isSelected) {
          if (term) rho.set(n.node.name, term);
          selected = selected ? ops.add(selected, perExample) : perExample;
        }
      }
      const zeros = ops.fill([x.shape[0]!], 0);
      out[OUT.biasTotal] = total ?? zeros;
      out[OUT.biasSelected] = selected ?? zeros;
      for (const rule of options.rules) {
        const b0 = biasBackpropagation(ops, graph, lin, g, rho, rule);
        out[OUT.bbp(ruleName(rule))] = b0;
        out[OUT.bbpSum(ruleName(rule))] = ops.sumPerExample(b0);
      }
      return out;
    },
  };
}

/** The forward program: `logits` `[N, K]` for input `x`. */
export function forwardProgram(graph: IRGraph): Program {
  return {
    key: `forward|${graphKey(graph)}`,
    build(ops, inputs) {
      return { [OUT.logits]: linearize(ops, graph, inputs.x!).logits };
    },
  };
}
