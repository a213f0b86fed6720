import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { basename, extname, join, resolve } from 'node:path';
import { CliError } from '../errors.js';
import { decodeImage } from './decode-image.js';
import { imageLayoutOf, pixelIndex } from './image-layout.js';
import { readNpy } from './npy.js';

/** One example to explain, in the model's own layout (no batch axis). */
export interface InputExample {
  /** Name used for output files: the file's stem, plus `-i` for example i of a batched `.npy`. */
  readonly stem: string;
  /** The file it came from (as given, resolved). */
  readonly file: string;
  /** Example index inside a batched `.npy` file. */
  readonly index?: number;
  /** The example's values in the model's input layout (no batch axis). */
  readonly data: Float32Array;
}

/** What {@link readInputs} checks inputs against. */
export interface ReadInputsOptions {
  /** The model's per-example input shape. */
  readonly shape: readonly number[];
  /** The model's name, for messages. */
  readonly model: string;
  /** Pixel range: byte 0 maps to `scale[0]`, 255 to `scale[1]` (default [0, 1]). */
  readonly scale?: readonly [number, number];
  /** Directory relative paths are resolved against. */
  readonly cwd: string;
}

const IMAGE_EXTS = new Set(['.png', '.jpg', '.jpeg']);
const SUPPORTED = new Set([...IMAGE_EXTS, '.npy']);

/**
 * Expands the given paths into input files: files as given, directories to their `.png`, `.jpg`
 * and `.npy` files (sorted by name, not recursive). Missing paths and unsupported types are errors.
 *
 * @example
 * ```ts
 * collectInputFiles(['samples/', 'extra.npy'], process.cwd());
 * ```
 */
export function collectInputFiles(paths: readonly string[], cwd: string): string[] {
  if (paths.length === 0)
    throw new CliError('no inputs given; pass .png/.jpg/.npy files or a directory of them', 2);
  const files: string[] = [];
  for (const p of paths) {
    const abs = resolve(cwd, p);
    if (!existsSync(abs))
      throw new CliError(`input not found: ${p}; pass .png/.jpg/.npy files or a directory of them`);
    if (statSync(abs).isDirectory()) {
      const found = readdirSync(abs)
        .filter((f) => SUPPORTED.has(extname(f).toLowerCase()))
        .sort()
        .map((f) => join(abs, f))
        .filter((f) => statSync(f).isFile());
      if (found.length === 0)
        throw new CliError(`input directory ${p} has no .png, .jpg or .npy files`);
      files.push(...found);
    } else {
      const ext = extname(abs).toLowerCase();
      if (!SUPPORTED.has(ext))
        throw new CliError(
          `input ${p}: unsupported file type '${ext || '(none)'}'; use .png, .jpg or .npy`,
        );
      files.push(abs);
    }
  }
  return files;
}

function shapeText(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}

function checkFinite(data: Float32Array, file: string, per: number): void {
  for (let i = 0; i < data.length; i++) {
    if (!Number.isFinite(data[i]!)) {
      throw new CliError(
        `input ${file}: value ${data[i]} at example ${Math.floor(i / per)}, element ${i % per}; inputs must be finite (no NaN or Inf)`,
      );
    }
  }
}

function channelName(c: number): string {
  return c === 1 ? '1 channel (grayscale)' : c === 3 ? '3 channels (RGB)' : `${c} channels (RGBA)`;
}

function readImage(file: string, options: ReadInputsOptions): Float32Array {
  const layout = imageLayoutOf(options.shape);
  if (!layout) {
    throw new CliError(
      `input ${file}: model '${options.model}' takes input shape ${shapeText(options.shape)}, which is not an image; pass a .npy of that shape`,
    );
  }
  const ext = extname(file).toLowerCase();
  let img;
  try {
    img = decodeImage(readFileSync(file), ext === '.png' ? 'png' : 'jpeg');
  } catch (e) {
    throw new CliError(`input ${file}: cannot decode the image (${(e as Error).message})`);
  }
  const sizeOk = img.width === layout.width && img.height === layout.height;
  // A gray image (or a colour file whose pixels are all gray) fits a 1-channel model; a colour
  // image fits an RGB model; an RGBA model takes RGB or RGBA.
  const channelsOk =
    layout.channels === 1
      ? img.gray
      : layout.channels === 3
        ? img.channels === 3
        : img.channels === 3 || img.channels === 4;
  if (!sizeOk || !channelsOk) {
    throw new CliError(
      `input ${file}: image is ${img.width}×${img.height} with ${channelName(img.channels)}, but model '${options.model}' expects ` +
        `${layout.width}×${layout.height} with ${channelName(layout.channels)} (input shape ${shapeText(options.shape)}); ` +
        'resize/convert the image first or pass a .npy in the model layout',
    );
  }
  const [lo, hi] = options.scale ?? [0, 1];
  const data = new Float32Array(layout.height * layout.width * layout.channels);
  for (let y = 0; y < layout.height; y++) {
    for (let x = 0; x < layout.width; x++) {
      const p = 4 * (y * img.width + x);
      for (let k = 0; k < layout.channels; k++) {
        const byte = img.rgba[p + (layout.channels === 1 ? 0 : Math.min(k, 3))]!;
        data[pixelIndex(layout, y, x, k)] = lo + ((hi - lo) * byte) / 255;
      }
    }
  }
  return data;
}

function readNpyInput(file: string, options: ReadInputsOptions): Float32Array[] {
  let arr;
  try {
    arr = readNpy(readFileSync(file));
  } catch (e) {
    throw new CliError(`input ${file}: ${(e as Error).message}`);
  }
  const expected = options.shape;
  const per = expected.reduce((a, b) => a * b, 1);
  const same = (s: readonly number[]) =>
    s.length === expected.length && s.every((d, i) => d === expected[i]);
  let n: number;
  if (same(arr.shape)) n = 1;
  else if (
    arr.shape.length === expected.length + 1 &&
    same(arr.shape.slice(1)) &&
    arr.shape[0]! >= 1
  )
    n = arr.shape[0]!;
  else {
    throw new CliError(
      `input ${file}: shape ${shapeText(arr.shape)} does not fit model '${options.model}': expected ${shapeText(expected)} or [N, ${expected.join(', ')}] (the model's own layout)`,
    );
  }
  checkFinite(arr.data, file, per);
  return Array.from({ length: n }, (_, i) => arr.data.slice(i * per, (i + 1) * per));
}

/**
 * Reads and checks every input against the model's input shape: images (size and channels must
 * match; bytes scaled to `scale`) and `.npy` arrays (with or without the batch axis; float32,
 * finite). Every problem is a {@link CliError} naming the file, what was expected and what was found.
 *
 * @example
 * ```ts
 * const examples = readInputs(['digits/'], { shape: [28, 28, 1], model: 'mnist', cwd: process.cwd() });
 * ```
 */
export function readInputs(paths: readonly string[], options: ReadInputsOptions): InputExample[] {
  const files = [...new Set(collectInputFiles(paths, options.cwd))];
  // Output names come from file stems; files that share a stem (digit.png and digit.npy) keep
  // their extension in the name (digit-png, digit-npy) so their outputs do not collide.
  const count = new Map<string, number>();
  for (const f of files)
    count.set(basename(f, extname(f)), (count.get(basename(f, extname(f))) ?? 0) + 1);
  const examples: InputExample[] = [];
  const used = new Map<string, string>();
  for (const file of files) {
    const plain = basename(file, extname(file));
    const stem = count.get(plain)! > 1 ? `${plain}-${extname(file).slice(1).toLowerCase()}` : plain;
    const prior = used.get(stem);
    if (prior !== undefined)
      throw new CliError(
        `inputs ${prior} and ${file} would both write outputs named '${stem}'; rename one`,
      );
    used.set(stem, file);
    if (IMAGE_EXTS.has(extname(file).toLowerCase())) {
      const data = readImage(file, options);
      checkFinite(data, file, data.length);
      examples.push({ stem, file, data });
    } else {
      const list = readNpyInput(file, options);
      if (list.length === 1) examples.push({ stem, file, data: list[0]! });
      else
        list.forEach((data, index) =>
          examples.push({ stem: `${stem}-${index}`, file, index, data }),
        );
    }
  }
  return examples;
}

/**
 * Reads an IG baseline `.npy` (the model's per-example shape, or `[1, ...]`).
 *
 * @example
 * ```ts
 * const baseline = readBaseline('mean.npy', { shape: [28, 28, 1], model: 'mnist', cwd });
 * ```
 */
export function readBaseline(path: string, options: ReadInputsOptions): Float32Array {
  const abs = resolve(options.cwd, path);
  if (!existsSync(abs) || statSync(abs).isDirectory())
    throw new CliError(`baseline file not found: ${path}; pass --baseline zero or a .npy file`, 2);
  if (extname(abs).toLowerCase() !== '.npy')
    throw new CliError(`baseline ${path}: must be a .npy file`, 2);
  const list = readNpyInput(abs, options);
  if (list.length !== 1)
    throw new CliError(
      `baseline ${path}: holds ${list.length} examples; pass one baseline of shape ${shapeText(options.shape)}`,
    );
  return list[0]!;
}
