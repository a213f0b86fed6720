// Exact Integrated Gradients on every conformance fixture without smooth nodes: complete
// (Σ IG = f(x) − f(x′) to 1e-9), the limit of a midpoint rule, and invariant under BN folding.
import { describe, expect, it } from 'vitest';
import type { HostTensor } from '@biasprop/core';
import { explain, exactIntegratedGradients, foldBatchNorm, getOpRule } from '@biasprop/core';
import { conformanceFixtures } from '../src/index.js';

function relativeL2(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let e = 0;
  let n = 0;
  for (let i = 0; i < a.length; i++) {
    e += (a[i]! - b[i]!) ** 2;
    n += b[i]! ** 2;
  }
  return n === 0 ? Math.sqrt(e) : Math.sqrt(e / n);
}

const piecewise = conformanceFixtures.filter((f) =>
  f.graph.nodes.every((n) => getOpRule(n.op)?.linearity !== 'smooth'),
);

describe('exact IG on the conformance fixtures', () => {
  it('covers every fixture without smooth nodes', () => {
    expect(piecewise.length).toBe(conformanceFixtures.length - 1);
  });

  for (const fixture of piecewise) {
    describe(fixture.name, () => {
      for (const input of fixture.inputs) {
        const x: HostTensor = input.tensor;
        it(`${input.name}: complete, midpoint-consistent, invariant under BN folding`, async () => {
          const exact = await exactIntegratedGradients(fixture.graph, x, {
            targets: [input.target],
          });
          const diff = exact.differences[0]![0]!;
          expect(Math.abs(exact.deltas[0]![0]!)).toBeLessThanOrEqual(
            1e-9 * Math.max(1, Math.abs(diff)),
          );
          const ig = async (steps: number) =>
            (
              await explain(fixture.graph, x, {
                methods: ['integratedGradients'],
                target: input.target,
                integratedGradients: { method: 'riemannMiddle', steps },
              })
            ).integratedGradients!.attribution.data;
          const coarse = relativeL2(await ig(64), exact.attributions[0]!.data);
          const fine = relativeL2(await ig(4096), exact.attributions[0]!.data);
          // Across each kink the midpoint rule errs by at most (jump)/(2n), so with many points it
          // lands close to the exact value. (How close a coarse grid gets depends on where the
          // kinks fall between its points, so the two errors are not compared by a fixed ratio.)
          expect(fine).toBeLessThan(5e-3);
          expect(fine).toBeLessThanOrEqual(coarse + 1e-12);
          const folded = await exactIntegratedGradients(foldBatchNorm(fixture.graph), x, {
            targets: [input.target],
          });
          expect(
            relativeL2(folded.attributions[0]!.data, exact.attributions[0]!.data),
          ).toBeLessThan(1e-9);
        });
      }
    });
  }
});
