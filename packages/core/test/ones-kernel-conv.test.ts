// The all-ones conv shortcut (BBp's connectivity / non-zero fallbacks) is the same linear map as
// a conv with an all-ones weight: compared with the reference conv kernels on grouped, strided,
// dilated and padded geometries, in both directions.
import { describe, expect, it } from 'vitest';
import type { Conv2dParams, RefHandle } from '../src/index.js';
import { Ops, referenceKernels } from '../src/index.js';
import { onesKernelConv2d, onesKernelConv2dTranspose } from '../src/ops/ones-kernel-conv.js';
import { mulberry32, uniform } from './helpers/random.js';

const CASES: { name: string; x: number[]; w: number[]; p: Conv2dParams }[] = [
  {
    name: 'dense 3×3, pad 1',
    x: [2, 4, 7, 6],
    w: [5, 4, 3, 3],
    p: { strides: [1, 1], pads: [1, 1, 1, 1], dilations: [1, 1], groups: 1 },
  },
  {
    name: 'grouped, strided, dilated, uneven pads',
    x: [1, 6, 9, 8],
    w: [4, 3, 3, 2],
    p: { strides: [2, 1], pads: [1, 0, 2, 1], dilations: [1, 2], groups: 2 },
  },
  {
    name: 'depthwise with channel multiplier 3',
    x: [2, 2, 5, 5],
    w: [6, 1, 2, 2],
    p: { strides: [2, 2], pads: [0, 0, 1, 1], dilations: [1, 1], groups: 2 },
  },
];

const values = (t: { handle: unknown }) => [...(t.handle as RefHandle)];

describe('onesKernelConv2d / onesKernelConv2dTranspose', () => {
  for (const { name, x, w, p } of CASES) {
    it(`equal conv2d / conv2dTranspose with an all-ones weight: ${name}`, () => {
      const ops = new Ops(referenceKernels);
      const input = ops.constant(
        uniform(
          mulberry32(1),
          x.reduce((a, b) => a * b),
          0.5,
        ),
        x,
      );
      const ones = ops.fill(w, 1);
      const want = ops.conv2d(input, ones, p);
      const got = onesKernelConv2d(ops, input, w, p);
      expect(got.shape).toEqual(want.shape);
      const a = values(got);
      values(want).forEach((v, i) => expect(a[i]).toBeCloseTo(v, 12));

      const dy = ops.constant(
        uniform(
          mulberry32(2),
          want.shape.reduce((a, b) => a * b),
          0.5,
        ),
        want.shape,
      );
      const wantT = ops.conv2dTranspose(dy, ones, p, x);
      const gotT = onesKernelConv2dTranspose(ops, dy, w, p, x);
      expect(gotT.shape).toEqual(x);
      const b = values(gotT);
      values(wantT).forEach((v, i) => expect(b[i]).toBeCloseTo(v, 12));
      // Not a trivial identity: the input matters.
      expect(new Set(b.map((v) => v.toFixed(6))).size).toBeGreaterThan(2);
    });
  }
});
