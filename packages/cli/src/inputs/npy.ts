/** An array read from or written to a `.npy` file. */
export interface NpyArray {
  /** The values, row-major (float64 files are converted). */
  readonly data: Float32Array;
  /** The array's shape as stored. */
  readonly shape: readonly number[];
}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

/**
 * Reads a `.npy` file (format 1.0–3.0, C order) of little-endian float32 or float64 values into
 * float32. Throws an `Error` whose message says what is wrong (callers add the file name).
 *
 * @example
 * ```ts
 * const { data, shape } = readNpy(readFileSync('digit.npy'));
 * ```
 */
export function readNpy(bytes: Uint8Array): NpyArray {
  if (bytes.length < 10 || MAGIC.some((b, i) => bytes[i] !== b))
    throw new Error('not a .npy file (bad magic bytes)');
  const major = bytes[6]!;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let headerLen: number;
  let start: number;
  if (major === 1) {
    headerLen = view.getUint16(8, true);
    start = 10;
  } else if (major === 2 || major === 3) {
    headerLen = view.getUint32(8, true);
    start = 12;
  } else throw new Error(`unsupported .npy format version ${major}`);
  const header = new TextDecoder(major === 3 ? 'utf-8' : 'latin1').decode(
    bytes.subarray(start, start + headerLen),
  );
  const descr = /'descr'\s*:\s*'([^']*)'/.exec(header)?.[1];
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(header)?.[1];
  const shapeText = /'shape'\s*:\s*\(([^)]*)\)/.exec(header)?.[1];
  if (descr === undefined || fortran === undefined || shapeText === undefined)
    throw new Error('malformed .npy header');
  if (fortran === 'True')
    throw new Error('Fortran-order arrays are not supported; save it in C order');
  const shape = shapeText
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0)
    .map(Number);
  if (shape.some((d) => !Number.isInteger(d) || d < 0))
    throw new Error(`malformed shape (${shapeText}) in the .npy header`);
  const count = shape.reduce((a, b) => a * b, 1);
  const offset = start + headerLen;
  let data: Float32Array;
  if (descr === '<f4' || descr === '=f4') {
    if (bytes.length - offset < count * 4)
      throw new Error(`truncated: ${count} float32 values need ${count * 4} bytes`);
    data = new Float32Array(count);
    for (let i = 0; i < count; i++) data[i] = view.getFloat32(offset + 4 * i, true);
  } else if (descr === '<f8' || descr === '=f8') {
    if (bytes.length - offset < count * 8)
      throw new Error(`truncated: ${count} float64 values need ${count * 8} bytes`);
    data = new Float32Array(count);
    for (let i = 0; i < count; i++) data[i] = view.getFloat64(offset + 8 * i, true);
  } else {
    throw new Error(
      `dtype '${descr}' is not supported; save the array as float32 (numpy: a.astype(np.float32))`,
    );
  }
  return { data, shape };
}

/**
 * Encodes float32 values as a `.npy` file (format 1.0, little-endian `<f4`, C order).
 *
 * @example
 * ```ts
 * writeFileSync('map.npy', writeNpy(Float32Array.from([1, 2, 3, 4]), [2, 2]));
 * ```
 */
export function writeNpy(data: ArrayLike<number>, shape: readonly number[]): Uint8Array {
  const count = shape.reduce((a, b) => a * b, 1);
  if (count !== data.length)
    throw new Error(`writeNpy: ${data.length} values for shape [${shape.join(', ')}]`);
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  let header = `{'descr': '<f4', 'fortran_order': False, 'shape': ${shapeText}, }`;
  const total = 10 + header.length + 1;
  header += ' '.repeat((64 - (total % 64)) % 64) + '\n';
  const out = new Uint8Array(10 + header.length + 4 * count);
  out.set(MAGIC, 0);
  out[6] = 1;
  out[7] = 0;
  const view = new DataView(out.buffer);
  view.setUint16(8, header.length, true);
  for (let i = 0; i < header.length; i++) out[10 + i] = header.charCodeAt(i);
  const offset = 10 + header.length;
  for (let i = 0; i < count; i++) view.setFloat32(offset + 4 * i, data[i]!, true);
  return out;
}
