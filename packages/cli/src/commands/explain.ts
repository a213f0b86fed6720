import { existsSync, statSync } from 'node:fs';
import { isAbsolute, relative, resolve } from 'node:path';
import type {
  AttributionSet,
  Explanation,
  HostTensor,
  SmoothGradResult,
  Target,
} from '@biasprop/core';
import { attributionSetOf, explain, smoothGrad } from '@biasprop/core';
import { parseArgs } from '../args/parse-args.js';
import { createBackend, defaultBackend } from '../backends.js';
import type { CliIo } from '../cli-io.js';
import { CliError } from '../errors.js';
import { readBaseline, readInputs } from '../inputs/read-inputs.js';
import type { InputExample } from '../inputs/read-inputs.js';
import { writeNpy } from '../inputs/npy.js';
import { loadModel } from '../load-model.js';
import { OutputStage } from '../output/output-stage.js';
import type { InputSummary } from '../output/summary.js';
import { summarizeExample } from '../output/summary.js';
import { formatNumber, formatTable } from '../output/table.js';
import { ProgressBar } from '../progress-bar.js';
import { displayScale, renderInput, renderSigned, toMap2d } from '../render/heatmap.js';
import type { MontageColumn } from '../render/montage.js';
import { renderMontage } from '../render/montage.js';
import type { CliMethod, ExplainCliOptions } from './explain-options.js';
import {
  CLI_IG_METHODS,
  CLI_METHODS,
  EXPLAIN_HELP,
  EXPLAIN_OPTIONS,
  checkAgainstModel,
  parseExplainOptions,
} from './explain-options.js';

const LABELS: Record<CliMethod, string> = {
  gradient: 'GRADIENT',
  'input-x-gradient': 'GRADIENT × INPUT',
  'integrated-gradients': 'INTEGRATED GRADIENTS',
  bbp: 'BBP',
  total: 'TOTAL',
};

/** One attribution map of one example: its file name part, label and values. */
interface MapOf {
  readonly key: string;
  readonly label: string;
  readonly values: ArrayLike<number>;
}

function slice(t: HostTensor, i: number, per: number): Float64Array | Float32Array {
  return t.data.subarray(i * per, (i + 1) * per);
}

/**
 * The attribution maps of example i, in montage order; SmoothGrad's (`smoothed`) have keys
 * `smoothgrad.<method>` and labels `SG <METHOD>`.
 */
function mapsOf(
  a: AttributionSet,
  o: ExplainCliOptions,
  i: number,
  per: number,
  smoothed = false,
): MapOf[] {
  const maps: MapOf[] = [];
  const push = (key: string, label: string, t: HostTensor | undefined) => {
    if (t)
      maps.push({
        key: smoothed ? `smoothgrad.${key}` : key,
        label: smoothed ? `SG ${label}` : label,
        values: slice(t, i, per),
      });
  };
  for (const m of o.methods) {
    if (m === 'gradient') push(m, LABELS[m], a.gradient);
    if (m === 'input-x-gradient') push(m, LABELS[m], a.inputXGradient);
    if (m === 'integrated-gradients') push(m, LABELS[m], a.integratedGradients);
    if (m === 'bbp' || m === 'total')
      for (const rule of o.rules)
        push(`${m}.${rule}`, `${LABELS[m]} ${rule.toUpperCase()}`, a[m]?.[rule]);
  }
  return maps;
}

/** Example i of a batch, as a batch of one. */
function slicedExample(
  x: HostTensor,
  i: number,
  per: number,
  shape: readonly number[],
): HostTensor {
  return { data: slice(x, i, per), shape: [1, ...shape] };
}

function targetsOf(o: ExplainCliOptions): Target {
  return o.contrast ? { contrast: [o.contrast[0], o.contrast[1]] } : o.target;
}

function batchTensor(examples: readonly InputExample[], shape: readonly number[]): HostTensor {
  const per = examples[0]!.data.length;
  const data = new Float32Array(per * examples.length);
  examples.forEach((ex, i) => data.set(ex.data, i * per));
  return { data, shape: [examples.length, ...shape] };
}

/** Milliseconds per method of one example from a batch's timings. */
function timingsPerExample(
  e: Explanation,
  o: ExplainCliOptions,
  n: number,
): Record<string, number> {
  const ms: Record<string, number> = {};
  const shared = o.methods.filter((m) => m !== 'integrated-gradients');
  ms[shared.length ? shared.join('+') : 'forward'] = (e.timings.attribution ?? 0) / n;
  if (e.timings.integratedGradients !== undefined)
    ms['integrated-gradients'] = e.timings.integratedGradients / n;
  return ms;
}

/** A path relative to the working directory when it lies inside it, else absolute. */
function displayPath(cwd: string, file: string): string {
  const rel = relative(cwd, file);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : file;
}

function fmt(v: number): string {
  return formatNumber(v);
}

/**
 * `biasprop explain <model> <input...> [options]`: explains every input, writes attributions
 * (.npy), heatmaps and montages (.png) and summary.json into --out (all or nothing), and prints
 * a short table. Returns the exit code.
 *
 * @example
 * ```ts
 * const code = await explainCommand(['model.onnx', 'digits/', '--method', 'bbp'], processIo());
 * ```
 */
export async function explainCommand(argv: readonly string[], io: CliIo): Promise<number> {
  const args = parseArgs(argv, EXPLAIN_OPTIONS, 'explain');
  if (args.help) {
    io.stdout.write(EXPLAIN_HELP);
    return 0;
  }
  const o = parseExplainOptions(args);
  const outDir = resolve(io.cwd, o.out);
  if (existsSync(outDir) && !statSync(outDir).isDirectory())
    throw new CliError(`--out ${o.out} exists and is not a directory; choose another --out`, 2);
  const model = await loadModel(o.model, io.cwd);
  const graph = model.graph;
  checkAgainstModel(o, model);
  const shape = graph.input.shape;
  const readOptions = { shape, model: graph.name, scale: o.scale, cwd: io.cwd };
  const examples = readInputs(o.inputs, readOptions);
  const baseline = o.baseline === 'zero' ? undefined : readBaseline(o.baseline, readOptions);
  const backend = await createBackend(o.backend ?? defaultBackend(model.format));
  const stage = new OutputStage(outDir);
  const per = shape.reduce((a, b) => a * b, 1);
  const blank = toMap2d(new Float64Array(per), shape);
  const scale = displayScale(blank.width, blank.height);
  const summaries: InputSummary[] = [];
  const methodOptions = {
    backend,
    methods: o.methods.map((m) => CLI_METHODS[m]),
    target: targetsOf(o),
    rules: o.rules,
    biasLayers: o.biasLayers,
    integratedGradients: {
      steps: o.igSteps,
      method: CLI_IG_METHODS[o.igMethod],
      ...(baseline ? { baselines: { data: baseline, shape } } : {}),
    },
  };
  const batches = Math.ceil(examples.length / o.batch);
  // With SmoothGrad the bar counts inputs (each input's SmoothGrad is its own long run), otherwise
  // batches. An input costs one explained row plus `samples` noisy ones, which sets how far the
  // bar moves for a batch's explain and for each input's SmoothGrad.
  const samples = o.smoothGrad?.samples ?? 0;
  const bar = o.smoothGrad
    ? examples.length > 1
      ? new ProgressBar(io.stderr, examples.length, 'inputs')
      : undefined
    : batches > 1
      ? new ProgressBar(io.stderr, batches, 'batches')
      : undefined;
  /** Progress in the bar's unit: batch `b` of `n` inputs, `explained` (0–1), `smoothed` inputs. */
  const progressAt = (b: number, n: number, explained: number, smoothed: number): number =>
    o.smoothGrad
      ? b * o.batch + (n * explained + samples * smoothed) / (1 + samples)
      : b + explained;
  try {
    for (let b = 0; b < batches; b++) {
      const chunk = examples.slice(b * o.batch, (b + 1) * o.batch);
      const n = chunk.length;
      bar?.update(progressAt(b, n, 0, 0));
      const x = batchTensor(chunk, shape);
      const e = await explain(graph, x, {
        ...methodOptions,
        onProgress: (p) => {
          if (p.stage === 'integratedGradients' && p.total > 0)
            bar?.update(progressAt(b, n, p.done / p.total, 0));
        },
      });
      bar?.update(progressAt(b, n, 1, 0));
      const ms = timingsPerExample(e, o, chunk.length);
      // SmoothGrad input by input, each from the seed: an input's result does not depend on the
      // batch it is in.
      const smoothed: SmoothGradResult[] = [];
      const smoothMs: number[] = [];
      if (o.smoothGrad)
        for (let i = 0; i < chunk.length; i++) {
          const started = performance.now();
          smoothed.push(
            await smoothGrad(graph, slicedExample(x, i, per, shape), {
              ...methodOptions,
              ...o.smoothGrad,
            }),
          );
          smoothMs.push(performance.now() - started);
          bar?.update(progressAt(b, n, 1, i + 1));
        }
      chunk.forEach((ex, i) => {
        const files: string[] = [];
        const maps = [
          ...mapsOf(attributionSetOf(e), o, i, per),
          ...(smoothed[i] ? mapsOf(smoothed[i], o, 0, per, true) : []),
        ];
        for (const m of maps) {
          if (o.formats.has('npy')) {
            stage.write(`${ex.stem}.${m.key}.npy`, writeNpy(m.values, shape));
            files.push(`${ex.stem}.${m.key}.npy`);
          }
          if (o.formats.has('png')) {
            stage.write(
              `${ex.stem}.${m.key}.png`,
              renderSigned(toMap2d(m.values, shape), scale).toPng(),
            );
            files.push(`${ex.stem}.${m.key}.png`);
          }
        }
        const entry = summarizeExample(e, {
          input: ex.stem,
          file: displayPath(io.cwd, ex.file),
          ...(ex.index !== undefined ? { index: ex.index } : {}),
          position: i,
          ...(o.contrast ? { contrast: o.contrast } : {}),
          targetSource: o.contrast ? 'contrast' : o.target === 'pred' ? 'pred' : 'class',
          ms: smoothed[i] ? { ...ms, smoothgrad: smoothMs[i]! } : ms,
          files,
          ...(smoothed[i]
            ? { smoothGrad: { sigma: smoothed[i].sigma[0]!, meanF: smoothed[i].meanF[0]! } }
            : {}),
        });
        if (o.formats.has('png')) {
          const columns: MontageColumn[] = maps.map((m) => ({
            label: m.label,
            map: toMap2d(m.values, shape),
          }));
          const what = o.contrast ? `${o.contrast[0]}-${o.contrast[1]}` : String(entry.target);
          const title = `${ex.stem}  PRED ${entry.predicted}  TARGET ${what}  F=${fmt(entry.f)}  W·X=${fmt(entry.wx)}  B=${fmt(entry.b)}`;
          stage.write(
            `${ex.stem}.montage.png`,
            renderMontage({
              title,
              input: renderInput(ex.data, shape, scale),
              columns,
              scale,
            }).toPng(),
          );
          files.push(`${ex.stem}.montage.png`);
        }
        summaries.push(entry);
      });
      bar?.update(progressAt(b, n, 1, n));
    }
    bar?.finish();
    if (o.formats.has('json')) {
      const summary = {
        model: o.model,
        modelName: graph.name,
        format: model.format,
        inputShape: shape,
        classes: model.classes,
        ...(graph.removedSoftmax ? { removedSoftmax: graph.removedSoftmax } : {}),
        backend: backend.name,
        precision: backend.precision,
        methods: o.methods,
        rules: o.rules,
        biasLayers: o.biasLayersText,
        integratedGradients: o.methods.includes('integrated-gradients')
          ? { steps: o.igSteps, method: o.igMethod, baseline: o.baseline }
          : undefined,
        smoothGrad: o.smoothGrad,
        inputs: summaries,
      };
      stage.write('summary.json', `${JSON.stringify(summary, null, 2)}\n`);
    }
    const written = stage.commit();
    const rows = [['input', 'pred', 'f(x)', 'w·x', 'b', 'residual']];
    for (const s of summaries) {
      const residual = Math.max(s.completenessResidual, ...Object.values(s.bbpResidual));
      rows.push([
        s.input,
        String(s.predicted),
        fmt(s.f),
        fmt(s.wx),
        fmt(s.b),
        residual.toExponential(1),
      ]);
    }
    io.stdout.write(formatTable(rows));
    io.stdout.write(
      `${summaries.length} input(s) on ${backend.name} (${backend.precision}); wrote ${written.length} files to ${o.out}\n`,
    );
    return 0;
  } finally {
    stage.discard();
    await backend.dispose();
  }
}
