import type { Ops } from '../backend/ops.js';
import type { Tensor } from '../backend/tensor.js';
import type { IRNode, NodeSpec } from '../ir/types.js';
import type { Shape } from '../tensor/shape.js';

/** How a node depends on its inputs at a point. */
export type Linearity = 'linear' | 'piecewise' | 'smooth';

/** What an op rule sees while it runs. */
export interface RuleContext {
  /** The tensor operations of the backend running the rule. */
  readonly ops: Ops;
  /** The node being evaluated (attributes, params, inferred shape). */
  readonly node: IRNode;
  /** Per-example shapes of the node's inputs. */
  readonly inputShapes: readonly Shape[];
  /** Batch size of the current run. */
  readonly batch: number;
}

/**
 * Which matrix derived from a node's local linear map `A` an operation uses: `A` itself, `|A|`,
 * its positive part `max(A, 0)`, its negative part `min(A, 0)`, the indicator `A ≠ 0`, or the
 * static connectivity (1 wherever the op's structure connects output and input, whatever the
 * weight: the in-bounds receptive field of a conv, all inputs of a dense layer).
 */
export type MapVariant = 'signed' | 'abs' | 'positive' | 'negative' | 'nonzero' | 'connectivity';

/** One input's block `A_{w,u}` of a node's local linear map, as operators. */
export interface LinearMapBlock {
  /** The input value `h_u` at the point (batch axis included). */
  readonly h: Tensor;
  /** `Σ_q V[p, q] · t[q]` for the variant V; `t` has the input's shape (its batch may be 1). */
  apply(t: Tensor, variant: MapVariant): Tensor;
  /** `Σ_p V[p, q] · t[p]`; `t` has the output's shape. */
  applyTransposed(t: Tensor, variant: MapVariant): Tensor;
}

/**
 * A node's local linear map `A^x` as BBp rules see it.
 *
 * - `routing`: every output unit is connected (statically, and through a non-zero coefficient when
 *   it has one) to at most one input element, so every rule sends its whole `β` there.
 *   Elementwise activations, max pooling, reshapes and concatenation are of this kind.
 * - `general`: a dense block per input (dense, conv, average pooling, sums of tensors).
 *   `constantMap` says `A` does not depend on the point; `hasZeroWeights` says some statically
 *   connected entry of `A` is exactly zero (so the second zero-denominator fallback can matter).
 */
export type LocalLinearMap =
  | {
      /** Every output unit is connected to at most one input element. */
      readonly kind: 'routing';
      /** The `β` each input receives (its whole share; null when an input gets nothing). */
      route(beta: Tensor): (Tensor | null)[];
    }
  | {
      /** A dense block per input. */
      readonly kind: 'general';
      /** One block `A_{w,u}` per input u, in input order. */
      readonly blocks: readonly LinearMapBlock[];
      /** Some statically connected entry of `A` can be exactly zero. */
      readonly hasZeroWeights: boolean;
    };

/**
 * One node evaluated along the path `x(t) = x' + t·d` for exact Integrated Gradients: its value,
 * its derivative along the path, the piece it is on for `(t, t + ε)` (kept in `state`, so `vjp`
 * differentiates that piece) and, per unit, how much further `t` can move before the unit changes
 * piece (`+Infinity` where it never does; null for ops with a single piece).
 */
export interface PathStep<S> {
  /** The node's value at the current point of the path. */
  readonly y: Tensor;
  /** The derivative of the value along the path, on the piece chosen for `(t, t + ε)`. */
  readonly dy: Tensor;
  /** The state `vjp`, `bias` and `linearMap` use: the piece for `(t, t + ε)`. */
  readonly state: S;
  /** Per unit, the distance in `t` to its next change of piece (`+Infinity` if none); null for single-piece ops. */
  readonly breakpoint: Tensor | null;
}

/**
 * Everything biasprop needs to know about one op kind: its shape rule, forward pass, vector–Jacobian
 * product, bias term `c_v^x` and local linear map (from which the BBp distributions follow).
 * Written once against {@link Ops}, so it runs on every backend, eager or traced.
 *
 * @example
 * ```ts
 * const softsign: OpRule<{ x: Tensor }> = { kind: 'softsign', linearity: 'smooth', ... };
 * registerOp(softsign);
 * ```
 */
export interface OpRule<S = unknown> {
  /** The op kind: the `op` string of the nodes this rule serves. */
  readonly kind: string;
  /** Linear, piecewise-linear (exact at the point, needs `pathForward` for exact IG) or smooth (tangent-linearized). */
  readonly linearity: Linearity;
  /** An affine node with learned parameters (dense, conv, BatchNorm): it starts a layer. */
  readonly definesLayer?: boolean;
  /** Checks attributes/params and returns the per-example output shape; `fail` throws a message naming the node. */
  inferShape(
    node: NodeSpec,
    inputShapes: readonly Shape[],
    fail: (message: string) => never,
  ): Shape;
  /** The forward pass; `state` keeps what the other methods need (masks, inputs, arg-max). */
  forward(
    ctx: RuleContext,
    inputs: readonly Tensor[],
  ): {
    /** The node's output. */
    y: Tensor;
    /** What `vjp`, `bias` and `linearMap` need. */
    state: S;
  };
  /** `(A_{v,u}^x)ᵀ g` for each input u (null when the input gets nothing). */
  vjp(ctx: RuleContext, state: S, g: Tensor): (Tensor | null)[];
  /** The constant part `c_v^x`, broadcastable to the output (null when zero). */
  bias(ctx: RuleContext, state: S): Tensor | null;
  /** The local linear map used by BBp. */
  linearMap(ctx: RuleContext, state: S): LocalLinearMap;
  /**
   * Linear ops: the derivative of the output along a path, `A · dx` (no bias term). Ops without a
   * bias term may omit it: their forward applied to the tangents is used.
   */
  tangent?(ctx: RuleContext, state: S, tangents: readonly Tensor[]): Tensor;
  /**
   * Piecewise-linear ops: the forward pass along a path with the piece chosen for `(t, t + ε)`:
   * by value, then by slope, then by first index; values within `tolerance` (relative to the
   * node's magnitude per example) count as equal. Required for exact Integrated Gradients.
   */
  pathForward?(
    ctx: RuleContext,
    inputs: readonly Tensor[],
    tangents: readonly Tensor[],
    tolerance: number,
  ): PathStep<S>;
  /** Parameter count for summaries (defaults to the size of all params). */
  parameterCount?(node: NodeSpec): number;
}
