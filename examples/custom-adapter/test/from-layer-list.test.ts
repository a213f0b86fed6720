import { BiaspropError, UnsupportedOpError, explain, predict } from '@biasprop/core';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { LayerListModel } from '../src/index.js';
import { chwCnnModel, fromLayerList, mlpModel, tinyCnnModel } from '../src/index.js';
import { naiveForward } from './helpers/naive-forward.js';

const MODELS: [string, () => LayerListModel][] = [
  ['tiny-cnn (hwc)', tinyCnnModel],
  ['chw-cnn', chwCnnModel],
  ['mlp', mlpModel],
];

function randomInput(n: number, seed: number): Float64Array {
  let s = seed;
  return Float64Array.from({ length: n }, () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return (s / 2147483648) * 2 - 1;
  });
}

describe('fromLayerList', () => {
  it('models/tiny-cnn.json is the tiny CNN written out', () => {
    const file = JSON.parse(
      readFileSync(new URL('../models/tiny-cnn.json', import.meta.url), 'utf8'),
    ) as LayerListModel;
    expect(file).toEqual(JSON.parse(JSON.stringify(tinyCnnModel())));
  });

  for (const [label, make] of MODELS) {
    it(`${label}: the IR forward pass equals a direct interpreter of the format`, async () => {
      const model = make();
      const graph = fromLayerList(model);
      const per = model.input.reduce((a, b) => a * b, 1);
      for (let k = 0; k < 3; k++) {
        const x = randomInput(per, 17 + k);
        const got = await predict(graph, { data: x, shape: [1, ...model.input] });
        const want = naiveForward(model, x);
        expect(got.data.length).toBe(want.length);
        got.data.forEach((v, i) => expect(v).toBeCloseTo(want[i]!, 10));
      }
    });
  }

  it('maps layouts, fused activations, BatchNorm folding and the final softmax onto the IR', () => {
    const graph = fromLayerList(tinyCnnModel());
    const ops = graph.nodes.map((n) => n.op);
    expect(ops).toEqual([
      'transpose', // HWC → CHW before the first conv
      'conv2d',
      'relu', // the conv's fused activation, as its own node
      'maxPool2d',
      'conv2d', // bn2 folded into it by prepareGraph
      'leakyRelu',
      'transpose', // CHW → HWC before flatten, so dense weights keep the file's order
      'reshape',
      'dense',
    ]);
    expect(graph.removedSoftmax).toBe('probs');
    expect(graph.input.shape).toEqual([8, 8, 2]);
    const unprepared = fromLayerList(tinyCnnModel(), { prepare: false });
    expect(unprepared.nodes.map((n) => n.op)).toContain('batchNorm');
  });

  it('explains in the file layout with exact completeness', async () => {
    const model = tinyCnnModel();
    const x = randomInput(128, 5);
    const e = await explain(
      fromLayerList(model),
      { data: x, shape: [1, 8, 8, 2] },
      {
        methods: ['gradient', 'bbp', 'total'],
        rules: ['contribution', 'signed'],
      },
    );
    expect(e.gradient!.shape).toEqual([1, 8, 8, 2]);
    const d = e.decomposition[0]!;
    expect(d.completenessResidual).toBeLessThan(1e-12);
    expect(d.bbpResidual.contribution!).toBeLessThan(1e-12);
    expect(d.bbpResidual.signed!).toBeLessThan(1e-12);
  });

  it('rejects what it cannot map with errors that name the model and layer', () => {
    const base = mlpModel();
    expect(() =>
      fromLayerList({ ...base, layers: [...base.layers, { type: 'gelu' } as never] }),
    ).toThrow(UnsupportedOpError);
    expect(() =>
      fromLayerList({ ...base, layers: [...base.layers, { type: 'gelu' } as never] }),
    ).toThrow("unsupported op 'gelu' at node 'gelu_4' in model 'mlp'");
    const badWeights = {
      ...base,
      layers: [{ type: 'dense' as const, name: 'fc', units: 2, weights: [[1, 2]] }],
    };
    expect(() => fromLayerList(badWeights)).toThrow(
      "model 'mlp', layer 'fc': 'weights' has shape [1, 2], expected [10, 2]",
    );
    const noFlatten = {
      ...chwCnnModel(),
      layers: chwCnnModel().layers.filter((l) => l.type !== 'flatten'),
    };
    expect(() => fromLayerList(noFlatten)).toThrow(/needs a flat input.*add a flatten layer/);
    expect(() => fromLayerList({ input: [2, 2], layers: [{ type: 'relu' }] })).toThrow(
      BiaspropError,
    );
  });
});
