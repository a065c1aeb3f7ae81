#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Trains the model-zoo networks on CPU with PyTorch and exports them to ONNX.

  lenet5              LeNet-5 on MNIST
  vgg11               quarter-width VGG-11 on CIFAR-10
  resnet18            narrow ResNet-18 (widths 16/32/64/128) on CIFAR-10
  efficientnet_lite0  narrowed EfficientNet-Lite0 (MBConv, ReLU6, no squeeze-excite) on CIFAR-10

Inputs are pixel/255 in [0, 1], with no normalisation (the int8 path feeds uint8 activations to
the first layer). The ONNX files use opset 13, input "input" [N, C, H, W] float32 with a dynamic
batch axis "N", output "logits" [N, 10], and only the operators the C++ importer supports
(ALLOWED_OPS below; checked after export).

Runs with Debian's python3-torch and python3-onnx; the datasets are read with numpy from the
directory scripts/fetch_datasets.sh fills (nothing is downloaded).

Usage: /usr/bin/python3 scripts/train_models.py --model lenet5|vgg11|resnet18|efficientnet_lite0|all
           [--epochs N] [--data DIR] [--out DIR] [--seed S] [--limit N] [--test-limit N]
           [--threads T]
"""

import argparse
import gzip
import math
import os
import random
import sys
import time

# libgomp's default spin-waiting makes 2 OpenMP threads several times slower than one thread when
# the cores are shared with other processes (measured here: LeNet-5 epoch 22-30 s instead of 8 s).
# Must be set before torch (and with it libgomp) is loaded.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

import numpy as np  # noqa: E402
import torch  # noqa: E402
import torch.nn as nn  # noqa: E402
import torch.nn.functional as F  # noqa: E402

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

ALLOWED_OPS = {
    "Conv", "Gemm", "MatMul", "Add", "Relu", "Clip", "MaxPool", "AveragePool",
    "GlobalAveragePool", "Flatten", "Reshape", "BatchNormalization", "Identity", "Constant",
}

# ---------------------------------------------------------------------------------------------
# Datasets (numpy readers; images as uint8 [N, C, H, W], labels as int64 [N])


def _open(path):
    """Opens PATH, or PATH.gz when only the gzipped file exists."""
    if os.path.exists(path):
        return gzip.open(path, "rb") if path.endswith(".gz") else open(path, "rb")
    if os.path.exists(path + ".gz"):
        return gzip.open(path + ".gz", "rb")
    sys.exit(f"train_models: error: missing dataset file {path} (run scripts/fetch_datasets.sh)")


def read_idx(path):
    with _open(path) as f:
        raw = f.read()
    if len(raw) < 4 or raw[0] != 0 or raw[1] != 0 or raw[2] != 0x08:
        sys.exit(f"train_models: error: {path}: not an unsigned-byte IDX file")
    rank = raw[3]
    dims = [int.from_bytes(raw[4 + 4 * i: 8 + 4 * i], "big") for i in range(rank)]
    offset = 4 + 4 * rank
    count = int(np.prod(dims))
    if len(raw) != offset + count:
        sys.exit(f"train_models: error: {path}: size {len(raw)} does not match dims {dims}")
    return np.frombuffer(raw, dtype=np.uint8, offset=offset).reshape(dims)


def load_idx_dataset(root):
    def split(prefix):
        x = read_idx(os.path.join(root, f"{prefix}-images-idx3-ubyte"))
        y = read_idx(os.path.join(root, f"{prefix}-labels-idx1-ubyte"))
        if x.shape[0] != y.shape[0]:
            sys.exit(f"train_models: error: {root}/{prefix}: {x.shape[0]} images, {y.shape[0]} labels")
        return x[:, None, :, :].copy(), y.astype(np.int64)
    return split("train"), split("t10k")


def read_cifar_batch(path):
    with _open(path) as f:
        raw = np.frombuffer(f.read(), dtype=np.uint8)
    if raw.size == 0 or raw.size % 3073:
        sys.exit(f"train_models: error: {path}: size {raw.size} is not a multiple of 3073")
    rec = raw.reshape(-1, 3073)
    y = rec[:, 0].astype(np.int64)
    if y.max() > 9:
        sys.exit(f"train_models: error: {path}: label {y.max()} out of range")
    return rec[:, 1:].reshape(-1, 3, 32, 32).copy(), y


def load_cifar10(root):
    parts = [read_cifar_batch(os.path.join(root, f"data_batch_{i}.bin")) for i in range(1, 6)]
    train = (np.concatenate([p[0] for p in parts]), np.concatenate([p[1] for p in parts]))
    return train, read_cifar_batch(os.path.join(root, "test_batch.bin"))


DATASETS = {"mnist": ("mnist", load_idx_dataset), "cifar10": ("cifar-10", load_cifar10)}

# ---------------------------------------------------------------------------------------------
# Architectures


class LeNet5(nn.Module):
    """LeNet-5: conv5x5(6, pad 2)-ReLU-maxpool2, conv5x5(16)-ReLU-maxpool2, FC 120-84-10."""

    def __init__(self, num_classes=10):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 6, 5, padding=2)
        self.conv2 = nn.Conv2d(6, 16, 5)
        self.fc1 = nn.Linear(16 * 5 * 5, 120)
        self.fc2 = nn.Linear(120, 84)
        self.fc3 = nn.Linear(84, num_classes)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.conv1(x)), 2)
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)
        x = torch.flatten(x, 1)
        x = F.relu(self.fc1(x))
        x = F.relu(self.fc2(x))
        return self.fc3(x)


def conv_bn(cin, cout, k, stride=1, groups=1, act="relu"):
    layers = [nn.Conv2d(cin, cout, k, stride, k // 2, groups=groups, bias=False), nn.BatchNorm2d(cout)]
    if act == "relu":
        layers.append(nn.ReLU(inplace=True))
    elif act == "relu6":
        layers.append(nn.ReLU6(inplace=True))
    return nn.Sequential(*layers)


class VGG11(nn.Module):
    """VGG-11 (configuration A) at quarter width: 8 conv3x3+BN+ReLU layers, 5 max pools."""

    CFG = [16, "M", 32, "M", 64, 64, "M", 128, 128, "M", 128, 128, "M"]

    def __init__(self, num_classes=10, in_ch=3):
        super().__init__()
        layers, c = [], in_ch
        for v in self.CFG:
            if v == "M":
                layers.append(nn.MaxPool2d(2))
            else:
                layers.append(conv_bn(c, v, 3))
                c = v
        self.features = nn.Sequential(*layers)
        # 32x32 input -> 1x1x128 after five pools; a small two-layer classifier.
        self.classifier = nn.Sequential(nn.Linear(c, 128), nn.ReLU(inplace=True), nn.Linear(128, num_classes))

    def forward(self, x):
        return self.classifier(torch.flatten(self.features(x), 1))


class BasicBlock(nn.Module):
    def __init__(self, cin, cout, stride):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(cout)
        self.conv2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(cout)
        self.shortcut = None
        if stride != 1 or cin != cout:  # 1x1 projection shortcut
            self.shortcut = nn.Sequential(nn.Conv2d(cin, cout, 1, stride, bias=False), nn.BatchNorm2d(cout))

    def forward(self, x):
        out = F.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        return F.relu(out + (x if self.shortcut is None else self.shortcut(x)))


class ResNet18(nn.Module):
    """ResNet-18 for 32x32 inputs (3x3 stem, no stem pool), 4 stages of 2 BasicBlocks,
    widths 16/32/64/128, global average pool, FC."""

    def __init__(self, num_classes=10, widths=(16, 32, 64, 128), in_ch=3):
        super().__init__()
        self.stem = conv_bn(in_ch, widths[0], 3)
        blocks, c = [], widths[0]
        for i, w in enumerate(widths):
            for j in range(2):
                blocks.append(BasicBlock(c, w, 2 if (i > 0 and j == 0) else 1))
                c = w
        self.layers = nn.Sequential(*blocks)
        self.pool = nn.AdaptiveAvgPool2d(1)  # -> GlobalAveragePool
        self.fc = nn.Linear(c, num_classes)

    def forward(self, x):
        x = self.pool(self.layers(self.stem(x)))
        return self.fc(torch.flatten(x, 1))


class MBConv(nn.Module):
    """Inverted residual: 1x1 expansion (skipped when expansion is 1), depthwise kxk,
    1x1 linear projection; ReLU6; no squeeze-excite; residual add when shapes match."""

    def __init__(self, cin, cout, k, stride, expand):
        super().__init__()
        mid = cin * expand
        layers = [] if expand == 1 else [conv_bn(cin, mid, 1, act="relu6")]
        layers += [conv_bn(mid, mid, k, stride, groups=mid, act="relu6"), conv_bn(mid, cout, 1, act=None)]
        self.block = nn.Sequential(*layers)
        self.residual = stride == 1 and cin == cout

    def forward(self, x):
        out = self.block(x)
        return x + out if self.residual else out


class EfficientNetLite0(nn.Module):
    """EfficientNet-Lite0's block structure (stride-2 stem, 7 stages, 16 MBConv blocks, kernels
    3/5, expansion 6, ReLU6, no squeeze-excite) at half width (stem 16, stages 8..160) with a
    narrower head (320 instead of 1280). For 32x32 inputs the second stage keeps stride 1, so the
    blocks run at 16x16 -> 8x8 -> 4x4 -> 2x2 (total stride 16 instead of 32)."""

    # (expansion, kernel, stride, output channels, repeats); Lite0: 16,24,40,80,112,192,320 and
    # strides 1,2,2,2,1,2,1
    STAGES = [(1, 3, 1, 8, 1), (6, 3, 1, 12, 2), (6, 5, 2, 20, 2), (6, 3, 2, 40, 3),
              (6, 5, 1, 56, 3), (6, 5, 2, 96, 4), (6, 3, 1, 160, 1)]

    def __init__(self, num_classes=10, stem=16, head=320, in_ch=3):
        super().__init__()
        self.stem = conv_bn(in_ch, stem, 3, 2, act="relu6")
        blocks, c = [], stem
        for e, k, s, co, r in self.STAGES:
            for i in range(r):
                blocks.append(MBConv(c, co, k, s if i == 0 else 1, e))
                c = co
        self.blocks = nn.Sequential(*blocks)
        self.head = conv_bn(c, head, 1, act="relu6")
        self.pool = nn.AdaptiveAvgPool2d(1)  # -> GlobalAveragePool
        self.dropout = nn.Dropout(0.2)       # identity in eval mode, not exported
        self.fc = nn.Linear(head, num_classes)

    def forward(self, x):
        x = self.pool(self.head(self.blocks(self.stem(x))))
        return self.fc(self.dropout(torch.flatten(x, 1)))


# name: (constructor, dataset, default epochs, batch size, optimiser, augment + channels-last)
# Default epochs aim at <= ~45 min per model on the 2 shared cores of the development machine;
# full-data epochs measured there (extrapolated from subsets, varying with the other load):
# lenet5 10-16 s, vgg11 35-63 s, resnet18 103-190 s, efficientnet_lite0 131-345 s. CIFAR models
# train in channels-last memory format (1.3-1.6x faster here through mkldnn).
MODELS = {
    "lenet5": (LeNet5, "mnist", 3, 64, "adam", False),
    "vgg11": (VGG11, "cifar10", 35, 128, "sgd", True),
    "resnet18": (ResNet18, "cifar10", 15, 128, "sgd", True),
    "efficientnet_lite0": (EfficientNetLite0, "cifar10", 12, 128, "sgd", True),
}

# ---------------------------------------------------------------------------------------------
# Counting


def count_params(model):
    return sum(p.numel() for p in model.parameters())


def count_macs(model, shape):
    """Multiply-accumulates of one image through every Conv2d and Linear (what the int8 engine
    computes; BN is folded into the convolutions, so it adds none)."""
    total = [0]

    def conv_hook(m, inp, out):
        total[0] += out[0].numel() * (m.in_channels // m.groups) * m.kernel_size[0] * m.kernel_size[1]

    def linear_hook(m, inp, out):
        total[0] += m.in_features * m.out_features

    hooks = []
    for m in model.modules():
        if isinstance(m, nn.Conv2d):
            hooks.append(m.register_forward_hook(conv_hook))
        elif isinstance(m, nn.Linear):
            hooks.append(m.register_forward_hook(linear_hook))
    was_training = model.training
    model.eval()
    with torch.no_grad():
        model(torch.zeros((1,) + tuple(shape)))
    model.train(was_training)
    for h in hooks:
        h.remove()
    return total[0]


# ---------------------------------------------------------------------------------------------
# Training


def augment(x, gen):
    """Random crop (zero padding 4) and horizontal flip, per image, with torch ops."""
    n, c, h, w = x.shape
    padded = F.pad(x, (4, 4, 4, 4))
    oy = torch.randint(0, 9, (n,), generator=gen)
    ox = torch.randint(0, 9, (n,), generator=gen)
    iy = (oy[:, None] + torch.arange(h))[:, None, :, None].expand(n, c, h, w + 8)
    ix = (ox[:, None] + torch.arange(w))[:, None, None, :].expand(n, c, h, w)
    out = torch.gather(torch.gather(padded, 2, iy), 3, ix)
    flip = torch.rand(n, generator=gen) < 0.5
    return torch.where(flip[:, None, None, None], out.flip(3), out)


def to_float(x_u8, channels_last=False):
    x = x_u8.float().div_(255.0)
    return x.contiguous(memory_format=torch.channels_last) if channels_last else x


def evaluate(model, x, y, channels_last=False, batch=500):
    model.eval()
    correct = 0
    with torch.no_grad():
        for i in range(0, x.shape[0], batch):
            out = model(to_float(x[i:i + batch], channels_last))
            correct += (out.argmax(1) == y[i:i + batch]).sum().item()
    return correct / x.shape[0]


def seed_everything(seed):
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
    torch.use_deterministic_algorithms(True, warn_only=True)


def train_one(name, args):
    ctor, dataset, default_epochs, batch, opt_name, aug = MODELS[name]
    epochs = args.epochs if args.epochs is not None else default_epochs
    seed_everything(args.seed)
    gen = torch.Generator().manual_seed(args.seed)

    subdir, loader = DATASETS[dataset]
    (xtr, ytr), (xte, yte) = loader(os.path.join(args.data, subdir))
    full_train, full_test = xtr.shape[0], xte.shape[0]
    if args.limit:
        xtr, ytr = xtr[:args.limit], ytr[:args.limit]
    if args.test_limit:
        xte, yte = xte[:args.test_limit], yte[:args.test_limit]
    xtr, ytr = torch.from_numpy(xtr), torch.from_numpy(ytr)
    xte, yte = torch.from_numpy(xte), torch.from_numpy(yte)
    in_shape = tuple(xtr.shape[1:])

    model = ctor()
    if aug:
        model = model.to(memory_format=torch.channels_last)
    params = count_params(model)
    macs = count_macs(model, in_shape)
    print(f"{name}: {dataset}, train {xtr.shape[0]}/{full_train} test {xte.shape[0]}/{full_test} images "
          f"{'x'.join(map(str, in_shape))}, {params} parameters, {macs} MACs/image, {epochs} epochs, "
          f"batch {batch}, seed {args.seed}, {torch.get_num_threads()} threads", flush=True)

    steps_per_epoch = math.ceil(xtr.shape[0] / batch)
    if opt_name == "adam":
        opt = torch.optim.Adam(model.parameters(), lr=1e-3)
        sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=epochs * steps_per_epoch)
    else:
        opt = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9, nesterov=True, weight_decay=5e-4)
        sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=0.1, epochs=epochs,
                                                    steps_per_epoch=steps_per_epoch, pct_start=0.15)

    train_time = 0.0
    test_acc = 0.0
    for epoch in range(1, epochs + 1):
        model.train()
        t0 = time.time()
        perm = torch.randperm(xtr.shape[0], generator=gen)
        loss_sum, correct, seen = 0.0, 0, 0
        for i in range(0, xtr.shape[0], batch):
            idx = perm[i:i + batch]
            x = to_float(xtr[idx])
            if aug:
                x = augment(x, gen).contiguous(memory_format=torch.channels_last)
            y = ytr[idx]
            out = model(x)
            loss = F.cross_entropy(out, y)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            sched.step()
            loss_sum += loss.item() * y.shape[0]
            correct += (out.argmax(1) == y).sum().item()
            seen += y.shape[0]
        t_train = time.time() - t0
        train_time += t_train
        t1 = time.time()
        test_acc = evaluate(model, xte, yte, aug)
        t_test = time.time() - t1
        line = (f"epoch {epoch}/{epochs}: loss {loss_sum / seen:.4f}  train acc {100 * correct / seen:.2f}% "
                f"(running, train mode)  test acc {100 * test_acc:.2f}%  time {t_train:.1f}s train + "
                f"{t_test:.1f}s test")
        if seen < full_train or xte.shape[0] < full_test:
            est = t_train * full_train / seen + t_test * full_test / xte.shape[0]
            line += f"  (full-data epoch estimate {est:.0f}s)"
        print(line, flush=True)

    model = model.to(memory_format=torch.contiguous_format)
    out_path = export_onnx(model, name, dataset, in_shape, args.out, test_acc, to_float(xte[:8]))
    size = os.path.getsize(out_path)
    print(f"SUMMARY {name}: {params} parameters, {macs} MACs/image, float test accuracy "
          f"{100 * test_acc:.2f}% ({xte.shape[0]} images), training {train_time:.0f}s "
          f"({epochs} epochs, {torch.get_num_threads()} threads), {out_path} ({size} bytes)", flush=True)


# ---------------------------------------------------------------------------------------------
# Export


def run_onnx_numpy(graph, x):
    """A small independent float64 evaluator for the ALLOWED_OPS subset, used to check that the
    exported graph computes what the PyTorch model computes."""
    from onnx import numpy_helper

    env = {t.name: numpy_helper.to_array(t).astype(np.float64) for t in graph.initializer}
    env[graph.input[0].name] = x.astype(np.float64)
    for node in graph.node:
        a = {at.name: onnx_attr(at) for at in node.attribute}
        i = [env[n] if n else None for n in node.input]
        op = node.op_type
        if op == "Constant":
            y = numpy_helper.to_array(a["value"]).astype(np.float64)
        elif op == "Conv":
            y = np_conv(i[0], i[1], i[2] if len(i) > 2 else None, a.get("strides", [1, 1]),
                        a.get("pads", [0, 0, 0, 0]), a.get("group", 1))
        elif op == "Gemm":
            w = i[1].T if a.get("transB", 0) else i[1]
            y = a.get("alpha", 1.0) * i[0] @ w + (a.get("beta", 1.0) * i[2] if len(i) > 2 else 0)
        elif op == "MatMul":
            y = i[0] @ i[1]
        elif op == "Add":
            y = i[0] + i[1]
        elif op == "Relu":
            y = np.maximum(i[0], 0)
        elif op == "Clip":
            y = np.clip(i[0], i[1] if len(i) > 1 and i[1] is not None else -np.inf,
                        i[2] if len(i) > 2 and i[2] is not None else np.inf)
        elif op == "MaxPool" or op == "AveragePool":
            k, st = a["kernel_shape"], a.get("strides", [1, 1])
            assert not any(a.get("pads", [0])), "padded pooling not needed by the zoo"
            n, c, h, w = i[0].shape
            oh, ow = (h - k[0]) // st[0] + 1, (w - k[1]) // st[1] + 1
            win = np.stack([i[0][:, :, dy:dy + st[0] * oh:st[0], dx:dx + st[1] * ow:st[1]]
                            for dy in range(k[0]) for dx in range(k[1])])
            y = win.max(0) if op == "MaxPool" else win.mean(0)
        elif op == "GlobalAveragePool":
            y = i[0].mean(axis=(2, 3), keepdims=True)
        elif op == "Flatten":
            ax = a.get("axis", 1)
            y = i[0].reshape(int(np.prod(i[0].shape[:ax])), -1)
        elif op == "Reshape":
            y = i[0].reshape([d if d != 0 else i[0].shape[j] for j, d in enumerate(i[1].astype(np.int64))])
        elif op == "Identity":
            y = i[0]
        elif op == "BatchNormalization":
            sh = (1, -1, 1, 1)
            y = (i[0] - i[3].reshape(sh)) / np.sqrt(i[4].reshape(sh) + a.get("epsilon", 1e-5)) \
                * i[1].reshape(sh) + i[2].reshape(sh)
        else:
            raise AssertionError(f"no reference for {op}")
        env[node.output[0]] = y
    return env[graph.output[0].name]


def onnx_attr(at):
    import onnx
    return onnx.helper.get_attribute_value(at)


def np_conv(x, w, b, strides, pads, group):
    x = np.pad(x, ((0, 0), (0, 0), (pads[0], pads[2]), (pads[1], pads[3])))
    n, c, h, wd = x.shape
    m, cg, kh, kw = w.shape
    oh, ow = (h - kh) // strides[0] + 1, (wd - kw) // strides[1] + 1
    # patches [n, c, kh, kw, oh, ow]
    cols = np.stack([np.stack([x[:, :, dy:dy + strides[0] * oh:strides[0], dx:dx + strides[1] * ow:strides[1]]
                               for dx in range(kw)], 2) for dy in range(kh)], 2)
    cols = cols.reshape(n, group, cg, kh, kw, oh, ow)
    wg = w.reshape(group, m // group, cg, kh, kw)
    y = np.einsum("ngckluv,gmckl->ngmuv", cols, wg).reshape(n, m, oh, ow)
    return y + b.reshape(1, -1, 1, 1) if b is not None else y


def export_onnx(model, name, dataset, in_shape, out_dir, test_acc, check_x):
    import onnx

    os.makedirs(out_dir, exist_ok=True)
    path = os.path.join(out_dir, f"{name}.onnx")
    model.eval()
    dummy = torch.zeros((1,) + tuple(in_shape))
    with torch.no_grad():
        torch.onnx.export(model, dummy, path, opset_version=13, input_names=["input"],
                          output_names=["logits"], dynamic_axes={"input": {0: "N"}, "logits": {0: "N"}},
                          do_constant_folding=True, training=torch.onnx.TrainingMode.EVAL)

    m = onnx.load(path)
    onnx.checker.check_model(m)
    ops = [n.op_type for n in m.graph.node]
    bad = sorted(set(ops) - ALLOWED_OPS)
    assert not bad, f"{path}: unsupported ONNX operators {bad}"
    assert [i.name for i in m.graph.input if i.name not in {t.name for t in m.graph.initializer}] == ["input"]
    assert [o.name for o in m.graph.output] == ["logits"]
    for i in m.graph.initializer:
        assert i.data_type == onnx.TensorProto.FLOAT or i.data_type == onnx.TensorProto.INT64, \
            f"{path}: initializer {i.name} has data type {i.data_type}"
    with torch.no_grad():
        want = model(check_x).double().numpy()
    got = run_onnx_numpy(m.graph, check_x.numpy())
    err = float(np.abs(got - want).max())
    assert got.shape == want.shape and err < 1e-3 * max(1.0, float(np.abs(want).max())), \
        f"{path}: ONNX graph (numpy reference) differs from PyTorch by {err}"

    # Provenance for the C++ side and for people: dataset, preprocessing, float accuracy.
    meta = {"hawx.dataset": dataset, "hawx.input_scale": "1/255 (pixel/255 in [0,1], no normalisation)",
            "hawx.float_test_accuracy": f"{test_acc:.4f}"}
    del m.metadata_props[:]
    for k, v in meta.items():
        p = m.metadata_props.add()
        p.key, p.value = k, v
    m.doc_string = f"hawx-cosim model zoo: {name} on {dataset} (scripts/train_models.py)"
    onnx.checker.check_model(m)
    onnx.save(m, path)

    counts = {}
    for op in ops:
        counts[op] = counts.get(op, 0) + 1
    print(f"exported {path}: opset 13, input {list(in_shape)} with batch axis 'N', nodes "
          + ", ".join(f"{k} x{v}" for k, v in sorted(counts.items()))
          + f"; numpy evaluation of the graph matches PyTorch on {check_x.shape[0]} test images "
          f"(max |diff| {err:.1e})", flush=True)
    return path


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--model", required=True, choices=list(MODELS) + ["all"])
    ap.add_argument("--epochs", type=int, default=None, help="default per model: " +
                    ", ".join(f"{k} {v[2]}" for k, v in MODELS.items()))
    ap.add_argument("--data", default=os.path.join(REPO, "data"))
    ap.add_argument("--out", default=os.path.join(REPO, "models", "zoo"))
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--limit", type=int, default=0, help="use only the first N training images (smoke tests)")
    ap.add_argument("--test-limit", type=int, default=0, help="use only the first N test images")
    ap.add_argument("--threads", type=int, default=2)
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    for name in (list(MODELS) if args.model == "all" else [args.model]):
        train_one(name, args)


if __name__ == "__main__":
    main()
