import type { ConformanceFixture } from '@biasprop/conformance/runner';
import { adapterFixtures, convLayer, denseLayer, seededRandom } from '@biasprop/conformance/runner';
import type { IRGraph } from '@biasprop/core';
import { GraphBuilder } from '@biasprop/core';
import { registerCustomOps } from './register.js';

/** PyTorch's HardSigmoid constants (`relu6(z + 3)/6`); both are exact in float32. */
const TORCH_HARD_SIGMOID = { alpha: 1 / 6, beta: 0.5 };

/**
 * A CNN with both custom ops: conv → hardSwish → max pool → conv → hardSigmoid → global average
 * pool → dense (input `[1, 8, 8]`, 3 classes). Weights are seeded and float32-representable, scaled so
 * that pre-activations reach all three pieces of each op.
 *
 * @example
 * ```ts
 * const graph = customOpCnn(); // graph.nodes.map((n) => n.op) includes 'hardSwish', 'hardSigmoid'
 * ```
 */
export function customOpCnn(seed = 7): IRGraph {
  registerCustomOps();
  const rng = seededRandom(seed);
  const b = new GraphBuilder('custom-op-cnn', [1, 8, 8]);
  let h = convLayer(b, b.input, rng, [4, 1, 3, 3], 'conv1', { pads: [1, 1, 1, 1] }, 3, 1);
  h = b.add('hardSwish', [h], {}, {}, 'hswish1');
  h = b.maxPool2d(h, [2, 2], { strides: [2, 2] }, 'pool1');
  h = convLayer(b, h, rng, [4, 4, 3, 3], 'conv2', { pads: [1, 1, 1, 1] }, 2, 1);
  h = b.add('hardSigmoid', [h], TORCH_HARD_SIGMOID, {}, 'hsigmoid2');
  h = b.globalAvgPool(h, 'gap');
  denseLayer(b, b.flatten(h), rng, 4, 3, 'fc', 2);
  return b.build();
}

/**
 * An MLP with both custom ops: dense → hardSwish → dense → hardSigmoid (ONNX defaults) → dense
 * (8 → 8 → 6 → 3).
 *
 * @example
 * ```ts
 * const graph = customOpMlp();
 * ```
 */
export function customOpMlp(seed = 8): IRGraph {
  registerCustomOps();
  const rng = seededRandom(seed);
  const b = new GraphBuilder('custom-op-mlp', [8]);
  let h = b.add('hardSwish', [denseLayer(b, b.input, rng, 8, 8, 'fc1', 3)], {}, {}, 'hswish1');
  h = b.add('hardSigmoid', [denseLayer(b, h, rng, 8, 6, 'fc2', 2)], {}, {}, 'hsigmoid2');
  denseLayer(b, h, rng, 6, 3, 'fc3');
  return b.build();
}

/**
 * A piecewise-linear network with hardSigmoid only (conv → hardSigmoid → max pool → dense), so exact
 * Integrated Gradients applies.
 *
 * @example
 * ```ts
 * await exactIntegratedGradients(piecewiseCnn(), x);
 * ```
 */
export function piecewiseCnn(seed = 9): IRGraph {
  registerCustomOps();
  const rng = seededRandom(seed);
  const b = new GraphBuilder('custom-op-piecewise', [1, 6, 6]);
  let h = convLayer(b, b.input, rng, [3, 1, 3, 3], 'conv1', {}, 4, 1);
  h = b.add('hardSigmoid', [h], TORCH_HARD_SIGMOID, {}, 'hsigmoid1');
  h = b.maxPool2d(h, [2, 2], { strides: [2, 2] }, 'pool1');
  denseLayer(b, b.flatten(h), rng, 12, 3, 'fc', 2);
  return b.build();
}

/**
 * The conformance fixtures of this example: the CNN and the MLP above with the suite's standard
 * inputs (random, and inputs with exact max-pool ties).
 *
 * @example
 * ```ts
 * describeConformance({ name: 'reference', createBackend: () => new ReferenceBackend(), fixtures: customOpFixtures() });
 * ```
 */
export function customOpFixtures(): ConformanceFixture[] {
  return adapterFixtures([
    {
      name: 'custom-op-cnn',
      graph: customOpCnn(),
      description: 'hardSwish and hardSigmoid in a CNN',
    },
    {
      name: 'custom-op-mlp',
      graph: customOpMlp(),
      description: 'hardSwish and hardSigmoid in an MLP',
    },
  ]);
}
