"""SmoothGrad computed independently with PyTorch (float64 autograd), for the core test suite.

Reads a JSON request (argv[1]): a small CNN's weights (conv 3x3 + bias, ReLU, 2x2 max pool,
dense), the input batch, the standard normal draws, sigma per example, samples and targets.
Writes JSON to stdout: SmoothGrad, SmoothGrad^2 and VarGrad of the gradient, SmoothGrad of
gradient x input, and the first draws of the generator that biasprop documents (splitmix32 ->
xoshiro128**, Box-Muller), implemented here from that description.
"""
import json
import math
import sys

import torch

M32 = 0xFFFFFFFF


def documented_gaussians(seed, count):
    s = seed & M32

    def splitmix32():
        nonlocal s
        s = (s + 0x9E3779B9) & M32
        z = s
        z = ((z ^ (z >> 16)) * 0x85EBCA6B) & M32
        z = ((z ^ (z >> 13)) * 0xC2B2AE35) & M32
        return (z ^ (z >> 16)) & M32

    st = [splitmix32() for _ in range(4)]

    def rotl(v, k):
        return ((v << k) | (v >> (32 - k))) & M32

    def next_uint32():
        result = (rotl((st[1] * 5) & M32, 7) * 9) & M32
        t = (st[1] << 9) & M32
        st[2] ^= st[0]
        st[3] ^= st[1]
        st[1] ^= st[2]
        st[0] ^= st[3]
        st[2] ^= t
        st[3] = rotl(st[3], 11)
        return result

    out = []
    while len(out) < count:
        u1 = (next_uint32() + 0.5) * 2.0**-32
        u2 = (next_uint32() + 0.5) * 2.0**-32
        r = math.sqrt(-2.0 * math.log(u1))
        out += [r * math.cos(2 * math.pi * u2), r * math.sin(2 * math.pi * u2)]
    return out[:count]


def main():
    req = json.load(open(sys.argv[1]))
    t = lambda v, shape: torch.tensor(v, dtype=torch.float64).reshape(shape)
    conv_w = t(req["convW"], req["convWShape"])
    conv_b = t(req["convB"], [-1])
    dense_w = t(req["denseW"], req["denseWShape"])  # [in, out], as biasprop's dense
    dense_b = t(req["denseB"], [-1])
    shape = req["inputShape"]
    n, samples = req["batch"], req["samples"]
    x = t(req["x"], [n] + shape)
    z = t(req["noise"], [n * samples] + shape)

    def logits(v):
        h = torch.relu(torch.nn.functional.conv2d(v, conv_w, conv_b, padding=1))
        h = torch.nn.functional.max_pool2d(h, 2, 2)
        return h.flatten(1) @ dense_w + dense_b

    grads, ixg = [], []
    for i in range(n):
        rows = x[i : i + 1] + req["sigma"][i] * z[i * samples : (i + 1) * samples]
        rows = rows.clone().requires_grad_(True)
        f = logits(rows)[:, req["targets"][i]].sum()
        (g,) = torch.autograd.grad(f, rows)
        grads.append(g)
        ixg.append(g * rows.detach())
    g = torch.stack(grads)  # [n, samples, ...]
    res = {
        "smoothgrad": g.mean(1).flatten().tolist(),
        "smoothgradSquared": (g * g).mean(1).flatten().tolist(),
        "vargrad": g.var(1, unbiased=False).flatten().tolist(),
        "inputXGradient": torch.stack(ixg).mean(1).flatten().tolist(),
        "gaussians": documented_gaussians(req["seed"], req["gaussianCount"]),
    }
    json.dump(res, sys.stdout)


if __name__ == "__main__":
    main()
