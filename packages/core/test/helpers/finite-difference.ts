import type { HostTensor, IRGraph } from '../../src/index.js';
import { predict } from '../../src/index.js';

/**
 * Central differences of `f(x) = rᵀ y(x)` for each example of a batch, `(f(x + h eᵢ) − f(x − h eᵢ)) / 2h`,
 * with the readout rows `r` `[N, K]` given. All perturbed points of one example run as one batch.
 */
export async function centralDifferences(
  graph: IRGraph,
  x: HostTensor,
  readout: HostTensor,
  h = 1e-5,
): Promise<Float64Array> {
  const n = x.shape[0]!;
  const per = x.data.length / n;
  const k = readout.shape[1]!;
  const out = new Float64Array(x.data.length);
  for (let e = 0; e < n; e++) {
    const base = x.data.subarray(e * per, (e + 1) * per);
    const pts = new Float64Array(2 * per * per);
    for (let i = 0; i < per; i++) {
      pts.set(base, 2 * i * per);
      pts.set(base, (2 * i + 1) * per);
      pts[2 * i * per + i]! += h;
      pts[(2 * i + 1) * per + i]! -= h;
    }
    const y = await predict(graph, { data: pts, shape: [2 * per, ...x.shape.slice(1)] });
    const r = readout.data.subarray(e * k, (e + 1) * k);
    const f = (row: number): number => {
      let s = 0;
      for (let j = 0; j < k; j++) s += r[j]! * y.data[row * k + j]!;
      return s;
    };
    for (let i = 0; i < per; i++) out[e * per + i] = (f(2 * i) - f(2 * i + 1)) / (2 * h);
  }
  return out;
}
