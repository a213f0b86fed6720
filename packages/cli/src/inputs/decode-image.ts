import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';

/** A decoded image: RGBA bytes plus how many colour channels the file really carries. */
export interface DecodedImage {
  readonly width: number;
  readonly height: number;
  /** RGBA, 4 bytes per pixel, row-major. */
  readonly rgba: Uint8Array;
  /** Channels the file declares: 1 grayscale, 3 colour, 4 colour with a non-opaque alpha. */
  readonly channels: 1 | 3 | 4;
  /** Every pixel has R = G = B (true for every grayscale file). */
  readonly gray: boolean;
}

/**
 * Decodes a PNG or JPEG file's bytes. Channels: a grayscale colour type (or a JPEG that is gray
 * everywhere) counts as 1; colour as 3; colour with a non-opaque alpha as 4.
 *
 * @example
 * ```ts
 * const img = decodeImage(readFileSync('digit.png'), 'png');
 * ```
 */
export function decodeImage(bytes: Uint8Array, kind: 'png' | 'jpeg'): DecodedImage {
  let width: number;
  let height: number;
  let rgba: Uint8Array;
  let declaredGray = false;
  if (kind === 'png') {
    const png = PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
    width = png.width;
    height = png.height;
    rgba = new Uint8Array(png.data.buffer, png.data.byteOffset, png.data.byteLength);
    declaredGray =
      (png as unknown as { colorType?: number }).colorType === 0 ||
      (png as unknown as { colorType?: number }).colorType === 4;
  } else {
    const img = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: true });
    width = img.width;
    height = img.height;
    rgba = img.data;
  }
  let gray = true;
  let opaque = true;
  for (let i = 0; i < width * height; i++) {
    const r = rgba[4 * i]!;
    if (r !== rgba[4 * i + 1] || r !== rgba[4 * i + 2]) gray = false;
    if (rgba[4 * i + 3] !== 255) opaque = false;
  }
  const channels = declaredGray || (kind === 'jpeg' && gray) ? 1 : opaque ? 3 : 4;
  return { width, height, rgba, channels, gray };
}
