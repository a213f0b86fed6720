import { describe, expect, it } from 'vitest';
import { inputLayout, pixelsToInput, toPixelMap } from '../src/input/input-layout.js';
import { divergingColor } from '../src/ui/colormap.js';

describe('input layout', () => {
  it('recognizes NHWC, NCHW, HW and flat square inputs', () => {
    expect(inputLayout([28, 28, 1])).toEqual({ height: 28, width: 28, channels: 1, order: 'hwc' });
    expect(inputLayout([1, 28, 28])).toEqual({ height: 28, width: 28, channels: 1, order: 'chw' });
    expect(inputLayout([3, 32, 32])).toEqual({ height: 32, width: 32, channels: 3, order: 'chw' });
    expect(inputLayout([28, 28])).toEqual({ height: 28, width: 28, channels: 1, order: 'hw' });
    expect(inputLayout([784])).toEqual({ height: 28, width: 28, channels: 1, order: 'hw' });
    expect(() => inputLayout([10])).toThrow(/input shape is \[10\]/);
  });

  it('converts RGBA pixels to the model layout and sums channels back', () => {
    // 1×2 image: red pixel, white pixel.
    const rgba = Uint8ClampedArray.from([255, 0, 0, 255, 255, 255, 255, 255]);
    const chw = inputLayout([3, 1, 2]);
    const x = pixelsToInput(rgba, chw);
    expect(Array.from(x)).toEqual([1, 1, 0, 1, 0, 1]);
    expect(Array.from(toPixelMap(x, chw))).toEqual([1, 3]);
    const gray = pixelsToInput(rgba, inputLayout([1, 2, 1]), true);
    expect(gray[0]).toBeCloseTo(2 / 3);
    expect(gray[1]).toBeCloseTo(0);
  });
});

describe('diverging colormap', () => {
  it('is white at 0, red for positive, blue for negative, and clamps', () => {
    expect(divergingColor(0)).toEqual([247, 247, 247]);
    const [r, , b] = divergingColor(0.8);
    expect(r).toBeGreaterThan(b);
    const [r2, , b2] = divergingColor(-0.8);
    expect(b2).toBeGreaterThan(r2);
    expect(divergingColor(5)).toEqual(divergingColor(1));
    expect(divergingColor(Number.NaN)).toEqual([247, 247, 247]);
  });
});
