// SmoothGrad on every method (DESIGN §2.5): the seeded noise generator, the averaging against a
// hand-assembled batch of noisy inputs, targets decided on the clean input, the variants, errors.
import { describe, expect, it } from 'vitest';
import type {
  Backend,
  HostTensor,
  IRGraph,
  Method,
  Progress,
  SmoothGradOptions,
  Target,
} from '../src/index.js';
import {
  BiaspropError,
  GaussianStream,
  GraphBuilder,
  ReferenceBackend,
  explain,
  gaussianNoise,
  predict,
  smoothGrad,
} from '../src/index.js';
import { cnnBn, mlp } from './fixtures/networks.js';
import { expectClose, maxAbs, maxAbsDiff } from './helpers/numeric.js';
import { mulberry32, uniform } from './helpers/random.js';

const ALL: Method[] = ['gradient', 'inputXGradient', 'integratedGradients', 'bbp', 'total'];

/** Predicted class per row (first maximum). */
async function predictedClasses(graph: IRGraph, x: HostTensor): Promise<number[]> {
  const logits = await predict(graph, x);
  const k = logits.shape[1]!;
  return Array.from({ length: logits.shape[0]! }, (_, i) => {
    let best = 0;
    for (let j = 1; j < k; j++) if (logits.data[i * k + j]! > logits.data[i * k + best]!) best = j;
    return best;
  });
}

/** The noisy batch smoothGrad should explain, built here from the documented generator. */
function noisyBatch(x: HostTensor, samples: number, sigma: readonly number[], seed: number) {
  const n = x.shape[0]!;
  const per = x.data.length / n;
  const z = gaussianNoise(seed, n * samples * per);
  const data = new Float64Array(n * samples * per);
  for (let i = 0; i < n; i++)
    for (let s = 0; s < samples; s++)
      for (let j = 0; j < per; j++) {
        const r = (i * samples + s) * per + j;
        data[r] = x.data[i * per + j]! + sigma[i]! * z[r]!;
      }
  return { data, shape: [n * samples, ...x.shape.slice(1)] };
}

/** Per example: the mean and the population variance of rows `[i·samples, (i+1)·samples)`. */
function meanAndVariance(t: HostTensor, samples: number) {
  const rows = t.shape[0]!;
  const per = t.data.length / rows;
  const n = rows / samples;
  const mean = new Float64Array(n * per);
  const variance = new Float64Array(n * per);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < per; j++) {
      let s = 0;
      for (let k = 0; k < samples; k++) s += t.data[(i * samples + k) * per + j]!;
      const m = s / samples;
      let v = 0;
      for (let k = 0; k < samples; k++) v += (t.data[(i * samples + k) * per + j]! - m) ** 2;
      mean[i * per + j] = m;
      variance[i * per + j] = v / samples;
    }
  return { mean, variance };
}

/** A reference backend that counts its runs. */
function countingBackend(): Backend & { runs: number } {
  const inner = new ReferenceBackend();
  const b = {
    name: inner.name,
    precision: inner.precision,
    runs: 0,
    run: (...args: Parameters<Backend['run']>) => {
      b.runs++;
      return inner.run(...args);
    },
  };
  return b as Backend & { runs: number };
}

describe('gaussianNoise', () => {
  it('is a fixed function of the seed, and a stream read in pieces gives the same numbers', () => {
    expect(gaussianNoise(5, 101)).toEqual(gaussianNoise(5, 101));
    expect(maxAbsDiff(gaussianNoise(5, 100), gaussianNoise(6, 100))).toBeGreaterThan(0.5);
    const stream = new GaussianStream(5);
    const pieces = [3, 4, 1, 93].flatMap((k) => [...stream.fill(new Float64Array(k))]);
    expect(pieces).toEqual([...gaussianNoise(5, 101)]);
  });

  it('is standard normal: mean, variance, the 1σ and 2σ masses, and uncorrelated pairs', () => {
    const z = gaussianNoise(11, 200_000);
    let mean = 0;
    let square = 0;
    let within1 = 0;
    let within2 = 0;
    let pair = 0;
    for (let i = 0; i < z.length; i++) {
      mean += z[i]! / z.length;
      square += z[i]! ** 2 / z.length;
      if (Math.abs(z[i]!) < 1) within1++;
      if (Math.abs(z[i]!) < 2) within2++;
      if (i % 2 === 1) pair += (z[i]! * z[i - 1]!) / (z.length / 2); // the two values of a Box–Muller draw
    }
    // Standard errors at n = 2e5: mean 0.0022, variance 0.0032, masses 0.001; pairs 0.0032.
    expect(Math.abs(mean)).toBeLessThan(0.01);
    expect(Math.abs(square - 1)).toBeLessThan(0.015);
    expect(Math.abs(within1 / z.length - 0.682689)).toBeLessThan(0.005);
    expect(Math.abs(within2 / z.length - 0.9545)).toBeLessThan(0.003);
    expect(Math.abs(pair)).toBeLessThan(0.015);
  });

  it('refuses seeds that are not 32-bit unsigned integers', () => {
    for (const seed of [-1, 1.5, 2 ** 32, Number.NaN])
      expect(() => gaussianNoise(seed, 1)).toThrow(BiaspropError);
  });
});

describe('smoothGrad', () => {
  const { graph, input } = cnnBn();

  it('with no noise equals explain, for every method and rule (and vargrad is 0)', async () => {
    const rules = ['contribution', 'signed'] as const;
    const integratedGradients = { steps: 8 };
    const e = await explain(graph, input, { methods: ALL, rules, integratedGradients });
    const o: SmoothGradOptions = { methods: ALL, rules, integratedGradients, stdev: 0, samples: 3 };
    const s = await smoothGrad(graph, input, o);
    const v = await smoothGrad(graph, input, { ...o, variant: 'vargrad' });
    const sq = await smoothGrad(graph, input, { ...o, variant: 'smoothgradSquared' });
    const pairs: [string, HostTensor | undefined, HostTensor, HostTensor | undefined][] = [
      ['gradient', s.gradient, e.gradient!, v.gradient],
      ['inputXGradient', s.inputXGradient, e.inputXGradient!, v.inputXGradient],
      ['IG', s.integratedGradients, e.integratedGradients!.attribution, v.integratedGradients],
      ...rules.flatMap(
        (r): [string, HostTensor | undefined, HostTensor, HostTensor | undefined][] => [
          [`bbp ${r}`, s.bbp?.[r], e.bbp![r]!, v.bbp?.[r]],
          [`total ${r}`, s.total?.[r], e.total![r]!, v.total?.[r]],
        ],
      ),
    ];
    for (const [what, smoothed, exact, variance] of pairs) {
      expect(smoothed?.shape, what).toEqual(input.shape);
      expect(maxAbsDiff(smoothed!.data, exact.data), what).toBe(0); // (−0 averages to 0)
      expect(maxAbs(variance!.data), what).toBe(0);
    }
    expect(
      maxAbsDiff(
        sq.gradient!.data,
        e.gradient!.data.map((g) => g * g),
      ),
    ).toBe(0);
    expect([...s.meanF]).toEqual(e.decomposition.map((d) => d.f));
  });

  it('averages the methods over the documented noisy inputs (chunks across examples)', async () => {
    const samples = 5;
    const noiseLevel = 0.2;
    const seed = 3;
    const per = input.data.length / 2;
    const range = (i: number) => {
      const v = input.data.subarray(i * per, (i + 1) * per);
      return Math.max(...v) - Math.min(...v);
    };
    const sigma = [noiseLevel * range(0), noiseLevel * range(1)];
    const o: SmoothGradOptions = { methods: ['gradient', 'bbp'], samples, noiseLevel, seed };
    // batchSize 3: 10 noisy rows in runs of 3, 3, 3, 1, the second run holding both examples.
    const s = await smoothGrad(graph, input, { ...o, batchSize: 3 });
    const v = await smoothGrad(graph, input, { ...o, batchSize: 4, variant: 'vargrad' });
    expect([...s.sigma]).toEqual(sigma);

    const clean = await predictedClasses(graph, input);
    const noisy = noisyBatch(input, samples, sigma, seed);
    const target = Array.from({ length: 2 * samples }, (_, r) => clean[Math.floor(r / samples)]!);
    const e = await explain(graph, noisy, { methods: ['gradient', 'bbp'], target });
    const g = meanAndVariance(e.gradient!, samples);
    const b = meanAndVariance(e.bbp!.contribution!, samples);
    expectClose(s.gradient!.data, g.mean, 1e-12, 'smoothed gradient');
    expectClose(s.bbp!.contribution!.data, b.mean, 1e-12, 'smoothed BBp');
    expectClose(v.gradient!.data, g.variance, 1e-10, 'vargrad of the gradient');
    expectClose(v.bbp!.contribution!.data, b.variance, 1e-10, 'vargrad of BBp');
    expect(maxAbs(g.variance)).toBeGreaterThan(0); // the noise moved the gradient
    const f = [0, 1].map((i) => e.decomposition.slice(i * samples, (i + 1) * samples));
    expectClose(
      s.meanF,
      f.map((d) => d.reduce((a, x) => a + x.f, 0) / samples),
      1e-12,
      'mean f',
    );
  });

  it('explains the class decided on the clean input, even where noise changes the prediction', async () => {
    const m = mlp();
    const samples = 12;
    const stdev = 3; // loud enough to flip predictions
    const clean = await predictedClasses(m.graph, m.input);
    const noisy = noisyBatch(m.input, samples, [stdev, stdev], 9);
    const noisyPredictions = await predictedClasses(m.graph, noisy);
    const perRow = noisyPredictions.map((_, r) => clean[Math.floor(r / samples)]!);
    expect(noisyPredictions.some((c, r) => c !== perRow[r])).toBe(true); // the case is exercised

    const s = await smoothGrad(m.graph, m.input, { samples, stdev, seed: 9 });
    const k = s.readout.shape[1]!;
    clean.forEach((c, i) => expect(s.readout.data[i * k + c]).toBe(1));
    const byClean = await explain(m.graph, noisy, { methods: ['gradient'], target: perRow });
    const byNoisy = await explain(m.graph, noisy, { methods: ['gradient'], target: 'pred' });
    const expected = meanAndVariance(byClean.gradient!, samples).mean;
    expectClose(s.gradient!.data, expected, 1e-12, 'targets of the clean input');
    expect(maxAbsDiff(meanAndVariance(byNoisy.gradient!, samples).mean, expected)).toBeGreaterThan(
      1e-6,
    );
  });

  it('takes given standard normal draws instead of the generator (to match another library)', async () => {
    const samples = 3;
    const per = input.data.length / 2;
    const o: SmoothGradOptions = {
      samples,
      stdev: 0.3,
      batchSize: 4,
      methods: ['gradient', 'bbp'],
    };
    const seeded = await smoothGrad(graph, input, { ...o, seed: 8 });
    const noise = {
      data: gaussianNoise(8, 2 * samples * per),
      shape: [2 * samples, ...input.shape.slice(1)],
    };
    const given = await smoothGrad(graph, input, { ...o, noise, seed: 123 }); // seed unused
    expect(maxAbsDiff(given.gradient!.data, seeded.gradient!.data)).toBe(0);
    expect(maxAbsDiff(given.bbp!.contribution!.data, seeded.bbp!.contribution!.data)).toBe(0);
    // Zero draws are the clean input.
    const zeros = { data: new Float64Array(2 * samples * per), shape: noise.shape };
    const e = await explain(graph, input, { methods: ['gradient'] });
    const clean = await smoothGrad(graph, input, { ...o, noise: zeros });
    expect(maxAbsDiff(clean.gradient!.data, e.gradient!.data)).toBe(0);
    // One row short, or a NaN: refused before anything runs.
    const backend = countingBackend();
    const short = {
      data: new Float64Array((2 * samples - 1) * per),
      shape: [2 * samples - 1, ...input.shape.slice(1)],
    };
    await expect(smoothGrad(graph, input, { ...o, noise: short, backend })).rejects.toThrow(
      /SmoothGrad noise .*expected shape \[6, /,
    );
    const nan = { data: zeros.data.map((v, i) => (i === 5 ? Number.NaN : v)), shape: zeros.shape };
    await expect(smoothGrad(graph, input, { ...o, noise: nan, backend })).rejects.toThrow(/finite/);
    expect(backend.runs).toBe(0);
  });

  it('explicit targets and contrasts are kept as given', async () => {
    const targets: Target[] = [2, { contrast: [1, 3] }];
    const m = mlp();
    const s = await smoothGrad(m.graph, m.input, { target: targets, samples: 4, seed: 2 });
    const noisy = noisyBatch(m.input, 4, [...s.sigma], 2);
    const e = await explain(m.graph, noisy, {
      methods: ['gradient'],
      target: [0, 1, 2, 3, 4, 5, 6, 7].map((r) => targets[Math.floor(r / 4)]!),
    });
    expectClose(s.gradient!.data, meanAndVariance(e.gradient!, 4).mean, 1e-12, 'explicit targets');
    expect([...s.readout.data.slice(4, 8)]).toEqual([0, 1, 0, -1]);
  });

  it('a network linear in its input has the same gradient at every sample', async () => {
    const r = mulberry32(41);
    const b = new GraphBuilder('linear', [5]);
    b.dense(b.dense(b.input, uniform(r, 15), [5, 3], uniform(r, 3)), uniform(r, 6), [3, 2]);
    const g = b.build();
    const x = { data: uniform(r, 10), shape: [2, 5] };
    const e = await explain(g, x, { methods: ['gradient'], target: 1 });
    const o: SmoothGradOptions = { target: 1, samples: 7, noiseLevel: 0.5 };
    expect(maxAbsDiff((await smoothGrad(g, x, o)).gradient!.data, e.gradient!.data)).toBe(0);
    expect(maxAbs((await smoothGrad(g, x, { ...o, variant: 'vargrad' })).gradient!.data)).toBe(0);
  });

  it("passes on explain's warnings (BBp through an unfoldable zero pad)", async () => {
    const b = new GraphBuilder('padded', [1, 3, 3]);
    const h = b.conv2d(b.input, [1, -1, 0.5, 2], [1, 1, 2, 2], [0.3]);
    const padded = b.pad(
      h,
      [
        [0, 0],
        [1, 1],
        [1, 1],
      ],
      'explicit-pad',
    );
    b.dense(b.flatten(padded), uniform(mulberry32(5), 16 * 2), [16, 2], [0.1, -0.2]);
    const x = { data: uniform(mulberry32(6), 9), shape: [1, 1, 3, 3] };
    const s = await smoothGrad(b.build(), x, { methods: ['bbp'], samples: 2 });
    expect(s.warnings.join('\n')).toMatch(/padding node 'explicit-pad'/);
    expect((await smoothGrad(b.build(), x, { samples: 2 })).warnings).toEqual([]);
  });

  it('per-example IG baselines follow their example into every chunk', async () => {
    const per = input.data.length / 2;
    const baselines: HostTensor = {
      data: uniform(mulberry32(7), 2 * per, 0.3),
      shape: input.shape,
    };
    const integratedGradients = { steps: 6, baselines };
    const e = await explain(graph, input, {
      methods: ['integratedGradients'],
      integratedGradients,
    });
    const s = await smoothGrad(graph, input, {
      methods: ['integratedGradients'],
      integratedGradients,
      stdev: 0,
      samples: 3,
      batchSize: 4,
    });
    expect(maxAbsDiff(s.integratedGradients!.data, e.integratedGradients!.attribution.data)).toBe(
      0,
    );
  });

  it('is reproducible from its seed and reports progress per backend run', async () => {
    const progress: Progress[] = [];
    const o: SmoothGradOptions = { samples: 4, seed: 77, batchSize: 3 };
    const a = await smoothGrad(graph, input, { ...o, onProgress: (p) => progress.push(p) });
    const b = await smoothGrad(graph, input, o);
    const c = await smoothGrad(graph, input, { ...o, seed: 78 });
    expect(a.gradient!.data).toEqual(b.gradient!.data);
    expect(maxAbsDiff(a.gradient!.data, c.gradient!.data)).toBeGreaterThan(0);
    expect(progress).toEqual([1, 2, 3].map((done) => ({ stage: 'smoothGrad', done, total: 3 })));
  });

  it('refuses bad options before running anything', async () => {
    const bad: [string, SmoothGradOptions][] = [
      ['samples', { samples: 0 }],
      ['samples', { samples: 2.5 }],
      ['batchSize', { batchSize: 0 }],
      ['noiseLevel', { noiseLevel: -0.1 }],
      ['noiseLevel', { noiseLevel: Number.NaN }],
      ['stdev', { stdev: Number.POSITIVE_INFINITY }],
      ['not both', { stdev: 1, noiseLevel: 0.1 }],
      ['seed', { seed: -3 }],
      ['variant', { variant: 'median' as never }],
      ['method', { methods: ['saliency' as never] }],
      ['out of range', { target: 99 }],
    ];
    for (const [what, o] of bad) {
      const backend = countingBackend();
      const err = await smoothGrad(graph, input, { ...o, backend }).catch((e: unknown) => e);
      expect(err, what).toBeInstanceOf(BiaspropError);
      expect((err as Error).message, what).toContain(what.split(' ')[0]!);
      expect(backend.runs, what).toBe(0);
    }
    const nan = { data: input.data.map((v, i) => (i === 3 ? Number.NaN : v)), shape: input.shape };
    await expect(smoothGrad(graph, nan)).rejects.toThrow(/finite/);
  });
});
