import type { IRGraph, Method, Target } from '@biasprop/core';
import { METHODS } from '@biasprop/core';
import type { ConformanceFixture, ConformanceInput } from '../fixtures/fixture.js';
import { imageInputs, vectorInputs } from '../fixtures/inputs.js';
import { float32Uniform, seededRandom } from '../random.js';

/** One graph an adapter produced, to be turned into a conformance fixture by {@link adapterFixtures}. */
export interface AdapterFixtureSpec {
  /** Fixture name, unique within the list (used in test titles and rows). */
  readonly name: string;
  /** The IR graph the adapter built (prepared: a final softmax removed, BatchNorms folded). */
  readonly graph: IRGraph;
  /** One line saying what the fixture exercises (default: the graph's op kinds). */
  readonly description?: string;
  /**
   * The examples to explain, each with batch axis 1. Default: the standard inputs for the graph's
   * input shape (see {@link defaultAdapterInputs}).
   */
  readonly inputs?: readonly ConformanceInput[];
  /** The methods to check (default: all of them). */
  readonly methods?: readonly Method[];
  /** Seed of the default inputs (default 1). */
  readonly seed?: number;
  /**
   * Layout of a rank-3 image input for the default inputs: `chw` (default) or `hwc` (channels last,
   * as in tfjs/Keras models imported without a transpose).
   */
  readonly layout?: 'chw' | 'hwc';
}

function chwToHwc(data: ArrayLike<number>, c: number, h: number, w: number): Float64Array {
  const out = new Float64Array(c * h * w);
  for (let ch = 0; ch < c; ch++)
    for (let y = 0; y < h; y++)
      for (let x = 0; x < w; x++) out[(y * w + x) * c + ch] = data[(ch * h + y) * w + x]!;
  return out;
}

function outputSize(graph: IRGraph): number {
  const out = graph.nodes.find((n) => n.name === graph.output);
  return out ? out.shape.reduce((a, b) => a * b, 1) : 1;
}

/** Maps a standard target onto a model with `classes` outputs. */
function fitTarget(t: Target, classes: number): Target {
  if (typeof t === 'number') return t % classes;
  if (typeof t === 'object' && 'contrast' in t)
    return classes >= 2 ? { contrast: [t.contrast[0] % classes, t.contrast[1] % classes] } : 0;
  return t;
}

/**
 * The standard conformance inputs for a graph, from a seeded generator and float32-representable:
 * for a `[C, H, W]` input the image inputs (`random`, `blank-background`, `constant-regions`, with
 * exact max-pool ties), for a `[n]` input the vector inputs (`random`, `constant-and-zero`,
 * `all-zero`), for any other shape `random`, `constant-halves` and `all-zero` over the flattened
 * input. A `[H, W, C]` input (`layout: 'hwc'`) gets the same images with channels last. Targets are
 * class 0, a contrast of class 1 against class 0 and class 2, reduced modulo the number of outputs.
 *
 * @example
 * ```ts
 * const inputs = defaultAdapterInputs(graph); // 3 examples shaped [1, ...graph.input.shape]
 * ```
 */
export function defaultAdapterInputs(
  graph: IRGraph,
  seed = 1,
  layout: 'chw' | 'hwc' = 'chw',
): ConformanceInput[] {
  const rng = seededRandom(seed);
  const shape = graph.input.shape;
  const classes = outputSize(graph);
  let inputs: ConformanceInput[];
  if (shape.length === 3 && layout === 'hwc') {
    const [h, w, c] = shape as unknown as [number, number, number];
    inputs = imageInputs(rng, [c, h, w]).map((i) => ({
      ...i,
      tensor: { data: chwToHwc(i.tensor.data, c, h, w), shape: [1, h, w, c] },
    }));
  } else if (shape.length === 3) {
    inputs = imageInputs(rng, shape as unknown as readonly [number, number, number]);
  } else if (shape.length === 1) {
    inputs = vectorInputs(rng, shape[0]!);
  } else {
    const n = shape.reduce((a, b) => a * b, 1);
    const one = (data: Float64Array) => ({ data, shape: [1, ...shape] });
    inputs = [
      { name: 'random', tensor: one(float32Uniform(rng, n)), target: 0 },
      {
        name: 'constant-halves',
        tensor: one(Float64Array.from({ length: n }, (_, i) => (i < n / 2 ? 0.5 : -0.25))),
        target: { contrast: [1, 0] },
      },
      { name: 'all-zero', tensor: one(new Float64Array(n)), target: 2 },
    ];
  }
  return inputs.map((i) => ({ ...i, target: fitTarget(i.target, classes) }));
}

/**
 * Turns graphs produced by an adapter into conformance fixtures, so the suite checks *your*
 * importer's graphs (every method and rule, against the float64 reference) instead of, or besides,
 * the built-in fixtures. Inputs default to {@link defaultAdapterInputs}. Throws when two fixtures
 * share a name or an input does not have the graph's input shape with batch axis 1.
 *
 * @example
 * ```ts
 * import { adapterFixtures, describeConformance } from '@biasprop/conformance';
 * const fixtures = adapterFixtures([{ name: 'tiny-cnn', graph: fromLayerList(json) }]);
 * describeConformance({ name: 'reference', createBackend: () => new ReferenceBackend(), fixtures });
 * ```
 */
export function adapterFixtures(specs: readonly AdapterFixtureSpec[]): ConformanceFixture[] {
  const seen = new Set<string>();
  return specs.map((s, k) => {
    if (!s.name) throw new Error(`adapter fixture ${k} needs a name`);
    if (seen.has(s.name)) throw new Error(`adapter fixture name '${s.name}' is used twice`);
    seen.add(s.name);
    const inputs = s.inputs ?? defaultAdapterInputs(s.graph, s.seed ?? 1, s.layout ?? 'chw');
    if (inputs.length === 0) throw new Error(`adapter fixture '${s.name}' has no inputs`);
    const want = [1, ...s.graph.input.shape];
    for (const i of inputs) {
      const got = i.tensor.shape;
      if (got.length !== want.length || got.some((d, j) => d !== want[j]))
        throw new Error(
          `adapter fixture '${s.name}', input '${i.name}': shape [${got.join(', ')}], expected [${want.join(', ')}]`,
        );
    }
    const ops = [...new Set(s.graph.nodes.map((n) => n.op))].join(', ');
    return {
      name: s.name,
      description: s.description ?? `adapter graph '${s.graph.name}' (${ops})`,
      graph: s.graph,
      inputs,
      methods: s.methods ?? METHODS,
    };
  });
}
