import { BiaspropError } from '../errors.js';

/** `2^-32`: scales a 32-bit integer into [0, 1). */
const TWO_POW_MINUS_32 = 2 ** -32;

/** Checks a generator seed: an integer in [0, 2^32). */
export function assertSeed(seed: number): void {
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff)
    throw new BiaspropError(
      'INVALID_OPTION',
      `seed must be an integer in [0, 4294967295], got ${seed}`,
    );
}

/**
 * A seeded stream of standard normal numbers, the same on every machine and JavaScript engine
 * (integer arithmetic and `Math.log`/`sqrt`/`cos`/`sin` of float64 only):
 *
 * - state: xoshiro128** (Blackman and Vigna), its four 32-bit words the first four outputs of
 *   splitmix32 (`z = s += 0x9e3779b9; z = (z ^ z >>> 16) · 0x85ebca6b; z = (z ^ z >>> 13) ·
 *   0xc2b2ae35; z ^ z >>> 16`, 32-bit wrapping) started at the seed;
 * - uniforms: `u = (k + 0.5) · 2^-32` for each 32-bit output `k`, so `0 < u < 1`;
 * - normals: Box–Muller on consecutive uniforms `u1, u2`: `r = √(−2 ln u1)`, then `r cos(2π u2)`
 *   and `r sin(2π u2)`, in that order.
 *
 * @example
 * ```ts
 * const stream = new GaussianStream(7);
 * const z = new Float64Array(10);
 * stream.fill(z); // the same ten numbers for seed 7 everywhere
 * ```
 */
export class GaussianStream {
  /** xoshiro128** state (an Int32Array: plain fields would box values beyond the small-int range). */
  private readonly state = new Int32Array(4);
  /** The second value of the last Box–Muller pair, when it has not been read yet. */
  private spare = 0;
  private hasSpare = false;

  constructor(seed: number) {
    assertSeed(seed);
    let s = seed >>> 0;
    for (let i = 0; i < 4; i++) {
      s = (s + 0x9e3779b9) >>> 0; // splitmix32
      let z = s;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      this.state[i] = z ^ (z >>> 16);
    }
  }

  /** The next uniform in (0, 1): `(k + 0.5) · 2^-32` for the next 32-bit output `k`. */
  private nextUniform(): number {
    const st = this.state;
    const s1 = st[1]!;
    const result = Math.imul(rotl(Math.imul(s1, 5), 7), 9) >>> 0;
    const t = s1 << 9;
    st[2]! ^= st[0]!;
    st[3]! ^= s1;
    st[1]! ^= st[2]!;
    st[0]! ^= st[3]!;
    st[2]! ^= t;
    st[3] = rotl(st[3]!, 11);
    return (result + 0.5) * TWO_POW_MINUS_32;
  }

  /** The next standard normal number. */
  next(): number {
    if (this.hasSpare) {
      this.hasSpare = false;
      return this.spare;
    }
    const r = Math.sqrt(-2 * Math.log(this.nextUniform()));
    const theta = 2 * Math.PI * this.nextUniform();
    this.spare = r * Math.sin(theta);
    this.hasSpare = true;
    return r * Math.cos(theta);
  }

  /** Fills `out` with the next `out.length` numbers of the stream. */
  fill(out: Float64Array): Float64Array {
    for (let i = 0; i < out.length; i++) out[i] = this.next();
    return out;
  }
}

/** 32-bit rotation left. */
function rotl(v: number, k: number): number {
  return (v << k) | (v >>> (32 - k));
}

/**
 * The first `count` standard normal numbers of the seeded stream {@link smoothGrad} draws its noise
 * from (see {@link GaussianStream} for the exact generator), so the same noise can be rebuilt
 * outside biasprop.
 *
 * @example
 * ```ts
 * const z = gaussianNoise(0, 784 * 50); // the noise smoothGrad adds to one MNIST digit, before σ
 * ```
 */
export function gaussianNoise(seed: number, count: number): Float64Array {
  if (!Number.isInteger(count) || count < 0)
    throw new BiaspropError('INVALID_OPTION', `count must be a non-negative integer, got ${count}`);
  return new GaussianStream(seed).fill(new Float64Array(count));
}
