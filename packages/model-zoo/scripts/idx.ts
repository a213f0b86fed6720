import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';

/** A decoded IDX file (the MNIST container format): big-endian dims and unsigned bytes. */
export interface IdxArray {
  readonly shape: readonly number[];
  readonly data: Uint8Array;
}

/**
 * Reads an IDX file of unsigned bytes (type code 0x08), gunzipping it if the name ends in `.gz`.
 *
 * @example
 * ```ts
 * const images = readIdx('t10k-images-idx3-ubyte'); // shape [10000, 28, 28]
 * ```
 */
export function readIdx(path: string): IdxArray {
  let buf = readFileSync(path);
  if (path.endsWith('.gz')) buf = gunzipSync(buf);
  if (buf[0] !== 0 || buf[1] !== 0 || buf[2] !== 0x08) {
    throw new Error(`${path}: not an unsigned-byte IDX file`);
  }
  const rank = buf[3] ?? 0;
  const shape: number[] = [];
  for (let i = 0; i < rank; i++) shape.push(buf.readUInt32BE(4 + 4 * i));
  const offset = 4 + 4 * rank;
  const size = shape.reduce((a, b) => a * b, 1);
  if (buf.length !== offset + size) throw new Error(`${path}: size mismatch`);
  return { shape, data: new Uint8Array(buf.buffer, buf.byteOffset + offset, size) };
}
