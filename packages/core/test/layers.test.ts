// Layer grouping (DESIGN §2.3) and the per-layer breakdown.
import { describe, expect, it } from 'vitest';
import {
  BUILTIN_BBP_RULES,
  GraphBuilder,
  explain,
  layersOf,
  prepareGraph,
  summarizeGraph,
} from '../src/index.js';
import { allFixtures, cnnBn, residual, structural } from './fixtures/networks.js';
import { exampleOf, sum } from './helpers/numeric.js';
import { mulberry32, uniform } from './helpers/random.js';

const grouping = (g: Parameters<typeof layersOf>[0]) => layersOf(g).map((l) => [l.name, l.nodes]);

describe('layersOf', () => {
  it('nodes before the first layer (input normalization) belong to it; foldable BNs join their conv', () => {
    const g = cnnBn().graph;
    expect(grouping(g)).toEqual([
      ['conv1', ['normalize', 'conv1', 'bn1', 'relu1', 'pool1']],
      ['conv2', ['conv2', 'bn2', 'relu2', 'pool2', 'flatten']],
      ['fc', ['fc']],
    ]);
    expect(layersOf(g).map((l) => l.index)).toEqual([0, 1, 2]);
  });

  it('a residual add belongs to the layer whose node precedes it in model order', () => {
    const layers = layersOf(residual().graph);
    expect(layers.map((l) => l.name)).toEqual(['stem', 'block1', 'block2', 'fc']);
    expect(layers[2]!.nodes).toContain('residual_add');
  });

  it('a BatchNorm that cannot be folded is a layer of its own', () => {
    const r = mulberry32(41);
    const bn = { gamma: [1, 2], beta: [0.1, 0.2], mean: [0, 1], variance: [1, 2], epsilon: 1e-3 };
    const b = new GraphBuilder('unfoldable', [2, 4, 4]);
    const c = b.conv2d(
      b.input,
      uniform(r, 2 * 2 * 9),
      [2, 2, 3, 3],
      [0, 0],
      { pads: [1, 1, 1, 1] },
      'conv',
    );
    const relu = b.relu(c, 'relu');
    b.batchNorm(relu, bn, 0, 'bn_after_relu'); // input is not a conv/dense
    const side = b.batchNorm(c, bn, 0, 'bn_shared_conv'); // conv has two consumers
    const t = b.batchNorm(
      b.transpose(side, [1, 2, 0], 'to_hwc'),
      { ...bn, gamma: [1, 1], beta: [0, 0], mean: [0, 0], variance: [1, 1] },
      2,
      'bn_axis2',
    );
    b.flatten(t, 'flat');
    const g = b.build();
    expect(grouping(g)).toEqual([
      ['conv', ['conv', 'relu']],
      ['bn_after_relu', ['bn_after_relu']],
      ['bn_shared_conv', ['bn_shared_conv', 'to_hwc']],
      ['bn_axis2', ['bn_axis2', 'flat']],
    ]);
    // prepareGraph folds none of them: the grouping is unchanged.
    expect(grouping(prepareGraph(g))).toEqual(grouping(g));
    // The structural fixture's BN after a concat.
    expect(layersOf(structural().graph).map((l) => l.name)).toContain('bn_concat');
  });

  it('a graph without learned layers is one layer named after its first node', () => {
    const b = new GraphBuilder('no-layers', [3]);
    b.tanh(b.relu(b.input, 'r'), 't');
    expect(grouping(b.build())).toEqual([['r', ['r', 't']]]);
  });

  it('summarizeGraph shows each node with its layer and the pass notes', () => {
    const text = summarizeGraph(prepareGraph(cnnBn().graph));
    expect(text).toMatch(/normalize\s+scaleShift\s+\[2, 8, 8\]\s+4\s+conv1/);
    expect(text).toContain("note (foldBatchNorm): folded BatchNorm 'bn1' into 'conv1'");
    expect(text).toContain('note (removeFinalSoftmax)');
  });

  it('foldZeroPad moves an explicit zero pad into the following conv', () => {
    const g = structural().graph;
    expect(g.nodes.some((n) => n.op === 'pad')).toBe(false);
    expect(g.nodes.find((n) => n.name === 'convC')!.attrs.pads).toEqual([1, 0, 0, 1]);
    expect(g.notes.some((n) => n.pass === 'foldZeroPad')).toBe(true);
  });
});

describe('per-layer breakdown', () => {
  for (const f of allFixtures()) {
    it(`${f.name}: layers sum to the bias terms, nodes to their layers`, async () => {
      const e = await explain(f.graph, f.input, { methods: ['bbp'], rules: BUILTIN_BBP_RULES });
      const layers = layersOf(f.graph);
      expect(e.layers.map((l) => l.layer)).toEqual(layers.map((l) => l.name));
      e.decomposition.forEach((d, i) => {
        const scale = Math.max(Math.abs(d.f), Math.abs(d.wx), Math.abs(d.bias));
        expect(Math.abs(sum(e.layers.map((l) => l.values[i]!)) - d.biasTerms)).toBeLessThanOrEqual(
          1e-12 * scale,
        );
        for (const l of e.layers) {
          const nodes = e.biasTerms.filter((t) => t.layer === l.layer);
          expect(Math.abs(sum(nodes.map((t) => t.values[i]!)) - l.values[i]!)).toBeLessThanOrEqual(
            1e-12 * scale,
          );
        }
      });
      // Every term belongs to the layer that owns its node.
      for (const t of e.biasTerms)
        expect(layers.find((l) => l.name === t.layer)!.nodes).toContain(t.node);
    });
  }

  it('selecting one node (not a layer) by name includes only its ρ', async () => {
    const f = cnnBn();
    const e = await explain(f.graph, f.input, { methods: ['bbp'], biasLayers: ['bn1'] });
    e.decomposition.forEach((d, i) => {
      const rho = e.biasTerms.find((t) => t.node === 'bn1')!;
      expect(rho.selected).toBe(true);
      expect(e.biasTerms.filter((t) => t.selected).map((t) => t.node)).toEqual(['bn1']);
      expect(d.selectedBias).toBeCloseTo(rho.values[i]!, 12);
      expect(sum(exampleOf(e.bbp!.contribution!, i))).toBeCloseTo(rho.values[i]!, 12);
    });
  });
});
