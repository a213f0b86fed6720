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
  private s0 = 0;
  private s1 = 0;
  private s2 = 0;
  private s3 = 0;
  private spare: number | undefined;

  constructor(seed: number) {
    assertSeed(seed);
    let s = seed >>> 0;
    const splitmix32 = (): number => {
      s = (s + 0x9e3779b9) >>> 0;
      let z = s;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.s0 = splitmix32();
    this.s1 = splitmix32();
    this.s2 = splitmix32();
    this.s3 = splitmix32();
  }

  /** The next 32-bit output of xoshiro128**. */
  private nextUint32(): number {
    const rotl = (v: number, k: number): number => (v << k) | (v >>> (32 - k));
    const result = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9) >>> 0;
    const t = this.s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  /** The next uniform in (0, 1). */
  private nextUniform(): number {
    return (this.nextUint32() + 0.5) * TWO_POW_MINUS_32;
  }

  /** The next standard normal number. */
  next(): number {
    if (this.spare !== undefined) {
      const v = this.spare;
      this.spare = undefined;
      return v;
    }
    const r = Math.sqrt(-2 * Math.log(this.nextUniform()));
    const theta = 2 * Math.PI * this.nextUniform();
    this.spare = r * Math.sin(theta);
    return r * Math.cos(theta);
  }

  /** Fills `out` with the next `out.length` numbers of the stream. */
  fill(out: Float64Array): Float64Array {
    for (let i = 0; i < out.length; i++) out[i] = this.next();
    return out;
  }
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
