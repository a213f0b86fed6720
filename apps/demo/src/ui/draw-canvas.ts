// The input canvas: shows the current input at the model's resolution, scaled up, and lets the
// user draw on it (white strokes on black, like MNIST).
import { el } from './dom.js';

/** The drawing surface. */
export interface DrawCanvas {
  readonly element: HTMLElement;
  /** The canvas at model resolution. */
  readonly canvas: HTMLCanvasElement;
  /** Fills with black. */
  clear(): void;
  /** Changes the resolution (keeps the picture, resampled). */
  resize(width: number, height: number): void;
  /** Replaces the picture with an image, scaled to fit (letterboxed on black). */
  drawImage(image: CanvasImageSource, sourceWidth: number, sourceHeight: number): void;
  /** RGBA pixels at model resolution. */
  pixels(): Uint8ClampedArray;
}

/**
 * Creates the drawing canvas; `onStroke` is called when a stroke ends.
 *
 * @example
 * ```ts
 * const draw = createDrawCanvas(28, 28, () => explainAgain());
 * ```
 */
export function createDrawCanvas(width: number, height: number, onStroke: () => void): DrawCanvas {
  const canvas = el('canvas', {
    class: 'draw',
    width,
    height,
    'data-testid': 'draw-canvas',
    'aria-label': 'input image: draw with the mouse',
  });
  const ctx = canvas.getContext('2d', { willReadFrequently: true })!;
  let last: { x: number; y: number } | null = null;

  const clear = (): void => {
    ctx.fillStyle = '#000';
    ctx.fillRect(0, 0, canvas.width, canvas.height);
  };
  const point = (e: PointerEvent): { x: number; y: number } => {
    const r = canvas.getBoundingClientRect();
    return {
      x: ((e.clientX - r.left) / r.width) * canvas.width,
      y: ((e.clientY - r.top) / r.height) * canvas.height,
    };
  };
  const stroke = (from: { x: number; y: number }, to: { x: number; y: number }): void => {
    ctx.strokeStyle = '#fff';
    ctx.lineCap = 'round';
    ctx.lineJoin = 'round';
    ctx.lineWidth = Math.max(1.5, canvas.width / 12);
    ctx.beginPath();
    ctx.moveTo(from.x, from.y);
    ctx.lineTo(to.x + 0.01, to.y);
    ctx.stroke();
  };
  canvas.addEventListener('pointerdown', (e) => {
    canvas.setPointerCapture(e.pointerId);
    last = point(e);
    stroke(last, last);
  });
  canvas.addEventListener('pointermove', (e) => {
    if (!last) return;
    const p = point(e);
    stroke(last, p);
    last = p;
  });
  const end = (): void => {
    if (!last) return;
    last = null;
    onStroke();
  };
  canvas.addEventListener('pointerup', end);
  canvas.addEventListener('pointercancel', end);
  clear();

  return {
    element: el('div', { class: 'draw-wrap' }, canvas),
    canvas,
    clear,
    resize(w, h) {
      if (w === canvas.width && h === canvas.height) return;
      const copy = el('canvas', { width: canvas.width, height: canvas.height });
      copy.getContext('2d')!.drawImage(canvas, 0, 0);
      canvas.width = w;
      canvas.height = h;
      clear();
      ctx.drawImage(copy, 0, 0, w, h);
    },
    drawImage(image, sw, sh) {
      clear();
      const s = Math.min(canvas.width / sw, canvas.height / sh);
      const w = sw * s;
      const h = sh * s;
      ctx.drawImage(image, (canvas.width - w) / 2, (canvas.height - h) / 2, w, h);
    },
    pixels() {
      return ctx.getImageData(0, 0, canvas.width, canvas.height).data;
    },
  };
}
