// A direct interpreter of the layer-list format in the file's own layout (no IR, no transposes):
// the "framework" the adapter's import is checked against. Stops before a final softmax (the
// adapter removes it and explains the logits).
import type { LayerListModel, NestedNumbers } from '../../src/format.js';

type Layout = 'hwc' | 'chw' | 'flat';

function flat(v: NestedNumbers): number[] {
  return Array.isArray(v) ? (v as NestedNumbers[]).flatMap(flat) : [v as number];
}

/** Runs `model` on one example `x` (file layout, no batch axis); returns the logits. */
export function naiveForward(model: LayerListModel, x: ArrayLike<number>): number[] {
  const layout0: Layout = model.input.length === 1 ? 'flat' : (model.layout ?? 'hwc');
  let data = Array.from(x);
  let layout = layout0;
  // Spatial dims as [c, h, w] whatever the layout.
  let [c, h, w] =
    layout === 'flat'
      ? [data.length, 1, 1]
      : layout === 'hwc'
        ? [model.input[2]!, model.input[0]!, model.input[1]!]
        : [model.input[0]!, model.input[1]!, model.input[2]!];
  const idx = (ch: number, y: number, xx: number, C: number, H: number, W: number) =>
    layout0 === 'hwc' ? (y * W + xx) * C + ch : (ch * H + y) * W + xx;
  const act = (a: string | undefined) => {
    if (a === 'relu') data = data.map((v) => Math.max(v, 0));
    if (a === 'tanh') data = data.map(Math.tanh);
    if (a === 'sigmoid') data = data.map((v) => 1 / (1 + Math.exp(-v)));
  };
  const layers = model.layers.filter(
    (l, i) => !(l.type === 'softmax' && i === model.layers.length - 1),
  );
  for (const l of layers) {
    switch (l.type) {
      case 'conv': {
        const [kh, kw] = typeof l.kernel === 'number' ? [l.kernel, l.kernel] : l.kernel;
        const [sh, sw] =
          l.stride === undefined
            ? [1, 1]
            : typeof l.stride === 'number'
              ? [l.stride, l.stride]
              : l.stride;
        const W4 = flat(l.weights);
        const o = l.filters;
        let pt = 0;
        let pl = 0;
        let oh = Math.floor((h - kh) / sh) + 1;
        let ow = Math.floor((w - kw) / sw) + 1;
        if (l.padding === 'same') {
          oh = Math.ceil(h / sh);
          ow = Math.ceil(w / sw);
          pt = Math.floor(Math.max((oh - 1) * sh + kh - h, 0) / 2);
          pl = Math.floor(Math.max((ow - 1) * sw + kw - w, 0) / 2);
        }
        const out = new Array<number>(o * oh * ow).fill(0);
        for (let oc = 0; oc < o; oc++)
          for (let y = 0; y < oh; y++)
            for (let xx = 0; xx < ow; xx++) {
              let s = l.bias?.[oc] ?? 0;
              for (let ky = 0; ky < kh; ky++)
                for (let kx = 0; kx < kw; kx++)
                  for (let ic = 0; ic < c; ic++) {
                    const iy = y * sh + ky - pt;
                    const ix = xx * sw + kx - pl;
                    if (iy < 0 || ix < 0 || iy >= h || ix >= w) continue;
                    s += data[idx(ic, iy, ix, c, h, w)]! * W4[((ky * kw + kx) * c + ic) * o + oc]!;
                  }
              out[idx(oc, y, xx, o, oh, ow)] = s;
            }
        [data, c, h, w] = [out, o, oh, ow];
        act(l.activation);
        break;
      }
      case 'maxpool':
      case 'avgpool': {
        const k = l.size;
        const s = l.stride ?? k;
        const oh = Math.floor((h - k) / s) + 1;
        const ow = Math.floor((w - k) / s) + 1;
        const out = new Array<number>(c * oh * ow).fill(0);
        for (let ch = 0; ch < c; ch++)
          for (let y = 0; y < oh; y++)
            for (let xx = 0; xx < ow; xx++) {
              const vals: number[] = [];
              for (let ky = 0; ky < k; ky++)
                for (let kx = 0; kx < k; kx++)
                  vals.push(data[idx(ch, y * s + ky, xx * s + kx, c, h, w)]!);
              out[idx(ch, y, xx, c, oh, ow)] =
                l.type === 'maxpool'
                  ? Math.max(...vals)
                  : vals.reduce((a, b) => a + b, 0) / vals.length;
            }
        [data, h, w] = [out, oh, ow];
        break;
      }
      case 'batchnorm': {
        const eps = l.epsilon ?? 1e-3;
        data = data.map((v, i) => {
          const ch = layout === 'flat' ? i : layout0 === 'hwc' ? i % c : Math.floor(i / (h * w));
          return (
            (l.gamma[ch]! * (v - l.mean[ch]!)) / Math.sqrt(l.variance[ch]! + eps) + l.beta[ch]!
          );
        });
        break;
      }
      case 'flatten':
        layout = 'flat';
        [c, h, w] = [data.length, 1, 1];
        break;
      case 'dense': {
        const W2 = flat(l.weights);
        const n = data.length;
        data = Array.from({ length: l.units }, (_, u) => {
          let s = l.bias?.[u] ?? 0;
          for (let i = 0; i < n; i++) s += data[i]! * W2[i * l.units + u]!;
          return s;
        });
        [c, h, w] = [l.units, 1, 1];
        act(l.activation);
        break;
      }
      case 'relu':
      case 'tanh':
      case 'sigmoid':
        act(l.type);
        break;
      case 'leakyRelu':
        data = data.map((v) => (v > 0 ? v : (l.alpha ?? 0.2) * v));
        break;
      case 'softmax':
        throw new Error('softmax only as the last layer');
    }
  }
  return data;
}
