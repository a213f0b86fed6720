#!/usr/bin/python3
"""Exports a zoo tfjs LayersModel to ONNX with PyTorch and checks the export.

    /usr/bin/python3 scripts/export_onnx.py mnist|fashion-mnist

Reads models/<name>/model.json + weights.bin (the tfjs weights manifest), builds the same
network in torch in NCHW layout (conv kernels HWIO -> OIHW; the first dense kernel's rows
permuted from Keras' NHWC flatten order to torch's NCHW flatten order), exports it with
torch.onnx.export (opset 13, dynamic batch axis, BatchNormalization kept as its own node) to
models/<name>/model.onnx, and compares torch's softmax outputs with the tfjs ones stored in
models/<name>/samples/index.json (written by scripts/samples.ts). The numbers go to
models/<name>/onnx_check.json. Needs Debian's python3-torch and python3-onnx.
"""
import json, os, sys

import numpy as np
import onnx
import torch
import torch.nn as nn

HERE = os.path.dirname(os.path.abspath(__file__))
OPSET = 13


def read_tfjs(model_dir):
    with open(os.path.join(model_dir, 'model.json')) as f:
        mj = json.load(f)
    weights = {}
    for group in mj['weightsManifest']:
        buf = b''.join(open(os.path.join(model_dir, p), 'rb').read() for p in group['paths'])
        off = 0
        for spec in group['weights']:
            assert spec['dtype'] == 'float32', spec
            n = int(np.prod(spec['shape'])) if spec['shape'] else 1
            weights[spec['name']] = np.frombuffer(buf, '<f4', n, off).reshape(spec['shape'])
            off += 4 * n
    bn_eps = {l['config']['name']: l['config']['epsilon'] for l in mj['modelTopology']['config']['layers']
              if l['class_name'] == 'BatchNormalization'}
    return weights, bn_eps


class ZooCNN(nn.Module):
    def __init__(self, w, bn_eps):
        super().__init__()
        t = lambda a: torch.tensor(np.ascontiguousarray(a), dtype=torch.float32)
        k1, k2 = w['conv1/kernel'], w['conv2/kernel']
        self.conv1 = nn.Conv2d(k1.shape[2], k1.shape[3], 3, padding=1)
        self.bn1 = nn.BatchNorm2d(k1.shape[3], eps=bn_eps['bn1'])
        self.conv2 = nn.Conv2d(k2.shape[2], k2.shape[3], 3, padding=1)
        self.bn2 = nn.BatchNorm2d(k2.shape[3], eps=bn_eps['bn2'])
        d1, d2 = w['dense1/kernel'], w['dense2/kernel']
        self.dense1 = nn.Linear(d1.shape[0], d1.shape[1])
        self.dense2 = nn.Linear(d2.shape[0], d2.shape[1])
        with torch.no_grad():
            for conv, bn in (('conv1', 'bn1'), ('conv2', 'bn2')):
                getattr(self, conv).weight.copy_(t(w[f'{conv}/kernel'].transpose(3, 2, 0, 1)))  # HWIO->OIHW
                getattr(self, conv).bias.copy_(t(w[f'{conv}/bias']))
                b = getattr(self, bn)
                b.weight.copy_(t(w[f'{bn}/gamma']))
                b.bias.copy_(t(w[f'{bn}/beta']))
                b.running_mean.copy_(t(w[f'{bn}/moving_mean']))
                b.running_var.copy_(t(w[f'{bn}/moving_variance']))
            c = k2.shape[3]
            # Keras flattens [7, 7, C] (row index (h*7+w)*C+c); torch flattens [C, 7, 7] (c*49+h*7+w).
            d1_nchw = d1.reshape(7, 7, c, -1).transpose(2, 0, 1, 3).reshape(7 * 7 * c, -1)
            self.dense1.weight.copy_(t(d1_nchw.T))
            self.dense1.bias.copy_(t(w['dense1/bias']))
            self.dense2.weight.copy_(t(d2.T))
            self.dense2.bias.copy_(t(w['dense2/bias']))

    def forward(self, x):
        x = torch.max_pool2d(torch.relu(self.bn1(self.conv1(x))), 2)
        x = torch.max_pool2d(torch.relu(self.bn2(self.conv2(x))), 2)
        x = torch.flatten(x, 1)
        return torch.softmax(self.dense2(torch.relu(self.dense1(x))), dim=-1)


def main():
    name = sys.argv[1] if len(sys.argv) > 1 else ''
    if name not in ('mnist', 'fashion-mnist'):
        sys.exit('usage: export_onnx.py mnist|fashion-mnist')
    model_dir = os.path.join(HERE, '..', 'models', name)
    w, bn_eps = read_tfjs(model_dir)
    model = ZooCNN(w, bn_eps).eval()
    samples_dir = os.path.join(model_dir, 'samples')
    with open(os.path.join(samples_dir, 'index.json')) as f:
        samples = json.load(f)
    x = np.stack([np.load(os.path.join(samples_dir, s['npy'])) for s in samples])  # [N, 28, 28, 1]
    x_nchw = torch.tensor(x.transpose(0, 3, 1, 2).copy())
    with torch.no_grad():
        p_torch = model(x_nchw).numpy()
    p_tfjs = np.array([s['tfjsProbabilities'] for s in samples], dtype=np.float64)
    labels = np.array([s['label'] for s in samples])
    out_path = os.path.join(model_dir, 'model.onnx')
    torch.onnx.export(
        model, x_nchw[:1], out_path, opset_version=OPSET,
        input_names=['input'], output_names=['probabilities'],
        dynamic_axes={'input': {0: 'batch'}, 'probabilities': {0: 'batch'}},
        training=torch.onnx.TrainingMode.PRESERVE, do_constant_folding=False,
    )
    m = onnx.load(out_path)
    onnx.checker.check_model(m, full_check=True)
    ops = [n.op_type for n in m.graph.node]
    assert ops.count('BatchNormalization') == 2, ops
    check = {
        'opset': OPSET,
        'torch': torch.__version__,
        'onnx': onnx.__version__,
        'nodes': ops,
        'input': 'input: float32 [batch, 1, 28, 28] (NCHW), pixels in [0, 1]',
        'output': 'probabilities: float32 [batch, 10] (softmax)',
        'samples': len(samples),
        'maxAbsDiffTorchVsTfjs': float(np.abs(p_torch - p_tfjs).max()),
        'argmaxAgreementTorchVsTfjs': float((p_torch.argmax(1) == p_tfjs.argmax(1)).mean()),
        'torchAccuracyOnSamples': float((p_torch.argmax(1) == labels).mean()),
        'onnxBytes': os.path.getsize(out_path),
    }
    with open(os.path.join(model_dir, 'onnx_check.json'), 'w') as f:
        json.dump(check, f, indent=2)
    print(json.dumps(check, indent=2))
    assert check['maxAbsDiffTorchVsTfjs'] < 1e-4 and check['argmaxAgreementTorchVsTfjs'] == 1.0


if __name__ == '__main__':
    main()
