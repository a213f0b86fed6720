import * as tf from '@tensorflow/tfjs-core';
import type { ConvGeometry } from './conv-nhwc.js';
import {
  convNhwc,
  dilateFilter,
  hasKernel,
  nativeConvTransposeNhwc,
  nativeDepthwiseTransposeNhwc,
  toHwio,
  toTransposedHwio,
  transposedConvNhwc,
} from './conv-nhwc.js';

/**
 * Derived filters kept per persistent core weight (model weights live across runs, so their
 * tfjs-layout copies do too). Filters of per-run weights are built inside the call and freed.
 *
 * @example
 * ```ts
 * const cache = new FilterCache((t) => weights.has(t));
 * const { filters } = cache.get(w, 'fwd', (t) => [toHwio(t)]);
 * ```
 */
export class FilterCache {
  private readonly derived = new Map<tf.Tensor, Map<string, tf.Tensor4D[]>>();

  constructor(private readonly isPersistent: (t: tf.Tensor) => boolean) {}

  /** The filters `make(w)` for `w`, cached when `w` is persistent (the result must then not be disposed by the caller). */
  get(
    w: tf.Tensor4D,
    key: string,
    make: (w: tf.Tensor4D) => tf.Tensor4D[],
  ): {
    /** The derived filters. */
    filters: tf.Tensor4D[];
    /** True when the caller owns (and must dispose) them: `w` is not a cached model weight. */
    owned: boolean;
  } {
    if (!this.isPersistent(w)) return { filters: make(w), owned: true };
    let m = this.derived.get(w);
    if (!m) this.derived.set(w, (m = new Map<string, tf.Tensor4D[]>()));
    let f = m.get(key);
    if (!f) {
      f = tf.tidy(() => make(w));
      for (const t of f) tf.keep(t);
      m.set(key, f);
    }
    return { filters: f, owned: false };
  }

  /** Frees every cached filter. */
  dispose(): void {
    for (const m of this.derived.values())
      for (const fs of m.values()) for (const f of fs) f.dispose();
    this.derived.clear();
  }
}

type ConvMode = 'dense' | 'depthwise' | 'grouped';

/** An ungrouped 1×1 convolution with unit stride and no padding (dilation is then irrelevant). */
function isPointwise(w: tf.Tensor4D, p: ConvGeometry): boolean {
  return (
    p.groups === 1 &&
    w.shape[2] === 1 &&
    w.shape[3] === 1 &&
    p.strides[0] === 1 &&
    p.strides[1] === 1 &&
    p.pads.every((v) => v === 0)
  );
}

function modeOf(w: tf.Tensor4D, channels: number, groups: number): ConvMode {
  if (groups === 1) return 'dense';
  if (groups === channels && w.shape[1] === 1) return 'depthwise';
  return 'grouped';
}

/** Per-group weight slices `[O/g, C/g, kh, kw]`. */
function groupWeights(w: tf.Tensor4D, groups: number): tf.Tensor4D[] {
  return tf.split(w, groups, 0);
}

function forwardFilters(w: tf.Tensor4D, p: ConvGeometry, mode: ConvMode): tf.Tensor4D[] {
  return tf.tidy(() => {
    if (mode === 'depthwise') {
      const [o, , kh, kw] = w.shape;
      const c = p.groups;
      // [C·mult, 1, kh, kw] → [kh, kw, C, mult]
      return [
        dilateFilter(tf.transpose(tf.reshape(w, [c, o / c, kh, kw]), [2, 3, 0, 1]), p.dilations),
      ];
    }
    const parts = mode === 'dense' ? [w] : groupWeights(w, p.groups);
    return parts.map((g) => dilateFilter(toHwio(g), p.dilations));
  });
}

function transposedFilters(w: tf.Tensor4D, p: ConvGeometry, mode: ConvMode): tf.Tensor4D[] {
  return tf.tidy(() => {
    // For depthwise, [C·mult, 1, kh, kw] → [kh, kw, C·mult, 1], flipped: a depthwise filter over dy.
    const parts = mode === 'grouped' ? groupWeights(w, p.groups) : [w];
    return parts.map((g) => dilateFilter(toTransposedHwio(g), p.dilations));
  });
}

function toNhwc(x: tf.Tensor): tf.Tensor4D {
  return tf.transpose(x as tf.Tensor4D, [0, 2, 3, 1]);
}

function toNchw(x: tf.Tensor): tf.Tensor {
  return tf.transpose(x as tf.Tensor4D, [0, 3, 1, 2]);
}

/**
 * Grouped, dilated, asymmetrically padded 2-D convolution on NCHW tensors with a core weight
 * `[O, C/groups, kh, kw]`, on tfjs's NHWC kernels (transposed around; depthwise convolutions use
 * `tf.depthwiseConv2d`, other grouped ones are split per group).
 *
 * @example
 * ```ts
 * const y = conv2dNchw(cache, x, w, { strides: [1, 1], pads: [1, 1, 1, 1], dilations: [1, 1], groups: 1 });
 * ```
 */
export function conv2dNchw(
  cache: FilterCache,
  x: tf.Tensor,
  w: tf.Tensor,
  p: ConvGeometry,
): tf.Tensor {
  const w4 = w as tf.Tensor4D;
  if (isPointwise(w4, p)) {
    // A 1×1 convolution is a matrix product in NCHW: no layout change needed.
    return tf.tidy(() => {
      const [n, c, h, wd] = x.shape as [number, number, number, number];
      const o = w4.shape[0];
      return tf.reshape(tf.matMul(tf.reshape(w4, [1, o, c]), tf.reshape(x, [n, c, h * wd])), [
        n,
        o,
        h,
        wd,
      ]);
    });
  }
  const mode = modeOf(w4, x.shape[1]!, p.groups);
  const { filters, owned } = cache.get(w4, `fwd|${p.groups}|${p.dilations.join(',')}`, (t) =>
    forwardFilters(t, p, mode),
  );
  try {
    return tf.tidy(() => {
      const xh = toNhwc(x);
      if (mode !== 'grouped')
        return toNchw(convNhwc(xh, filters[0]!, p.strides, p.pads, mode === 'depthwise'));
      const xs = tf.split<tf.Tensor4D>(xh, p.groups, 3);
      return toNchw(
        tf.concat(
          xs.map((xg, i) => convNhwc(xg, filters[i]!, p.strides, p.pads, false)),
          3,
        ),
      );
    });
  } finally {
    if (owned) for (const f of filters) f.dispose();
  }
}

/**
 * The vector–Jacobian product of {@link conv2dNchw} with respect to its input, of shape `out` (NCHW).
 * Uses the backend's own transposed-convolution kernels where it has them (`Conv2DBackpropInput`
 * everywhere, `DepthwiseConv2dNativeBackpropInput` on cpu/webgl/webgpu); otherwise a forward
 * convolution with the flipped filter over the stride-spread `dy`.
 *
 * @example
 * ```ts
 * const dx = conv2dTransposeNchw(cache, dy, w, geometry, x.shape);
 * ```
 */
export function conv2dTransposeNchw(
  cache: FilterCache,
  dy: tf.Tensor,
  w: tf.Tensor,
  p: ConvGeometry,
  out: readonly number[],
): tf.Tensor {
  const w4 = w as tf.Tensor4D;
  const [n, channels, h, wd] = out as [number, number, number, number];
  if (isPointwise(w4, p)) {
    return tf.tidy(() => {
      const o = w4.shape[0];
      return tf.reshape(
        tf.matMul(tf.reshape(w4, [1, o, channels]), tf.reshape(dy, [n, o, h * wd]), true, false),
        [n, channels, h, wd],
      );
    });
  }
  const mode = modeOf(w4, channels, p.groups);
  const hw: [number, number] = [h, wd];
  const nativeDepthwise = mode === 'depthwise' && hasKernel('DepthwiseConv2dNativeBackpropInput');
  const native = mode !== 'depthwise' && hasKernel('Conv2DBackpropInput');
  const key =
    native || nativeDepthwise
      ? `fwd|${p.groups}|${p.dilations.join(',')}`
      : `tr|${p.groups}|${p.dilations.join(',')}`;
  const { filters, owned } = cache.get(w4, key, (t) =>
    native || nativeDepthwise ? forwardFilters(t, p, mode) : transposedFilters(t, p, mode),
  );
  try {
    return tf.tidy(() => {
      const dyh = toNhwc(dy);
      if (nativeDepthwise)
        return toNchw(
          nativeDepthwiseTransposeNhwc(dyh, filters[0]!, p.strides, p.pads, [n, h, wd, channels]),
        );
      if (native) {
        if (mode === 'dense')
          return toNchw(
            nativeConvTransposeNhwc(dyh, filters[0]!, p.strides, p.pads, [n, h, wd, channels]),
          );
        const dys = tf.split<tf.Tensor4D>(dyh, p.groups, 3);
        const cg = channels / p.groups;
        return toNchw(
          tf.concat(
            dys.map((d, i) =>
              nativeConvTransposeNhwc(d, filters[i]!, p.strides, p.pads, [n, h, wd, cg]),
            ),
            3,
          ),
        );
      }
      if (mode === 'depthwise') {
        const full = transposedConvNhwc(dyh, filters[0]!, p.strides, p.pads, hw, true);
        const mult = w4.shape[0] / channels;
        if (mult === 1) return toNchw(full);
        return toNchw(tf.sum(tf.reshape(full, [n, h, wd, channels, mult]), 4));
      }
      const dys = tf.split<tf.Tensor4D>(dyh, p.groups, 3);
      const parts = mode === 'dense' ? [dyh] : dys;
      return toNchw(
        tf.concat(
          parts.map((d, i) => transposedConvNhwc(d, filters[i]!, p.strides, p.pads, hw, false)),
          3,
        ),
      );
    });
  } finally {
    if (owned) for (const f of filters) f.dispose();
  }
}
