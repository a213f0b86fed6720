import type { HostTensor, IRGraph } from '../../src/index.js';
import { GraphBuilder, createGraph, graphSpecOf, predict } from '../../src/index.js';
import { uniform } from './random.js';

/** The same graph with another node as its output (to read intermediate values). */
export function withOutput(graph: IRGraph, output: string): IRGraph {
  return createGraph({ ...graphSpecOf(graph), output });
}

/** The values of node `name` at `x`, flattened per example `[N, size]`. */
export async function nodeValues(graph: IRGraph, x: HostTensor, name: string): Promise<HostTensor> {
  return predict(withOutput(graph, name), x);
}

/** Flattens `h` (when needed) and appends a dense readout with `classes` outputs; returns the output name. */
export function denseReadout(
  b: GraphBuilder,
  h: string,
  size: number,
  rng: () => number,
  classes = 3,
  flatten = true,
): string {
  const flat = flatten ? b.flatten(h) : h;
  return b.dense(
    flat,
    uniform(rng, size * classes),
    [size, classes],
    uniform(rng, classes, 0.5),
    'readout',
  );
}

export { GraphBuilder };
