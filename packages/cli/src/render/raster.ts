import { PNG } from 'pngjs';
import { drawText } from './bitmap-font.js';
import type { Rgb } from './colormap.js';

/**
 * An RGB raster that encodes to PNG.
 *
 * @example
 * ```ts
 * const r = new Raster(10, 10, [255, 255, 255]);
 * r.set(1, 1, [255, 0, 0]);
 * writeFileSync('dot.png', r.toPng());
 * ```
 */
export class Raster {
  /** RGBA bytes, row-major. */
  readonly data: Uint8Array;

  constructor(
    /** Width in pixels. */
    readonly width: number,
    /** Height in pixels. */
    readonly height: number,
    background: Rgb = [255, 255, 255],
  ) {
    this.data = new Uint8Array(width * height * 4);
    for (let i = 0; i < width * height; i++)
      this.data.set([background[0], background[1], background[2], 255], 4 * i);
  }

  /** Sets one pixel (ignored outside the raster). */
  set(x: number, y: number, c: Rgb): void {
    if (x < 0 || y < 0 || x >= this.width || y >= this.height) return;
    const i = 4 * (y * this.width + x);
    this.data[i] = c[0];
    this.data[i + 1] = c[1];
    this.data[i + 2] = c[2];
  }

  /** Fills a rectangle. */
  fill(x0: number, y0: number, w: number, h: number, c: Rgb): void {
    for (let y = y0; y < y0 + h; y++) for (let x = x0; x < x0 + w; x++) this.set(x, y, c);
  }

  /** Copies another raster with its top-left corner at (x0, y0). */
  blit(src: Raster, x0: number, y0: number): void {
    for (let y = 0; y < src.height; y++) {
      for (let x = 0; x < src.width; x++) {
        const i = 4 * (y * src.width + x);
        this.set(x0 + x, y0 + y, [src.data[i]!, src.data[i + 1]!, src.data[i + 2]!]);
      }
    }
  }

  /** Draws text with the built-in bitmap font. */
  text(text: string, x0: number, y0: number, c: Rgb = [0, 0, 0]): void {
    drawText(text, x0, y0, (x, y) => this.set(x, y, c));
  }

  /** The raster as PNG file bytes (RGBA, 8 bit). */
  toPng(): Uint8Array {
    const png = new PNG({ width: this.width, height: this.height });
    png.data = Buffer.from(this.data);
    return PNG.sync.write(png);
  }
}
