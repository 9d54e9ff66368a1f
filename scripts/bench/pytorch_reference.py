#!/usr/bin/python3
"""PyTorch side of scripts/bench/compare_pytorch.sh (not part of the test suite).

Runs, with Debian's python3-torch and the model/loss code of the official CRLD repository (its
mdistiller package, read from a checkout given by --crld-src; nothing of it is copied into
SharpDistill):
  step  resnet32x4 -> resnet8x4 CRLD training steps (random CIFAR-sized inputs) in three forms:
        fp32 contiguous, channels_last, channels_last + CPU autocast bf16 (teacher and student);
        prints one JSON line per form: teacher fwd, student fwd+bwd, whole step (median ms).
  run   a whole student run like the Fashion-MNIST study's: mdistiller resnet8 (1-channel input),
        first 10,000 training images, RandomCrop(28, padding 4) + flip, SGD 0.05/0.9/5e-4,
        batch 64, 3 epochs with the LR /10 for the last, a 10,000-image evaluation after each
        epoch; prints one JSON line with the wall time and the accuracies.
"""
import argparse, gzip, importlib.util, json, os, statistics, sys, time, types

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


def load_module(name, path, package=None):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    if package:
        module.__package__ = package
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def crld_code(src):
    """mdistiller's CIFAR resnets and the CRLD distiller, loaded by path (no package install)."""
    resnet = load_module("crld_resnet", os.path.join(src, "mdistiller/models/cifar/resnet.py"))
    pkg = types.ModuleType("crld_distillers")
    pkg.__path__ = [os.path.join(src, "mdistiller/distillers")]
    sys.modules["crld_distillers"] = pkg
    load_module("crld_distillers._base", os.path.join(src, "mdistiller/distillers/_base.py"), "crld_distillers")
    crld = load_module("crld_distillers.CRLD", os.path.join(src, "mdistiller/distillers/CRLD.py"), "crld_distillers")
    return resnet, crld


def crld_cfg():
    c = types.SimpleNamespace(CE_WEIGHT=1.0, WV_WEIGHT=2.0, CV_WEIGHT=0.5, TEMPERATURE=4.0, TAU_W=0.9, TAU_S=0.2)
    return types.SimpleNamespace(CRLD=c)


def step_bench(args):
    resnet, crld = crld_code(args.crld_src)
    forms = [("fp32", False, False), ("channels_last", True, False), ("channels_last+bf16", True, True)]
    if args.no_bf16:
        forms = forms[:2]
    for name, cl, bf16 in forms:
        torch.manual_seed(args.seed)
        teacher, student = resnet.resnet32x4(num_classes=100), resnet.resnet8x4(num_classes=100)
        distiller = crld.CRLD(student, teacher, crld_cfg())
        distiller.train()
        fmt = torch.channels_last if cl else torch.contiguous_format
        distiller.to(memory_format=fmt)
        opt = torch.optim.SGD(student.parameters(), lr=0.05, momentum=0.9, weight_decay=5e-4)
        xw = torch.randn(args.batch_size, 3, 32, 32).contiguous(memory_format=fmt)
        xs = torch.randn(args.batch_size, 3, 32, 32).contiguous(memory_format=fmt)
        y = torch.randint(0, 100, (args.batch_size,))
        teacher_ms, student_ms, step_ms = [], [], []
        for i in range(args.warmup + args.steps):
            with torch.autocast("cpu", dtype=torch.bfloat16, enabled=bf16):
                t0 = time.perf_counter()
                with torch.no_grad():
                    teacher(xw); teacher(xs)
                t1 = time.perf_counter()
                out_w, _ = student(xw); out_s, _ = student(xs)
                loss = F.cross_entropy(out_w, y) + F.cross_entropy(out_s, y)
            loss.backward(); opt.zero_grad(set_to_none=True)
            t2 = time.perf_counter()
            with torch.autocast("cpu", dtype=torch.bfloat16, enabled=bf16):
                _, losses = distiller.forward_train(image_w=xw, image_s=xs, target=y)
                total = sum(l.mean() for l in losses.values())
            opt.zero_grad(set_to_none=True); total.backward(); opt.step()
            t3 = time.perf_counter()
            if i >= args.warmup:
                teacher_ms.append((t1 - t0) * 1e3); student_ms.append((t2 - t1) * 1e3); step_ms.append((t3 - t2) * 1e3)
        print(json.dumps({"side": "pytorch", "form": name, "threads": torch.get_num_threads(),
                          "teacher_fwd_ms": statistics.median(teacher_ms), "student_fwd_bwd_ms": statistics.median(student_ms),
                          "step_ms": statistics.median(step_ms),
                          "img_per_s": args.batch_size / statistics.median(step_ms) * 1e3}), flush=True)


def read_idx(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    dims = data[3]
    shape = [int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big") for i in range(dims)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)


class FashionTrain(torch.utils.data.Dataset):
    def __init__(self, images, labels, seed):
        self.images, self.labels = images, labels
        self.mean, self.std = 0.2860, 0.3530

    def __len__(self):
        return len(self.labels)

    def __getitem__(self, i):
        img = torch.from_numpy(self.images[i].astype(np.float32) / 255.0).unsqueeze(0)
        img = F.pad(img, (4, 4, 4, 4))
        dy, dx = np.random.randint(0, 9, size=2)
        img = img[:, dy:dy + 28, dx:dx + 28]
        if np.random.rand() < 0.5:
            img = img.flip(2)
        return (img - self.mean) / self.std, int(self.labels[i])


def whole_run(args):
    resnet, _ = crld_code(args.crld_src)
    torch.manual_seed(args.seed); np.random.seed(args.seed)
    root = args.fashion_root
    train_x = read_idx(os.path.join(root, "train-images-idx3-ubyte.gz"))[:args.train_limit]
    train_y = read_idx(os.path.join(root, "train-labels-idx1-ubyte.gz"))[:args.train_limit]
    test_x = torch.from_numpy(read_idx(os.path.join(root, "t10k-images-idx3-ubyte.gz")).astype(np.float32) / 255.0).unsqueeze(1)
    test_x = (test_x - 0.2860) / 0.3530
    test_y = torch.from_numpy(read_idx(os.path.join(root, "t10k-labels-idx1-ubyte.gz")).astype(np.int64))
    model = resnet.resnet8(num_classes=10)
    model.conv1 = nn.Conv2d(1, model.conv1.out_channels, kernel_size=3, padding=1, bias=False)
    model.avgpool = nn.AdaptiveAvgPool2d(1)  # 28x28 inputs end in a 7x7 map (SharpDistill pools it whole too)
    opt = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9, weight_decay=5e-4)
    loader = torch.utils.data.DataLoader(FashionTrain(train_x, train_y, args.seed), batch_size=64, shuffle=True,
                                         num_workers=args.workers)
    start = time.perf_counter()
    epochs = []
    for epoch in range(3):
        lr = 0.05 * (0.1 if epoch >= 2 else 1.0)
        for g in opt.param_groups:
            g["lr"] = lr
        model.train()
        e0 = time.perf_counter()
        for x, y in loader:
            out, _ = model(x)
            loss = F.cross_entropy(out, y)
            opt.zero_grad(set_to_none=True); loss.backward(); opt.step()
        model.eval(); correct = 0
        with torch.no_grad():
            for i in range(0, len(test_y), 256):
                out, _ = model(test_x[i:i + 256])
                correct += (out.argmax(1) == test_y[i:i + 256]).sum().item()
        epochs.append({"epoch": epoch + 1, "seconds": time.perf_counter() - e0, "test_top1": 100.0 * correct / len(test_y)})
    print(json.dumps({"side": "pytorch", "run": "fashion_mnist resnet8 3 epochs", "threads": torch.get_num_threads(),
                      "seconds": time.perf_counter() - start, "epochs": epochs}), flush=True)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("what", choices=["step", "run"])
    p.add_argument("--crld-src", default=os.environ.get("CRLD_SRC"), help="checkout of github.com/arcaninez/CRLD (or $CRLD_SRC)")
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--batch-size", type=int, default=64)
    p.add_argument("--steps", type=int, default=10)
    p.add_argument("--warmup", type=int, default=2)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--no-bf16", action="store_true", help="skip the bf16 form (a CPU without native bf16 emulates it, tens of times slower)")
    p.add_argument("--fashion-root", default="/usr/share/datasets/fashion-mnist")
    p.add_argument("--train-limit", type=int, default=10000)
    p.add_argument("--workers", type=int, default=0, help="DataLoader workers of the whole run")
    args = p.parse_args()
    if not args.crld_src or not os.path.isfile(os.path.join(args.crld_src, "mdistiller/distillers/CRLD.py")):
        p.error("--crld-src (or CRLD_SRC) must name a checkout of github.com/arcaninez/CRLD")
    torch.set_num_threads(args.threads)
    step_bench(args) if args.what == "step" else whole_run(args)


if __name__ == "__main__":
    main()
