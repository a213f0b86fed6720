import '@tensorflow/tfjs-backend-cpu';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readFile } from 'node:fs/promises';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ReferenceBackend, formatOf, loadGraph, predict } from '../src/index.js';
import { relativeError, seeded } from './helpers/random.js';
import { TfGraphDef, attr } from './helpers/tf-graph-def.js';
import { inputBatch, randomizeWeights, tfjsPredict } from './helpers/tfjs-models.js';

/** Writes artifacts as a converter would: model.json + one weights shard. */
async function writeModel(dir: string, artifacts: tf.io.ModelArtifacts): Promise<string> {
  const { weightSpecs, weightData, ...rest } = artifacts;
  await writeFile(join(dir, 'group1-shard1of1.bin'), new Uint8Array(weightData as ArrayBuffer));
  const json = {
    ...rest,
    weightsManifest: [{ paths: ['group1-shard1of1.bin'], weights: weightSpecs }],
  };
  await writeFile(join(dir, 'model.json'), JSON.stringify(json));
  return join(dir, 'model.json');
}

let dir: string;
let server: ReturnType<typeof createServer>;
let base: string;
let layersModel: tfl.LayersModel;

beforeAll(async () => {
  await tf.setBackend('cpu');
  dir = await mkdtemp(join(tmpdir(), 'biasprop-tfjs-'));
  server = createServer((req, res) => {
    readFile(join(dir, decodeURIComponent(req.url!.slice(1)))).then(
      (data) => res.end(data),
      () => res.writeHead(404).end(),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  layersModel = tfl.sequential({
    layers: [
      tfl.layers.conv2d({ inputShape: [6, 6, 1], filters: 2, kernelSize: 3, activation: 'relu' }),
      tfl.layers.flatten(),
      tfl.layers.dense({ units: 3, activation: 'softmax' }),
    ],
  });
  randomizeWeights(layersModel, 41);
});

afterAll(async () => {
  server.close();
  await rm(dir, { recursive: true });
});

describe('loadGraph from a path, a URL and an IOHandler', () => {
  it('a LayersModel saved to model.json: path and URL give the same graph, equal to predict', async () => {
    const sub = await mkdtemp(join(dir, 'layers-'));
    await layersModel.save(
      tf.io.withSaveHandler(async (artifacts) => {
        await writeModel(sub, artifacts);
        return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
      }),
    );
    const x = inputBatch([6, 6, 1], 2, 42);
    const fromPath = await loadGraph(join(sub, 'model.json'));
    const fromUrl = await loadGraph(`${base}/${sub.slice(dir.length + 1)}/model.json`);
    expect(fromPath.removedSoftmax).toBeDefined();
    const a = await predict(fromPath, x, new ReferenceBackend());
    const b = await predict(fromUrl, x, new ReferenceBackend());
    expect(relativeError(a.data, b.data)).toBe(0);
    const raw = await loadGraph(join(sub, 'model.json'), { prepare: false });
    expect(
      relativeError(
        (await predict(raw, x, new ReferenceBackend())).data,
        tfjsPredict(layersModel, x),
      ),
    ).toBeLessThan(1e-5);
  });

  it('a GraphModel model.json is detected as the graph format', async () => {
    const g = new TfGraphDef();
    const x = g.placeholder('x', [-1, 4]);
    const h = g.op(
      'mm',
      'MatMul',
      [x, g.const('w', Array.from({ length: 8 }, seeded(43)), [4, 2])],
      { transpose_a: attr.b(false), transpose_b: attr.b(false) },
    );
    g.op('out', 'Identity', [g.op('r', 'Relu', [h])]);
    expect(formatOf(g.artifacts())).toBe('graph-model');
    const sub = await mkdtemp(join(dir, 'graph-'));
    await writeModel(sub, g.artifacts());
    const graph = await loadGraph(`${base}/${sub.slice(dir.length + 1)}/model.json`, {
      name: 'tiny',
    });
    expect(graph.name).toBe('tiny');
    expect(graph.nodes.map((n) => n.op)).toEqual(['dense', 'relu']);
  });
});
