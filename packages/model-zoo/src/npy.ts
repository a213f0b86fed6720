/** A float32 array with its shape, as stored in a `.npy` file. */
export interface NpyArray {
  readonly shape: readonly number[];
  readonly data: Float32Array;
}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

/**
 * Encodes a float32 array as a NumPy `.npy` file (format version 1.0, dtype `<f4`, C order).
 * The header is padded with spaces and ends in `\n` so that the data starts at a multiple of 64
 * bytes, as NumPy writes it.
 *
 * @example
 * ```ts
 * import { writeFileSync } from 'node:fs';
 * writeFileSync('x.npy', encodeNpy({ shape: [28, 28, 1], data: new Float32Array(784) }));
 * ```
 */
export function encodeNpy(array: NpyArray): Uint8Array {
  const size = array.shape.reduce((a, b) => a * b, 1);
  if (size !== array.data.length) {
    throw new Error(
      `encodeNpy: shape [${array.shape.join(', ')}] needs ${size} values, got ${array.data.length}`,
    );
  }
  const shapeText =
    array.shape.length === 1 ? `(${array.shape[0]},)` : `(${array.shape.join(', ')})`;
  let header = `{'descr': '<f4', 'fortran_order': False, 'shape': ${shapeText}, }`;
  const unpadded = MAGIC.length + 2 + 2 + header.length + 1;
  header += ' '.repeat((64 - (unpadded % 64)) % 64) + '\n';
  if (header.length > 0xffff) throw new Error('encodeNpy: header too long for format 1.0');
  const out = new Uint8Array(10 + header.length + size * 4);
  out.set(MAGIC, 0);
  out[6] = 1;
  out[7] = 0;
  const view = new DataView(out.buffer);
  view.setUint16(8, header.length, true);
  for (let i = 0; i < header.length; i++) out[10 + i] = header.charCodeAt(i);
  const off = 10 + header.length;
  for (let i = 0; i < size; i++) view.setFloat32(off + 4 * i, array.data[i] ?? 0, true);
  return out;
}

/**
 * Decodes a NumPy `.npy` file (format 1.0–3.0, C order) into float32. Accepted dtypes: `<f4`,
 * `<f8`, `|u1`, `<i4`, `<i8` (all converted to float32); big-endian and Fortran-order arrays
 * are rejected.
 *
 * @example
 * ```ts
 * import { readFileSync } from 'node:fs';
 * const { shape, data } = decodeNpy(readFileSync('x.npy')); // shape [28, 28, 1]
 * ```
 */
export function decodeNpy(bytes: Uint8Array): NpyArray {
  if (bytes.length < 10 || !MAGIC.every((b, i) => bytes[i] === b)) {
    throw new Error('decodeNpy: not a .npy file (bad magic)');
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const major = bytes[6] ?? 0;
  let headerLen: number;
  let headerStart: number;
  if (major === 1) {
    headerLen = view.getUint16(8, true);
    headerStart = 10;
  } else if (major === 2 || major === 3) {
    headerLen = view.getUint32(8, true);
    headerStart = 12;
  } else {
    throw new Error(`decodeNpy: unsupported format version ${major}`);
  }
  const header = new TextDecoder('latin1').decode(
    bytes.subarray(headerStart, headerStart + headerLen),
  );
  const descr = /'descr'\s*:\s*'([^']+)'/.exec(header)?.[1];
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(header)?.[1];
  const shapeText = /'shape'\s*:\s*\(([^)]*)\)/.exec(header)?.[1];
  if (descr === undefined || fortran === undefined || shapeText === undefined) {
    throw new Error(`decodeNpy: cannot parse header ${header}`);
  }
  if (fortran === 'True') throw new Error('decodeNpy: Fortran-order arrays are not supported');
  const shape = shapeText
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')
    .map(Number);
  const size = shape.reduce((a, b) => a * b, 1);
  const off = headerStart + headerLen;
  const readers: Record<string, [number, (o: number) => number]> = {
    '<f4': [4, (o) => view.getFloat32(o, true)],
    '<f8': [8, (o) => view.getFloat64(o, true)],
    '|u1': [1, (o) => view.getUint8(o)],
    '<i4': [4, (o) => view.getInt32(o, true)],
    '<i8': [8, (o) => Number(view.getBigInt64(o, true))],
  };
  const reader = readers[descr];
  if (reader === undefined) throw new Error(`decodeNpy: unsupported dtype ${descr}`);
  const [width, read] = reader;
  if (bytes.length < off + size * width) throw new Error('decodeNpy: file is truncated');
  const data = new Float32Array(size);
  for (let i = 0; i < size; i++) data[i] = read(off + i * width);
  return { shape, data };
}
