// Fixture networks built with core's GraphBuilder and seeded random weights: used by the
// benchmark, the backend tests and the GPU check.
import type { IRGraph } from '@biasprop/core';
import { GraphBuilder, prepareGraph } from '@biasprop/core';

/** Seeded uniform numbers in [-1, 1). */
export function seeded(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return (s / 4294967296) * 2 - 1;
  };
}

/** The benchmark input: `batch` seeded non-negative images of the graph's input shape (float32). */
export function benchInput(graph: IRGraph, batch: number): { data: Float32Array; shape: number[] } {
  const r = seeded(batch);
  const per = graph.input.shape.reduce((a, b) => a * b, 1);
  const data = Float32Array.from({ length: batch * per }, () => Math.max(0, r()));
  return { data, shape: [batch, ...graph.input.shape] };
}

function he(r: () => number, n: number, fanIn: number): Float64Array {
  const scale = Math.sqrt(6 / fanIn);
  return Float64Array.from({ length: n }, () => Math.fround(r() * scale));
}

function small(r: () => number, n: number, scale = 0.1): Float64Array {
  return Float64Array.from({ length: n }, () => Math.fround(r() * scale));
}

function conv(
  b: GraphBuilder,
  r: () => number,
  x: string,
  cin: number,
  cout: number,
  k: number,
  pad: number,
): string {
  return b.conv2d(x, he(r, cout * cin * k * k, cin * k * k), [cout, cin, k, k], small(r, cout), {
    pads: [pad, pad, pad, pad],
  });
}

function bn(b: GraphBuilder, r: () => number, x: string, c: number): string {
  return b.batchNorm(x, {
    gamma: Float64Array.from({ length: c }, () => 1 + 0.2 * r()),
    beta: small(r, c, 0.2),
    mean: small(r, c, 0.2),
    variance: Float64Array.from({ length: c }, () => 1 + 0.5 * Math.abs(r())),
    epsilon: 1e-5,
  });
}

function dense(b: GraphBuilder, r: () => number, x: string, n: number, m: number): string {
  return b.dense(x, he(r, n * m, n), [n, m], small(r, m));
}

/** LeNet-5 with BatchNorm after each conv, input `[1, 28, 28]`, 10 classes (BN folded). */
export function lenetBn(seed = 1): IRGraph {
  const r = seeded(seed);
  const b = new GraphBuilder('lenet-bn', [1, 28, 28]);
  let h = b.relu(bn(b, r, conv(b, r, b.input, 1, 6, 5, 2), 6));
  h = b.maxPool2d(h, [2, 2], { strides: [2, 2] });
  h = b.relu(bn(b, r, conv(b, r, h, 6, 16, 5, 0), 16));
  h = b.maxPool2d(h, [2, 2], { strides: [2, 2] });
  h = b.flatten(h);
  h = b.relu(dense(b, r, h, 16 * 5 * 5, 120));
  h = b.relu(dense(b, r, h, 120, 84));
  dense(b, r, h, 84, 10);
  return prepareGraph(b.build());
}

/** A small VGG-style network, input `[3, 32, 32]`, 10 classes. */
export function smallVgg(seed = 2): IRGraph {
  const r = seeded(seed);
  const b = new GraphBuilder('small-vgg', [3, 32, 32]);
  let h = b.input;
  let c = 3;
  for (const [width, convs] of [
    [16, 2],
    [32, 2],
    [64, 2],
  ] as const) {
    for (let i = 0; i < convs; i++) {
      h = b.relu(conv(b, r, h, c, width, 3, 1));
      c = width;
    }
    h = b.maxPool2d(h, [2, 2], { strides: [2, 2] });
  }
  h = b.flatten(h);
  h = b.relu(dense(b, r, h, 64 * 4 * 4, 128));
  dense(b, r, h, 128, 10);
  return prepareGraph(b.build());
}

/** A small MLP, input `[6]`, 3 classes. */
export function mlp(seed = 3): IRGraph {
  const r = seeded(seed);
  const b = new GraphBuilder('mlp', [6]);
  const h = b.relu(dense(b, r, b.input, 6, 8));
  dense(b, r, h, 8, 3);
  return b.build();
}

/**
 * A network that touches many op kinds: grouped/dilated/strided conv, leaky ReLU, clip, sigmoid,
 * overlapping padded max pool, average pool, a residual add, concat, zero pad, transpose,
 * un-folded BatchNorm and a final Softmax (removed). Input `[2, 12, 12]`, 4 classes.
 */
export function mixedNet(seed = 4): IRGraph {
  const r = seeded(seed);
  const b = new GraphBuilder('mixed', [2, 12, 12]);
  const a = b.leakyRelu(
    b.conv2d(b.input, he(r, 4 * 2 * 9, 18), [4, 2, 3, 3], small(r, 4), { pads: [1, 1, 1, 1] }),
    0.1,
  );
  const g = b.conv2d(a, he(r, 4 * 2 * 9, 18), [4, 2, 3, 3], small(r, 4), {
    pads: [2, 1, 2, 1],
    dilations: [2, 1],
    groups: 2,
  });
  const res = b.sum([a, b.clip(g, -0.5, 1)]);
  let h = b.maxPool2d(res, [3, 3], { strides: [2, 2], pads: [1, 1, 1, 1] });
  h = bn(b, r, h, 4);
  const left = b.sigmoid(b.avgPool2d(h, [2, 2], { strides: [2, 2] }));
  const right = b.relu(
    b.conv2d(
      b.pad(h, [
        [0, 0],
        [1, 0],
        [0, 1],
      ]),
      he(r, 4 * 4 * 4, 16),
      [4, 4, 2, 2],
      small(r, 4),
      { strides: [2, 2] },
    ),
  );
  h = b.concat([left, right], 0);
  h = b.transpose(h, [0, 2, 1]);
  h = b.flatten(h);
  h = b.tanh(dense(b, r, h, 8 * 3 * 3, 16));
  b.softmax(dense(b, r, h, 16, 4));
  return prepareGraph(b.build());
}
