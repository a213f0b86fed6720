import type { HostTensor } from '@biasprop/core';
import { explain, predict } from '@biasprop/core';
import { parseArgs } from '../args/parse-args.js';
import { BACKEND_NAMES, createBackend, defaultBackend } from '../backends.js';
import type { CliIo } from '../cli-io.js';
import { CliError, usageError } from '../errors.js';
import { readInputs } from '../inputs/read-inputs.js';
import { loadModel } from '../load-model.js';
import { formatTable } from '../output/table.js';

/** Help of `biasprop bench`. */
export const BENCH_HELP = `Usage: biasprop bench <model> [options]

Times forward, gradient, BBp and Integrated Gradients on one backend (median of --repeat runs
after one warm-up run) and prints each as milliseconds and as a multiple of the forward pass.

Options:
  --backend NAME   ${BACKEND_NAMES.join('|')}
                   (default: ort-cpu for .onnx, tfjs-wasm for tfjs)
  --batch N        examples per call (default 1)
  --repeat N       timed runs per stage (default 5)
  --ig-steps N     Integrated Gradients points (default 50)
  --input FILE     time on this input (.png/.npy) instead of a seeded random one
  -h, --help       show this help
`;

function positive(value: string | undefined, fallback: number, option: string): number {
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value) || Number(value) < 1)
    throw usageError(`--${option} must be a positive integer, got '${value}'`, 'bench');
  return Number(value);
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** Seeded uniform values in [0, 1). */
function randomInput(n: number, seed = 1): Float32Array {
  let s = seed >>> 0;
  return Float32Array.from({ length: n }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  });
}

/**
 * `biasprop bench <model>`: forward / gradient / BBp / IG times and ratios on one backend.
 *
 * @example
 * ```ts
 * await benchCommand(['model.onnx', '--backend', 'ort-cpu', '--repeat', '3'], processIo());
 * ```
 */
export async function benchCommand(argv: readonly string[], io: CliIo): Promise<number> {
  const names = ['backend', 'batch', 'repeat', 'ig-steps', 'input'];
  const args = parseArgs(
    argv,
    names.map((name) => ({ name, value: true })),
    'bench',
  );
  if (args.help) {
    io.stdout.write(BENCH_HELP);
    return 0;
  }
  if (args.positionals.length !== 1)
    throw usageError(`expected one <model>, got ${args.positionals.length} arguments`, 'bench');
  const o = args.options;
  const batch = positive(o.get('batch'), 1, 'batch');
  const repeat = positive(o.get('repeat'), 5, 'repeat');
  const steps = positive(o.get('ig-steps'), 50, 'ig-steps');
  const backendName = o.get('backend');
  if (backendName !== undefined && !(BACKEND_NAMES as readonly string[]).includes(backendName)) {
    throw new CliError(
      `unknown backend '${backendName}'; use one of ${BACKEND_NAMES.join(', ')} (see 'biasprop bench --help')`,
      2,
    );
  }
  const model = await loadModel(args.positionals[0]!, io.cwd);
  const graph = model.graph;
  const per = graph.input.shape.reduce((a, b) => a * b, 1);
  let one: Float32Array;
  const inputPath = o.get('input');
  if (inputPath !== undefined) {
    const ex = readInputs([inputPath], {
      shape: graph.input.shape,
      model: graph.name,
      cwd: io.cwd,
    });
    one = ex[0]!.data;
  } else one = randomInput(per);
  const data = new Float32Array(per * batch);
  for (let i = 0; i < batch; i++) data.set(one, i * per);
  const x: HostTensor = { data, shape: [batch, ...graph.input.shape] };
  const backend = await createBackend(backendName ?? defaultBackend(model.format));
  try {
    const stages: [string, () => Promise<unknown>][] = [
      ['forward', () => predict(graph, x, backend)],
      ['gradient', () => explain(graph, x, { backend, methods: ['gradient'] })],
      ['bbp', () => explain(graph, x, { backend, methods: ['bbp'] })],
      [
        `integrated-gradients (${steps} steps)`,
        () =>
          explain(graph, x, {
            backend,
            methods: ['integratedGradients'],
            integratedGradients: { steps },
          }),
      ],
    ];
    const results: [string, number, number][] = [];
    for (const [name, run] of stages) {
      let t = performance.now();
      await run();
      const first = performance.now() - t;
      const times: number[] = [];
      for (let r = 0; r < repeat; r++) {
        t = performance.now();
        await run();
        times.push(performance.now() - t);
      }
      results.push([name, median(times), first]);
    }
    const forward = results[0]![1];
    const rows = [['stage', 'median ms', 'first run ms', '× forward']];
    for (const [name, ms, first] of results)
      rows.push([name, ms.toFixed(2), first.toFixed(2), (ms / forward).toFixed(1)]);
    io.stdout.write(
      `model ${args.positionals[0]} on ${backend.name} (${backend.precision}), batch ${batch}, ${repeat} runs per stage\n`,
    );
    io.stdout.write(formatTable(rows));
    return 0;
  } finally {
    await backend.dispose();
  }
}
