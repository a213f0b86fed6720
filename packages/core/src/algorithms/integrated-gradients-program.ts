import type { Program } from '../backend/backend.js';
import type { IRGraph } from '../ir/types.js';
import { graphKey } from './graph-key.js';
import { backward, linearize } from './linearize.js';

/**
 * One chunk of Integrated Gradients: for `m` path points `t_j` with weights `w_j`, returns
 * `gradSum = Σ_j w_j ∇f(x' + t_j (x − x'))` per example. Inputs: `x`, `baseline` (same shape),
 * `readout` `[N, K]`, `t` `[m]`, `weights` `[m]`. All m·N points run as one batch.
 */
export function integratedGradientsProgram(graph: IRGraph): Program {
  return {
    key: `ig|${graphKey(graph)}`,
    build(ops, inputs) {
      const x = inputs.x!;
      const base = inputs.baseline!;
      const t = inputs.t!;
      const weights = inputs.weights!;
      const readout = inputs.readout!;
      const n = x.shape[0]!;
      const m = t.shape[0]!;
      const feat = x.shape.slice(1);
      const ones = feat.map(() => 1);
      const diff = ops.reshape(ops.sub(x, base), [1, n, ...feat]);
      const tt = ops.reshape(t, [m, 1, ...ones]);
      const points = ops.reshape(ops.add(ops.reshape(base, [1, n, ...feat]), ops.mul(tt, diff)), [
        m * n,
        ...feat,
      ]);
      const classes = readout.shape[1]!;
      const r = ops.reshape(
        ops.mul(ops.reshape(readout, [1, n, classes]), ops.fill([m, 1, 1], 1)),
        [m * n, classes],
      );
      const lin = linearize(ops, graph, points);
      const g = backward(ops, graph, lin, r).get(graph.input.name)!;
      const weighted = ops.mul(
        ops.reshape(g, [m, n, ...feat]),
        ops.reshape(weights, [m, 1, ...ones]),
      );
      return { gradSum: ops.sum(weighted, [0]) };
    },
  };
}
