// Input images: typed digits (always available) and PNG files (bundled samples or uploads).

/**
 * Renders a digit or short text centred in a black W×H canvas, white and bold, about the size of
 * an MNIST digit (a 20×20 box in 28×28).
 *
 * @example
 * ```ts
 * draw.drawImage(typedDigit('7', 28, 28), 28, 28);
 * ```
 */
export function typedDigit(text: string, width: number, height: number): HTMLCanvasElement {
  const canvas = document.createElement('canvas');
  canvas.width = width;
  canvas.height = height;
  const ctx = canvas.getContext('2d')!;
  ctx.fillStyle = '#000';
  ctx.fillRect(0, 0, width, height);
  ctx.fillStyle = '#fff';
  ctx.textAlign = 'center';
  ctx.textBaseline = 'middle';
  ctx.font = `bold ${Math.round(height * 0.78)}px "DejaVu Sans", Arial, sans-serif`;
  ctx.fillText(text, width / 2, height / 2 + height * 0.04);
  return canvas;
}

/**
 * Decodes an image (a URL or a file) into a bitmap.
 *
 * @example
 * ```ts
 * const bitmap = await loadBitmap('/models/mnist/samples/3.png');
 * ```
 */
export async function loadBitmap(source: string | Blob): Promise<ImageBitmap> {
  let blob: Blob;
  if (typeof source === 'string') {
    const res = await fetch(source);
    if (!res.ok) throw new Error(`could not fetch ${source}: HTTP ${res.status}`);
    blob = await res.blob();
  } else blob = source;
  try {
    return await createImageBitmap(blob);
  } catch {
    throw new Error(
      `${typeof source === 'string' ? source : 'the picked file'} is not an image the browser can decode (use a PNG)`,
    );
  }
}
