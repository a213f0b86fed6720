#!/usr/bin/env node
// Runs biasprop's exported attribution graphs (the folder scripts/gpu-check-prepare.ts writes) on
// onnxruntime-node's execution providers: `cpu`, and the GPU ones, `cuda` (where its binaries are
// installed) and `webgpu` (where Dawn finds an adapter, e.g. Vulkan on an NVIDIA GPU). Prints the
// max error of every output against the float64 reference (the metric of gpu_check.py) and the
// steady-state time of each provider next to `cpu`.
//
// Plain JavaScript with one dependency, onnxruntime-node, so that it runs on a machine that has
// Node and that package but no workspace install: the package is resolved from this folder, or
// from the folders in GPU_CHECK_NODE_MODULES (colon-separated node_modules folders).
//
// Usage: node scripts/gpu-check-ort.mjs [DATA_DIR] [--providers=cpu,cuda,webgpu] [--require=webgpu]
//                                       [--cases=lenet-bn-b4,...]
// Exit status: 1 when an output of a provider that ran is beyond the manifest's tolerance, or a
// provider named by --require could not run; else 0 (an unavailable provider prints why).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const SCALARS = new Set(['f', 'wx', 'b']);
const here = dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const flag = (name, fallback) =>
  (args.find((a) => a.startsWith(`--${name}=`)) ?? `--${name}=${fallback}`).split('=')[1];
const root = resolve(args.find((a) => !a.startsWith('--')) ?? join(here, '..', '.gpu-check'));
const providers = flag('providers', 'cpu,cuda,webgpu').split(',').filter(Boolean);
const required = flag('require', '').split(',').filter(Boolean);
const only = flag('cases', '').split(',').filter(Boolean);

function loadOrt() {
  const require = createRequire(import.meta.url);
  const paths = [here, ...(process.env.GPU_CHECK_NODE_MODULES ?? '').split(':').filter(Boolean)];
  return require(require.resolve('onnxruntime-node', { paths }));
}

const ARRAYS = { float32: Float32Array, float64: Float64Array, int64: BigInt64Array };

function load(caseDir, info) {
  const bytes = readFileSync(join(root, caseDir, info.file));
  const Ctor = ARRAYS[info.dtype];
  const copy = new Uint8Array(bytes.byteLength);
  copy.set(bytes);
  return { data: new Ctor(copy.buffer), shape: info.shape, dtype: info.dtype };
}

/** max|got − ref| / scale per output; scale is max|ref| for maps, max(|f|,|w·x|,|b|) for scalars. */
function errors(outputs, refs) {
  const maxAbs = (a) => a.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
  const scalarScale = Math.max(maxAbs(refs.f.data), maxAbs(refs.wx.data), maxAbs(refs.b.data));
  const result = {};
  for (const [name, ref] of Object.entries(refs)) {
    const got = outputs[name];
    if (!got || got.data.length !== ref.data.length) {
      result[name] = Infinity;
      continue;
    }
    let err = 0;
    for (let i = 0; i < ref.data.length; i++)
      err = Math.max(err, Math.abs(Number(got.data[i]) - ref.data[i]));
    const scale = SCALARS.has(name) || name.startsWith('bbp_sum_') ? scalarScale : maxAbs(ref.data);
    result[name] = scale > 0 ? err / scale : err;
  }
  return result;
}

async function medianMs(session, feeds, minRuns = 5, budgetMs = 2000) {
  await session.run(feeds);
  const times = [];
  const start = performance.now();
  while (times.length < minRuns || (performance.now() - start < budgetMs && times.length < 100)) {
    const t = performance.now();
    await session.run(feeds);
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

const firstLine = (e) => String(e?.message ?? e).split('\n')[0];

async function main() {
  // TF32 (10-bit mantissa) in the CUDA provider's convs and matrix products broke the float32
  // contract by up to 0.19 on an H100; cuBLAS and cuDNN read this when their handles are made.
  process.env.NVIDIA_TF32_OVERRIDE ??= '0';
  let ort;
  try {
    ort = loadOrt();
  } catch (e) {
    console.log(`gpu-check-ort: skipped: onnxruntime-node not found (${firstLine(e)})`);
    return required.length ? 1 : 0;
  }
  const manifest = JSON.parse(readFileSync(join(root, 'manifest.json'), 'utf8'));
  const tol = manifest.tolerance ?? 1e-4;
  console.log(
    `onnxruntime-node ${ort.env.versions?.common ?? ''}, node ${process.version}, providers tried: ${providers.join(', ')}, NVIDIA_TF32_OVERRIDE=${process.env.NVIDIA_TF32_OVERRIDE}`,
  );
  const unavailable = new Map();
  const rows = [];
  let failed = false;
  for (const c of manifest.cases) {
    if (only.length && !only.includes(c.name)) continue;
    const feeds = {};
    for (const [k, info] of Object.entries(c.inputs)) {
      const a = load(c.dir, info);
      feeds[k] = new ort.Tensor(info.dtype, a.data, info.shape);
    }
    const refs = Object.fromEntries(
      Object.entries(c.references).map(([k, info]) => [k, load(c.dir, info)]),
    );
    const row = { name: c.name, cells: {} };
    for (const ep of providers) {
      if (unavailable.has(ep)) continue;
      let session;
      const t0 = performance.now();
      try {
        // A provider-specific export (`models.webgpu`) where the manifest has one.
        session = await ort.InferenceSession.create(join(root, c.models?.[ep] ?? c.model), {
          executionProviders: [ep],
          graphOptimizationLevel: 'all',
          logSeverityLevel: 3,
        });
      } catch (e) {
        const why =
          ep === 'cuda'
            ? `${firstLine(e)} (onnxruntime-node's CUDA provider binaries are installed only with ONNXRUNTIME_NODE_INSTALL=cuda12, from the NuGet feed)`
            : firstLine(e);
        unavailable.set(ep, why);
        console.log(`  ${ep}: not available here: ${why}`);
        continue;
      }
      const buildMs = performance.now() - t0;
      try {
        const outputs = await session.run(feeds);
        const errs = errors(outputs, refs);
        const worst = Object.keys(errs).reduce((a, b) => (errs[b] > errs[a] ? b : a));
        if (!(errs[worst] <= tol)) {
          failed = true;
          const bad = Object.entries(errs)
            .filter(([, v]) => !(v <= tol))
            .map(([k, v]) => `${k}=${v.toExponential(2)}`);
          console.log(`  ${c.name} on ${ep}: outputs beyond ${tol}: ${bad.join(', ')}`);
        }
        row.cells[ep] = { err: errs[worst], worst, ms: await medianMs(session, feeds), buildMs };
      } catch (e) {
        failed = true;
        console.log(`  ${c.name} on ${ep}: run failed: ${firstLine(e)}`);
      } finally {
        await session.release();
      }
    }
    rows.push(row);
  }
  const ran = providers.filter((p) => rows.some((r) => r.cells[p]));
  console.log();
  if (ran.length === 0) console.log('no provider ran');
  const gpus = ran.filter((p) => p !== 'cpu');
  const header = [
    'case',
    ...ran.map((p) => `max error ${p} (worst output)`),
    ...ran.map((p) => `${p} ms`),
    ...gpus.flatMap((p) => [`cpu ÷ ${p}`, `${p} session build ms`]),
  ];
  if (ran.length) console.log(`| ${header.join(' | ')} |`);
  if (ran.length) console.log(`|---|${'---:|'.repeat(header.length - 1)}`);
  for (const r of ran.length ? rows : []) {
    const cell = (p, f) => (r.cells[p] ? f(r.cells[p]) : 'n/a');
    const errsCol = ran.map((p) => cell(p, (x) => `${x.err.toExponential(2)} (${x.worst})`));
    const msCol = ran.map((p) => cell(p, (x) => x.ms.toFixed(2)));
    const ratio = gpus.flatMap((p) => [
      r.cells.cpu && r.cells[p] ? `${(r.cells.cpu.ms / r.cells[p].ms).toFixed(1)}×` : 'n/a',
      cell(p, (x) => x.buildMs.toFixed(0)),
    ]);
    console.log(`| ${r.name} | ${[...errsCol, ...msCol, ...ratio].join(' | ')} |`);
  }
  for (const [ep, why] of unavailable) console.log(`${ep}: skipped: ${why}`);
  const missing = required.filter((p) => !ran.includes(p));
  if (missing.length)
    console.log(`FAILED: required provider(s) did not run: ${missing.join(', ')}`);
  console.log(
    failed
      ? 'FAILED: some outputs are beyond the tolerance'
      : `OK: every output that ran is within ${tol} of the float64 reference`,
  );
  return failed || missing.length ? 1 : 0;
}

process.exitCode = await main();
