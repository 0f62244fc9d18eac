#!/usr/bin/env python3
"""Verifies the lake format's golden vectors with a second, independent implementation (Python 3.8+, stdlib only).

It re-implements docs/lake-format.md from the spec, not from the Java code:
  * a canonical JSON writer,
  * a strict canonical JSON reader (its own recursive-descent parser, checks in the order the spec gives),
  * the lake.json reader,
and checks
  * every positive vector (golden/SHA256SUMS): hashlib's SHA-256 of the file equals the listed digest; the strict
    reader accepts it; Python's json module decodes the same value; re-encoding that value gives the same bytes;
  * every negative vector (golden/invalid/INDEX): the strict reader (or the lake.json or record reader) rejects it
    with the listed reason;
  * record checksums (§5.1): a golden record that has one matches it and is rebuilt byte for byte by this script's
    checksum writer; the pack record and pack index pointer with their checksums likewise, and those without still
    read;
  * the pack vectors (golden/pack/, §11), with its own pack writer and reader: SHA256SUMS; the pack rebuilt from its
    members in write order gives the same bytes; the record is canonical, names the pack's SHA-256 and size; the
    trailer, the count against the record, the sort order, uniqueness and ranges of the index; each member where
    MEMBERS says and hashing to its entry; every invalid pack (golden/pack/invalid/INDEX) rejected by its check;
  * the pack index vectors (golden/pack-index/, §11.7), with its own layer writer and reader: the layer rebuilt from
    the two packs gives the same bytes; the pointer is canonical; every section of the layer is its pack's own size
    and index; every invalid pointer or layer (golden/pack-index/invalid/INDEX) rejected by its check.

Usage: scripts/verify-golden-vectors.py [golden-dir]   (default: mlops-core/src/test/resources/golden)
Exit status 0 when every check passes. Not run by the build: a tool for humans and other implementations.
"""

import hashlib
import json
import os
import re
import sys
import unicodedata

MAX_BYTES = 16 * 1024 * 1024
MAX_DEPTH = 64
MAX_NUMBER_LENGTH = 1000
INT64_MIN, INT64_MAX = -(2 ** 63), 2 ** 63 - 1
SHORT_ESCAPES = {0x08: "\\b", 0x09: "\\t", 0x0A: "\\n", 0x0C: "\\f", 0x0D: "\\r"}
WHITESPACE = " \t\n\r"


class Reject(Exception):
    def __init__(self, reason, detail):
        super().__init__(f"{reason}: {detail}")
        self.reason = reason


# --- writer ----------------------------------------------------------------------------------------------------

def encode_string(s):
    out = ['"']
    for ch in s:
        o = ord(ch)
        if ch == '"':
            out.append('\\"')
        elif ch == "\\":
            out.append("\\\\")
        elif o in SHORT_ESCAPES:
            out.append(SHORT_ESCAPES[o])
        elif o < 0x20:
            out.append("\\u%04X" % o)
        elif 0xD800 <= o <= 0xDFFF:
            raise ValueError("lone surrogate")
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def encode(value):
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int):
        if not INT64_MIN <= value <= INT64_MAX:
            raise ValueError("integer beyond 64 bits")
        return str(value)
    if isinstance(value, float):
        raise ValueError("floating point")
    if isinstance(value, str):
        return encode_string(value)
    if isinstance(value, list):
        return "[" + ",".join(encode(v) for v in value) + "]"
    if isinstance(value, dict):
        keys = sorted(value, key=lambda k: k.encode("utf-8"))
        return "{" + ",".join(encode_string(k) + ":" + encode(value[k]) for k in keys) + "}"
    raise ValueError("unsupported type %r" % type(value))


def write(value):
    return encode(value).encode("utf-8")


# --- strict reader ---------------------------------------------------------------------------------------------

class Parser:
    def __init__(self, text):
        self.s = text
        self.i = 0

    def fail(self, reason, detail):
        raise Reject(reason, "%s at char %d" % (detail, self.i))

    def ws(self):
        while self.i < len(self.s) and self.s[self.i] in WHITESPACE:
            self.i += 1

    def peek(self):
        return self.s[self.i] if self.i < len(self.s) else ""

    def value(self, depth):
        self.ws()
        c = self.peek()
        if c == "{":
            return self.obj(depth + 1)
        if c == "[":
            return self.arr(depth + 1)
        if c == '"':
            return check_surrogates(self.string())
        if c == "-" or c.isdigit():
            return self.number()
        for literal, v in (("true", True), ("false", False), ("null", None)):
            if self.s.startswith(literal, self.i):
                self.i += len(literal)
                return v
        self.fail("MALFORMED_JSON", "unexpected %r" % c if c else "unexpected end")

    def obj(self, depth):
        if depth > MAX_DEPTH:
            self.fail("TOO_DEEP", "nesting")
        self.i += 1
        result, previous = {}, None
        self.ws()
        if self.peek() == "}":
            self.i += 1
            return result
        while True:
            self.ws()
            if self.peek() != '"':
                self.fail("MALFORMED_JSON", "expected a key")
            key = check_surrogates(self.string())
            if key in result:
                self.fail("DUPLICATE_KEY", repr(key))
            if previous is not None and previous.encode("utf-8") > key.encode("utf-8"):
                self.fail("UNSORTED_KEYS", repr(key))
            self.ws()
            if self.peek() != ":":
                self.fail("MALFORMED_JSON", "expected ':'")
            self.i += 1
            result[key] = self.value(depth)
            previous = key
            self.ws()
            c = self.peek()
            self.i += 1
            if c == "}":
                return result
            if c != ",":
                self.fail("MALFORMED_JSON", "expected ',' or '}'")

    def arr(self, depth):
        if depth > MAX_DEPTH:
            self.fail("TOO_DEEP", "nesting")
        self.i += 1
        result = []
        self.ws()
        if self.peek() == "]":
            self.i += 1
            return result
        while True:
            result.append(self.value(depth))
            self.ws()
            c = self.peek()
            self.i += 1
            if c == "]":
                return result
            if c != ",":
                self.fail("MALFORMED_JSON", "expected ',' or ']'")

    def string(self):
        self.i += 1
        out = []
        while True:
            if self.i >= len(self.s):
                self.fail("MALFORMED_JSON", "unterminated string")
            c = self.s[self.i]
            self.i += 1
            if c == '"':
                return "".join(out)
            if ord(c) < 0x20:
                self.fail("MALFORMED_JSON", "raw control character in a string")
            if c != "\\":
                out.append(c)
                continue
            e = self.peek()
            self.i += 1
            simple = {'"': '"', "\\": "\\", "/": "/", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t"}
            if e in simple:
                out.append(simple[e])
            elif e == "u" and re.fullmatch(r"[0-9A-Fa-f]{4}", self.s[self.i:self.i + 4]):
                out.append(chr(int(self.s[self.i:self.i + 4], 16)))
                self.i += 4
            else:
                self.fail("MALFORMED_JSON", "bad escape")

    def number(self):
        # leading zeros are lexed (and later found NON_CANONICAL), as the Java reader does
        m = re.compile(r"-?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?").match(self.s, self.i)
        if not m:
            self.fail("MALFORMED_JSON", "bad number")
        text = m.group(0)
        if len(text.lstrip("-").split(".")[0].split("e")[0].split("E")[0]) > MAX_NUMBER_LENGTH:
            self.fail("TOO_LARGE", "number longer than %d digits" % MAX_NUMBER_LENGTH)
        self.i = m.end()
        if m.group(1):
            self.fail("FLOATING_POINT", text)
        if m.group(2):
            self.fail("NON_CANONICAL", "exponent in " + text)
        value = int(text)
        if not INT64_MIN <= value <= INT64_MAX:
            self.fail("INVALID_VALUE", "integer beyond 64 bits")
        return value


def check_surrogates(s):
    # a valid pair from two escapes was already combined below; any surrogate left is lone
    combined = s.encode("utf-16", "surrogatepass").decode("utf-16", "surrogatepass")
    if any(0xD800 <= ord(c) <= 0xDFFF for c in combined):
        raise Reject("INVALID_UTF8", "escaped lone surrogate")
    return combined


def read(data):
    if len(data) > MAX_BYTES:
        raise Reject("TOO_LARGE", "document")
    if data.startswith(b"\xef\xbb\xbf"):
        raise Reject("INVALID_UTF8", "byte order mark")
    if b"\x00" in data[:4]:
        raise Reject("MALFORMED_JSON", "NUL at the start: UTF-16 or UTF-32")
    try:
        text = data.decode("utf-8", "strict")
    except UnicodeDecodeError as e:
        raise Reject("INVALID_UTF8", str(e))
    p = Parser(text)
    p.ws()
    if p.i == len(text):
        raise Reject("MALFORMED_JSON", "no value")
    value = p.value(0)
    p.ws()
    if p.i < len(text):
        p.value(0)  # a malformed rest is MALFORMED_JSON; a well-formed second value is NON_CANONICAL
        raise Reject("NON_CANONICAL", "a second value")
    value = normalize(value)
    if write(value) != data:
        raise Reject("NON_CANONICAL", "not the canonical bytes")
    return value


def normalize(v):
    """Combines surrogate pairs that came from two \\u escapes into one code point."""
    if isinstance(v, str):
        return check_surrogates(v)
    if isinstance(v, list):
        return [normalize(x) for x in v]
    if isinstance(v, dict):
        return {check_surrogates(k): normalize(x) for k, x in v.items()}
    return v


# --- lake.json -------------------------------------------------------------------------------------------------

FORMAT_RE = re.compile(r"([a-z0-9]+(?:[.-][a-z0-9]+)*)/([1-9][0-9]{0,8})")


def read_record(data, name, version):
    """Steps 1 and 2 of §6.2: strict bytes (a newer format first), an object, the expected format."""
    try:
        record = read(data)
    except Reject:
        try:
            peek = json.loads(data.decode("utf-8"))
            m = FORMAT_RE.fullmatch(peek.get("format", "")) if isinstance(peek, dict) else None
            if m and m.group(1) == name and int(m.group(2)) > version:
                raise Reject("UNSUPPORTED_FORMAT", "newer format " + peek["format"])
        except (ValueError, AttributeError, TypeError):
            pass
        raise
    if not isinstance(record, dict):
        raise Reject("WRONG_TYPE", "not an object")
    fmt = field(record, "format", str)
    m = FORMAT_RE.fullmatch(fmt)
    if not m or m.group(1) != name:
        raise Reject("INVALID_VALUE", "format " + fmt)
    if int(m.group(2)) > version:
        raise Reject("UNSUPPORTED_FORMAT", "newer format " + fmt)
    check_checksum(record)
    return record


def check_checksum(record):
    """Step 3 of §6.2 (§5.1): a record's checksum, if it has one, is the SHA-256 of the record without it."""
    if "checksum" not in record:
        return
    m = DIGEST_RE.fullmatch(field(record, "checksum", str))
    if not m:
        raise Reject("INVALID_VALUE", "checksum " + record["checksum"])
    actual = hashlib.sha256(write({k: v for k, v in record.items() if k != "checksum"})).hexdigest()
    if actual != m.group(1):
        raise Reject("CHECKSUM_MISMATCH", "the record hashes to sha256:%s, its checksum says %s"
                     % (actual, record["checksum"]))


def read_any_record(data):
    """A record of any kind, as store verification reads it: strict bytes, an object, a format, its checksum."""
    record = read(data)
    if not isinstance(record, dict):
        raise Reject("WRONG_TYPE", "not an object")
    if not FORMAT_RE.fullmatch(field(record, "format", str)):
        raise Reject("INVALID_VALUE", "format " + record["format"])
    check_checksum(record)
    return record


def with_checksum(record):
    """This script's own checksum writer (§5.1): the record plus the SHA-256 of its canonical JSON."""
    return dict(record, checksum="sha256:" + hashlib.sha256(write(record)).hexdigest())


def read_lake_json(data):
    record = read_record(data, "mlops4j.lake", 1)
    algorithm = field(record, "hashAlgorithm", str)
    unknown = sorted(set(record) - {"format", "hashAlgorithm", "checksum"}, key=lambda k: k.encode("utf-8"))
    if unknown:
        raise Reject("UNKNOWN_FIELD", unknown[0])
    if algorithm != "sha256":
        raise Reject("UNSUPPORTED_FORMAT", "hash algorithm " + algorithm)
    return record


def field(record, name, kind):
    if name not in record:
        raise Reject("MISSING_FIELD", name)
    value = record[name]
    if not isinstance(value, kind) or isinstance(value, bool) != (kind is bool):
        raise Reject("WRONG_TYPE", name)
    return value


# --- packs (§11) -----------------------------------------------------------------------------------------------

PACK_MAGIC = b"MLOPS4J-PACK-V1\n"
ENTRY_BYTES, TRAILER_BYTES = 48, 24
MAX_READ_MEMBERS = 2 ** 20
DIGEST_RE = re.compile(r"sha256:([0-9a-f]{64})")
# the checks of §11.5, in the order a reader makes them
PACK_CHECKS = ("record", "record-key", "record-sizes", "tail-length", "magic", "count", "order", "duplicate", "range",
               "member-digest")


class PackReject(Exception):
    """A pack or pack record that a reader must refuse: `check` names the rule (§11.5), `reason` a record's reason."""

    def __init__(self, check, detail, reason="-"):
        super().__init__("%s%s: %s" % (check, "" if reason == "-" else "/" + reason, detail))
        self.check = check
        self.reason = reason


def ranged(record, name, low, high):
    value = field(record, name, int)
    if not low <= value <= high:
        raise Reject("INVALID_VALUE", "%s %d outside [%d, %d]" % (name, value, low, high))
    return value


def read_pack_record(data, key):
    """A pack record read under its key: (pack hex, members, bytes, index offset)."""
    try:
        record = read_record(data, "mlops4j.pack", 1)
        m = DIGEST_RE.fullmatch(field(record, "pack", str))
        if not m:
            raise Reject("INVALID_VALUE", "pack " + record["pack"])
        members = ranged(record, "members", 1, MAX_READ_MEMBERS)
        size = ranged(record, "bytes", TRAILER_BYTES, INT64_MAX)
        unknown = sorted(set(record) - {"format", "pack", "members", "bytes", "checksum"}, key=lambda k: k.encode("utf-8"))
        if unknown:
            raise Reject("UNKNOWN_FIELD", unknown[0])
    except Reject as e:
        raise PackReject("record", "%s: %s" % (key, e), e.reason)
    if key != "packs/sha256/" + m.group(1):
        raise PackReject("record-key", "%s names pack %s" % (key, record["pack"]))
    index_offset = size - TRAILER_BYTES - ENTRY_BYTES * members
    if index_offset < 0:
        raise PackReject("record-sizes", "%s: %d members cannot fit in %d bytes" % (key, members, size))
    return m.group(1), members, size, index_offset


def read_pack_index(pack, record):
    """The index entries (digest, offset, size) of a pack, read as a ranged read of its tail would read them."""
    pack_hex, members, _, index_offset = record
    tail_bytes = ENTRY_BYTES * members + TRAILER_BYTES
    tail = pack[index_offset:index_offset + tail_bytes]  # a ranged read: short at the end of a truncated pack
    where = "pack sha256:" + pack_hex
    if len(tail) != tail_bytes:
        raise PackReject("tail-length", "%s: %d of %d tail bytes" % (where, len(tail), tail_bytes))
    if tail[-TRAILER_BYTES:-8] != PACK_MAGIC:
        raise PackReject("magic", "%s: trailer %r" % (where, tail[-TRAILER_BYTES:-8]))
    count = int.from_bytes(tail[-8:], "big")
    if count != members:
        raise PackReject("count", "%s: trailer %d members, record %d" % (where, count, members))
    return read_entries(tail, count, index_offset, where)


def read_entries(data, count, index_offset, where):
    """`count` index entries at the start of `data`: sorted, each digest once, each member before `index_offset`."""
    entries = []
    for i in range(count):
        raw = data[ENTRY_BYTES * i:ENTRY_BYTES * (i + 1)]
        digest, offset, size = raw[:32], int.from_bytes(raw[32:40], "big"), int.from_bytes(raw[40:48], "big")
        if entries and entries[-1][0] == digest:
            raise PackReject("duplicate", "%s: entry %d repeats %s" % (where, i, digest.hex()))
        if entries and entries[-1][0] > digest:
            raise PackReject("order", "%s: entry %d out of digest order" % (where, i))
        if offset + size > index_offset:  # Python integers do not wrap; a u64 reader must check without overflow
            raise PackReject("range", "%s: entry %d at %d (%d bytes) past %d" % (where, i, offset, size, index_offset))
        entries.append((digest, offset, size))
    return entries


def read_pack_members(pack, record, entries):
    """Each member's bytes, checked against its entry's SHA-256, as a reader checks a member it reads."""
    members = {}
    for digest, offset, size in entries:
        data = pack[offset:offset + size]
        if hashlib.sha256(data).digest() != digest:
            raise PackReject("member-digest", "pack sha256:%s: member %s hashes to %s"
                             % (record[0], digest.hex(), hashlib.sha256(data).hexdigest()))
        members[digest] = data
    return members


def write_pack(contents):
    """This script's own pack writer: members back to back in write order, the sorted index, the trailer."""
    data, entries = b"", []
    for content in contents:
        entries.append(hashlib.sha256(content).digest() + len(data).to_bytes(8, "big") + len(content).to_bytes(8, "big"))
        data += content
    entries.sort(key=lambda e: e[:32])
    pack = data + b"".join(entries) + PACK_MAGIC + len(entries).to_bytes(8, "big")
    fields = {"format": "mlops4j.pack/1", "pack": "sha256:" + hashlib.sha256(pack).hexdigest(),
              "members": len(entries), "bytes": len(pack)}
    return pack, write(fields), write(with_checksum(fields))


def check_packs(directory, ok, fail):
    """Checks the pack vectors; ok(name) and fail(name, problem) count the results."""
    def load(*names):
        with open(os.path.join(directory, *names), "rb") as f:
            return f.read()

    for line in load("SHA256SUMS").decode("ascii").splitlines():
        expected, name = line.split("  ", 1)
        if hashlib.sha256(load(name)).hexdigest() == expected:
            ok("pack/%s sha256:%s" % (name, expected))
        else:
            fail("pack/" + name, "digest differs from SHA256SUMS")
    pack, record_bytes = load("pack.bin"), load("pack-record.json")
    listed = [line.split() for line in load("MEMBERS").decode("ascii").splitlines()]
    contents = [load(name) for name, _ in listed]

    rebuilt, rebuilt_record, rebuilt_checksummed = write_pack(contents)
    if rebuilt == pack and rebuilt_record == record_bytes:
        ok("pack/pack.bin and pack-record.json rebuilt byte for byte from MEMBERS in write order")
    else:
        fail("pack/pack.bin", "this script's writer gives other bytes for the members in MEMBERS")
    checksummed = load("pack-record-checksum.json")
    if rebuilt_checksummed == checksummed:
        ok("pack/pack-record-checksum.json rebuilt byte for byte: the record with its checksum (§5.1)")
    else:
        fail("pack/pack-record-checksum.json", "this script's writer gives other bytes")
    try:
        if read_pack_record(checksummed, "packs/sha256/" + hashlib.sha256(pack).hexdigest())[0] \
                != hashlib.sha256(pack).hexdigest():
            fail("pack/pack-record-checksum.json", "names another pack")
        else:
            ok("pack/pack-record-checksum.json read, checksum matching")
    except PackReject as e:
        fail("pack/pack-record-checksum.json", "rejected: %s" % e)
    pack_hex = hashlib.sha256(pack).hexdigest()
    try:
        record = read_pack_record(record_bytes, "packs/sha256/" + pack_hex)
        problems = []
        if write(read(record_bytes)) != record_bytes or json.loads(record_bytes.decode("utf-8")) != read(record_bytes):
            problems.append("record not canonical")
        if record[0] != pack_hex or record[2] != len(pack):
            problems.append("record names another pack or size than pack.bin's SHA-256 and length")
        entries = read_pack_index(pack, record)
        found = read_pack_members(pack, record, entries)
        if len(entries) != len(listed):
            problems.append("%d entries, MEMBERS lists %d" % (len(entries), len(listed)))
        for (name, offset), content in zip(listed, contents):
            digest = hashlib.sha256(content).digest()
            at = [e for e in entries if e[0] == digest]
            if not at or at[0][1:] != (int(offset), len(content)) or found[digest] != content:
                problems.append("%s not at offset %s with %d bytes" % (name, offset, len(content)))
        if problems:
            fail("pack/pack.bin", "; ".join(problems))
        else:
            ok("pack/pack.bin read: record, trailer, count, order, ranges, %d members" % len(entries))
    except PackReject as e:
        fail("pack/pack.bin", "rejected: %s" % e)

    indexed = [line.split() for line in load("invalid", "INDEX").decode("ascii").splitlines()
               if line.strip() and not line.startswith("#")]
    missing = [check for check in PACK_CHECKS if check not in {fields[2] for fields in indexed}]
    if missing:
        fail("pack/invalid/INDEX", "no vector for the checks " + ", ".join(missing))
    else:
        ok("pack/invalid/INDEX has a vector for each of the %d checks" % len(PACK_CHECKS))
    for name, key, check, reason in indexed:
        damaged = load("invalid", name + ".bin") if os.path.exists(os.path.join(directory, "invalid",
                                                                                name + ".bin")) else None
        try:
            record = read_pack_record(load("invalid", name + ".json"), key)
            if damaged is None:
                fail("pack/invalid/" + name, "record accepted and no pack to read, expected %s" % check)
                continue
            read_pack_members(damaged, record, read_pack_index(damaged, record))
            fail("pack/invalid/" + name, "accepted, expected %s %s" % (check, reason))
        except PackReject as e:
            if (e.check, e.reason) == (check, reason):
                ok("pack/invalid/%s rejected: %s" % (name, e))
            else:
                fail("pack/invalid/" + name, "rejected as %s %s, expected %s %s (%s)" % (e.check, e.reason, check,
                                                                                         reason, e))


# --- main ------------------------------------------------------------------------------------------------------

# --- the pack index (§11.7) ------------------------------------------------------------------------------------

INDEX_MAGIC = b"MLOPS4J-PIDX-V1\n"
MAX_READ_LAYERS = 64
# the checks of §11.7, in the order a reader makes them
INDEX_CHECKS = ("pointer", "pointer-duplicate", "layer-size", "layer-digest", "layer-magic", "layer-count",
                "layer-order", "layer-pack", "layer-length", "order", "range", "layer-members")


def read_index_pointer(data):
    """The layers the pointer names, oldest first: (layer hex, packs, members, bytes)."""
    try:
        record = read_record(data, "mlops4j.pack-index", 1)
        items = field(record, "layers", list)
        unknown = sorted(set(record) - {"format", "layers", "checksum"}, key=lambda k: k.encode("utf-8"))
        if unknown:
            raise Reject("UNKNOWN_FIELD", unknown[0])
        if len(items) > MAX_READ_LAYERS:
            raise PackReject("pointer-layers", "%d layers" % len(items))
        layers = []
        for item in items:
            if not isinstance(item, dict):
                raise Reject("WRONG_TYPE", "layer")
            m = DIGEST_RE.fullmatch(field(item, "layer", str))
            if not m:
                raise Reject("INVALID_VALUE", "layer " + item["layer"])
            layer = (m.group(1), ranged(item, "packs", 1, INT64_MAX), ranged(item, "members", 1, INT64_MAX),
                     ranged(item, "bytes", TRAILER_BYTES, 2 ** 31 - 9))
            unknown = sorted(set(item) - {"layer", "packs", "members", "bytes"}, key=lambda k: k.encode("utf-8"))
            if unknown:
                raise Reject("UNKNOWN_FIELD", unknown[0])
            layers.append(layer)
    except Reject as e:
        raise PackReject("pointer", str(e), e.reason)
    if len({layer[0] for layer in layers}) != len(layers):
        raise PackReject("pointer-duplicate", "a layer named twice")
    return layers


def read_layer(data, layer):
    """The packs of a layer: {pack hex: (size, [(digest, offset, size)])}, checked as §11.7 says."""
    layer_hex, packs, members, size = layer
    where = "layer sha256:" + layer_hex
    if len(data) != size:
        raise PackReject("layer-size", "%s: %d bytes, the pointer says %d" % (where, len(data), size))
    if hashlib.sha256(data).hexdigest() != layer_hex:
        raise PackReject("layer-digest", "%s hashes to %s" % (where, hashlib.sha256(data).hexdigest()))
    if data[-TRAILER_BYTES:-8] != INDEX_MAGIC:
        raise PackReject("layer-magic", "%s: trailer %r" % (where, data[-TRAILER_BYTES:-8]))
    count = int.from_bytes(data[-8:], "big")
    if count != packs:
        raise PackReject("layer-count", "%s: trailer %d packs, the pointer %d" % (where, count, packs))
    end, at, previous, found, total = len(data) - TRAILER_BYTES, 0, None, {}, 0
    for i in range(count):
        if end - at < 48:
            raise PackReject("layer-length", "%s ends within pack %d" % (where, i))
        digest = data[at:at + 32]
        if previous is not None and previous >= digest:
            raise PackReject("layer-order", "%s: pack %d out of digest order" % (where, i))
        previous = digest
        pack_size, n = int.from_bytes(data[at + 32:at + 40], "big"), int.from_bytes(data[at + 40:at + 48], "big")
        if not 1 <= n <= MAX_READ_MEMBERS or pack_size - TRAILER_BYTES < ENTRY_BYTES * n:
            raise PackReject("layer-pack", "%s: pack %d says %d members in %d bytes" % (where, i, n, pack_size))
        at += 48
        if end - at < ENTRY_BYTES * n:
            raise PackReject("layer-length", "%s ends within the entries of pack %d" % (where, i))
        index_offset = pack_size - TRAILER_BYTES - ENTRY_BYTES * n
        found[digest.hex()] = (pack_size, read_entries(data[at:], n, index_offset, where + " pack " + digest.hex()))
        at += ENTRY_BYTES * n
        total += n
    if at != end:
        raise PackReject("layer-length", "%s: %d bytes after its last pack" % (where, end - at))
    if total != members:
        raise PackReject("layer-members", "%s: %d members, the pointer says %d" % (where, total, members))
    return found


def write_layer(packs):
    """This script's own layer writer: per pack (sorted by digest) its digest, size, count and index, the trailer."""
    sections = []
    for pack in packs:
        n = int.from_bytes(pack[-8:], "big")
        index = pack[len(pack) - TRAILER_BYTES - ENTRY_BYTES * n:len(pack) - TRAILER_BYTES]
        sections.append(hashlib.sha256(pack).digest() + len(pack).to_bytes(8, "big") + n.to_bytes(8, "big") + index)
    sections.sort(key=lambda section: section[:32])
    return b"".join(sections) + INDEX_MAGIC + len(sections).to_bytes(8, "big")


def check_pack_index(directory, pack_directory, ok, fail):
    """Checks the pack index vectors; ok(name) and fail(name, problem) count the results."""
    def load(*names):
        with open(os.path.join(directory, *names), "rb") as f:
            return f.read()

    with open(os.path.join(directory, "SHA256SUMS"), encoding="utf-8") as sums:
        for line in sums:
            expected, name = line.rstrip("\n").split("  ", 1)
            if hashlib.sha256(load(name)).hexdigest() == expected:
                ok("pack-index/%s sha256:%s" % (name, expected))
            else:
                fail("pack-index/" + name, "digest differs from SHA256SUMS")
    with open(os.path.join(pack_directory, "pack.bin"), "rb") as f:
        packs = {hashlib.sha256(pack).hexdigest(): pack for pack in (f.read(), load("extra-pack.bin"))}
    layer_bytes, pointer = load("layer.bin"), load("index.json")
    if write_layer(list(packs.values())) == layer_bytes:
        ok("pack-index/layer.bin rebuilt byte for byte from pack.bin and extra-pack.bin")
    else:
        fail("pack-index/layer.bin", "this script's writer gives other bytes for the two packs")
    try:
        layers = read_index_pointer(pointer)
        if write({"format": "mlops4j.pack-index/1", "layers": [
                {"layer": "sha256:" + h, "packs": p, "members": m, "bytes": b} for h, p, m, b in layers]}) != pointer:
            fail("pack-index/index.json", "re-encoding the pointer gives other bytes")
        found = read_layer(layer_bytes, layers[0])
        for pack_hex, (size, entries) in found.items():
            pack = packs[pack_hex]
            record = (pack_hex, len(entries), size, size - TRAILER_BYTES - ENTRY_BYTES * len(entries))
            if size != len(pack) or entries != read_pack_index(pack, record):
                fail("pack-index/layer.bin", "pack %s: another size or index than the pack's own" % pack_hex)
            read_pack_members(pack, record, entries)
        ok("pack-index/index.json and layer.bin read: %d packs, every member hashing to its entry" % len(found))
    except (PackReject, KeyError) as e:
        fail("pack-index/index.json", "rejected: %s" % e)
    try:
        checksummed = load("index-checksum.json")
        layers = read_index_pointer(checksummed)
        if write(with_checksum({"format": "mlops4j.pack-index/1", "layers": [
                {"layer": "sha256:" + h, "packs": p, "members": m, "bytes": b} for h, p, m, b in layers]})) \
                != checksummed or layers != read_index_pointer(pointer):
            fail("pack-index/index-checksum.json", "not index.json with its checksum")
        else:
            ok("pack-index/index-checksum.json read: index.json with its checksum, written byte for byte")
    except PackReject as e:
        fail("pack-index/index-checksum.json", "rejected: %s" % e)
    listed = set()
    for line in load("invalid", "INDEX").decode("ascii").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        name, check, reason = line.split()
        listed.add(check)
        try:
            layers = read_index_pointer(load("invalid", name + ".json"))
            if not os.path.exists(os.path.join(directory, "invalid", name + ".bin")):
                fail("pack-index/invalid/" + name, "pointer accepted and no layer to read, expected %s" % check)
                continue
            read_layer(load("invalid", name + ".bin"), layers[0])
            fail("pack-index/invalid/" + name, "accepted, expected %s %s" % (check, reason))
        except PackReject as e:
            if e.check == check and e.reason == reason:
                ok("pack-index/invalid/%s rejected: %s" % (name, e))
            else:
                fail("pack-index/invalid/" + name, "rejected as %s %s, expected %s %s (%s)" % (
                    e.check, e.reason, check, reason, e))
    missing = [c for c in INDEX_CHECKS if c not in listed]
    if missing:
        fail("pack-index/invalid/INDEX", "no vector for the checks " + ", ".join(missing))
    else:
        ok("pack-index/invalid/INDEX has a vector for each of the %d checks" % len(INDEX_CHECKS))


# --- trees (§14) ----------------------------------------------------------------------------------------------------

TREE2_HEADER = b'{"format":"mlops4j.tree/2"}'
TREE_MAX_BYTES = 512 * 1024 * 1024
TREE_KINDS = ("file", "executable", "dir")
# the checks of §14.3; "-" in the INDEX is a name that breaks the path rules of §4.4 (not a format reason)
TREE_CHECKS = ("header", "encoding", "count", "kind", "shared", "length", "order", "utf8", "name", "varint",
               "trailing")


class TreeReject(Exception):
    def __init__(self, check, reason, detail):
        super().__init__("%s (%s): %s" % (check, reason, detail))
        self.check, self.reason = check, reason


def check_tree_name(name):
    """The path rules of §4.4 for one name (a rejection is not a format reason: '-')."""
    bad = (name in ("", ".", "..") or any(ord(c) < 0x20 or c in "/\\\x7f\ufffd" for c in name)
           or not unicodedata.is_normalized("NFC", name))
    if bad:
        raise TreeReject("name", "-", "unsafe name %r" % name)


def read_tree2(data):
    """A strict tree/2 reader, in the order of §14.3; returns [(kind, name, size or None, digest bytes)]."""
    if len(data) > TREE_MAX_BYTES:
        raise TreeReject("size", "TOO_LARGE", "too large")
    pos = [len(TREE2_HEADER)]

    def varint(check="varint"):
        value, shift = 0, 0
        while True:
            if pos[0] >= len(data):
                raise TreeReject("length", "INVALID_VALUE", "ends within a number")
            b = data[pos[0]]
            pos[0] += 1
            if shift == 63 and b != 0:
                raise TreeReject("varint", "INVALID_VALUE", "above 2^63 - 1")
            value |= (b & 0x7F) << shift
            if not b & 0x80:
                if b == 0 and shift > 0:
                    raise TreeReject("varint", "NON_CANONICAL", "overlong number")
                return value
            shift += 7

    count = varint()
    if count > (len(data) - pos[0]) // 36:
        raise TreeReject("count", "INVALID_VALUE", "%d entries cannot fit" % count)
    entries, previous, expanded = [], b"", len(data)
    for i in range(count):
        if pos[0] >= len(data):
            raise TreeReject("length", "INVALID_VALUE", "ends before entry %d" % i)
        kind = data[pos[0]]
        pos[0] += 1
        if kind > 2:
            raise TreeReject("kind", "INVALID_VALUE", "kind %d" % kind)
        shared = varint()
        if shared > len(previous):
            raise TreeReject("shared", "INVALID_VALUE", "shares %d of %d bytes" % (shared, len(previous)))
        suffix = varint()
        if suffix > len(data) - pos[0]:
            raise TreeReject("length", "INVALID_VALUE", "name runs past the end")
        if shared < len(previous) and suffix > 0 and data[pos[0]] == previous[shared]:
            raise TreeReject("shared", "NON_CANONICAL", "a longer prefix is shared")
        name = previous[:shared] + data[pos[0]:pos[0] + suffix]
        pos[0] += suffix
        expanded += shared
        if expanded > TREE_MAX_BYTES:
            raise TreeReject("size", "TOO_LARGE", "names in full too large")
        if i > 0 and name == previous:
            raise TreeReject("order", "DUPLICATE_KEY", "name twice")
        if i > 0 and name < previous:
            raise TreeReject("order", "UNSORTED_KEYS", "out of order")
        try:
            text = name.decode("utf-8")
        except UnicodeDecodeError:
            raise TreeReject("utf8", "INVALID_UTF8", "name not UTF-8") from None
        check_tree_name(text)
        size = None if kind == 2 else varint()
        if len(data) - pos[0] < 32:
            raise TreeReject("length", "INVALID_VALUE", "ends within a digest")
        entries.append((kind, text, size, data[pos[0]:pos[0] + 32]))
        pos[0] += 32
        previous = name
    if pos[0] != len(data):
        raise TreeReject("trailing", "NON_CANONICAL", "%d bytes after the last entry" % (len(data) - pos[0]))
    return entries


def read_tree(data):
    """Either encoding (§14.4): tree/2 by its header, else tree/1 JSON, read by the record rules of §6.2."""
    if data.startswith(TREE2_HEADER):
        return read_tree2(data)
    try:
        record = read_record(data, "mlops4j.tree", 2)
    except Reject as e:
        # the record scan of §6.2 step 1, on a document that may be binary after its first object
        try:
            head, _ = json.JSONDecoder().raw_decode(data.decode("latin-1"))
            m = FORMAT_RE.fullmatch(head.get("format", "")) if isinstance(head, dict) else None
            if m and m.group(1) == "mlops4j.tree" and int(m.group(2)) > 2:
                raise TreeReject("header", "UNSUPPORTED_FORMAT", "newer " + head["format"]) from None
        except (ValueError, AttributeError):
            pass
        raise TreeReject("encoding", e.reason, str(e)) from None
    if record["format"] != "mlops4j.tree/1":
        raise TreeReject("encoding", "INVALID_VALUE", "a tree/2 in JSON")
    if set(record) - {"entries", "format", "checksum"}:
        raise TreeReject("encoding", "UNKNOWN_FIELD", "unknown field")
    entries, previous = [], None
    for item in field(record, "entries", list):
        name = field(item, "name", str)
        check_tree_name(name)
        if previous is not None and name.encode("utf-8") <= previous.encode("utf-8"):
            same = name == previous
            raise TreeReject("order", "DUPLICATE_KEY" if same else "UNSORTED_KEYS", "out of order or twice")
        previous = name
        digest = bytes.fromhex(DIGEST_RE.fullmatch(field(item, "digest", str)).group(1))
        if item["type"] == "dir" and set(item) == {"digest", "name", "type"}:
            entries.append((2, name, None, digest))
        elif item["type"] == "file" and set(item) == {"digest", "executable", "name", "size", "type"}:
            entries.append((1 if field(item, "executable", bool) else 0, name, field(item, "size", int), digest))
        elif item.get("type") not in ("file", "dir"):
            raise TreeReject("encoding", "INVALID_VALUE", "unknown type %r" % item.get("type"))
        else:
            raise TreeReject("encoding", "UNKNOWN_FIELD", "entry %r" % item)
    return entries


def write_tree2(entries):
    """This script's own tree/2 writer (§14.2), from entries in any order."""
    out = bytearray(TREE2_HEADER)

    def varint(n):
        while n >= 0x80:
            out.append((n & 0x7F) | 0x80)
            n >>= 7
        out.append(n)

    varint(len(entries))
    previous = b""
    for kind, text, size, digest in sorted(entries, key=lambda e: e[1].encode("utf-8")):
        name = text.encode("utf-8")
        shared = 0
        while shared < min(len(name), len(previous)) and name[shared] == previous[shared]:
            shared += 1
        out.append(kind)
        varint(shared)
        varint(len(name) - shared)
        out += name[shared:]
        if kind != 2:
            varint(size)
        out += digest
        previous = name
    return bytes(out)


def check_trees(directory, ok, fail):
    def load(name):
        with open(os.path.join(directory, name), "rb") as f:
            return f.read()

    with open(os.path.join(directory, "SHA256SUMS"), encoding="ascii") as sums:
        for line in sums:
            expected, name = line.rstrip("\n").split("  ", 1)
            data = load(name)
            if hashlib.sha256(data).hexdigest() != expected:
                fail("tree/" + name, "digest differs from SHA256SUMS")
                continue
            try:
                entries = read_tree(data)
            except (TreeReject, Reject) as e:
                fail("tree/" + name, "rejected: %s" % e)
                continue
            if name.endswith(".bin") and write_tree2(list(reversed(entries))) != data:
                fail("tree/" + name, "this script's writer gives other bytes")
            else:
                ok("tree/%s read (%d entries) and, if tree/2, rewritten byte for byte" % (name, len(entries)))
    sub, sub_v1 = load("sub.bin"), load("sub-v1.json")
    listed = []
    for line in load("ENTRIES").decode("utf-8").splitlines():
        kind, size, digest, name = line.split(" ", 3)
        listed.append((TREE_KINDS.index(kind), name, None if size == "-" else int(size), bytes.fromhex(digest)))
    for vector, sub_digest in (("tree.bin", sub), ("tree-v1.json", sub_v1), ("mixed.bin", sub_v1)):
        expected = [e if e[0] != 2 else (2, e[1], None, hashlib.sha256(sub_digest).digest()) for e in listed]
        if read_tree(load(vector)) != expected:
            fail("tree/" + vector, "entries differ from ENTRIES")
        else:
            ok("tree/%s lists the entries of ENTRIES" % vector)
    if read_tree(sub) != read_tree(sub_v1):
        fail("tree/sub.bin", "reads other entries than sub-v1.json")
    # a reader of tree/1 only (§6.2 step 1): the strict reader fails and the scan of the header says "newer"
    try:
        read_record(load("tree.bin"), "mlops4j.tree", 1)
        fail("tree/tree.bin", "a tree/1 reader accepted a tree/2")
    except Reject:
        head, _ = json.JSONDecoder().raw_decode(load("tree.bin").decode("latin-1"))
        if head != {"format": "mlops4j.tree/2"}:
            fail("tree/tree.bin", "the header is not the object of §14.2")
        else:
            ok("tree/tree.bin: a tree/1 reader finds format mlops4j.tree/2 (UNSUPPORTED_FORMAT)")
    seen = set()
    with open(os.path.join(directory, "invalid", "INDEX"), encoding="ascii") as index:
        for line in index:
            name, check, reason = line.split()
            seen.add(check)
            try:
                read_tree(load(os.path.join("invalid", name)))
                fail("tree/invalid/" + name, "accepted, expected %s %s" % (check, reason))
            except TreeReject as e:
                if (e.check, e.reason) != (check, reason):
                    fail("tree/invalid/" + name, "rejected by %s %s, expected %s %s" % (e.check, e.reason, check,
                                                                                         reason))
                else:
                    ok("tree/invalid/%s rejected: %s %s" % (name, check, reason))
    missing = [c for c in TREE_CHECKS if c not in seen]
    if missing:
        fail("tree/invalid/INDEX", "no vector for the checks " + ", ".join(missing))
    else:
        ok("tree/invalid/INDEX has a vector for each of the %d checks" % len(TREE_CHECKS))


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    golden = sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, "..", "mlops-core", "src", "test", "resources",
                                                               "golden")
    failures, passed = [], 0
    with open(os.path.join(golden, "SHA256SUMS"), encoding="utf-8") as sums:
        for line in sums:
            expected, name = line.rstrip("\n").split("  ", 1)
            with open(os.path.join(golden, name), "rb") as f:
                data = f.read()
            problems = []
            if hashlib.sha256(data).hexdigest() != expected:
                problems.append("digest differs from SHA256SUMS")
            try:
                value = read(data)
                if name == "lake.json":
                    read_lake_json(data)
                if isinstance(value, dict) and "checksum" in value:
                    read_any_record(data)
                    if write(with_checksum({k: v for k, v in value.items() if k != "checksum"})) != data:
                        problems.append("this script's checksum writer gives other bytes")
            except Reject as e:
                problems.append("strict reader rejected it: %s" % e)
                value = None
            if value is not None and json.loads(data.decode("utf-8")) != value:
                problems.append("Python's json module decodes another value")
            if value is not None and write(json.loads(data.decode("utf-8"))) != data:
                problems.append("re-encoding json.loads(file) gives other bytes")
            if problems:
                failures.append("%s: %s" % (name, "; ".join(problems)))
            else:
                passed += 1
                print("ok    %s  sha256:%s" % (name, expected))
    invalid = os.path.join(golden, "invalid")
    with open(os.path.join(invalid, "INDEX"), encoding="utf-8") as index:
        for line in index:
            if not line.strip() or line.startswith("#"):
                continue
            name, reader, reason = line.split()
            with open(os.path.join(invalid, name), "rb") as f:
                data = f.read()
            try:
                {"lake.json": read_lake_json, "record": read_any_record}.get(reader, read)(data)
                failures.append("%s: accepted, expected %s" % (name, reason))
            except Reject as e:
                if e.reason != reason:
                    failures.append("%s: rejected as %s, expected %s (%s)" % (name, e.reason, reason, e))
                else:
                    passed += 1
                    print("ok    %s rejected: %s" % (name, reason))
    counts = [passed]

    def ok(what):
        counts[0] += 1
        print("ok    " + what)

    check_packs(os.path.join(golden, "pack"), ok, lambda name, problem: failures.append("%s: %s" % (name, problem)))
    check_pack_index(os.path.join(golden, "pack-index"), os.path.join(golden, "pack"), ok,
                     lambda name, problem: failures.append("%s: %s" % (name, problem)))
    check_trees(os.path.join(golden, "tree"), ok, lambda name, problem: failures.append("%s: %s" % (name, problem)))
    passed = counts[0]
    for failure in failures:
        print("FAIL  " + failure)
    print("%d checks passed, %d failed" % (passed, len(failures)))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
