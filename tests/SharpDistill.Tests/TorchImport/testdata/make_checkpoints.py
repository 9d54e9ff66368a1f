#!/usr/bin/env python3
"""Writes the PyTorch checkpoints that SharpDistill's checkpoint-import tests read, and
expected.json with the values those tests compare against, so the tests need no Python.

Run (from any folder) with a PyTorch whose torch.save writes the formats under test (the files
here were written by Debian 12's python3-torch 1.13.1, the libtorch SharpDistill builds on):

    /usr/bin/python3 make_checkpoints.py

Every file is small (a few KB). Nothing here is ever loaded with torch.load: malicious.pth would
run a shell command if it were.
"""
import copy
import json
import os
import pickletools
import zipfile
from collections import OrderedDict

import torch
import torch.nn as nn

HERE = os.path.dirname(os.path.abspath(__file__))


def path(name):
    return os.path.join(HERE, name)


def tiny_net():
    """conv-bn-relu-pool-flatten-linear; SharpDistill's test builds the same Sequential."""
    return nn.Sequential(
        nn.Conv2d(3, 4, kernel_size=3, padding=1),
        nn.BatchNorm2d(4),
        nn.ReLU(),
        nn.MaxPool2d(2),
        nn.Flatten(),
        nn.Linear(4 * 3 * 3, 5),
    )


def describe(t):
    """Geometry, every value (row-major) and the float64 sum of a tensor."""
    info = {
        "dtype": str(t.dtype).replace("torch.", ""),
        "shape": list(t.shape),
        "stride": list(t.stride()),
        "storage_offset": t.storage_offset(),
        "sum": float(t.double().sum()),
    }
    if t.numel() <= 64:
        info["values"] = t.detach().reshape(-1).tolist()
    return info


def make_tiny_net(expected):
    torch.manual_seed(0)
    net = tiny_net()
    with torch.no_grad():  # make γ, β visibly different from their initial 1 and 0
        net[1].weight.uniform_(0.5, 1.5)
        net[1].bias.uniform_(-0.5, 0.5)
    net.train()
    for _ in range(3):  # non-trivial running statistics, num_batches_tracked = 3
        net(torch.randn(8, 3, 6, 6))
    net.eval()
    x = torch.randn(2, 3, 6, 6)
    with torch.no_grad():
        logits = net(x)
    state = net.state_dict()

    torch.save(state, path("tiny_net.pth"))
    torch.save(state, path("tiny_net_legacy.pth"), _use_new_zipfile_serialization=False)
    torch.save(state, path("tiny_net_protocol4.pth"), pickle_protocol=4)

    # Described now: the training step below changes the net, and `state` shares its memory.
    expected["tiny_net"] = {
        "input": describe(x) | {"values": x.reshape(-1).tolist()},
        "logits": describe(logits),
        "state_dict": {k: describe(v) for k, v in state.items()},
    }

    # A training checkpoint as scripts write it: the weights of a DataParallel model ("module."
    # prefixes) under "model", next to optimizer state and plain Python values. The copy keeps
    # these weights (and the state dict's _metadata) when the training step below changes the net.
    weights = copy.deepcopy(nn.DataParallel(net).state_dict())
    assert all(k.startswith("module.") for k in weights)
    optimizer = torch.optim.SGD(net.parameters(), lr=0.05, momentum=0.9, weight_decay=5e-4)
    net.train()
    net(torch.randn(4, 3, 6, 6)).sum().backward()
    optimizer.step()  # creates the momentum buffers
    checkpoint = {"epoch": 7, "best_acc": 81.25, "arch": "tiny", "model": weights, "optimizer": optimizer.state_dict()}
    torch.save(checkpoint, path("wrapped_checkpoint.pth"))

    expected["wrapped_checkpoint"] = {
        "epoch": 7,
        "best_acc": 81.25,
        "arch": "tiny",
        "model_keys": list(checkpoint["model"].keys()),
        "optimizer_param_groups": checkpoint["optimizer"]["param_groups"],
        "optimizer_state_keys": list(checkpoint["optimizer"]["state"].keys()),
        "momentum_buffer_0": describe(checkpoint["optimizer"]["state"][0]["momentum_buffer"]),
    }


def tensor_zoo():
    base = torch.arange(20, dtype=torch.float32)
    return {
        "float64": torch.tensor([[1.5, -2.25, 3.0], [0.1, 1e-300, -7.0]], dtype=torch.float64),
        "int64": torch.tensor([1, -2, 2**40, -(2**62)], dtype=torch.int64),
        "int32": torch.tensor([[7, -8], [2**31 - 1, -(2**31)]], dtype=torch.int32),
        "int16": torch.tensor([300, -32768, 32767], dtype=torch.int16),
        "int8": torch.tensor([-128, 0, 127], dtype=torch.int8),
        "uint8": torch.tensor([0, 1, 200, 255], dtype=torch.uint8),
        "bool": torch.tensor([True, False, True, True]),
        "float16": torch.tensor([0.5, -1.25, 65504.0, 6.103515625e-05], dtype=torch.float16),
        "bfloat16": torch.tensor([1.0, -3.5, 1e30, 0.1], dtype=torch.bfloat16),
        # non-contiguous views, saved with their strides and storage offsets
        "transposed": torch.arange(12, dtype=torch.float32).view(3, 4).t(),
        "shared_a": base[2:8].view(2, 3),  # shared_a and shared_b view one storage
        "shared_b": base[11:19:2],
        "expanded": torch.tensor([1.0, 2.0, 3.0]).expand(2, 3),  # stride 0
        "strided_3d": torch.arange(48, dtype=torch.float32).view(2, 4, 6)[:, 1:, ::2],
        "scalar": torch.tensor(3.25),
        "empty": torch.zeros(0, 3),
        "parameter": nn.Parameter(torch.tensor([0.25, -0.75])),
        "frozen_parameter": nn.Parameter(torch.tensor([4.0]), requires_grad=False),
        "nested": {
            "list": [1, 2.5, "three", None, True, False],
            "tuple": (1, (2, "x")),
            "int_keys": {1: "a", -2: "b"},
            "tuple_key": {(1, "a"): 3},
            "big": 2**70,
            "negative_big": -(2**64),
            "unicode": "naïve – ß",
        },
    }


def make_tensor_zoo(expected):
    zoo = tensor_zoo()
    assert zoo["shared_a"].storage().data_ptr() == zoo["shared_b"].storage().data_ptr()
    torch.save(zoo, path("tensor_zoo.pth"))
    torch.save(zoo, path("tensor_zoo_legacy.pth"), _use_new_zipfile_serialization=False)
    expected["tensor_zoo"] = {k: describe(v) for k, v in zoo.items() if isinstance(v, torch.Tensor)}
    expected["tensor_zoo"]["parameter"]["requires_grad"] = True
    expected["tensor_zoo"]["frozen_parameter"]["requires_grad"] = False


class ShellCommand:
    """Pickles as a call of os.system: what a hostile checkpoint does to whoever torch.loads it."""

    def __reduce__(self):
        return (os.system, ("echo pwned > /tmp/sharpdistill_pwned",))


class RawTensor:
    """Pickles exactly like a tensor, but with whatever geometry it is given (to test validation)."""

    def __init__(self, storage, offset, size, stride):
        self.args = (storage, offset, size, stride, False, OrderedDict())

    def __reduce__(self):
        return (torch._utils._rebuild_tensor_v2, self.args)


def make_bad_files(expected):
    torch.save({"weight": torch.ones(2), "payload": ShellCommand()}, path("malicious.pth"))
    storage = torch.arange(6, dtype=torch.float32).storage()
    torch.save({"weight": RawTensor(storage, 0, (2, 3), (1,))}, path("bad_stride.pth"))
    torch.save({"weight": RawTensor(storage, 1, (2, 3), (3, 1))}, path("bad_extent.pth"))
    with zipfile.ZipFile(path("malicious.pth")) as archive:
        pickle = archive.read("malicious/data.pkl")
    offset = next(pos for op, arg, pos in pickletools.genops(pickle) if op.name == "GLOBAL" and arg.endswith(" system"))
    expected["malicious"] = {"global": os.system.__module__ + ".system", "entry": "malicious/data.pkl", "offset": offset}


class CifarBasicBlock(nn.Module):
    """The CIFAR ResNet block (RepDistiller/mdistiller resnet.py layout and key names):
    relu(bn2(conv2(relu(bn1(conv1(x))))) + shortcut(x)), the shortcut a 1x1 conv + BN ("downsample")
    when the stride or the width changes."""

    def __init__(self, in_planes, planes, stride):
        super().__init__()
        self.conv1 = nn.Conv2d(in_planes, planes, 3, stride=stride, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(planes)
        self.conv2 = nn.Conv2d(planes, planes, 3, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(planes)
        self.downsample = None
        if stride != 1 or in_planes != planes:
            self.downsample = nn.Sequential(nn.Conv2d(in_planes, planes, 1, stride=stride, bias=False), nn.BatchNorm2d(planes))

    def forward(self, x):
        out = torch.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        return torch.relu(out + (x if self.downsample is None else self.downsample(x)))


class CifarResNet8(nn.Module):
    """The zoo's "resnet8": stem conv3x3(16) + BN + ReLU, one block per stage at widths 16/32/64 and
    strides 1/2/2, 8x8 average pooling, fc. Key names are those of SharpDistill's CifarResNet."""

    def __init__(self, num_classes):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 16, 3, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(16)
        self.layer1 = nn.Sequential(CifarBasicBlock(16, 16, 1))
        self.layer2 = nn.Sequential(CifarBasicBlock(16, 32, 2))
        self.layer3 = nn.Sequential(CifarBasicBlock(32, 64, 2))
        self.fc = nn.Linear(64, num_classes)

    def forward(self, x):
        x = torch.relu(self.bn1(self.conv1(x)))
        x = self.layer3(self.layer2(self.layer1(x)))
        return self.fc(torch.flatten(nn.functional.avg_pool2d(x, 8), 1))


def zoo_input():
    """A fixed [2, 3, 32, 32] input that C# rebuilds without reading it from a file: every value is
    ((k² + 37 k) mod 101 - 50) / 32 for its row-major index k, exactly representable in float32."""
    k = torch.arange(2 * 3 * 32 * 32, dtype=torch.int64)
    return (((k * k + 37 * k) % 101 - 50).to(torch.float32) / 32).view(2, 3, 32, 32)


def make_zoo_checkpoint(expected):
    """resnet8 with 10 classes saved as a training script saves a teacher: the weights of a
    DataParallel model ("module." prefixes) under "model", next to the epoch and accuracy."""
    torch.manual_seed(1)
    net = CifarResNet8(num_classes=10)
    with torch.no_grad():  # visibly non-default BN affine parameters
        for m in net.modules():
            if isinstance(m, nn.BatchNorm2d):
                m.weight.uniform_(0.5, 1.5)
                m.bias.uniform_(-0.5, 0.5)
    net.train()
    with torch.no_grad():
        for _ in range(2):  # non-trivial running statistics
            net(torch.randn(4, 3, 32, 32))
    net.eval()
    x = zoo_input()
    with torch.no_grad():
        logits = net(x)
    weights = nn.DataParallel(net).state_dict()
    torch.save({"epoch": 240, "best_acc": 93.5, "model": weights}, path("resnet8_cifar10.pth"))
    expected["resnet8_cifar10"] = {
        "model": "resnet8",
        "num_classes": 10,
        "keys": len(weights),
        "parameters": sum(p.numel() for p in net.parameters()),
        "input": "((k² + 37 k) mod 101 - 50) / 32 for row-major index k, shape [2, 3, 32, 32]",
        "input_sum": float(x.double().sum()),
        "logits": describe(logits),
    }


def make_script_checkpoint():
    """tiny_net.pth's weights saved the way training scripts often save them: beside the run's
    argparse.Namespace and numpy scalars, globals outside SharpDistill's allow-list. Read only in the
    opt-in lenient mode, where those become inert placeholders (tests: LenientImportTests)."""
    import argparse
    import numpy
    weights = torch.load(path("tiny_net.pth"))  # our own file, written above
    args = argparse.Namespace(arch="tiny", lr=0.05, epochs=240)
    torch.save({"state_dict": weights, "args": args, "best_acc": numpy.float64(71.25), "epoch": numpy.int64(240)},
               path("script_objects.pth"))
    # The same for the zoo's resnet8 (the CLI's import test): resnet8_cifar10.pth's weights beside a Namespace.
    resnet8 = torch.load(path("resnet8_cifar10.pth"))["model"]
    torch.save({"model": resnet8, "args": args, "best_acc": numpy.float64(93.5)}, path("resnet8_script.pth"))


def main():
    expected = {"torch_version": torch.__version__}
    make_tiny_net(expected)
    make_tensor_zoo(expected)
    make_bad_files(expected)
    make_zoo_checkpoint(expected)
    make_script_checkpoint()
    with open(path("expected.json"), "w") as f:
        json.dump(expected, f, indent=1, ensure_ascii=False)
        f.write("\n")


if __name__ == "__main__":
    main()
