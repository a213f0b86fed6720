// Tensors computed from constants only (BBp's fallback counts) are kept by eager backends across
// runs: computed once, never freed by a run, freed by dispose(), and the results are unchanged.
import { describe, expect, it } from 'vitest';
import type { HostTensor, RefHandle } from '../src/index.js';
import {
  BUILTIN_BBP_RULES,
  IdentityWeightCache,
  Ops,
  ReferenceBackend,
  explain,
  referenceKernels,
} from '../src/index.js';
import { cnnBn, depthwise, structural } from './fixtures/networks.js';

describe('Ops.cachedConstant', () => {
  it('computes once per cache, keeps the handle out of the run’s disposals, forgets it on drain', () => {
    const cache = new IdentityWeightCache();
    const owner = {};
    let calls = 0;
    const compute = (ops: Ops) => () => {
      calls++;
      return ops.add(ops.fill([1, 3], 1), ops.fill([1, 3], 2));
    };
    const first = new Ops(referenceKernels, cache);
    const a = first.cachedConstant(owner, 'k', compute(first));
    expect(first.persistentHandles.has(a.handle)).toBe(true);
    expect(first.createdHandles).toContain(a.handle);

    const second = new Ops(referenceKernels, cache);
    const b = second.cachedConstant(owner, 'k', compute(second));
    expect(calls).toBe(1);
    expect(b.handle).toBe(a.handle);
    expect([...(b.handle as RefHandle)]).toEqual([3, 3, 3]);
    // Another key or owner is another computation.
    second.cachedConstant(owner, 'other', compute(second));
    second.cachedConstant({}, 'k', compute(second));
    expect(calls).toBe(3);

    expect(cache.drain()).toContain(a.handle);
    const third = new Ops(referenceKernels, cache);
    third.cachedConstant(owner, 'k', compute(third));
    expect(calls).toBe(4);
  });

  it('forgets uploaded weights on drain, so a disposed backend never hands out released handles', () => {
    const cache = new IdentityWeightCache();
    const data = Float64Array.from([1, 2, 3]);
    const ops = new Ops(referenceKernels, cache);
    const w = ops.weight(data, [3]);
    expect(cache.get(data, [3])).toBe(w.handle);
    expect(cache.drain()).toContain(w.handle);
    expect(cache.get(data, [3])).toBeUndefined();
    // Used again, the array is uploaded anew (and kept for the next drain).
    const again = new Ops(referenceKernels, cache).weight(data, [3]);
    expect(cache.get(data, [3])).toBe(again.handle);
    expect(cache.drain()).toEqual([again.handle]);
  });

  it('without a cache that keeps computed tensors, computes in every run', () => {
    let calls = 0;
    const ops = new Ops(referenceKernels);
    for (let i = 0; i < 2; i++)
      ops.cachedConstant({}, 'k', () => {
        calls++;
        return ops.fill([2], 1);
      });
    expect(calls).toBe(2);
    expect(ops.persistentHandles.size).toBe(0);
  });
});

/** A reference backend that tells how many handles it keeps across runs (weights and counts). */
class InspectableBackend extends ReferenceBackend {
  keptHandles(): number {
    return this.weightCache.drain().length;
  }
}

/** The same, with a weight cache that keeps no computed tensors (they are computed every run). */
class WithoutComputedCache extends InspectableBackend {
  constructor() {
    super();
    Object.assign(this.weightCache, { getComputed: undefined, setComputed: undefined });
  }
}

describe('BBp with a backend that keeps its fallback counts', () => {
  for (const fixture of [cnnBn(), depthwise(), structural()]) {
    it(`${fixture.name}: the counts are kept once, not per run`, async () => {
      const options = { rules: BUILTIN_BBP_RULES, methods: ['bbp' as const] };
      const gradientOnly = new InspectableBackend();
      await explain(fixture.graph, fixture.input, { methods: ['gradient'], backend: gradientOnly });
      const once = new InspectableBackend();
      await explain(fixture.graph, fixture.input, { ...options, backend: once });
      const thrice = new InspectableBackend();
      for (let i = 0; i < 3; i++)
        await explain(fixture.graph, fixture.input, { ...options, backend: thrice });
      const uncached = new WithoutComputedCache();
      await explain(fixture.graph, fixture.input, { ...options, backend: uncached });
      const kept = once.keptHandles();
      expect(kept).toBeGreaterThan(gradientOnly.keptHandles());
      // The difference to a cache without computed tensors is the counts; three runs keep no more.
      expect(kept).toBeGreaterThan(uncached.keptHandles());
      expect(thrice.keptHandles()).toBe(kept);
    });

    it(`${fixture.name}: a reused backend gives exactly the fresh backend's BBp, input after input`, async () => {
      const shared = new ReferenceBackend();
      const inputs: HostTensor[] = [
        fixture.input,
        { data: new Float64Array(fixture.input.data.length), shape: fixture.input.shape },
        fixture.input,
      ];
      for (const x of inputs) {
        const options = { rules: BUILTIN_BBP_RULES, methods: ['bbp' as const] };
        const fresh = await explain(fixture.graph, x, options);
        const reused = await explain(fixture.graph, x, { ...options, backend: shared });
        for (const rule of BUILTIN_BBP_RULES)
          expect([...reused.bbp![rule]!.data], rule).toEqual([...fresh.bbp![rule]!.data]);
      }
      shared.dispose();
    });
  }
});
