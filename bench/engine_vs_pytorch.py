#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Inference speed of the hawx int8 engine next to PyTorch, in the same run (issue 4).

For each zoo model (an ONNX file of models/zoo/ whose metadata property hawx.dataset names a known
dataset) it measures, on the same machine within a few seconds of each other:

  PyTorch float      the ONNX graph executed with torch.nn.functional ops (batch 256, no_grad);
                     its accuracy is checked against the file's hawx.float_test_accuracy;
  PyTorch emulation  the same int8 network with every Conv/Gemm multiplication looked up in the
                     approximate multiplier's product table, the way approximate-DNN emulators do
                     it in PyTorch: unfold (im2col) + table indexing + sum. The quantisation
                     mirrors the engine's (sign-magnitude operands, per-filter weight scales,
                     per-tensor activation scales from the maximum over the first 500 training
                     images, int32 accumulation with the bias in accumulator units,
                     requantisation after every layer), so its accuracy should match hawx's;
  hawx exact / approx / mixed
                     build/bench/hawx_bench_engine --json (Engine::evaluate).

Each path runs once per round, the rounds interleaved (float, emulation, hawx, float, ...), and
the best round of each path counts (--repeats, default 3), so that load from other processes
that comes and goes affects every path alike.

and prints images/s, accuracies, and the ratios of the issue's targets. The product table comes
from `hawx_bench_engine --dump-table NAME FILE` (the build-time verilated RTL's sweep).

Run with Debian's /usr/bin/python3 (python3-torch, python3-onnx). OMP_WAIT_POLICY=PASSIVE is set
before torch is imported: with libgomp's default spin-waiting two torch threads on this shared
machine run several times slower.
"""
import os

os.environ["OMP_WAIT_POLICY"] = "PASSIVE"

import argparse  # noqa: E402
import glob  # noqa: E402
import gzip  # noqa: E402
import json  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402
import onnx  # noqa: E402
from onnx import numpy_helper  # noqa: E402
import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DATASET_DIRS = {"mnist": "mnist", "cifar10": "cifar-10"}
DATASET_TITLES = {"mnist": "MNIST", "cifar10": "CIFAR-10"}
LEVELS = 255  # sign-magnitude: 8-bit magnitudes
BATCH = 256
CALIBRATION_IMAGES = 500


def fail(message):
    sys.exit(f"engine_vs_pytorch: error: {message}")


# ---------------------------------------------------------------------------------------------
# Datasets (uint8 N x C x H x W, labels), as the engine reads them.

def _read(path):
    if os.path.exists(path):
        with open(path, "rb") as f:
            return f.read()
    if os.path.exists(path + ".gz"):
        with gzip.open(path + ".gz", "rb") as f:
            return f.read()
    fail(f"missing dataset file {path} (run scripts/fetch_datasets.sh)")


def _idx(path):
    raw = _read(path)
    rank = raw[3]
    dims = [int.from_bytes(raw[4 + 4 * i: 8 + 4 * i], "big") for i in range(rank)]
    return np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * rank).reshape(dims)


def _cifar(path):
    rec = np.frombuffer(_read(path), dtype=np.uint8).reshape(-1, 3073)
    return rec[:, 1:].reshape(-1, 3, 32, 32), rec[:, 0].astype(np.int64)


def load_split(name, root, train):
    folder = os.path.join(root, DATASET_DIRS[name])
    if name == "mnist":
        prefix = "train" if train else "t10k"
        x = _idx(os.path.join(folder, f"{prefix}-images-idx3-ubyte"))[:, None, :, :]
        y = _idx(os.path.join(folder, f"{prefix}-labels-idx1-ubyte")).astype(np.int64)
        return x, y
    if train:
        parts = [_cifar(os.path.join(folder, f"data_batch_{i}.bin")) for i in range(1, 6)]
        return np.concatenate([p[0] for p in parts]), np.concatenate([p[1] for p in parts])
    return _cifar(os.path.join(folder, "test_batch.bin"))


def to_float(pixels):
    return torch.from_numpy(np.array(pixels, dtype=np.float32)).div_(255.0)


# ---------------------------------------------------------------------------------------------
# The ONNX graph as PyTorch: float execution, and the int8 table emulation.

def _attrs(node):
    return {a.name: onnx.helper.get_attribute_value(a) for a in node.attribute}


def _pads(attrs):
    pads = list(attrs.get("pads", [0, 0, 0, 0]))
    if attrs.get("auto_pad", b"NOTSET") not in (b"NOTSET", "NOTSET"):
        raise ValueError("auto_pad is not supported by this converter")
    return pads  # top, left, bottom, right


def _round_away(x):
    """Round half away from zero, like std::round in the engine."""
    return torch.sign(x) * torch.floor(torch.abs(x) + 0.5)


class OnnxTorch:
    """Executes an ONNX graph of the zoo's operators with torch.nn.functional."""

    SUPPORTED = {"Conv", "Gemm", "Relu", "Clip", "MaxPool", "GlobalAveragePool", "Add", "Flatten",
                 "Constant", "Identity"}

    def __init__(self, path):
        model = onnx.load(path)
        self.path = path
        self.meta = {p.key: p.value for p in model.metadata_props}
        g = model.graph
        self.init = {t.name: torch.from_numpy(numpy_helper.to_array(t).astype(np.float32).copy())
                     for t in g.initializer}
        self.nodes = list(g.node)
        for n in self.nodes:
            if n.op_type not in self.SUPPORTED:
                fail(f"{path}: node {n.name or n.op_type}: operator {n.op_type} is not supported "
                     f"by this converter")
        self.attrs = [_attrs(n) for n in self.nodes]
        self.input = [i.name for i in g.input if i.name not in self.init][0]
        self.output = g.output[0].name
        consumers = {}
        for n in self.nodes:
            for i in n.input:
                consumers[i] = consumers.get(i, 0) + 1
        for o in g.output:
            consumers[o.name] = consumers.get(o.name, 0) + 1
        # The engine's quantisation points (values it requantises), as the lowering makes them:
        # the outputs of Conv/Gemm/Add, except when a Relu/Clip directly after them is their only
        # consumer (fused: the activation's output is the value), and of Relu/Clip.
        self.requantised = set()
        for k, n in enumerate(self.nodes):
            if n.op_type in ("Conv", "Gemm", "Add"):
                nxt = self.nodes[k + 1] if k + 1 < len(self.nodes) else None
                fused = (nxt is not None and nxt.op_type in ("Relu", "Clip")
                         and nxt.input[0] == n.output[0] and consumers.get(n.output[0]) == 1)
                if not fused:
                    self.requantised.add(n.output[0])
            elif n.op_type in ("Relu", "Clip"):
                self.requantised.add(n.output[0])
        self.requantised.discard(self.output)  # the logits stay real, as in the engine
        self.quant = None  # set by calibrate()
        self.workspace = {"elements": 0}

    # -- float ------------------------------------------------------------------------------
    def _run(self, x, conv, on_value=None):
        env = dict(self.init)
        env[self.input] = x
        for n, a in zip(self.nodes, self.attrs):
            ins = [env[i] if i else None for i in n.input]
            op = n.op_type
            if op in ("Conv", "Gemm"):
                y = conv(n, a, ins)
            elif op == "Relu":
                y = F.relu(ins[0])
            elif op == "Clip":
                lo = ins[1] if len(ins) > 1 and ins[1] is not None else a.get("min", None)
                hi = ins[2] if len(ins) > 2 and ins[2] is not None else a.get("max", None)
                y = torch.clamp(ins[0], float(lo) if lo is not None else None,
                                float(hi) if hi is not None else None)
            elif op == "MaxPool":
                pt, pl, pb, pr = _pads(a)
                x0 = ins[0]
                if (pt, pl) != (pb, pr):
                    x0 = F.pad(x0, (pl, pr, pt, pb), value=float("-inf"))
                    pt = pl = 0
                y = F.max_pool2d(x0, list(a["kernel_shape"]), list(a.get("strides", [1, 1])),
                                 (pt, pl), list(a.get("dilations", [1, 1])),
                                 bool(a.get("ceil_mode", 0)))
            elif op == "GlobalAveragePool":
                y = ins[0].mean(dim=(2, 3), keepdim=True)
            elif op == "Add":
                y = ins[0] + ins[1]
            elif op == "Flatten":
                y = torch.flatten(ins[0], int(a.get("axis", 1)))
            elif op == "Constant":
                y = torch.from_numpy(numpy_helper.to_array(a["value"]).astype(np.float32).copy())
            else:  # Identity
                y = ins[0]
            if on_value is not None:
                y = on_value(n, ins, y)
            env[n.output[0]] = y
        return env[self.output]

    @staticmethod
    def _float_conv(n, a, ins):
        if n.op_type == "Gemm":
            A, B = ins[0], ins[1]
            if a.get("transA", 0):
                A = A.t()
            if a.get("transB", 0):
                B = B.t()
            y = float(a.get("alpha", 1.0)) * (A @ B)
            if len(ins) > 2 and ins[2] is not None:
                y = y + float(a.get("beta", 1.0)) * ins[2]
            return y
        pt, pl, pb, pr = _pads(a)
        x = ins[0]
        if (pt, pl) != (pb, pr):
            x = F.pad(x, (pl, pr, pt, pb))
            pt = pl = 0
        return F.conv2d(x, ins[1], ins[2] if len(ins) > 2 else None,
                        list(a.get("strides", [1, 1])), (pt, pl),
                        list(a.get("dilations", [1, 1])), int(a.get("group", 1)))

    def forward_float(self, x, on_value=None):
        return self._run(x, self._float_conv, on_value)

    # -- int8 emulation ---------------------------------------------------------------------
    def calibrate(self, images):
        """Per-tensor activation scales as the engine computes them: the maximum magnitude of
        every value over the calibration images (float forward pass), / 255; the input is
        pixel / 255 exactly; pools and Flatten keep their input's scale."""
        maxima = {}

        def record(n, ins, y):
            if n.output[0] in self.requantised:
                m = float(y.abs().max())
                maxima[n.output[0]] = max(maxima.get(n.output[0], 0.0), m)
            return y

        with torch.no_grad():
            for i in range(0, len(images), BATCH):
                self.forward_float(to_float(images[i:i + BATCH]), record)
        scale = {self.input: np.float32(1.0) / np.float32(LEVELS)}
        for n in self.nodes:
            o = n.output[0]
            if o in self.requantised:
                m = np.float32(maxima[o])
                scale[o] = m / np.float32(LEVELS) if m > 0 else np.float32(1.0)
            elif n.op_type in ("MaxPool", "GlobalAveragePool", "Flatten", "Identity"):
                scale[o] = scale.get(n.input[0])
        self.quant = {"scale": scale, "layers": {}}
        # Weights: per output channel (filter) sign-magnitude, scale max|w| / 255; the bias in
        # accumulator units (input scale x weight scale), rounded half away from zero.
        for n, a in zip(self.nodes, self.attrs):
            if n.op_type not in ("Conv", "Gemm"):
                continue
            w = self.init[n.input[1]]
            if n.op_type == "Gemm":
                if a.get("transA", 0) or float(a.get("alpha", 1.0)) != 1.0:
                    fail(f"{self.path}: Gemm {n.name}: transA/alpha are not emulated")
                if not a.get("transB", 0):
                    w = w.t()
                groups = 1
            else:
                groups = int(a.get("group", 1))
            filters = w.shape[0]
            w2 = w.reshape(filters, -1)
            wmax = w2.abs().max(dim=1).values
            ws = torch.where(wmax > 0, wmax / LEVELS, torch.ones_like(wmax))
            wq = torch.clamp(_round_away(w2 / ws[:, None]), -LEVELS, LEVELS).long()
            s_in = scale[n.input[0]]
            if s_in is None:
                fail(f"{self.path}: node {n.name}: no scale for input {n.input[0]}")
            bias = (self.init[n.input[2]].double() if len(n.input) > 2 and n.input[2]
                    else torch.zeros(filters, dtype=torch.float64))
            acc_scale = float(s_in) * ws.double()
            bq = _round_away(bias / acc_scale).long()
            to_real = (torch.tensor(float(s_in), dtype=torch.float32) * ws).float()
            k = w2.shape[1]
            self.quant["layers"][n.output[0]] = {
                "groups": groups,
                # offset of the weight into the signed table (column), per group
                "w_off": (wq + LEVELS).int().reshape(groups, filters // groups, k),
                "bias": bq, "to_real": to_real, "s_in": float(s_in), "filters": filters,
            }

    @staticmethod
    def signed_table(products):
        """The 65,536 products (index a << 8 | b, a activation, b weight magnitude) as a
        511 x 511 table over signed operands: T[(a + 255) * 511 + (w + 255)] =
        sign(a) sign(w) table[|a|, |w|], so one gather gives the signed product."""
        t = torch.from_numpy(products.reshape(256, 256).astype(np.int32))
        mags = torch.arange(-LEVELS, LEVELS + 1).abs()
        signs = torch.sign(torch.arange(-LEVELS, LEVELS + 1)).int()
        full = t[mags[:, None], mags[None, :]] * signs[:, None] * signs[None, :]
        return full.reshape(-1).contiguous()

    def forward_emulated(self, x, table, budget=1 << 18):
        """int8 inference with every product looked up in `table` (signed_table())."""
        q = self.quant
        scale = q["scale"]
        width = 2 * LEVELS + 1
        # int32 indices (index_select takes them) and buffers reused across layers and chunks:
        # with `table[index].sum()` on freshly allocated int64 tensors (page faults, int64 sums)
        # the emulation ran at less than half this speed.
        workspace = self.workspace

        def conv(n, a, ins):
            L = q["layers"][n.output[0]]
            s_in = L["s_in"]
            ai = _round_away(ins[0] / s_in).clamp_(-LEVELS, LEVELS)
            # Row offset of each activation into the signed table; padding is activation 0.
            a_off = (ai + LEVELS) * width
            zero = float(LEVELS * width)
            if n.op_type == "Gemm":
                cols = a_off.reshape(a_off.shape[0], -1, 1)  # (N, K, 1)
                out_hw = None
            else:
                pt, pl, pb, pr = _pads(a)
                kh, kw = a["kernel_shape"] if "kernel_shape" in a else ins[1].shape[2:]
                padded = F.pad(a_off, (pl, pr, pt, pb), value=zero)
                stride = list(a.get("strides", [1, 1]))
                dil = list(a.get("dilations", [1, 1]))
                cols = F.unfold(padded, (kh, kw), dilation=dil, stride=stride)  # (N, C*kh*kw, L)
                oh = (padded.shape[2] - dil[0] * (kh - 1) - 1) // stride[0] + 1
                ow = (padded.shape[3] - dil[1] * (kw - 1) - 1) // stride[1] + 1
                out_hw = (oh, ow)
            nimg, ck, positions = cols.shape
            g = L["groups"]
            w_off = L["w_off"]  # (G, Og, K)
            og, k = w_off.shape[1], w_off.shape[2]
            cols = cols.int().reshape(nimg, g, 1, k, positions)
            w_idx = w_off.reshape(1, g, og, k, 1)
            per_image = g * og * k * positions
            step = max(1, min(nimg, budget // per_image))
            if workspace["elements"] < step * per_image:
                workspace["elements"] = step * per_image
                workspace["index"] = torch.empty(step * per_image, dtype=torch.int32)
                workspace["products"] = torch.empty(step * per_image, dtype=torch.int32)
            acc = torch.empty(nimg, g, og, positions, dtype=torch.int32)
            for i in range(0, nimg, step):
                c = min(step, nimg - i)
                shape = (c, g, og, k, positions)
                index = workspace["index"][:c * per_image].view(shape)
                products = workspace["products"][:c * per_image]
                torch.add(cols[i:i + c], w_idx, out=index)  # table offsets of every product
                torch.index_select(table, 0, index.view(-1), out=products)
                torch.sum(products.view(shape), dim=3, dtype=torch.int32, out=acc[i:i + c])
            acc = acc.reshape(nimg, g * og, positions) + L["bias"][None, :, None].int()
            y = acc.float() * L["to_real"][None, :, None]
            if out_hw is None:
                return y.reshape(nimg, -1)
            return y.reshape(nimg, g * og, *out_hw)

        def requantise(n, ins, y):
            o = n.output[0]
            if o in self.requantised:
                s = float(scale[o])
                return _round_away(y / s).clamp_(-LEVELS, LEVELS) * s
            if n.op_type == "GlobalAveragePool":  # the engine rounds the mean at the input scale
                s = float(scale[o])
                return _round_away(y / s).clamp_(-LEVELS, LEVELS) * s
            return y

        return self._run(x, conv, requantise)


# ---------------------------------------------------------------------------------------------
# Measurements.

def timed(repeats, fn):
    best = float("inf")
    result = None
    for _ in range(repeats):
        start = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - start)
    return best, result


def infer(fn, images, labels):
    correct = 0
    with torch.no_grad():
        for i in range(0, len(images), BATCH):
            logits = fn(images[i:i + BATCH])
            correct += int((logits.argmax(dim=1) == labels[i:i + BATCH]).sum())
    return correct / len(images)


def run_hawx(args, model, dataset, images, bench, repeats):
    cmd = [bench, "--model", model, "--dataset", dataset, "--data", args.data, "--images",
           str(images), "--threads", str(args.threads), "--repeats", str(repeats), "--approx",
           args.approx, "--mixed", args.mixed, "--no-sweep", "--json"]
    out = subprocess.run(cmd, check=True, stdout=subprocess.PIPE, text=True).stdout
    data = json.loads(out)
    return {r["name"]: r for r in data["results"]}, data


def dump_table(bench, name):
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "table.bin")
        subprocess.run([bench, "--dump-table", name, path], check=True)
        products = np.fromfile(path, dtype="<i4")
    if products.size != 65536:
        fail(f"{name}: the dumped table has {products.size} entries, not 65,536")
    if products.min() < 0:
        fail(f"{name} is a signed multiplier; this benchmark quantises for unsigned ones "
             f"(sign-magnitude operands)")
    return products


def bench_model(args, path, bench):
    model = OnnxTorch(path)
    dataset = model.meta.get("hawx.dataset")
    if dataset not in DATASET_DIRS:
        fail(f"{path}: metadata hawx.dataset is {dataset!r}, not one of {sorted(DATASET_DIRS)}")
    title = f"{os.path.basename(path)} ({DATASET_TITLES[dataset]})"
    xtest, ytest = load_split(dataset, args.data, train=False)
    xtrain, _ = load_split(dataset, args.data, train=True)
    n = min(args.images or len(ytest), len(ytest))
    m = n if dataset == "mnist" and args.emulation_images is None else \
        min(n, args.emulation_images or 1000)
    emu_repeats = args.emulation_repeats or (args.repeats if dataset == "mnist" else 1)
    load_before = os.getloadavg()

    x = to_float(xtest[:n])
    y = torch.from_numpy(ytest[:n])
    model.calibrate(xtrain[:CALIBRATION_IMAGES])
    table = OnnxTorch.signed_table(dump_table(bench, args.approx))
    xe, ye = x[:m], y[:m]
    # Interleaved rounds, best per path: load from other processes that comes and goes during
    # the run then affects every path alike, not just whichever was running at the time.
    t_float = t_emu = float("inf")
    hawx = None
    for r in range(args.repeats):
        # (a) PyTorch float.
        t, acc_float = timed(1, lambda: infer(model.forward_float, x, y))
        t_float = min(t_float, t)
        # (b) PyTorch table emulation of the approximate multiplier.
        if r < emu_repeats:
            t, acc_emu = timed(
                1, lambda: infer(lambda b: model.forward_emulated(b, table), xe, ye))
            t_emu = min(t_emu, t)
        # (c) hawx: one repetition of each assignment per round.
        rows, info = run_hawx(args, path, dataset, n, bench, repeats=1)
        if hawx is None:
            hawx = rows
        for name, row in rows.items():
            if row["images_per_s"] > hawx[name]["images_per_s"]:
                hawx[name] = row
    # Accuracy cross-checks (untimed): hawx on the emulation's images when they are a subset,
    # and the emulation with the exact multiplier against hawx's exact int8.
    hawx_m = run_hawx(args, path, dataset, m, bench, repeats=1)[0] if m < n else hawx
    exact = OnnxTorch.signed_table(dump_table(bench, "mul8u_exact"))
    acc_emu_exact = infer(lambda b: model.forward_emulated(b, exact), xe, ye)
    load_after = os.getloadavg()
    # The metadata's float accuracy is over the whole test set (untimed when n is a subset).
    acc_float_all = acc_float if n == len(ytest) else \
        infer(model.forward_float, to_float(xtest), torch.from_numpy(ytest))

    rate = {
        "float": n / t_float, "emu": m / t_emu,
        "exact": hawx["exact"]["images_per_s"], "approx": hawx["approx"]["images_per_s"],
        "mixed": hawx["mixed"]["images_per_s"],
    }
    print(f"\n== {title}: {path}")
    print(f"{n} test images ({m} for the emulation), {args.threads} threads, best of "
          f"{args.repeats} interleaved rounds (emulation {emu_repeats}); "
          f"{info['macs_per_image']:,} MACs/image; "
          f"load average {load_before[0]:.2f} before, {load_after[0]:.2f} after")
    print(f"{'path':<60} {'images':>7} {'images/s':>10} {'accuracy':>9}")
    rows = [
        ("PyTorch float (batch 256)", n, rate["float"], acc_float),
        (f"PyTorch table emulation ({args.approx}, unfold+index)", m, rate["emu"], acc_emu),
        ("hawx exact int8 (mul8u_exact)", n, rate["exact"], hawx["exact"]["accuracy"]),
        (f"hawx approximate ({args.approx} everywhere)", n, rate["approx"],
         hawx["approx"]["accuracy"]),
        (f"hawx mixed per-filter ({args.mixed})", n, rate["mixed"], hawx["mixed"]["accuracy"]),
    ]
    for name, count, r, acc in rows:
        print(f"{name:<60} {count:>7} {r:>10.0f} {100 * acc:>8.2f}%")

    print(f"{'ratio':<60} {'value':>7} {'target':>10}  result")
    ratios = [
        ("hawx exact / PyTorch float", rate["exact"] / rate["float"], 1.0, ">= 1"),
        ("hawx approximate / hawx exact", rate["approx"] / rate["exact"], 1.0 / 3.0, ">= 1/3"),
        ("hawx approximate / PyTorch emulation", rate["approx"] / rate["emu"], 10.0, ">= 10"),
        ("(hawx mixed / hawx exact)", rate["mixed"] / rate["exact"], None, ""),
    ]
    met_all = True
    for name, value, target, text in ratios:
        verdict = "" if target is None else ("met" if value >= target else "NOT MET")
        met_all = met_all and (target is None or value >= target)
        print(f"{name:<60} {value:>7.2f} {text:>10}  {verdict}")

    # Accuracy checks.
    meta_acc = model.meta.get("hawx.float_test_accuracy")
    if meta_acc is not None:
        diff = 100 * (acc_float_all - float(meta_acc))
        print(f"float accuracy on all {len(ytest)} test images {100 * acc_float_all:.2f}% vs "
              f"metadata hawx.float_test_accuracy {100 * float(meta_acc):.2f}%: "
              f"{'agrees' if abs(diff) <= 0.1 else 'DIFFERS'} ({diff:+.2f} pp)")
    hawx_m_acc = hawx_m["approx"]["accuracy"]
    diff = 100 * (acc_emu - hawx_m_acc)
    print(f"emulation accuracy {100 * acc_emu:.2f}% vs hawx approximate {100 * hawx_m_acc:.2f}% "
          f"on the same {m} images: {diff:+.2f} pp"
          + ("" if abs(diff) <= 0.1 else
             " (not close: the emulation mirrors the engine's quantisation only up to float "
             "rounding of the calibrated scales)"))
    diff_exact = 100 * (acc_emu_exact - hawx_m["exact"]["accuracy"])
    print(f"(same emulation with mul8u_exact: {100 * acc_emu_exact:.2f}% vs hawx exact int8 "
          f"{100 * hawx_m['exact']['accuracy']:.2f}%: {diff_exact:+.2f} pp)")
    return met_all


def zoo_models(data_root):
    found = []
    for path in sorted(glob.glob(os.path.join(REPO, "models", "zoo", "*.onnx"))):
        meta = {p.key: p.value for p in onnx.load(path, load_external_data=False).metadata_props}
        if meta.get("hawx.dataset") in DATASET_DIRS:
            found.append(path)
    return found


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--models", nargs="*", help="ONNX files (default: every models/zoo/*.onnx "
                   "whose hawx.dataset is mnist or cifar10)")
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--images", type=int, default=0,
                   help="test images (default: all 10,000)")
    p.add_argument("--emulation-images", type=int, default=None,
                   help="test images for the PyTorch table emulation (default: --images for "
                   "MNIST, 1000 for CIFAR-10; its images/s is per image, so comparable)")
    p.add_argument("--repeats", type=int, default=3,
                   help="interleaved rounds, best of R per path (float, hawx, MNIST emulation)")
    p.add_argument("--emulation-repeats", type=int, default=None,
                   help="default: --repeats for MNIST, 1 for CIFAR-10")
    p.add_argument("--approx", default="mul8u_trunc4",
                   help="approximate design of the all-approximate path and the emulation")
    p.add_argument("--mixed", default="mul8u_exact,mul8u_trunc4,mul8u_drum4",
                   help="designs the filters of every layer alternate between")
    p.add_argument("--data", default=os.path.join(REPO, "data"))
    p.add_argument("--bench-binary",
                   default=os.path.join(REPO, "build", "bench", "hawx_bench_engine"))
    args = p.parse_args()

    if not os.access(args.bench_binary, os.X_OK):
        fail(f"{args.bench_binary} not found: build the target hawx_bench_engine "
             f"(or pass --bench-binary)")
    torch.set_num_threads(args.threads)
    models = args.models or zoo_models(args.data)
    if not models:
        fail("no models")
    print(f"PyTorch {torch.__version__} ({torch.get_num_threads()} threads, "
          f"OMP_WAIT_POLICY={os.environ['OMP_WAIT_POLICY']}), numpy {np.__version__}, "
          f"hawx: {args.bench_binary}")
    ok = True
    for path in models:
        ok = bench_model(args, path, args.bench_binary) and ok
    print("\nall targets met" if ok else "\nsome targets not met")


if __name__ == "__main__":
    main()
