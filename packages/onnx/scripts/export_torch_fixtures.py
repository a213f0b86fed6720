#!/usr/bin/env python3
"""Exports the importer's PyTorch fixtures (packages/onnx/fixtures/*.onnx and torch-outputs.json).

Run with Debian's PyTorch (`apt-get install -y python3-torch`; PyPI is not needed):

    /usr/bin/python3 packages/onnx/scripts/export_torch_fixtures.py

Each network is exported twice, with a dynamic batch axis and `x.view(x.size(0), -1)` flattening:
  <name>.folded.onnx  training=EVAL, do_constant_folding=True: the exporter folds BatchNorm into the
                      preceding Conv (its eval peephole pass);
  <name>.bn.onnx      training=PRESERVE on a model in eval mode, do_constant_folding=False: the
                      BatchNormalization nodes stay, in inference form.
torch-outputs.json keeps, per network, a few inputs and torch's outputs for them.

BatchNorm statistics: `conv_bn_pool` and `depthwise_relu6` use "dyadic" statistics (eps = 0,
variances 1/4, 1 or 4, gammas powers of two, means and betas multiples of 1/64), so the exporter's
float32 fold and biasprop's float64 fold give bit-identical weights and the two files can be
compared to 1e-9; `residual` and `avgpool_hardtanh` use ordinary statistics (eps = 1e-5). The
exporter folds `residual`'s BatchNorms in float32, which differs from the float64 fold by float32
rounding; it does not fold `avgpool_hardtanh`'s BatchNorm1d (after a Linear), so both of its files
keep that node.
"""
import json
import os

import torch
import torch.nn as nn

torch.manual_seed(0)
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'fixtures')
OPSET = 13


def dyadic_bn(bn: nn.modules.batchnorm._BatchNorm) -> None:
    c = bn.num_features
    g = torch.Generator().manual_seed(c)
    bn.eps = 0.0
    bn.running_var.copy_(torch.tensor([0.25, 1.0, 4.0])[torch.randint(0, 3, (c,), generator=g)])
    bn.weight.data.copy_(torch.tensor([0.5, 1.0, 2.0, -1.0])[torch.randint(0, 4, (c,), generator=g)])
    bn.running_mean.copy_(torch.randint(-32, 32, (c,), generator=g).float() / 64)
    bn.bias.data.copy_(torch.randint(-32, 32, (c,), generator=g).float() / 64)


def random_bn(bn: nn.modules.batchnorm._BatchNorm) -> None:
    c = bn.num_features
    bn.running_var.copy_(torch.rand(c) * 1.5 + 0.25)
    bn.running_mean.copy_(torch.randn(c) * 0.3)
    bn.weight.data.copy_(torch.rand(c) + 0.5)
    bn.bias.data.copy_(torch.randn(c) * 0.2)


class ConvBnPool(nn.Module):
    """conv + BN + ReLU + maxpool, twice, then linear layers."""

    def __init__(self):
        super().__init__()
        self.c1, self.b1 = nn.Conv2d(1, 4, 3, padding=1, bias=False), nn.BatchNorm2d(4)
        self.c2, self.b2 = nn.Conv2d(4, 6, 3, bias=False), nn.BatchNorm2d(6)
        self.pool = nn.MaxPool2d(2)
        self.fc1, self.fc2 = nn.Linear(6 * 4 * 4, 16), nn.Linear(16, 10)

    def forward(self, x):
        x = self.pool(torch.relu(self.b1(self.c1(x))))
        x = torch.relu(self.b2(self.c2(x)))
        x = x.view(x.size(0), -1)
        return self.fc2(torch.relu(self.fc1(x)))


class Residual(nn.Module):
    """A residual block (conv-BN-ReLU-conv-BN + skip, ReLU), global average pooling, linear."""

    def __init__(self):
        super().__init__()
        self.stem, self.bs = nn.Conv2d(3, 8, 3, padding=1, bias=False), nn.BatchNorm2d(8)
        self.c1, self.b1 = nn.Conv2d(8, 8, 3, padding=1, bias=False), nn.BatchNorm2d(8)
        self.c2, self.b2 = nn.Conv2d(8, 8, 3, padding=1, bias=False), nn.BatchNorm2d(8)
        self.gap = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(8, 5)

    def forward(self, x):
        x = torch.relu(self.bs(self.stem(x)))
        y = torch.relu(self.b1(self.c1(x)))
        y = self.b2(self.c2(y))
        x = torch.relu(x + y)
        x = self.gap(x)
        return self.fc(x.view(x.size(0), -1))


class DepthwiseRelu6(nn.Module):
    """MobileNet-style: pointwise-BN-ReLU6, depthwise(stride 2)-BN-ReLU6, pointwise, GAP, linear."""

    def __init__(self):
        super().__init__()
        self.pw1, self.b1 = nn.Conv2d(3, 8, 1, bias=False), nn.BatchNorm2d(8)
        self.dw, self.b2 = nn.Conv2d(8, 8, 3, stride=2, padding=1, groups=8, bias=False), nn.BatchNorm2d(8)
        self.pw2 = nn.Conv2d(8, 4, 1)
        self.gap = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(4, 4)

    def forward(self, x):
        x = nn.functional.relu6(self.b1(self.pw1(x)))
        x = nn.functional.relu6(self.b2(self.dw(x)))
        x = self.gap(self.pw2(x))
        return self.fc(x.view(x.size(0), -1))


class AvgPoolHardtanh(nn.Module):
    """conv, average pooling (ceil mode, padding), hard-tanh, linear + BatchNorm1d, tanh, linear, softmax."""

    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(2, 4, 3, padding=1)
        self.pool = nn.AvgPool2d(3, stride=2, padding=1, ceil_mode=True, count_include_pad=False)
        self.act = nn.Hardtanh(-1.0, 1.0)
        self.fc1, self.bn = nn.Linear(4 * 5 * 5, 12), nn.BatchNorm1d(12)
        self.fc2 = nn.Linear(12, 3)

    def forward(self, x):
        x = self.act(self.pool(self.conv(x)))
        x = x.view(x.size(0), -1)
        x = torch.tanh(self.bn(self.fc1(x)))
        return torch.softmax(self.fc2(x), dim=1)


NETS = [
    ('conv_bn_pool', ConvBnPool, (1, 12, 12), dyadic_bn),
    ('residual', Residual, (3, 8, 8), random_bn),
    ('depthwise_relu6', DepthwiseRelu6, (3, 10, 10), dyadic_bn),
    ('avgpool_hardtanh', AvgPoolHardtanh, (2, 9, 9), random_bn),
]


def inputs_for(shape):
    a = torch.randn(1, *shape)
    b = torch.randn(1, *shape) * 2
    b[..., : shape[-2] // 2, :] = 0.0  # a blank region: exact max-pool ties and dead units
    return torch.cat([a, b])


def export(model, x, path, training, fold):
    torch.onnx.export(
        model, x[:1], path, opset_version=OPSET, input_names=['input'], output_names=['output'],
        dynamic_axes={'input': {0: 'batch'}, 'output': {0: 'batch'}},
        training=training, do_constant_folding=fold,
    )


def main():
    os.makedirs(OUT, exist_ok=True)
    record = {}
    for name, cls, shape, init_bn in NETS:
        model = cls()
        with torch.no_grad():
            for m in model.modules():
                if isinstance(m, nn.modules.batchnorm._BatchNorm):
                    init_bn(m)
        model.eval()
        x = inputs_for(shape)
        with torch.no_grad():
            y = model(x)
        export(model, x, os.path.join(OUT, f'{name}.folded.onnx'), torch.onnx.TrainingMode.EVAL, True)
        export(model, x, os.path.join(OUT, f'{name}.bn.onnx'), torch.onnx.TrainingMode.PRESERVE, False)
        record[name] = {
            'inputShape': list(shape),
            'batch': x.shape[0],
            'input': [float(v) for v in x.flatten().tolist()],
            'output': [float(v) for v in y.flatten().tolist()],
            'outputShape': list(y.shape),
            'softmax': name == 'avgpool_hardtanh',
        }
        print('exported', name)
    meta = {'torch': torch.__version__, 'opset': OPSET, 'nets': record}
    with open(os.path.join(OUT, 'torch-outputs.json'), 'w') as f:
        json.dump(meta, f, indent=1)
        f.write('\n')


if __name__ == '__main__':
    main()
