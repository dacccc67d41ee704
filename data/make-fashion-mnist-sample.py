"""Rebuild data/fashion-mnist-sample/ from Debian's dataset-fashion-mnist.

Takes the first 3,000 training and the first 1,000 test images (and their
labels) and writes them in the original IDX format, gzip-compressed with a
fixed timestamp so the output is byte-for-byte reproducible.
"""
import gzip
import os
import struct

SRC = "/usr/share/datasets/fashion-mnist"
DST = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fashion-mnist-sample")
COUNTS = {"train": 3000, "t10k": 1000}


def read_idx(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    magic, = struct.unpack(">I", data[:4])
    ndim = magic & 0xFF
    dims = struct.unpack(">" + "I" * ndim, data[4 : 4 + 4 * ndim])
    return magic, dims, data[4 + 4 * ndim :]


def write_idx(path, magic, dims, body):
    header = struct.pack(">I", magic) + struct.pack(">" + "I" * len(dims), *dims)
    with open(path, "wb") as raw:
        with gzip.GzipFile(fileobj=raw, mode="wb", mtime=0, filename="") as f:
            f.write(header + body)


for split, n in COUNTS.items():
    for kind, per_item in (("images-idx3", 28 * 28), ("labels-idx1", 1)):
        name = f"{split}-{kind}-ubyte.gz"
        magic, dims, body = read_idx(os.path.join(SRC, name))
        write_idx(os.path.join(DST, name), magic, (n,) + tuple(dims[1:]), body[: n * per_item])
        print(name, n)
