// A small CNN with fixed pseudo-random weights, built directly as biasprop IR: it lets the demo
// run end to end on the float64 reference backend with no model files at all.
import type { IRGraph } from '@biasprop/core';
import { GraphBuilder } from '@biasprop/core';

/** Deterministic uniform values in [-scale/2, scale/2) (an LCG), so every run shows the same maps. */
function seededValues(seed: number): (n: number, scale: number) => Float32Array {
  let s = seed >>> 0;
  const next = (): number => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32 - 0.5;
  };
  return (n, scale) => Float32Array.from({ length: n }, () => next() * scale);
}

/**
 * Builds the demo's built-in network on NCHW `[1, 28, 28]` inputs: conv(8, 3×3)–ReLU–maxpool,
 * conv(16, 3×3)–ReLU–maxpool, dense(32)–ReLU, dense(10)–softmax, with seeded He-scaled weights
 * and non-zero biases (so BBp has something to distribute). Not trained: its predictions mean
 * nothing; it exists to test the pipeline.
 *
 * @example
 * ```ts
 * const graph = prepareGraph(builtinNetwork());
 * ```
 */
export function builtinNetwork(): IRGraph {
  const v = seededValues(2019);
  const he = (fanIn: number): number => 2 * Math.sqrt(6 / fanIn);
  const b = new GraphBuilder('builtin-cnn', [1, 28, 28]);
  let h = b.conv2d(
    b.input,
    v(8 * 9, he(9)),
    [8, 1, 3, 3],
    v(8, 0.2),
    { pads: [1, 1, 1, 1] },
    'conv1',
  );
  h = b.maxPool2d(b.relu(h, 'relu1'), [2, 2], { strides: [2, 2] }, 'pool1');
  h = b.conv2d(
    h,
    v(16 * 8 * 9, he(72)),
    [16, 8, 3, 3],
    v(16, 0.2),
    { pads: [1, 1, 1, 1] },
    'conv2',
  );
  h = b.maxPool2d(b.relu(h, 'relu2'), [2, 2], { strides: [2, 2] }, 'pool2');
  h = b.flatten(h, 'flatten');
  h = b.relu(b.dense(h, v(784 * 32, he(784)), [784, 32], v(32, 0.2), 'dense1'), 'relu3');
  h = b.dense(h, v(32 * 10, he(32)), [32, 10], v(10, 0.2), 'dense2');
  b.softmax(h, 'probs');
  return b.build();
}
