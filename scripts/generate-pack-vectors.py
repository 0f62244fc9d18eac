#!/usr/bin/env python3
"""Writes the pack golden vectors (docs/lake-format.md §11) from the spec, in Python 3.8+ with the stdlib only.

This is how mlops-core/src/test/resources/golden/pack/ and golden/pack-index/ (§11.7) were made. It is written from the spec, not from the Java
code's output, so that the Java writer and this script check each other. It refuses to change an existing file:
a golden vector MUST NOT be regenerated to make a test pass, because a changed byte is a format change (§6).

Usage: scripts/generate-pack-vectors.py [pack-dir]   (default: mlops-core/src/test/resources/golden/pack; the pack
index vectors go to its sibling pack-index/)
"""

import hashlib
import importlib.util
import os
import struct
import sys

MAGIC = b"MLOPS4J-PACK-V1\n"
HERE = os.path.dirname(os.path.abspath(__file__))

# the canonical JSON writer of the second implementation (§4), so that records are written by the spec's rules
_spec = importlib.util.spec_from_file_location("verify", os.path.join(HERE, "verify-golden-vectors.py"))
verify = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(verify)

# members in write order: a line, the empty content, a sentence, and every byte value once
MEMBERS = [
    ("member-1.bin", b"hello\n"),
    ("member-2.bin", b""),
    ("member-3.bin", b"MLOps4J packs small files\n"),
    ("member-4.bin", bytes(range(256))),
]


def sha(data):
    return hashlib.sha256(data).digest()


def entry(digest, offset, size):
    """One 48-byte index entry: SHA-256, then offset and size as unsigned 64-bit big-endian integers."""
    return digest + struct.pack(">QQ", offset, size)


def pack_of(contents, sort=True):
    """Members back to back in write order, then the index (sorted by digest bytes), then the trailer."""
    data, entries = b"", []
    for content in contents:
        entries.append(entry(sha(content), len(data), len(content)))
        data += content
    return with_index(data, sorted(entries) if sort else entries)


def with_index(members, entries, magic=MAGIC, count=None):
    return members + b"".join(entries) + magic + struct.pack(">Q", len(entries) if count is None else count)


def record(pack, members=None, size=None, pack_hex=None):
    return verify.write({
        "format": "mlops4j.pack/1",
        "pack": "sha256:" + (pack_hex or hashlib.sha256(pack).hexdigest()),
        "members": members if members is not None else count_of(pack),
        "bytes": size if size is not None else len(pack),
    })


def count_of(pack):
    return struct.unpack(">Q", pack[-8:])[0]


def key_of(pack_hex):
    return "packs/sha256/" + pack_hex


def split(pack):
    """(member bytes, entries) of a well-formed pack."""
    n = count_of(pack)
    index_offset = len(pack) - 24 - 48 * n
    return pack[:index_offset], [pack[index_offset + 48 * i:index_offset + 48 * (i + 1)] for i in range(n)]


def invalid_vectors(valid, valid_record):
    """(name, pack bytes or None, record bytes, record key, check, record reason or '-')."""
    valid_hex = hashlib.sha256(valid).hexdigest()
    members, entries = split(valid)
    vectors = []

    def damaged(name, pack, check, count=None):
        vectors.append((name, pack, record(pack, members=count), key_of(hashlib.sha256(pack).hexdigest()), check,
                        "-"))

    # the record's checks: the pack is never opened
    vectors.append(("record-members-zero", None, record(valid, members=0), key_of(valid_hex), "record",
                    "INVALID_VALUE"))
    vectors.append(("record-members-too-many", None, record(valid, members=2 ** 20 + 1), key_of(valid_hex), "record",
                    "INVALID_VALUE"))
    vectors.append(("record-noncanonical", None, valid_record + b"\n", key_of(valid_hex), "record", "NON_CANONICAL"))
    vectors.append(("record-unknown-field", None, verify.write({
        "format": "mlops4j.pack/1", "pack": "sha256:" + valid_hex, "members": 4, "bytes": len(valid), "packed": 1}),
        key_of(valid_hex), "record", "UNKNOWN_FIELD"))
    other_hex = hashlib.sha256(b"another pack").hexdigest()
    vectors.append(("record-key-mismatch", None, valid_record, key_of(other_hex), "record-key", "-"))
    vectors.append(("record-index-too-big", None, record(valid, members=11), key_of(valid_hex), "record-sizes", "-"))

    # the pack's checks, against a record that matches the damaged pack (as a buggy writer would have written it)
    vectors.append(("truncated-tail", valid[:-1], valid_record, key_of(valid_hex), "tail-length", "-"))
    damaged("wrong-magic", with_index(members, entries, magic=b"MLOPS4J-PACK-V2\n"), "magic")
    damaged("count-differs", valid, "count", count=3)
    damaged("out-of-order", with_index(members, [entries[1], entries[0]] + entries[2:]), "order")
    hello = entry(sha(b"hello\n"), 0, 6)
    damaged("duplicate-digest", with_index(b"hello\nhello\n", [hello, entry(sha(b"hello\n"), 6, 6)]), "duplicate")
    # the 256-byte member one byte later: it ends one byte past indexOffset
    last = [e for e in entries if e[:32] == sha(bytes(range(256)))][0]
    moved = [entry(e[:32], 33, 256) if e == last else e for e in entries]
    damaged("member-past-index", with_index(members, moved), "range")
    # offset + size wraps around 2^64 to 16: a reader that adds unsigned 64-bit integers must not accept it
    wrap = [entry(e[:32], 2 ** 64 - 16, 32) if e == last else e for e in entries]
    damaged("member-offset-wraps", with_index(members, wrap), "range")
    damaged("member-digest", with_index(b"jello\n" + members[6:], entries), "member-digest")
    return vectors


# --- the pack index (§11.7) ------------------------------------------------------------------------------------

INDEX_MAGIC = b"MLOPS4J-PIDX-V1\n"
EXTRA_MEMBERS = [b"a second pack\n"]


def section(pack, members=None, size=None):
    """A pack in a layer: its digest, its size and member count, then its own index entries."""
    _, entries = split(pack)
    return (sha(pack), struct.pack(">QQ", len(pack) if size is None else size,
                                   len(entries) if members is None else members) + b"".join(entries))


def layer_of(sections, sort=True, magic=INDEX_MAGIC, count=None, padding=b""):
    """Sections sorted by pack digest bytes, then the trailer: the magic and the number of packs."""
    ordered = sorted(sections) if sort else sections
    body = b"".join(digest + rest for digest, rest in ordered)
    return body + padding + magic + struct.pack(">Q", len(ordered) if count is None else count)


def members_of(sections):
    return sum((len(rest) - 16) // 48 for _, rest in sections)


def layer_ref(layer, packs, members, size=None, digest_hex=None):
    return {"layer": "sha256:" + (digest_hex or hashlib.sha256(layer).hexdigest()), "packs": packs,
            "members": members, "bytes": len(layer) if size is None else size}


def index_pointer(refs):
    return verify.write({"format": "mlops4j.pack-index/1", "layers": refs})


def invalid_index_vectors(pack, extra):
    """(name, layer bytes or None, pointer bytes, check, record reason or '-'); the pointer names the layer."""
    valid = [section(pack), section(extra)]
    layer = layer_of(valid)
    ref = layer_ref(layer, 2, members_of(valid))
    vectors = []

    def damaged(name, bad, check, packs=2, members=None):
        vectors.append((name, bad, index_pointer([layer_ref(bad, packs, members_of(valid) if members is None
                                                             else members)]), check, "-"))

    vectors.append(("pointer-noncanonical", None, index_pointer([ref]) + b"\n", "pointer", "NON_CANONICAL"))
    vectors.append(("pointer-unknown-field", None, verify.write(
        {"format": "mlops4j.pack-index/1", "layers": [ref], "generation": 1}), "pointer", "UNKNOWN_FIELD"))
    vectors.append(("pointer-packs-zero", None, index_pointer([layer_ref(layer, 0, members_of(valid))]), "pointer",
                    "INVALID_VALUE"))
    vectors.append(("pointer-layer-twice", None, index_pointer([ref, ref]), "pointer-duplicate", "-"))
    vectors.append(("layer-size", layer, index_pointer([layer_ref(layer, 2, members_of(valid), size=len(layer) + 1)]),
                    "layer-size", "-"))
    # a layer whose bytes changed after the pointer named them: same size, another digest
    altered = bytearray(layer)
    altered[40] ^= 1
    vectors.append(("layer-digest", bytes(altered), index_pointer([ref]), "layer-digest", "-"))
    damaged("layer-magic", layer_of(valid, magic=b"MLOPS4J-PIDX-V2\n"), "layer-magic")
    damaged("layer-count", layer, "layer-count", packs=1)
    damaged("layer-order", layer_of(sorted(valid, reverse=True), sort=False), "layer-order")
    damaged("layer-pack-members-zero", layer_of([section(pack, members=0)] + valid[1:]), "layer-pack")
    damaged("layer-pack-too-small", layer_of([section(pack, size=24 + 48 * 3)] + valid[1:]), "layer-pack")
    damaged("layer-truncated", layer_of(valid[:1], count=2), "layer-length")
    damaged("layer-extra-bytes", layer_of(valid, padding=bytes(8)), "layer-length")
    members, entries = split(pack)
    swapped = with_index(members, [entries[1], entries[0]] + entries[2:])
    damaged("layer-entry-order", layer_of([(sha(pack), section(swapped)[1])] + valid[1:]), "order")
    last = [e for e in entries if e[:32] == sha(bytes(range(256)))][0]
    moved = with_index(members, [entry(e[:32], 33, 256) if e == last else e for e in entries])
    damaged("layer-entry-range", layer_of([(sha(pack), section(moved)[1])] + valid[1:]), "range")
    damaged("layer-members", layer, "layer-members", members=members_of(valid) + 1)
    return vectors


def write_index_vectors(out, pack):
    os.makedirs(os.path.join(out, "invalid"), exist_ok=True)
    extra = pack_of(EXTRA_MEMBERS)
    write_file(os.path.join(out, "extra-pack.bin"), extra)
    sections = [section(pack), section(extra)]
    layer = layer_of(sections)
    write_file(os.path.join(out, "layer.bin"), layer)
    write_file(os.path.join(out, "index.json"), index_pointer([layer_ref(layer, 2, members_of(sections))]))
    write_file(os.path.join(out, "SHA256SUMS"), sums(out, ["extra-pack.bin", "layer.bin", "index.json"]))
    index = ["# <vector> <check> <pointer reason or ->: <vector>.json is the pointer (packs/index.json), <vector>.bin the\n",
             "# record of the layer it names (absent when the pointer is rejected). Checks: docs/lake-format.md 11.7.\n"]
    for name, data, pointer, check, reason in invalid_index_vectors(pack, extra):
        if data is not None:
            write_file(os.path.join(out, "invalid", name + ".bin"), data)
        write_file(os.path.join(out, "invalid", name + ".json"), pointer)
        index.append("%s %s %s\n" % (name, check, reason))
    write_file(os.path.join(out, "invalid", "INDEX"), "".join(index).encode("ascii"))
    print("pack index layer sha256:%s, %d bytes" % (hashlib.sha256(layer).hexdigest(), len(layer)))


def write_file(path, data):
    if os.path.exists(path):
        with open(path, "rb") as f:
            if f.read() != data:
                sys.exit("refusing to change %s: a golden vector is a format contract" % path)
        return
    with open(path, "wb") as f:
        f.write(data)


def sums(directory, names):
    lines = []
    for name in names:
        with open(os.path.join(directory, name), "rb") as f:
            lines.append("%s  %s\n" % (hashlib.sha256(f.read()).hexdigest(), name))
    return "".join(lines).encode("ascii")


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "..", "mlops-core", "src", "test", "resources",
                                                            "golden", "pack")
    os.makedirs(os.path.join(out, "invalid"), exist_ok=True)
    pack = pack_of([content for _, content in MEMBERS])
    pack_record = record(pack)
    write_file(os.path.join(out, "pack.bin"), pack)
    write_file(os.path.join(out, "pack-record.json"), pack_record)
    offset, lines = 0, []
    for name, content in MEMBERS:
        write_file(os.path.join(out, name), content)
        lines.append("%s %d\n" % (name, offset))
        offset += len(content)
    write_file(os.path.join(out, "MEMBERS"), "".join(lines).encode("ascii"))
    write_file(os.path.join(out, "SHA256SUMS"),
               sums(out, ["pack.bin", "pack-record.json"] + [name for name, _ in MEMBERS]))

    index = ["# <vector> <record key> <check> <record reason or ->: <vector>.json is the record read under that key,\n",
             "# <vector>.bin the pack (absent when the record is rejected). Checks: docs/lake-format.md section 11.5.\n"]
    for name, data, rec, key, check, reason in invalid_vectors(pack, pack_record):
        if data is not None:
            write_file(os.path.join(out, "invalid", name + ".bin"), data)
        write_file(os.path.join(out, "invalid", name + ".json"), rec)
        index.append("%s %s %s %s\n" % (name, key, check, reason))
    write_file(os.path.join(out, "invalid", "INDEX"), "".join(index).encode("ascii"))
    print("pack sha256:%s, %d bytes, record %s" % (hashlib.sha256(pack).hexdigest(), len(pack), pack_record.decode()))
    write_index_vectors(os.path.join(out, "..", "pack-index"), pack)


if __name__ == "__main__":
    main()
