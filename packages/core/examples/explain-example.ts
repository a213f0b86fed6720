// Explains a small bundled example network on one input and prints the decomposition
// f(x) = w·x + b with the BBp completeness residual. Run: pnpm --filter @biasprop/core example
import { GraphBuilder, explain, prepareGraph, summarizeGraph } from '@biasprop/core';

/** A deterministic pseudo-random generator (LCG) so the example prints the same numbers every run. */
function seeded(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return Math.fround(s / 2 ** 32 - 0.5);
  };
}

const random = seeded(7);
const values = (n: number, scale = 1) => Float32Array.from({ length: n }, () => random() * scale);

// A LeNet-style network on 1×12×12 inputs: conv–BN–ReLU–maxpool, dense–ReLU, dense–softmax.
const b = new GraphBuilder('example-cnn', [1, 12, 12]);
let h = b.conv2d(
  b.input,
  values(4 * 9),
  [4, 1, 3, 3],
  values(4, 0.2),
  { pads: [1, 1, 1, 1] },
  'conv1',
);
h = b.batchNorm(
  h,
  {
    gamma: [1, 0.8, 1.2, 1],
    beta: [0.1, 0, -0.1, 0.05],
    mean: [0, 0.1, 0, -0.1],
    variance: [1, 0.5, 2, 1],
    epsilon: 1e-3,
  },
  0,
  'bn1',
);
h = b.relu(h, 'relu1');
h = b.maxPool2d(h, [2, 2], { strides: [2, 2] }, 'pool1');
h = b.flatten(h, 'flatten');
h = b.relu(b.dense(h, values(144 * 16, 0.3), [144, 16], values(16, 0.2), 'fc1'), 'relu2');
h = b.dense(h, values(16 * 3), [16, 3], values(3, 0.2), 'fc2');
b.softmax(h, 'probs');
const graph = prepareGraph(b.build());

const x = {
  data: Float32Array.from({ length: 144 }, (_, i) => (i % 12 > 3 && i % 12 < 8 ? 1 : 0)),
  shape: [1, 1, 12, 12],
};
const result = await explain(graph, x, { rules: ['contribution', 'weight', 'signed', 'uniform'] });

console.log(summarizeGraph(graph));
const d = result.decomposition[0]!;
console.log(
  `\nexplained class ${result.predicted[0]} (predicted), backend ${result.backend} (${result.precision})`,
);
console.log(`f(x) = w·x + b:  ${d.f.toFixed(6)} = ${d.wx.toFixed(6)} + ${d.bias.toFixed(6)}`);
console.log(
  `Σ_v g_v·c_v = ${d.biasTerms.toFixed(6)}  (relative residual ${d.completenessResidual.toExponential(2)})`,
);
for (const [rule, s] of Object.entries(d.bbpSum)) {
  console.log(
    `BBp ${rule.padEnd(12)} Σβ₀ = ${s.toFixed(6)}  (relative residual ${d.bbpResidual[rule]!.toExponential(2)})`,
  );
}
console.log(
  `Integrated Gradients (gauss-legendre 50): convergence delta ${result.integratedGradients!.delta[0]!.toExponential(2)}`,
);
console.log(
  '\nbias per layer:',
  result.layers.map((l) => `${l.layer}=${l.values[0]!.toFixed(4)}`).join(', '),
);
