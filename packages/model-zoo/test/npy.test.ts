import { describe, expect, it } from 'vitest';
import { decodeNpy, encodeNpy } from '../src/npy.js';

describe('npy', () => {
  it('round-trips float32 arrays of several shapes', () => {
    for (const shape of [[28, 28, 1], [3], [2, 5], []]) {
      const size = shape.reduce((a, b) => a * b, 1);
      const data = Float32Array.from({ length: size }, (_, i) => Math.sin(i) * 1e3 + 0.25);
      const bytes = encodeNpy({ shape, data });
      expect((bytes.length - 4 * size) % 64).toBe(0); // data 64-byte aligned
      const back = decodeNpy(bytes);
      expect(back.shape).toEqual(shape);
      expect(Array.from(back.data)).toEqual(Array.from(data));
    }
  });

  it('writes the NumPy v1.0 header byte for byte', () => {
    const bytes = encodeNpy({ shape: [28, 28, 1], data: new Float32Array(784) });
    const headerLen = bytes[8]! | (bytes[9]! << 8);
    const header = new TextDecoder().decode(bytes.subarray(10, 10 + headerLen));
    expect(Array.from(bytes.subarray(0, 8))).toEqual([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
    expect(header).toBe(
      `{'descr': '<f4', 'fortran_order': False, 'shape': (28, 28, 1), }${' '.repeat(53)}\n`,
    );
    expect(10 + headerLen).toBe(128);
  });

  it('reads other dtypes and rejects bad input', () => {
    const header = "{'descr': '|u1', 'fortran_order': False, 'shape': (3,), }";
    const padded = header + ' '.repeat(128 - 10 - header.length - 1) + '\n';
    const bytes = new Uint8Array(128 + 3);
    bytes.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, padded.length, 0]);
    for (let i = 0; i < padded.length; i++) bytes[10 + i] = padded.charCodeAt(i);
    bytes.set([0, 128, 255], 128);
    expect(Array.from(decodeNpy(bytes).data)).toEqual([0, 128, 255]);
    expect(() => decodeNpy(new Uint8Array(20))).toThrow(/magic/);
    expect(() => encodeNpy({ shape: [2, 2], data: new Float32Array(3) })).toThrow(/needs 4/);
  });
});
