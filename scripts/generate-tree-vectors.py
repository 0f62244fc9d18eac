#!/usr/bin/env python3
"""Writes the tree golden vectors (docs/lake-format.md §14) from the spec, in Python 3.8+ with the stdlib only.

This is how mlops-core/src/test/resources/golden/tree/ was made. It is written from the spec, not from the Java code's
output, so that the Java writer and this script check each other. It refuses to change an existing file: a golden
vector MUST NOT be regenerated to make a test pass, because a changed byte is a format change (§6).

Usage: scripts/generate-tree-vectors.py [tree-dir]   (default: mlops-core/src/test/resources/golden/tree)
"""

import hashlib
import importlib.util
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
HEADER = b'{"format":"mlops4j.tree/2"}'
FILE, EXECUTABLE, DIR = 0, 1, 2

# the canonical JSON writer of the second implementation (§4), for the tree/1 vectors
_spec = importlib.util.spec_from_file_location("verify", os.path.join(HERE, "verify-golden-vectors.py"))
verify = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(verify)


def sha(data):
    return hashlib.sha256(data).digest()


def varint(n):
    """Unsigned LEB128 in the fewest bytes."""
    out = bytearray()
    while n >= 0x80:
        out.append((n & 0x7F) | 0x80)
        n >>= 7
    out.append(n)
    return bytes(out)


def common(a, b):
    n = 0
    while n < len(a) and n < len(b) and a[n] == b[n]:
        n += 1
    return n


def encode(entries):
    """tree/2: entries are (kind, name, size or None, digest); sorted here by the UTF-8 bytes of their names."""
    items = sorted(((name.encode("utf-8"), kind, size, digest) for kind, name, size, digest in entries))
    out = bytearray(HEADER) + varint(len(items))
    previous = b""
    for name, kind, size, digest in items:
        shared = common(previous, name)
        out += bytes([kind]) + varint(shared) + varint(len(name) - shared) + name[shared:]
        if kind != DIR:
            out += varint(size)
        out += digest
        previous = name
    return bytes(out)


def encode_json(entries):
    """tree/1: the canonical JSON of older writers."""
    items = []
    for kind, name, size, digest in sorted(entries, key=lambda e: e[1].encode("utf-8")):
        hexed = "sha256:" + digest.hex()
        if kind == DIR:
            items.append({"digest": hexed, "name": name, "type": "dir"})
        else:
            items.append({"digest": hexed, "executable": kind == EXECUTABLE, "name": name, "size": size,
                          "type": "file"})
    return verify.write({"entries": items, "format": "mlops4j.tree/1"})


def raw(count, *entries, tail=b""):
    """A tree/2 built by hand: each entry is (kind, shared, suffix bytes, size bytes or b"", digest bytes)."""
    out = bytearray(HEADER) + varint(count)
    for kind, shared, suffix, size, digest in entries:
        out += bytes([kind]) + varint(shared) + varint(len(suffix)) + suffix + size + digest
    return bytes(out + tail)


SUB = [(FILE, "a.txt", 2, sha(b"a\n"))]


def root(sub_digest):
    return [
        (FILE, "README.md", 6, sha(b"hello\n")),
        (DIR, "data", None, sub_digest),
        (FILE, "data-2024.csv", 8, sha(b"a,b\n1,2\n")),
        (FILE, "data-2025.csv", 8, sha(b"a,b\n3,4\n")),
        (FILE, "empty", 0, sha(b"")),
        (FILE, "huge.bin", 2 ** 63 - 1, sha(b"huge")),
        (EXECUTABLE, "run.sh", 18, sha(b"#!/bin/sh\necho hi\n")),
        (FILE, "\u00fcn\u00efc\u00f6d\u00e9.txt", 3, sha("\u00fc\n".encode("utf-8"))),
        (FILE, "\U0001F600.txt", 5, sha("\U0001F600\n".encode("utf-8"))),
    ]


def vectors():
    sub = encode(SUB)
    sub_v1 = encode_json(SUB)
    valid = {
        "empty.bin": encode([]),
        "sub.bin": sub,
        "sub-v1.json": sub_v1,
        "tree.bin": encode(root(sha(sub))),
        "tree-v1.json": encode_json(root(sha(sub_v1))),
        "mixed.bin": encode(root(sha(sub_v1))),
    }
    d = sha(b"a\n")
    size2 = varint(2)
    invalid = {
        # check, reason, bytes
        "count-too-large.bin": ("count", "INVALID_VALUE", raw(2, (FILE, 0, b"a", size2, d))),
        "truncated.bin": ("length", "INVALID_VALUE", raw(1, (FILE, 0, b"a", size2, d))[:-1]),
        "trailing.bin": ("trailing", "NON_CANONICAL", raw(1, (FILE, 0, b"a", size2, d), tail=b"\x00")),
        "kind.bin": ("kind", "INVALID_VALUE", raw(1, (3, 0, b"a", size2, d))),
        "varint-overlong.bin": ("varint", "NON_CANONICAL", raw(1, (FILE, 0, b"a", b"\x82\x00", d))),
        "varint-too-big.bin": ("varint", "INVALID_VALUE", raw(1, (FILE, 0, b"a", b"\x80" * 9 + b"\x01", d))),
        "shared-too-long.bin": ("shared", "INVALID_VALUE",
                                raw(2, (FILE, 0, b"a", size2, d), (FILE, 2, b"b", size2, d))),
        "shared-not-longest.bin": ("shared", "NON_CANONICAL",
                                   raw(2, (FILE, 0, b"ab", size2, d), (FILE, 0, b"ac", size2, d))),
        "out-of-order.bin": ("order", "UNSORTED_KEYS",
                             raw(2, (FILE, 0, b"b", size2, d), (FILE, 0, b"a", size2, d))),
        "duplicate.bin": ("order", "DUPLICATE_KEY", raw(2, (FILE, 0, b"a", size2, d), (FILE, 1, b"", size2, d))),
        "name-utf8.bin": ("utf8", "INVALID_UTF8", raw(1, (FILE, 0, b"\xc0\xaf", size2, d))),
        "name-dotdot.bin": ("name", "-", raw(1, (DIR, 0, b"..", b"", d))),
        "name-not-nfc.bin": ("name", "-", raw(1, (FILE, 0, "e\u0301".encode("utf-8"), size2, d))),
        "json-tree-2.json": ("encoding", "INVALID_VALUE", verify.write({"entries": [], "format": "mlops4j.tree/2"})),
        "newer.bin": ("header", "UNSUPPORTED_FORMAT", b'{"format":"mlops4j.tree/3"}\x00'),
    }
    return valid, invalid


def put(path, data):
    if os.path.exists(path):
        with open(path, "rb") as f:
            if f.read() != data:
                raise SystemExit("%s exists with other bytes; a golden vector is never regenerated (§9)" % path)
        return
    with open(path, "wb") as f:
        f.write(data)


def main():
    directory = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "..", "mlops-core", "src", "test",
                                                                   "resources", "golden", "tree")
    os.makedirs(os.path.join(directory, "invalid"), exist_ok=True)
    valid, invalid = vectors()
    sums = []
    for name, data in valid.items():
        put(os.path.join(directory, name), data)
        sums.append("%s  %s\n" % (hashlib.sha256(data).hexdigest(), name))
    lines = []
    for kind, name, size, digest in sorted(root(sha(valid["sub.bin"])), key=lambda e: e[1].encode("utf-8")):
        lines.append("%s %s %s %s\n" % (("file", "executable", "dir")[kind], "-" if size is None else size,
                                        digest.hex(), name))
    put(os.path.join(directory, "ENTRIES"), "".join(lines).encode("utf-8"))
    put(os.path.join(directory, "SHA256SUMS"), "".join(sums).encode("ascii"))
    index = []
    for name, (check, reason, data) in invalid.items():
        put(os.path.join(directory, "invalid", name), data)
        index.append("%s %s %s\n" % (name, check, reason))
    put(os.path.join(directory, "invalid", "INDEX"), "".join(index).encode("ascii"))
    print("wrote %d valid and %d invalid tree vectors to %s" % (len(valid), len(invalid), directory))


if __name__ == "__main__":
    main()
