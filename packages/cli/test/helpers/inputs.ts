// Test inputs: PNGs and .npy arrays for the tiny models.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { PNG } from 'pngjs';
import { writeNpy } from '../../src/inputs/npy.js';
import { seeded } from './models.js';

/** A grayscale (colorType 0) or RGB PNG of the given size with a deterministic pattern. */
export function writePng(
  path: string,
  width: number,
  height: number,
  options: { rgb?: boolean; seed?: number } = {},
): string {
  const png = new PNG({ width, height });
  const v = seeded(width * height * 3, options.seed ?? 5, 1);
  for (let i = 0; i < width * height; i++) {
    const g = Math.round(((v[i]! + 1) / 2) * 255);
    png.data[4 * i] = g;
    png.data[4 * i + 1] = options.rgb ? Math.round(((v[width * height + i]! + 1) / 2) * 255) : g;
    png.data[4 * i + 2] = options.rgb
      ? Math.round(((v[2 * width * height + i]! + 1) / 2) * 255)
      : g;
    png.data[4 * i + 3] = 255;
  }
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, PNG.sync.write(png, options.rgb ? { colorType: 2 } : { colorType: 0 }));
  return path;
}

/** A .npy of deterministic values in [0, 1). */
export function writeNpyFile(path: string, shape: number[], seed = 7, values?: number[]): string {
  const n = shape.reduce((a, b) => a * b, 1);
  const data = values ?? seeded(n, seed, 0.5).map((x) => x + 0.5);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, writeNpy(data, shape));
  return path;
}
