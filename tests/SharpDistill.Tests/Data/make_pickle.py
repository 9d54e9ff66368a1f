#!/usr/bin/python3
"""Writes small pickles in the format of the official CIFAR-100 "python version" for the tests.

Run once with Debian's python3 (python3-numpy):
    /usr/bin/python3 tests/SharpDistill.Tests/Data/make_pickle.py
The outputs are committed under TestFiles/; the tests never run Python.

Two flavours of the same content:
- cifar-100-python-py2/{train,test,meta}: protocol 2 written the way Python 2's cPickle wrote the
  official files (str keys and numpy's raw data as BINSTRING/SHORT_BINSTRING, which Python 3 reads
  back as bytes with encoding="bytes"). Python 3's pickler has no such mode, so a subclass of its
  pure-Python pickler writes bytes objects with the Python 2 str opcodes.
- cifar-100-python-py3/{train,test,meta}: protocol 3 as Python 3's stock pickler writes it
  (BINBYTES, BINUNICODE, NEWTRUE/NEWFALSE), i.e. what re-pickling the data under Python 3 gives.

Content (checked by the C# tests): record i of split s (s = 0 train, 1 test) has
fine label (7*i + 3*s) % 100, coarse label fine % 20, and pixel byte j (row-major in the 3072 CHW
values) equal to (i*31 + j*7 + s*101) % 256.

Also cifar-10-batches-py/{data_batch_1..5, test_batch, batches.meta} in the Python 2 flavour: file f
(1..5 for the training batches, 0 for test_batch) holds 2 records; record i has label (f + 3*i) % 10
and pixel byte j = (f*13 + i*31 + j*7) % 256.
"""
import io
import os
import pickle
import pickletools
import struct

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "TestFiles")
COUNTS = {"train": 7, "test": 3}


class Python2StylePickler(pickle._Pickler):
    """Writes bytes (and str) with Python 2's str opcodes, as cPickle did for the CIFAR files."""

    dispatch = pickle._Pickler.dispatch.copy()

    def save_py2_str(self, obj, save_persistent_id=True):
        data = obj.encode("latin-1") if isinstance(obj, str) else obj
        n = len(data)
        if n < 256:
            self.write(pickle.SHORT_BINSTRING + bytes([n]) + data)
        else:
            self.write(pickle.BINSTRING + struct.pack("<i", n) + data)
        self.memoize(obj)

    dispatch[bytes] = save_py2_str
    dispatch[str] = save_py2_str


def split_content(split):
    s = 0 if split == "train" else 1
    n = COUNTS[split]
    i = np.arange(n)[:, None]
    j = np.arange(3072)[None, :]
    data = ((i * 31 + j * 7 + s * 101) % 256).astype(np.uint8)
    fine = [int((7 * k + 3 * s) % 100) for k in range(n)]
    return {
        b"filenames": [b"img_%s_%04d.png" % (split.encode(), k) for k in range(n)],
        b"batch_label": b"testing batch 1 of 1" if s else b"training batch 1 of 1",
        b"fine_labels": fine,
        b"coarse_labels": [f % 20 for f in fine],
        b"data": data,
    }


def meta_content():
    return {
        b"fine_label_names": [b"class_%02d" % k for k in range(100)],
        b"coarse_label_names": [b"super_%02d" % k for k in range(20)],
    }


def write(path, obj, py2):
    buffer = io.BytesIO()
    if py2:
        Python2StylePickler(buffer, protocol=2).dump(obj)
    else:
        pickle.dump(obj, buffer, protocol=3)
    with open(path, "wb") as f:
        f.write(buffer.getvalue())
    # Round trip through the real unpickler (and numpy), exactly as Python 3 users read CIFAR.
    with open(path, "rb") as f:
        back = pickle.load(f, encoding="bytes")
    assert back.keys() == obj.keys()
    if b"data" in obj:
        assert back[b"data"].dtype == np.uint8 and back[b"data"].shape == obj[b"data"].shape
        assert (back[b"data"] == obj[b"data"]).all()
        labels = b"fine_labels" if b"fine_labels" in obj else b"labels"
        assert back[labels] == obj[labels]
    ops = sorted({op.name for op, _, _ in pickletools.genops(buffer.getvalue())})
    print(os.path.relpath(path, HERE), len(buffer.getvalue()), "bytes; opcodes:", " ".join(ops))


def cifar10_batch(f):
    i = np.arange(2)[:, None]
    j = np.arange(3072)[None, :]
    return {
        b"batch_label": b"batch %d" % f,
        b"labels": [int((f + 3 * k) % 10) for k in range(2)],
        b"data": ((f * 13 + i * 31 + j * 7) % 256).astype(np.uint8),
        b"filenames": [b"f%d_%d.png" % (f, k) for k in range(2)],
    }


def main():
    folder = os.path.join(OUT, "cifar-10-python", "cifar-10-batches-py")
    os.makedirs(folder, exist_ok=True)
    for f in range(1, 6):
        write(os.path.join(folder, "data_batch_%d" % f), cifar10_batch(f), True)
    write(os.path.join(folder, "test_batch"), cifar10_batch(0), True)
    names = [b"airplane", b"automobile", b"bird", b"cat", b"deer", b"dog", b"frog", b"horse", b"ship", b"truck"]
    write(os.path.join(folder, "batches.meta"), {b"num_cases_per_batch": 10000, b"label_names": names, b"num_vis": 3072}, True)
    for flavour, py2 in (("cifar-100-python-py2", True), ("cifar-100-python-py3", False)):
        folder = os.path.join(OUT, flavour, "cifar-100-python")
        os.makedirs(folder, exist_ok=True)
        for split in COUNTS:
            write(os.path.join(folder, split), split_content(split), py2)
        write(os.path.join(folder, "meta"), meta_content(), py2)


if __name__ == "__main__":
    main()
