// What the ONNX graph recorder writes for a few patterns core produces: the ReLU mask of a
// max-pooled ReLU output applied to the pooled gradient, ReLU steps as saturating HardSigmoids,
// 2×2 max-pool window planes as one-hot depthwise convs, the declared shape of an unpooled gradient, and no node that no output needs. The
// values are checked against the reference kernels in kernels.test.ts; this checks the graph.
import type { MaxPool2dParams } from '@biasprop/core';
import { Ops, Tensor } from '@biasprop/core';
import { describe, expect, it } from 'vitest';
import { OnnxGraphRecorder } from '../../src/backend/onnx-graph-recorder.js';
import type { NodeProto } from '../../src/proto/onnx-proto.js';

const POOL: MaxPool2dParams = {
  kernel: [2, 2],
  strides: [2, 2],
  pads: [0, 0, 0, 0],
  dilations: [1, 1],
};

function reluPoolBackward(nativeMaxPool: boolean) {
  const rec = new OnnxGraphRecorder({ nativeMaxPool });
  const ops = new Ops(rec, rec.weightCache);
  const x = new Tensor(rec.addInput('x', [2, 3, 8, 8]), [2, 3, 8, 8]);
  const dy = new Tensor(rec.addInput('dy', [2, 3, 4, 4]), [2, 3, 4, 4]);
  const mask = ops.greater(x, 0);
  const { argmax } = ops.maxPool2d(ops.mul(x, mask), POOL);
  const dz = ops.mul(ops.maxPool2dBackward(dy, argmax, POOL, x.shape), mask);
  rec.addOutput(dz.handle as string, 'dz', dz.shape);
  return rec.toModel('relu-pool');
}

describe('OnnxGraphRecorder rewrites', () => {
  for (const nativeMaxPool of [true, false]) {
    it(`masks the pooled gradient, not the routed one (${nativeMaxPool ? 'native' : 'portable'} max pool)`, () => {
      const model = reluPoolBackward(nativeMaxPool);
      const nodes = model.graph!.node!;
      const producer = (value: string) => nodes.find((n) => n.output!.includes(value))!;
      // One Mul reads dy: by the mask [y > 0] of the pool's output. No Mul reads the full-size
      // Cast(Greater(x, 0)) mask any more.
      const multipliesDy = nodes.filter((n) => n.op_type === 'Mul' && n.input!.includes('dy'));
      expect(multipliesDy).toHaveLength(1);
      const mask = producer(multipliesDy[0]!.input!.find((v) => v !== 'dy')!);
      expect(mask.op_type).toBe('Cast');
      const compared = producer(mask.input![0]!);
      expect(compared.op_type).toBe('Greater');
      expect(['MaxPool', 'Reshape']).toContain(producer(compared.input![0]!).op_type);
      const relu = nodes.find((n) => n.op_type === 'Relu' && n.input![0] === 'x')!;
      const fullMask = nodes.filter(
        (n) => n.op_type === 'Greater' && n.input![0] === relu.output![0],
      );
      expect(fullMask).toHaveLength(0);
    });
  }

  it('records a ReLU step as two saturating HardSigmoids reading the Relu output (hardSigmoidSteps)', () => {
    const rec = new OnnxGraphRecorder({ hardSigmoidSteps: true });
    const ops = new Ops(rec, rec.weightCache);
    const x = new Tensor(rec.addInput('x', [2, 4]), [2, 4]);
    const dy = new Tensor(rec.addInput('dy', [2, 4]), [2, 4]);
    const mask = ops.greater(x, 0);
    const h = ops.mul(x, mask);
    const dz = ops.mul(dy, mask);
    rec.addOutput(h.handle as string, 'h', h.shape);
    rec.addOutput(dz.handle as string, 'dz', dz.shape);
    const nodes = rec.toModel('steps').graph!.node!;
    expect(nodes.map((n) => n.op_type)).toEqual([
      'Relu',
      'HardSigmoid',
      'HardSigmoid',
      'Mul',
      'Identity',
      'Identity',
    ]);
    const [relu, first, second] = nodes as [NodeProto, NodeProto, NodeProto];
    expect(first.input).toEqual(relu.output);
    expect(second.input).toEqual(first.output);
    const alpha = (n: NodeProto) => n.attribute!.find((a) => a.name === 'alpha')!.f;
    expect([alpha(first), alpha(second)]).toEqual([2 ** 127, 2 ** 22]);
  });

  for (const { channels, relu } of [
    { channels: 16, relu: true },
    { channels: 3, relu: true },
    { channels: 16, relu: false },
  ]) {
    it(`takes 2x2 window planes of ${relu ? 'a ReLU output' : 'a signed input'} with ${channels} channels by one-hot depthwise convs only for ReLU outputs with a multiple of 16 channels (convWindowPlanes)`, () => {
      const rec = new OnnxGraphRecorder({ nativeMaxPool: true, convWindowPlanes: true });
      const ops = new Ops(rec, rec.weightCache);
      const shape = [2, channels, 8, 8];
      const input = new Tensor(rec.addInput('x', shape), shape);
      const x = relu ? ops.mul(input, ops.greater(input, 0)) : input;
      const dy = new Tensor(rec.addInput('dy', [2, channels, 4, 4]), [2, channels, 4, 4]);
      const dx = ops.maxPool2dBackward(dy, ops.maxPool2d(x, POOL).argmax, POOL, x.shape);
      rec.addOutput(dx.handle as string, 'dx', dx.shape);
      const graph = rec.toModel('planes').graph!;
      const convs = graph.node!.filter((n) => n.op_type === 'Conv');
      const spaceToDepth = graph.node!.filter((n) => n.op_type === 'SpaceToDepth');
      if (channels % 16 !== 0 || !relu) {
        expect(convs).toHaveLength(0);
        expect(spaceToDepth).toHaveLength(1);
        return;
      }
      expect(spaceToDepth).toHaveLength(0);
      // The first three window positions in row-major order (the fourth is never compared).
      expect(convs).toHaveLength(3);
      convs.forEach((conv, j) => {
        expect(conv.input![0]).toBe(x.handle);
        const attr = (name: string) => conv.attribute!.find((a) => a.name === name)!;
        expect(attr('group').i).toBe(channels);
        expect(attr('strides').ints).toEqual([2, 2]);
        const kernel = graph.initializer!.find((t) => t.name === conv.input![1])!;
        expect(kernel.dims).toEqual([channels, 1, 2, 2]);
        const values = new Float32Array(kernel.raw_data!.slice().buffer, 0, channels * 4);
        for (let c = 0; c < channels; c++)
          expect([...values.slice(c * 4, c * 4 + 4)]).toEqual([0, 1, 2, 3].map((k) => +(k === j)));
      });
    });
  }

  it('declares the shape of a MaxUnpool output (ONNX Runtime cannot infer it)', () => {
    const rec = new OnnxGraphRecorder({ nativeMaxPool: true });
    const ops = new Ops(rec, rec.weightCache);
    const x = new Tensor(rec.addInput('x', [2, 3, 8, 8]), [2, 3, 8, 8]);
    const dy = new Tensor(rec.addInput('dy', [2, 3, 4, 4]), [2, 3, 4, 4]);
    const dx = ops.maxPool2dBackward(dy, ops.maxPool2d(x, POOL).argmax, POOL, x.shape);
    rec.addOutput(dx.handle as string, 'dx', dx.shape);
    const graph = rec.toModel('unpool').graph!;
    const unpool = graph.node!.find((n) => n.op_type === 'MaxUnpool')!;
    const declared = graph.value_info!.find((v) => v.name === unpool.output![0]);
    expect(declared?.type?.tensor_type?.shape?.dim?.map((d) => d.dim_value)).toEqual([2, 3, 8, 8]);
  });

  it('writes no node and no initializer that no output depends on', () => {
    const rec = new OnnxGraphRecorder();
    const ops = new Ops(rec, rec.weightCache);
    const x = new Tensor(rec.addInput('x', [2, 4]), [2, 4]);
    const unused = ops.matMul(x, ops.weight(new Float64Array(16).fill(0.5), [4, 4]));
    const used = ops.sigmoid(x);
    rec.addOutput(used.handle as string, 'y', used.shape);
    const model = rec.toModel('pruned');
    expect(model.graph!.node!.map((n) => n.op_type)).toEqual(['Sigmoid', 'Identity']);
    expect(model.graph!.initializer).toHaveLength(0);
    expect(rec.nodes.some((n) => n.output!.includes(unused.handle as string))).toBe(true);
  });
});
