// Every kernel of the ONNX graph recorder against the float64 reference kernels, on random and
// tie-heavy inputs, on every ONNX Runtime configuration reachable from Node.
import type {
  BinaryKernel,
  Conv2dParams,
  HostTensor,
  MaxPool2dParams,
  Ops,
  Tensor,
} from '@biasprop/core';
import { convOutputSize } from '@biasprop/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OrtBackend } from '../../src/index.js';
import {
  compareWithReference,
  constTensor,
  program,
  randomTensor,
  rng,
  tieTensor,
} from './helpers/kernel-harness.js';
import { nodeBackendCases } from './helpers/node-backends.js';

// The CPU provider records max pooling natively by default; check the portable lowering there too,
// and the legacy WebGL operator set.
const cases = await nodeBackendCases({ portableMaxPoolCpu: true, legacyWebglCpu: true });
const TOL = 2e-6;

type Build = (ops: Ops, t: Readonly<Record<string, Tensor>>) => Record<string, Tensor>;
let counter = 0;

for (const c of cases) {
  describe(`kernels on ${c.name}`, () => {
    if (c.skip) {
      it.skip(`${c.name} skipped: ${c.skip}`, () => {});
      console.warn(`[${c.name}] skipped: ${c.skip}`);
      return;
    }
    let backend: OrtBackend;
    beforeAll(async () => {
      backend = await c.create();
    });
    afterAll(async () => {
      await backend.dispose();
    });

    async function check(
      inputs: Record<string, HostTensor>,
      build: Build,
      tol = TOL,
    ): Promise<void> {
      const errors = await compareWithReference(
        backend,
        program(`kernel-test-${counter++}`, build),
        inputs,
      );
      for (const [k, e] of Object.entries(errors))
        expect(e, `output ${k}`).toBeLessThanOrEqual(tol);
    }

    const r = rng(7);

    it('unary kernels', async () => {
      const x = randomTensor(r, [3, 5], 3);
      const pos = { data: x.data.map((v) => Math.abs(v) + 0.1), shape: x.shape };
      await check({ x, pos }, (ops, t) => ({
        neg: ops.neg(t.x!),
        abs: ops.abs(t.x!),
        sign: ops.sign(t.x!),
        exp: ops.exp(t.x!),
        log: ops.log(t.pos!),
        sigmoid: ops.sigmoid(t.x!),
        tanh: ops.tanh(t.x!),
      }));
      const ties = tieTensor(r, [4, 6]);
      await check(
        { x: ties },
        (ops, t) => ({ sign: ops.sign(t.x!), abs: ops.abs(t.x!), neg: ops.neg(t.x!) }),
        0,
      );
    });

    it('ReLU written as x ⊙ (x > 0) after the same mask was asked for elsewhere', async () => {
      // Identical nodes are recorded once, and x ⊙ (x > 0) becomes a Relu that the mask then
      // reads: the mask may come from an earlier node (sign, a repeated comparison).
      const x = tieTensor(r, [3, 8], [-1, 0, 1]);
      await check({ x }, (ops, t) => {
        const sign = ops.sign(t.x!);
        const first = ops.greater(t.x!, 0);
        const again = ops.greater(t.x!, 0);
        const relu = ops.mul(t.x!, again);
        return { sign, first, relu, twice: ops.add(ops.mul(t.x!, first), relu) };
      });
    });

    it('the step [x > 0] is exact at the extremes of float32 (subnormals, ±0, ±max)', async () => {
      // The CPU provider records the step as two saturating HardSigmoids: the smallest subnormal
      // must still give exactly 1, and −0 must give 0.
      const tiny = 2 ** -149;
      const normal = [-3.4028234663852886e38, -1, -(2 ** -126), -0, 0, 2 ** -126, 1e-30, 1, 3e38];
      // ONNX Runtime's WebGPU provider gives 0 for a subnormal x here (WGSL lets GPUs flush
      // subnormals to zero): CPU providers only.
      const subnormal = [-tiny, tiny, 3 * tiny, 2 ** -140, 2 ** -127 - tiny, 2 ** -127];
      const values = c.name.includes('webgpu') ? normal : [...normal, ...subnormal];
      const x = { data: Float64Array.from(values), shape: [1, values.length] };
      const g = { data: Float64Array.from(values, (_, i) => (i % 3) - 1.5), shape: x.shape };
      await check(
        { x, g },
        (ops, t) => {
          const step = ops.greater(t.x!, 0);
          // x ⊙ [x > 0] becomes Relu(x), and the step then reads the Relu's output.
          ops.mul(t.x!, step);
          return { step, masked: ops.mul(t.g!, step) };
        },
        0,
      );
    });

    const BINARY: BinaryKernel[] = [
      'add',
      'sub',
      'mul',
      'div',
      'divNoNan',
      'maximum',
      'minimum',
      'greater',
      'greaterEqual',
      'less',
      'lessEqual',
      'equal',
      'notEqual',
    ];
    const apply = (ops: Ops, op: BinaryKernel, a: Tensor, b: Tensor | number): Tensor =>
      (ops as unknown as Record<BinaryKernel, (a: Tensor, b: Tensor | number) => Tensor>)[op].call(
        ops,
        a,
        b,
      );

    it('binary kernels with broadcasting (random)', async () => {
      const a = randomTensor(r, [2, 3, 4]);
      const b = randomTensor(r, [1, 3, 1]);
      const nz = { data: b.data.map((v) => (Math.abs(v) < 0.05 ? 0.5 : v)), shape: b.shape };
      await check(
        { a, b: nz },
        (ops, t) => Object.fromEntries(BINARY.map((op) => [op, apply(ops, op, t.a!, t.b!)])),
        1e-6,
      );
    });

    it('binary kernels on ties and zero divisors (exact)', async () => {
      const a = tieTensor(r, [3, 4]);
      const b = tieTensor(r, [3, 4]);
      const exact = BINARY.filter((op) => op !== 'div');
      await check(
        { a, b },
        (ops, t) => Object.fromEntries(exact.map((op) => [op, apply(ops, op, t.a!, t.b!)])),
        0,
      );
      await check(
        { a },
        (ops, t) => ({
          s0: ops.divNoNan(t.a!, 0),
          s2: ops.divNoNan(t.a!, 2),
          z: ops.divNoNan(0, t.a!),
        }),
        0,
      );
    });

    it('where with a float mask', async () => {
      const cond = tieTensor(r, [2, 1, 4], [0, 1, -2, 0.5, 0]);
      const a = randomTensor(r, [2, 3, 4]);
      const b = randomTensor(r, [1, 3, 1]);
      await check(
        { cond, a, b },
        (ops, t) => ({ w: ops.where(t.cond!, t.a!, t.b!), s: ops.where(t.cond!, 3, t.a!) }),
        0,
      );
    });

    it('reductions (sum, max; keepDims; ties)', async () => {
      for (const x of [
        randomTensor(r, [2, 3, 4, 5]),
        tieTensor(r, [2, 3, 4, 5]),
        constTensor([2, 3, 4, 5], 0),
      ]) {
        await check(
          { x },
          (ops, t) => ({
            s1: ops.sum(t.x!, [1]),
            s23k: ops.sum(t.x!, [2, 3], true),
            s0: ops.sum(t.x!, [0, 1, 2, 3]),
            m3: ops.max(t.x!, [3], true),
            m02: ops.max(t.x!, [0, 2]),
            per: ops.sumPerExample(t.x!),
          }),
          1e-6,
        );
      }
    });

    it('cumsum along every axis', async () => {
      const x = tieTensor(r, [2, 3, 4]);
      await check(
        { x },
        (ops, t) => ({
          c0: ops.cumsum(t.x!, 0),
          c1: ops.cumsum(t.x!, 1),
          c2: ops.cumsum(t.x!, -1),
        }),
        0,
      );
    });

    it('matMul with every transpose combination', async () => {
      const a = randomTensor(r, [3, 5]);
      const b = randomTensor(r, [5, 4]);
      const at = randomTensor(r, [5, 3]);
      const bt = randomTensor(r, [4, 5]);
      await check(
        { a, b, at, bt },
        (ops, t) => ({
          nn: ops.matMul(t.a!, t.b!),
          tn: ops.matMul(t.at!, t.b!, true),
          nt: ops.matMul(t.a!, t.bt!, false, true),
          tt: ops.matMul(t.at!, t.bt!, true, true),
        }),
        1e-6,
      );
    });

    const CONVS: { name: string; x: number[]; w: number[]; p: Conv2dParams }[] = [
      {
        name: 'plain 3x3',
        x: [2, 3, 7, 6],
        w: [4, 3, 3, 3],
        p: { strides: [1, 1], pads: [0, 0, 0, 0], dilations: [1, 1], groups: 1 },
      },
      {
        name: 'same pads',
        x: [1, 2, 6, 6],
        w: [3, 2, 3, 3],
        p: { strides: [1, 1], pads: [1, 1, 1, 1], dilations: [1, 1], groups: 1 },
      },
      {
        name: 'stride 2, asymmetric pads, remainder',
        x: [2, 2, 8, 7],
        w: [4, 2, 3, 2],
        p: { strides: [2, 3], pads: [0, 1, 2, 0], dilations: [1, 1], groups: 1 },
      },
      {
        name: 'dilation 2, pads',
        x: [1, 2, 9, 8],
        w: [2, 2, 3, 3],
        p: { strides: [1, 2], pads: [2, 1, 0, 3], dilations: [2, 2], groups: 1 },
      },
      {
        name: 'groups 2, stride 2',
        x: [2, 4, 7, 7],
        w: [6, 2, 3, 3],
        p: { strides: [2, 2], pads: [1, 0, 1, 2], dilations: [1, 2], groups: 2 },
      },
      {
        name: '6 → 16 channels 5x5 (LeNet conv2)',
        x: [1, 6, 14, 14],
        w: [16, 6, 5, 5],
        p: { strides: [1, 1], pads: [0, 0, 0, 0], dilations: [1, 1], groups: 1 },
      },
      {
        name: '9 → 4 channels 3x3 pads 1',
        x: [2, 9, 8, 8],
        w: [4, 9, 3, 3],
        p: { strides: [1, 1], pads: [1, 1, 1, 1], dilations: [1, 1], groups: 1 },
      },
      {
        name: '18 → 6 channels, groups 3, stride 2',
        x: [1, 18, 9, 9],
        w: [6, 6, 3, 3],
        p: { strides: [2, 2], pads: [1, 1, 0, 0], dilations: [1, 1], groups: 3 },
      },
      {
        name: '16 → 8 channels, stride 1, dilation 2, asymmetric pads (adjoint as a Conv)',
        x: [2, 16, 9, 8],
        w: [8, 16, 3, 3],
        p: { strides: [1, 1], pads: [2, 1, 0, 3], dilations: [2, 2], groups: 1 },
      },
      {
        name: '16 → 12 channels, groups 4, stride 1 (adjoint as a grouped Conv)',
        x: [1, 16, 7, 6],
        w: [12, 4, 3, 2],
        p: { strides: [1, 1], pads: [1, 0, 1, 1], dilations: [1, 1], groups: 4 },
      },
      {
        name: 'depthwise 8 channels, multiplier 2, stride 1',
        x: [1, 8, 6, 6],
        w: [16, 1, 3, 3],
        p: { strides: [1, 1], pads: [1, 1, 1, 1], dilations: [1, 1], groups: 8 },
      },
      {
        name: '8 → 4 channels 1x1 with pads 1 (pads wider than the kernel)',
        x: [1, 8, 4, 5],
        w: [4, 8, 1, 1],
        p: { strides: [1, 1], pads: [1, 1, 1, 1], dilations: [1, 1], groups: 1 },
      },
      {
        // ONNX Runtime 1.30's WebGPU ConvTranspose was wrong for one output channel per group with
        // 2 or 4 input channels per group: the recorder widens those groups there.
        name: 'depthwise 2 channels, multiplier 2, stride 2 (adjoint as a grouped ConvTranspose)',
        x: [2, 2, 7, 7],
        w: [4, 1, 3, 3],
        p: { strides: [2, 2], pads: [1, 1, 1, 1], dilations: [1, 1], groups: 2 },
      },
      {
        name: 'one input channel → 2 (adjoint: one output channel, 2 inputs), stride 2',
        x: [2, 1, 7, 8],
        w: [2, 1, 2, 2],
        p: { strides: [2, 2], pads: [0, 0, 1, 1], dilations: [1, 1], groups: 1 },
      },
      {
        name: 'one input channel → 4, 1x1',
        x: [1, 1, 6, 5],
        w: [4, 1, 1, 1],
        p: { strides: [1, 1], pads: [0, 0, 0, 0], dilations: [1, 1], groups: 1 },
      },
      {
        name: 'depthwise 3 channels, multiplier 4, stride 1, dilation 2',
        x: [1, 3, 7, 6],
        w: [12, 1, 3, 3],
        p: { strides: [1, 1], pads: [2, 1, 2, 1], dilations: [2, 2], groups: 3 },
      },
      {
        name: 'depthwise',
        x: [1, 3, 6, 5],
        w: [3, 1, 3, 3],
        p: { strides: [2, 1], pads: [1, 1, 1, 1], dilations: [1, 1], groups: 3 },
      },
    ];
    for (const cv of CONVS) {
      it(`conv2d and conv2dTranspose: ${cv.name}`, async () => {
        const x = randomTensor(r, cv.x);
        const w = randomTensor(r, cv.w);
        const oh = convOutputSize(
          cv.x[2]!,
          cv.w[2]!,
          cv.p.strides[0],
          cv.p.pads[0],
          cv.p.pads[2],
          cv.p.dilations[0],
        );
        const ow = convOutputSize(
          cv.x[3]!,
          cv.w[3]!,
          cv.p.strides[1],
          cv.p.pads[1],
          cv.p.pads[3],
          cv.p.dilations[1],
        );
        const dy = randomTensor(r, [cv.x[0]!, cv.w[0]!, oh, ow]);
        await check(
          { x, w, dy },
          (ops, t) => ({
            y: ops.conv2d(t.x!, t.w!, cv.p),
            dx: ops.conv2dTranspose(t.dy!, t.w!, cv.p, cv.x),
          }),
          1e-5,
        );
      });
    }

    const POOLS: { name: string; x: number[]; p: MaxPool2dParams }[] = [
      {
        name: '2x2 stride 2 (tiling)',
        x: [2, 3, 8, 8],
        p: { kernel: [2, 2], strides: [2, 2], pads: [0, 0, 0, 0], dilations: [1, 1] },
      },
      {
        name: '2x2 stride 2 with remainder',
        x: [1, 2, 7, 5],
        p: { kernel: [2, 2], strides: [2, 2], pads: [0, 0, 0, 0], dilations: [1, 1] },
      },
      {
        // 16 and 32 channels: the CPU provider's window planes come from one-hot depthwise convs.
        name: '2x2 stride 2, 16 channels',
        x: [2, 16, 6, 6],
        p: { kernel: [2, 2], strides: [2, 2], pads: [0, 0, 0, 0], dilations: [1, 1] },
      },
      {
        name: '2x2 stride 2 with remainder, 32 channels',
        x: [1, 32, 7, 5],
        p: { kernel: [2, 2], strides: [2, 2], pads: [0, 0, 0, 0], dilations: [1, 1] },
      },
      {
        name: '3x3 stride 3 (tiling) with remainder',
        x: [2, 2, 10, 9],
        p: { kernel: [3, 3], strides: [3, 3], pads: [0, 0, 0, 0], dilations: [1, 1] },
      },
      {
        name: '2x3 stride 2x3 (non-square tiling)',
        x: [1, 3, 6, 7],
        p: { kernel: [2, 3], strides: [2, 3], pads: [0, 0, 0, 0], dilations: [1, 1] },
      },
      {
        name: '3x3 stride 2 pads 1 (overlapping)',
        x: [2, 2, 7, 7],
        p: { kernel: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1], dilations: [1, 1] },
      },
      {
        name: '3x2 stride 1 asymmetric pads',
        x: [1, 2, 5, 6],
        p: { kernel: [3, 2], strides: [1, 1], pads: [0, 1, 2, 0], dilations: [1, 1] },
      },
      {
        name: '2x2 dilation 2 stride 1',
        x: [1, 2, 6, 6],
        p: { kernel: [2, 2], strides: [1, 1], pads: [1, 0, 0, 1], dilations: [2, 2] },
      },
      {
        name: '3x3 stride 3 dilation 1 pads 1',
        x: [1, 1, 8, 8],
        p: { kernel: [3, 3], strides: [3, 3], pads: [1, 1, 1, 1], dilations: [1, 1] },
      },
      {
        name: 'global (whole plane)',
        x: [2, 3, 5, 4],
        p: { kernel: [5, 4], strides: [1, 1], pads: [0, 0, 0, 0], dilations: [1, 1] },
      },
    ];
    for (const pc of POOLS) {
      it(`maxPool2d and its backward: ${pc.name} (random, ties, constant, zero, negative constant)`, async () => {
        const oh = convOutputSize(
          pc.x[2]!,
          pc.p.kernel[0],
          pc.p.strides[0],
          pc.p.pads[0],
          pc.p.pads[2],
          pc.p.dilations[0],
        );
        const ow = convOutputSize(
          pc.x[3]!,
          pc.p.kernel[1],
          pc.p.strides[1],
          pc.p.pads[1],
          pc.p.pads[3],
          pc.p.dilations[1],
        );
        const inputs = [
          randomTensor(r, pc.x),
          tieTensor(r, pc.x, [0, 1]),
          tieTensor(r, pc.x),
          constTensor(pc.x, 0.25),
          constTensor(pc.x, 0),
          constTensor(pc.x, -3),
        ];
        for (const x of inputs) {
          const dy = randomTensor(r, [pc.x[0]!, pc.x[1]!, oh, ow]);
          await check(
            { x, dy },
            (ops, t) => {
              const { y, argmax } = ops.maxPool2d(t.x!, pc.p);
              return {
                y,
                dx: ops.maxPool2dBackward(t.dy!, argmax, pc.p, pc.x),
                ones: ops.maxPool2dBackward(ops.fill(t.dy!.shape, 1), argmax, pc.p, pc.x),
              };
            },
            1e-6,
          );
        }
      });

      it(`ReLU → maxPool2d backward, times the ReLU mask: ${pc.name}`, async () => {
        // The recorder applies the ReLU mask to the pooled gradient (dy ⊙ [y > 0]) before routing
        // it; inputs with many exact zeros after the ReLU (whole windows of ties at 0).
        const [oh, ow] = [0, 1].map((i) =>
          convOutputSize(
            pc.x[2 + i]!,
            pc.p.kernel[i]!,
            pc.p.strides[i]!,
            pc.p.pads[i]!,
            pc.p.pads[i + 2]!,
            pc.p.dilations[i]!,
          ),
        );
        for (const x of [
          randomTensor(r, pc.x),
          tieTensor(r, pc.x, [-1, 0, 1]),
          constTensor(pc.x, 0),
        ]) {
          const dy = randomTensor(r, [pc.x[0]!, pc.x[1]!, oh!, ow!]);
          await check(
            { x, dy },
            (ops, t) => {
              const mask = ops.greater(t.x!, 0);
              const { argmax } = ops.maxPool2d(ops.mul(t.x!, mask), pc.p);
              const routed = ops.maxPool2dBackward(t.dy!, argmax, pc.p, pc.x);
              return { dz: ops.mul(routed, mask), zd: ops.mul(mask, routed) };
            },
            1e-6,
          );
        }
      });
    }

    it('reshape, transpose, concat, slice, pad, fill, scalar, constant', async () => {
      const x = randomTensor(r, [2, 3, 4]);
      const y = randomTensor(r, [2, 2, 4]);
      await check(
        { x, y },
        (ops, t) => ({
          reshape: ops.reshape(t.x!, [6, 4]),
          transpose: ops.transpose(t.x!, [2, 0, 1]),
          concat1: ops.concat([t.x!, t.y!], 1),
          concat0: ops.concat([t.x!, t.x!], 0),
          slice: ops.slice(t.x!, [1, 1, 0], [1, 2, 3]),
          pad: ops.pad(t.x!, [
            [0, 1],
            [2, 0],
            [1, 1],
          ]),
          fill: ops.fill([2, 3], 1.5),
          fillUse: ops.add(t.x!, ops.fill([1, 3, 1], -2)),
          scalar: ops.mul(t.x!, ops.scalar(3)),
          constant: ops.add(t.x!, ops.constant(Float64Array.from([1, 2, 3, 4]), [4])),
          weight: ops.mul(t.x!, ops.weight(Float64Array.from([1, -1, 2, 0.5]), [1, 1, 4])),
          unbroadcast: ops.unbroadcast(t.x!, [3, 1]),
        }),
        1e-6,
      );
    });
  });
}
