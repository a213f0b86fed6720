/**
 * A deterministic test image `[1, h, w, c]` in [0, 1]: a blank (exactly zero) background with a
 * soft blob and a few stripes, so max pools see exact ties in the background as in real photos.
 */
export function syntheticImage(
  h: number,
  w: number,
  c: number,
): { data: Float32Array; shape: number[] } {
  const data = new Float32Array(h * w * c);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const dy = (y - h * 0.45) / (h * 0.25);
      const dx = (x - w * 0.55) / (w * 0.2);
      const blob = Math.exp(-(dx * dx + dy * dy));
      const stripe = y > h * 0.75 && x % 8 < 3 ? 0.6 : 0;
      for (let k = 0; k < c; k++) {
        const v = blob > 0.05 ? blob * (0.5 + 0.5 * Math.sin(0.3 * x + k)) : stripe;
        data[(y * w + x) * c + k] = Math.max(0, Math.min(1, v));
      }
    }
  }
  return { data, shape: [1, h, w, c] };
}

/** max |a − b| / max |b|. */
export function relativeError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let num = 0;
  let den = 0;
  for (let i = 0; i < b.length; i++) {
    num = Math.max(num, Math.abs(a[i]! - b[i]!));
    den = Math.max(den, Math.abs(b[i]!));
  }
  return den === 0 ? num : num / den;
}
