// f(x) = w·x + b^x and Σ β_0 = b^x (or its selected part) to 1e-9 relative on float64, for every
// fixture, every built-in rule and every kind of layer selection (DESIGN §2.2, §2.3, §4).
import { describe, expect, it } from 'vitest';
import type { Explanation, HostTensor, LayerInfo, LayerSelection } from '../src/index.js';
import { BUILTIN_BBP_RULES, explain, layersOf } from '../src/index.js';
import type { Fixture } from './fixtures/networks.js';
import { allFixtures } from './fixtures/networks.js';
import { exampleOf, expectFiniteExplanation, sum } from './helpers/numeric.js';

const TOL = 1e-9;

/** The independent checks of one explanation; `selectedLayers` is what the selection should pick. */
function checkExplanation(
  e: Explanation,
  x: HostTensor,
  selectedLayers: ReadonlySet<number>,
): void {
  expectFiniteExplanation(e);
  const k = e.logits.shape[1]!;
  e.decomposition.forEach((d, i) => {
    const scale = Math.max(Math.abs(d.f), Math.abs(d.wx), Math.abs(d.bias));
    // f = rᵀ y, from the logits and the readout.
    let f = 0;
    for (let j = 0; j < k; j++) f += e.readout.data[i * k + j]! * e.logits.data[i * k + j]!;
    expect(Math.abs(f - d.f)).toBeLessThanOrEqual(TOL * scale);
    // w·x from the returned gradient and the input.
    const g = exampleOf(e.gradient!, i);
    const xi = exampleOf(x, i);
    const wx = sum(g.map((v, q) => v * xi[q]!));
    expect(Math.abs(wx - d.wx)).toBeLessThanOrEqual(TOL * scale);
    // Completeness: f − w·x = Σ_v g_v·c_v.
    expect(Math.abs(d.f - wx - d.biasTerms), `example ${i}: f − w·x − Σρ`).toBeLessThanOrEqual(
      TOL * scale,
    );
    expect(d.completenessResidual).toBeLessThanOrEqual(TOL);
    // The selected part equals the sum of the selected layers' breakdown.
    const selectedFromLayers = sum(
      e.layers.filter((l) => selectedLayers.has(l.index)).map((l) => l.values[i]!),
    );
    expect(
      Math.abs(selectedFromLayers - d.selectedBias),
      `example ${i}: selected layers`,
    ).toBeLessThanOrEqual(TOL * scale);
    for (const rule of BUILTIN_BBP_RULES) {
      const beta = exampleOf(e.bbp![rule]!, i);
      expect(
        Math.abs(sum(beta) - d.selectedBias),
        `example ${i}, rule ${rule}: Σβ_0 − selected bias`,
      ).toBeLessThanOrEqual(TOL * scale);
      expect(d.bbpResidual[rule]).toBeLessThanOrEqual(TOL);
      // total = w ⊙ x + β_0 sums to w·x + selected bias (to f when every layer is selected).
      expect(
        Math.abs(sum(exampleOf(e.total![rule]!, i)) - (wx + d.selectedBias)),
      ).toBeLessThanOrEqual(TOL * scale);
    }
  });
  e.layers.forEach((l) =>
    expect(l.selected, `layer ${l.layer} selected`).toBe(selectedLayers.has(l.index)),
  );
}

async function explainAll(f: Fixture, biasLayers: LayerSelection): Promise<Explanation> {
  return explain(f.graph, f.input, {
    methods: ['gradient', 'bbp', 'total'],
    rules: BUILTIN_BBP_RULES,
    biasLayers,
    // One contrast and one class, to exercise both readouts.
    target: [{ contrast: [1, 0] }, 'pred'],
  });
}

describe.each(allFixtures().map((f) => [f.name, f] as const))(
  'completeness: %s',
  (_name, fixture) => {
    const layers: LayerInfo[] = layersOf(fixture.graph);
    const all = new Set(layers.map((l) => l.index));

    it('has at least two layers and a non-zero bias', async () => {
      expect(layers.length).toBeGreaterThanOrEqual(2);
      const e = await explainAll(fixture, 'all');
      expect(e.decomposition.some((d) => Math.abs(d.bias) > 1e-3)).toBe(true);
    });

    it("'all' layers: Σβ_0 = b^x, total sums to f", async () => {
      const e = await explainAll(fixture, 'all');
      checkExplanation(e, fixture.input, all);
      for (const d of e.decomposition) {
        expect(Math.abs(d.selectedBias - d.bias)).toBeLessThanOrEqual(
          TOL * Math.max(Math.abs(d.f), Math.abs(d.wx), Math.abs(d.bias)),
        );
      }
    });

    it('{ skipFirst: k } for every k', async () => {
      for (let k = 0; k <= layers.length; k++) {
        const e = await explainAll(fixture, { skipFirst: k });
        checkExplanation(e, fixture.input, new Set([...all].filter((i) => i >= k)));
        if (k === layers.length) {
          // Nothing selected: β_0 is zero everywhere.
          for (const rule of BUILTIN_BBP_RULES)
            expect(e.bbp![rule]!.data.every((v) => v === 0)).toBe(true);
        }
      }
    });

    it('a list of layer names', async () => {
      const names = layers.filter((_, i) => i % 2 === 1).map((l) => l.name);
      const e = await explainAll(fixture, names);
      checkExplanation(
        e,
        fixture.input,
        new Set(layers.filter((_, i) => i % 2 === 1).map((l) => l.index)),
      );
    });

    it('gradient only (the bias terms summed without BBp): same decomposition and layers', async () => {
      const withBbp = await explainAll(fixture, 'all');
      const e = await explain(fixture.graph, fixture.input, {
        methods: ['gradient'],
        target: [{ contrast: [1, 0] }, 'pred'],
      });
      e.decomposition.forEach((d, i) => {
        const scale = Math.max(Math.abs(d.f), Math.abs(d.wx), Math.abs(d.bias));
        expect(
          Math.abs(d.f - d.wx - d.biasTerms),
          `example ${i}: f − w·x − Σρ`,
        ).toBeLessThanOrEqual(TOL * scale);
        expect(Math.abs(d.biasTerms - withBbp.decomposition[i]!.biasTerms)).toBeLessThanOrEqual(
          TOL * scale,
        );
      });
      e.layers.forEach((l, k) =>
        l.values.forEach((v, i) =>
          expect(
            Math.abs(v - withBbp.layers[k]!.values[i]!),
            `layer ${l.layer}`,
          ).toBeLessThanOrEqual(TOL * Math.max(1, Math.abs(v))),
        ),
      );
    });

    it('a predicate', async () => {
      const pick = (l: LayerInfo): boolean => l.index === 0 || l.index === layers.length - 1;
      const e = await explainAll(fixture, pick);
      checkExplanation(e, fixture.input, new Set(layers.filter(pick).map((l) => l.index)));
    });
  },
);
