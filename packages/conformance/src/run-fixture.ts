import type {
  Backend,
  Explanation,
  ExplainOptions,
  HostTensor,
  IntegratedGradientsOptions,
  Method,
  Precision,
  SmoothGradOptions,
  SmoothGradResult,
} from '@biasprop/core';
import { BUILTIN_BBP_RULES, explain, smoothGrad } from '@biasprop/core';
import type { ConformanceCase } from './cases.js';
import { compareArrays } from './compare.js';
import type { ConformanceExclusion } from './exclusions.js';
import { exclusionFor } from './exclusions.js';
import type { ConformanceFixture } from './fixtures/fixture.js';
import { fixtureBatch } from './fixtures/fixture.js';
import type { ConformanceRow } from './row.js';

/** Integrated Gradients settings of the suite: few points, in two runs (so chunking is exercised). */
export const CONFORMANCE_IG: IntegratedGradientsOptions = {
  steps: 16,
  method: 'gaussLegendre',
  stepsPerRun: 8,
};

/**
 * SmoothGrad settings of the suite: the gradient over four noisy copies of each input (σ = 10% of
 * its range, seed 1). The noise breaks the fixtures' exact ties, so this case checks that the
 * backend explains the same noisy points as the reference.
 */
export const CONFORMANCE_SMOOTH_GRAD: SmoothGradOptions = {
  methods: ['gradient'],
  samples: 4,
  noiseLevel: 0.1,
  seed: 1,
};

/** What one fixture run needs. */
export interface FixtureRunContext {
  /** The backend under test. */
  readonly backend: Backend;
  /** The float64 reference it is compared with. */
  readonly reference: Backend;
  /** The precision the backend is held to. */
  readonly precision: Precision;
  /** The tolerance for that precision. */
  readonly tolerance: number;
  /** Cases not to run, with reasons. */
  readonly exclude: readonly ConformanceExclusion[];
}

function explainOptions(
  fixture: ConformanceFixture,
  methods: readonly Method[],
  backend: Backend,
): ExplainOptions {
  return {
    backend,
    methods,
    rules: BUILTIN_BBP_RULES,
    target: fixture.inputs.map((i) => i.target),
    integratedGradients: CONFORMANCE_IG,
  };
}

function attribution(e: Explanation, c: ConformanceCase): HostTensor | undefined {
  switch (c.method) {
    case 'smoothGrad':
      return undefined; // not an explain output: see runFixture
    case 'gradient':
      return e.gradient;
    case 'inputXGradient':
      return e.inputXGradient;
    case 'integratedGradients':
      return e.integratedGradients?.attribution;
    case 'bbp':
      return e.bbp?.[c.rule!];
    case 'total':
      return e.total?.[c.rule!];
  }
}

/** The backend's own completeness residual for a case (see {@link ConformanceRow}). */
function completeness(e: Explanation, c: ConformanceCase): number | null {
  const scaleOf = (i: number): number => {
    const d = e.decomposition[i]!;
    return Math.max(Math.abs(d.f), Math.abs(d.wx), Math.abs(d.bias), Number.MIN_VALUE);
  };
  switch (c.method) {
    case 'gradient':
    case 'inputXGradient':
      return Math.max(
        ...e.decomposition.map((d) =>
          Number.isNaN(d.completenessResidual) ? Infinity : d.completenessResidual,
        ),
      );
    case 'bbp':
      return Math.max(
        ...e.decomposition
          .map((d) => d.bbpResidual[c.rule!] ?? Infinity)
          .map((v) => (Number.isNaN(v) ? Infinity : v)),
      );
    case 'total': {
      const t = e.total?.[c.rule!];
      if (!t) return Infinity;
      const per = t.data.length / e.batch;
      let worst = 0;
      for (let i = 0; i < e.batch; i++) {
        let s = 0;
        for (let j = i * per; j < (i + 1) * per; j++) s += t.data[j]!;
        const r = Math.abs(s - e.decomposition[i]!.f) / scaleOf(i);
        worst = Math.max(worst, Number.isNaN(r) ? Infinity : r);
      }
      return worst;
    }
    case 'integratedGradients':
    case 'smoothGrad':
      return null;
  }
}

/** The error message of a failed backend call. */
function backendError(e: unknown): string {
  return `backend error: ${e instanceof Error ? e.message : String(e)}`;
}

function format(v: number): string {
  return v === 0 ? '0' : v.toExponential(2);
}

/**
 * Runs one fixture on a backend and on the reference and returns a row per case (skipped rows for
 * excluded cases). A backend error fails every case of the fixture, with the error as the reason.
 */
export async function runFixture(
  fixture: ConformanceFixture,
  cases: readonly ConformanceCase[],
  ctx: FixtureRunContext,
): Promise<ConformanceRow[]> {
  const base = {
    backend: ctx.backend.name,
    fixture: fixture.name,
    precision: ctx.precision,
    tolerance: ctx.tolerance,
  };
  const rowBase = (c: ConformanceCase) => ({
    ...base,
    method: c.method,
    ...(c.rule ? { rule: c.rule } : {}),
  });
  const active = cases.filter((c) => !exclusionFor(ctx.exclude, c));
  const methods = [
    ...new Set(active.map((c) => c.method).filter((m): m is Method => m !== 'smoothGrad')),
  ];
  const x = fixtureBatch(fixture);
  let ours: Explanation | undefined;
  let ref: Explanation | undefined;
  let error: string | undefined;
  if (methods.length > 0) {
    ref = await explain(fixture.graph, x, explainOptions(fixture, methods, ctx.reference));
    try {
      ours = await explain(fixture.graph, x, explainOptions(fixture, methods, ctx.backend));
    } catch (e) {
      error = backendError(e);
    }
  }
  let oursSmooth: SmoothGradResult | undefined;
  let refSmooth: SmoothGradResult | undefined;
  let smoothError: string | undefined;
  if (active.some((c) => c.method === 'smoothGrad')) {
    const o = { ...CONFORMANCE_SMOOTH_GRAD, target: fixture.inputs.map((i) => i.target) };
    refSmooth = await smoothGrad(fixture.graph, x, { ...o, backend: ctx.reference });
    try {
      oursSmooth = await smoothGrad(fixture.graph, x, { ...o, backend: ctx.backend });
    } catch (e) {
      smoothError = backendError(e);
    }
  }
  return cases.map((c): ConformanceRow => {
    const excluded = exclusionFor(ctx.exclude, c);
    if (excluded)
      return {
        ...rowBase(c),
        maxRelError: NaN,
        completenessResidual: null,
        status: 'skipped',
        reason: excluded.reason,
      };
    const smooth = c.method === 'smoothGrad';
    if (smooth ? !oursSmooth || !refSmooth : !ours || !ref)
      return {
        ...rowBase(c),
        maxRelError: NaN,
        completenessResidual: null,
        status: 'fail',
        reason: (smooth ? smoothError : error) ?? 'not run',
      };
    const a = smooth ? oursSmooth!.gradient : attribution(ours!, c);
    const r = smooth ? refSmooth!.gradient! : attribution(ref!, c)!;
    const cmp = a ? compareArrays(a, r) : { maxRelError: NaN, worstExample: 0 };
    const residual = smooth ? null : completeness(ours!, c);
    const worstInput = fixture.inputs[cmp.worstExample]?.name;
    const problems: string[] = [];
    if (!a) problems.push(`the backend returned no ${c.method}`);
    else if (!(cmp.maxRelError <= ctx.tolerance)) {
      problems.push(
        Number.isNaN(cmp.maxRelError)
          ? `non-finite values or wrong shape on input '${worstInput}'`
          : `max rel error ${format(cmp.maxRelError)} > ${format(ctx.tolerance)} on input '${worstInput}'`,
      );
    }
    if (residual !== null && !(residual <= ctx.tolerance))
      problems.push(`completeness residual ${format(residual)} > ${format(ctx.tolerance)}`);
    return {
      ...rowBase(c),
      maxRelError: cmp.maxRelError,
      completenessResidual: residual,
      ...(worstInput ? { worstInput } : {}),
      status: problems.length ? 'fail' : 'pass',
      ...(problems.length ? { reason: problems.join('; ') } : {}),
    };
  });
}
