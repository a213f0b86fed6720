import type { ModelCardInfo } from '../src/modelCard.js';

const pct = (v: number) => `${(100 * v).toFixed(2)}%`;

/**
 * Renders MODEL_CARD.md from the card data gathered by scripts/evaluate.ts.
 *
 * @example
 * ```ts
 * writeFileSync('MODEL_CARD.md', renderModelCard(card));
 * ```
 */
export function renderModelCard(card: ModelCardInfo): string {
  const t = card.training as {
    trainer?: string;
    backend?: string;
    steps?: number;
    seed?: number;
    epochs?: number;
    batchSize?: number;
    optimizer?: string;
    loss?: string;
    preprocessing?: string;
    trainSeconds?: number;
    wallSeconds?: number;
    epochLog?: { epoch: number; loss: number; acc: number; seconds: number; testAcc?: number }[];
  };
  const title = card.name === 'mnist' ? 'MNIST' : 'Fashion-MNIST';
  const a = card.architecture;
  const o = card.onnx as {
    maxAbsDiffTorchVsTfjs?: number;
    argmaxAgreementTorchVsTfjs?: number;
    samples?: number;
    nodes?: string[];
    torch?: string;
    onnx?: string;
  } | null;
  const lines: string[] = [];
  lines.push(`# ${title} CNN — model card`, '');
  lines.push(
    `${card.task}. A small example model of \`@biasprop/model-zoo\` for the CLI, the demo and evaluations.`,
    '',
  );
  lines.push('## Files', '');
  lines.push('| file | bytes | what |', '| --- | --- | --- |');
  const what: Record<string, string> = {
    'model.json': 'tfjs LayersModel topology + weights manifest (load with `fileIOHandler`)',
    'weights.bin': 'tfjs weights (float32, little-endian, manifest order)',
    'model.onnx': `ONNX export (opset 13, dynamic batch), made by scripts/export_onnx.py`,
  };
  for (const [f, { bytes }] of Object.entries(card.files))
    lines.push(`| ${f} | ${bytes} | ${what[f] ?? ''} |`);
  lines.push(
    '| samples/ | | 2 test images per class: `<label>-<k>.npy` (float32 [28,28,1] in [0,1]), `<label>-<k>.png`, `index.json` (labels, test indices, tfjs softmax outputs) |',
    '',
  );
  lines.push('## Input and output', '');
  lines.push(`- Input: ${card.input}.`);
  lines.push(
    '- Output: softmax probabilities over the 10 classes (the last layer includes the softmax).',
  );
  lines.push(`- Classes: ${card.classNames.map((c, i) => `${i} = ${c}`).join(', ')}.`, '');
  lines.push('## Architecture', '');
  lines.push(
    `Conv2D ${a.conv1Filters} 3×3 same (+bias) → BatchNormalization → ReLU → MaxPool 2×2 → ` +
      `Conv2D ${a.conv2Filters} 3×3 same (+bias) → BatchNormalization → ReLU → MaxPool 2×2 → Flatten (NHWC order) → ` +
      `Dense ${a.denseUnits} ReLU → Dense 10 softmax. ${a.parameters} parameters ` +
      '(BatchNormalization epsilon 0.001, momentum 0.99).',
    '',
  );
  lines.push(`tfjs layers: ${a.layers.join(', ')}.`, '');
  lines.push('## Data', '');
  lines.push(
    `${card.dataSource}. Official train/test split; no validation split, no augmentation.`,
    '',
  );
  lines.push('## Training', '');
  const byTorch = t.trainer?.includes('PyTorch') === true;
  lines.push(`- Trainer: ${t.trainer ?? `\`scripts/train.ts\` on ${t.backend ?? 'tfjs'}`}.`);
  lines.push(`- Seed: ${t.seed} (weight initialisation and per-epoch shuffling).`);
  lines.push(`- Epochs: ${t.epochs}; batch size ${t.batchSize}; ${t.optimizer}; loss: ${t.loss}.`);
  lines.push(`- Preprocessing: ${t.preprocessing}.`);
  lines.push(
    `- Duration: ${(t.trainSeconds ?? 0).toFixed(1)} s of training (${(t.wallSeconds ?? 0).toFixed(1)} s wall, including per-epoch test evaluation).`,
    '',
  );
  if (t.epochLog !== undefined) {
    lines.push(
      '| epoch | train loss | train acc | test acc | seconds |',
      '| --- | --- | --- | --- | --- |',
    );
    for (const e of t.epochLog) {
      lines.push(
        `| ${e.epoch} | ${e.loss.toFixed(4)} | ${pct(e.acc)} | ${e.testAcc === undefined ? '' : pct(e.testAcc)} | ${e.seconds.toFixed(1)} |`,
      );
    }
    lines.push('');
  }
  lines.push(
    byTorch
      ? '**How these weights were produced.** The tfjs trainer `scripts/train.ts` was too slow for the ' +
          'time available, so `scripts/train_torch.py` (PyTorch, the same architecture, data, preprocessing, ' +
          'initialiser families, optimizer, batch size and Keras BatchNormalization settings, with NHWC flatten ' +
          'order) trained them and `scripts/import_torch_weights.ts` copied them into the tfjs LayersModel; ' +
          'the accuracy below is measured on that tfjs model.'
      : '**How these weights were produced.** `scripts/train.ts` trained this network with tfjs 4.22 on the ' +
          'cpu backend (seeded He/Glorot initialisers, mulberry32 shuffling, faster replacements for the ' +
          'slowest cpu kernels in `scripts/fastKernels.ts`), on a shared 2-core machine. ' +
          '`scripts/train_torch.py` is a PyTorch twin of the same recipe (same architecture, data, ' +
          'preprocessing, initialiser families, optimizer and Keras BatchNormalization settings) for ' +
          'experiments; `scripts/import_torch_weights.ts` copies its weights into the tfjs LayersModel.',
    '',
  );
  lines.push(
    '**Determinism.** tfjs cpu training is deterministic given the seed: two `train.ts` runs with the same ' +
      'seed wrote byte-identical weights (checked for 5 steps), and two parallel runs of 600+ steps logged ' +
      'identical losses and accuracies at every logged step. The PyTorch twin is deterministic too ' +
      '(`torch.use_deterministic_algorithms(True)`). Results on other hardware or library versions may ' +
      'differ in the last bits.',
    '',
  );
  lines.push('## Evaluation', '');
  lines.push(
    `Test accuracy on the full ${card.evaluation.testImages}-image test set: **${pct(card.evaluation.testAccuracy)}** ` +
      `(${card.evaluation.backend}, ${card.evaluation.seconds.toFixed(1)} s).`,
    '',
  );
  lines.push('| class | accuracy |', '| --- | --- |');
  card.evaluation.perClassAccuracy.forEach((v, i) =>
    lines.push(`| ${i} ${card.classNames[i]} | ${pct(v)} |`),
  );
  lines.push('');
  if (o !== null) {
    lines.push('## ONNX export', '');
    lines.push(
      `\`model.onnx\`: opset 13, input \`input\` float32 [batch, 1, 28, 28] (NCHW), output \`probabilities\` ` +
        `float32 [batch, 10]. Nodes: ${(o.nodes ?? []).join(' → ')} (BatchNormalization kept as nodes, not folded). ` +
        `Exported with PyTorch ${o.torch} / onnx ${o.onnx}. On the ${o.samples} bundled samples the torch network ` +
        `that was exported matches the tfjs model: max |Δp| = ${(o.maxAbsDiffTorchVsTfjs ?? NaN).toExponential(2)}, ` +
        `argmax agreement ${pct(o.argmaxAgreementTorchVsTfjs ?? NaN)}.`,
      '',
    );
  }
  lines.push('## Reproduce', '', 'From packages/model-zoo:', '', '```sh');
  if (byTorch) {
    lines.push(
      `/usr/bin/python3 scripts/train_torch.py ${card.name} --out /tmp/${card.name} --device cuda`,
      `pnpm import-torch-weights ${card.name} /tmp/${card.name}`,
    );
  } else {
    lines.push(`pnpm train ${card.name}   # ${((t.trainSeconds ?? 0) / 60).toFixed(0)} min here`);
  }
  lines.push(
    `pnpm samples ${card.name}`,
    `pnpm export-onnx ${card.name}`,
    `pnpm evaluate ${card.name}`,
    '```',
    '',
  );
  return lines.join('\n');
}
