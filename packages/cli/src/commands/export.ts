import { existsSync, mkdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, extname, resolve } from 'node:path';
import { parseArgs } from '../args/parse-args.js';
import type { CliIo } from '../cli-io.js';
import { CliError, usageError } from '../errors.js';
import { adapterModule, loadModel } from '../load-model.js';
import { formatTable } from '../output/table.js';
import type { CliMethod } from './explain-options.js';
import {
  CLI_IG_QUADRATURES,
  CLI_METHODS,
  CLI_RULES,
  checkBiasLayers,
  parseBiasLayers,
} from './explain-options.js';

/** Help of `biasprop export`. */
export const EXPORT_HELP = `Usage: biasprop export <model> --method M --out FILE.onnx [options]

Writes the traced attribution graph of @biasprop/onnx's exportAttributionGraph: forward, readout,
backward and BBp in one standalone ONNX model (opset 17, float32) that any ONNX runtime runs
without biasprop. It always computes the gradient, gradient×input, BBp and total per rule and the
decomposition f, w·x, b; --method integrated-gradients (alone or in a list) adds Integrated
Gradients from the zero baseline. FILE.onnx.json describes its inputs and outputs.

Options:
  --method LIST        gradient,input-x-gradient,integrated-gradients,bbp,total (required)
  --out FILE.onnx      where to write the model
  --rule LIST          BBp rules: contribution,weight,signed,uniform (default contribution)
  --bias-layers SEL    all (default), skip-first:K, or layer/node names
  --batch N            batch size baked into the graph (default 1)
  --target-input KIND  class-index (default: int64 'target' [batch], -1 = predicted class) or
                       readout (float32 'readout' [batch, classes], e.g. e_t − e_s)
  --ig-steps N         IG points (default 50)
  --ig-method NAME     ${Object.keys(CLI_IG_QUADRATURES).join('|')}
  -h, --help           show this help
`;

function positive(value: string, option: string): number {
  if (!/^\d+$/.test(value) || Number(value) < 1)
    throw usageError(`--${option} must be a positive integer, got '${value}'`, 'export');
  return Number(value);
}

/**
 * `biasprop export <model> --method M --out FILE.onnx`: the traced attribution graph from
 * `@biasprop/onnx`'s `exportAttributionGraph`, written atomically, with a JSON description.
 *
 * @example
 * ```ts
 * await exportCommand(['model.onnx', '--method', 'bbp', '--out', 'bbp.onnx'], processIo());
 * ```
 */
export async function exportCommand(argv: readonly string[], io: CliIo): Promise<number> {
  const names = [
    'method',
    'out',
    'rule',
    'bias-layers',
    'batch',
    'target-input',
    'ig-steps',
    'ig-method',
  ];
  const args = parseArgs(
    argv,
    names.map((name) => ({ name, value: true })),
    'export',
  );
  if (args.help) {
    io.stdout.write(EXPORT_HELP);
    return 0;
  }
  if (args.positionals.length !== 1)
    throw usageError(`expected one <model>, got ${args.positionals.length} arguments`, 'export');
  const o = args.options;
  const methodText = o.get('method');
  if (methodText === undefined) throw usageError('missing --method', 'export');
  const methods = methodText.split(',');
  for (const m of methods) {
    if (!(m in CLI_METHODS))
      throw usageError(
        `--method: unknown value '${m}'; use ${Object.keys(CLI_METHODS).join(', ')}`,
        'export',
      );
  }
  const out = o.get('out');
  if (out === undefined) throw usageError('missing --out FILE.onnx', 'export');
  if (extname(out).toLowerCase() !== '.onnx')
    throw usageError(`--out must name an .onnx file, got '${out}'`, 'export');
  const rules = (o.get('rule') ?? 'contribution').split(',');
  for (const r of rules)
    if (!(CLI_RULES as readonly string[]).includes(r))
      throw usageError(`--rule: unknown value '${r}'; use ${CLI_RULES.join(', ')}`, 'export');
  const batch = positive(o.get('batch') ?? '1', 'batch');
  const steps = positive(o.get('ig-steps') ?? '50', 'ig-steps');
  const igMethod = o.get('ig-method') ?? 'gauss-legendre';
  if (!(igMethod in CLI_IG_QUADRATURES))
    throw usageError(
      `--ig-method: unknown value '${igMethod}'; use ${Object.keys(CLI_IG_QUADRATURES).join(', ')}`,
      'export',
    );
  const targetInput = o.get('target-input') ?? 'class-index';
  if (targetInput !== 'class-index' && targetInput !== 'readout')
    throw usageError(
      `--target-input must be class-index or readout, got '${targetInput}'`,
      'export',
    );
  const biasLayers = parseBiasLayers(o.get('bias-layers') ?? 'all', 'export');
  const target = resolve(io.cwd, out);
  if (existsSync(target) && statSync(target).isDirectory())
    throw new CliError(`--out ${out} is a directory; name an .onnx file`, 2);
  const model = await loadModel(args.positionals[0]!, io.cwd);
  checkBiasLayers(biasLayers, model);
  const onnx = await adapterModule(() => import('@biasprop/onnx'), '@biasprop/onnx', [
    'exportAttributionGraph',
  ]);
  const exported = onnx.exportAttributionGraph(model.graph, {
    batch,
    target: targetInput === 'readout' ? 'readout' : 'classIndex',
    rules: rules as (typeof CLI_RULES)[number][],
    biasLayers,
    ...(methods.includes('integrated-gradients')
      ? {
          integratedGradients: {
            steps,
            method: CLI_IG_QUADRATURES[igMethod as keyof typeof CLI_IG_QUADRATURES],
          },
        }
      : {}),
  });
  const description = `${JSON.stringify({ model: model.graph.name, methods: methods as CliMethod[], inputs: exported.inputs, outputs: exported.outputs }, null, 2)}\n`;
  mkdirSync(dirname(target), { recursive: true });
  const tmp = `${target}.tmp-${process.pid}`;
  try {
    writeFileSync(tmp, exported.bytes);
    writeFileSync(`${tmp}.json`, description);
    renameSync(tmp, target);
    renameSync(`${tmp}.json`, `${target}.json`);
  } finally {
    rmSync(tmp, { force: true });
    rmSync(`${tmp}.json`, { force: true });
  }
  io.stdout.write(
    `wrote ${out} (${exported.bytes.length} bytes) and ${out}.json: the attribution graph of ${args.positionals[0]}\n\n`,
  );
  const rows = [['', 'name', 'type', 'shape', 'meaning']];
  for (const t of exported.inputs)
    rows.push(['input', t.name, t.type, `[${t.shape.join(', ')}]`, t.description]);
  for (const t of exported.outputs)
    rows.push(['output', t.name, t.type, `[${t.shape.join(', ')}]`, t.description]);
  io.stdout.write(formatTable(rows));
  return 0;
}
