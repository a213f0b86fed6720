import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { BiaspropError, layersOf, summarizeGraph } from '@biasprop/core';
import { parseArgs } from '../args/parse-args.js';
import type { CliIo } from '../cli-io.js';
import { CliError, usageError } from '../errors.js';
import { loadModel } from '../load-model.js';

/** Help of `biasprop info`. */
export const INFO_HELP = `Usage: biasprop info <model>

Prints the model as biasprop sees it: every node with its op, output shape, parameter count and
layer; folded BatchNorms and a removed final Softmax; and, when the model cannot be explained,
every unsupported op with its node.

Arguments:
  <model>      .onnx file, or a tfjs model.json (LayersModel or GraphModel)

Options:
  -h, --help   show this help
`;

/** Every ONNX node whose op type the importer does not know, as `op 'node'`. */
async function unsupportedOnnxNodes(path: string): Promise<string[]> {
  try {
    const onnx = await import('@biasprop/onnx');
    const known = new Set(onnx.supportedOnnxOps());
    const model = onnx.decodeModel(readFileSync(path));
    return (model.graph?.node ?? [])
      .filter((n) => !known.has(n.op_type ?? ''))
      .map((n) => `${n.op_type ?? '?'} '${n.name ?? n.output?.[0] ?? '?'}'`);
  } catch {
    return [];
  }
}

/**
 * `biasprop info <model>`: the IR summary (nodes, shapes, layers, folded BNs, removed softmax)
 * or the unsupported ops. Returns the exit code (1 when the model has unsupported ops).
 *
 * @example
 * ```ts
 * await infoCommand(['model.onnx'], processIo());
 * ```
 */
export async function infoCommand(argv: readonly string[], io: CliIo): Promise<number> {
  const args = parseArgs(argv, [], 'info');
  if (args.help) {
    io.stdout.write(INFO_HELP);
    return 0;
  }
  if (args.positionals.length !== 1)
    throw usageError(`expected one <model>, got ${args.positionals.length} arguments`, 'info');
  const path = args.positionals[0]!;
  try {
    const model = await loadModel(path, io.cwd);
    const g = model.graph;
    io.stdout.write(`model:   ${path} (${model.format})\n`);
    io.stdout.write(`input:   '${g.input.name}' [${g.input.shape.join(', ')}] per example\n`);
    io.stdout.write(
      `output:  '${g.output}' with ${model.classes} outputs${g.removedSoftmax ? ` (logits: final softmax '${g.removedSoftmax}' removed)` : ''}\n`,
    );
    io.stdout.write(
      `layers:  ${layersOf(g).length} (${layersOf(g)
        .map((l) => l.name)
        .join(', ')})\n`,
    );
    io.stdout.write('unsupported ops: none\n\n');
    io.stdout.write(`${summarizeGraph(g)}\n`);
    return 0;
  } catch (e) {
    if (e instanceof BiaspropError && e.code === 'UNSUPPORTED_OP') {
      const all = path.toLowerCase().endsWith('.onnx')
        ? await unsupportedOnnxNodes(resolve(io.cwd, path))
        : [];
      const list = all.length ? `; all unsupported nodes: ${all.join(', ')}` : '';
      throw new CliError(
        `${e.message}${list}; biasprop cannot explain this model (see the op catalogue in the @biasprop/core README)`,
      );
    }
    throw e;
  }
}
