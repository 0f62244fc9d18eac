#!/usr/bin/env python3
"""Writes the CSV fixture for CsvProfilerFixtureTest and computes, independently of the Java code, the values its
profile must have. Standard library only (csv, json, math, random, re, statistics, struct).

    python3 expected.py generate   # rewrites fixture.csv (deterministic: seeded), then computes expected.json
    python3 expected.py            # recomputes expected.json from the committed fixture.csv

The rules mirrored here are those documented in the Java Javadoc:
  - RFC 4180 CSV in UTF-8 with a header row; blank lines are skipped; an empty field is null;
  - type: integer if every non-null value matches [+-]?[0-9]+ within a signed 64-bit range; else decimal if every
    value matches [+-]?([0-9]+(\\.[0-9]*)?|\\.[0-9]+)([eE][+-]?[0-9]+)? and is finite as a double; else boolean if
    every value is true/false in any ASCII case; else string (also for a column without values);
  - top-value keys and sample entries are cut to MAX_VALUE_LENGTH code points; boolean keys are lower-cased;
  - percentile p is the smallest value whose rank (values at or below it) reaches p/100 * n (p = 0: the minimum);
  - numbers in the canonical text form: shortest round-trip digits laid out as ECMAScript's Number#toString,
    negative zero as "-0";
  - drift summaries (csv-profile/2, docs/lake-format.md section 12): numeric columns count every value in the cells of
    the double grid (sortable 64-bit pattern >> shift, the smallest shift with at most MAX_BINS cells); other columns
    count every value exactly up to MAX_CATEGORIES distinct values, else by hash bucket (FNV-1a 64 over UTF-16 code
    units, MurmurHash3 fmix64, modulo 128).
"""
import csv
import json
import math
import os
import random
import re
import statistics
import struct
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURE = os.path.join(HERE, "fixture.csv")
EXPECTED = os.path.join(HERE, "expected.json")
MAX_VALUE_LENGTH = 256
INTEGER = re.compile(r"[+-]?[0-9]+\Z")
DECIMAL = re.compile(r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?\Z")
ROWS = 3000
MAX_BINS = 2048
MAX_CATEGORIES = 1000
MASK64 = (1 << 64) - 1

CITIES = ["Berlin", "São Paulo", "Zürich", "東京", "Kraków", "Washington, D.C.", "Reykjavík", "Москва", "القاهرة",
          "Łódź", "Malmö", "Québec", "Cork", "Lyon", "Porto", "Gdańsk", "Tromsø", "Ōsaka", "Seoul 서울", "Mumbai",
          "\"The\" Hague", "Córdoba", "İstanbul", "Αθήνα", "Kyiv", "Dublin", "Oslo", "Nice", "Graz", "🏙️ Metro"]
WORDS = ["alpha", "beta", "gamma", "delta", "naïve", "café", "résumé", "smörgåsbord", "über", "日本語", "😀",
         "comma,inside", "quote\"inside", "line\nbreak", "crlf\r\nbreak", "tab\there", "  spaced  "]


def generate():
    rnd = random.Random(20240501)
    header = ["id", "age", "score", "amount", "active", "city", "comment", "zip", "ratio", "nothing", "flag01",
              "big", "special"]
    rows = []
    zipf = [1.0 / (i + 1) ** 1.1 for i in range(len(CITIES))]
    for i in range(1, ROWS + 1):
        age = "" if rnd.random() < 0.05 else str(rnd.randint(18, 90))
        if rnd.random() < 0.03:
            score = ""
        else:
            v = rnd.gauss(50, 15)
            form = rnd.random()
            score = ("%.3f" % v) if form < 0.8 else ("%.4e" % v) if form < 0.9 else ("%.1f" % v)
        if i == 7:
            amount = "+12.5"
        elif i == 8:
            amount = ".5"
        elif i == 9:
            amount = "5."
        elif i == 10:
            amount = "-0.0"
        else:
            amount = "%.2f" % rnd.lognormvariate(5, 1.5)
        active = "" if rnd.random() < 0.1 else rnd.choice(["true", "false", "TRUE", "False", "true", "false"])
        city = rnd.choices(CITIES, weights=zipf)[0] if rnd.random() > 0.02 else ""
        r = rnd.random()
        if r < 0.2:
            comment = ""
        elif r < 0.25:
            comment = "long " + "ü😀x" * (90 + rnd.randint(0, 40))
        elif r < 0.35:
            comment = "ok"
        else:
            comment = " ".join(rnd.choice(WORDS) for _ in range(rnd.randint(1, 6)))
        zip_code = "N/A" if i == 1500 else "%05d" % rnd.randint(0, 99999)
        ratio = "0.5" if i == 2999 else str(rnd.randint(0, 10))
        flag = rnd.choice(["0", "1", "1"])
        big = "9223372036854775808" if i == 2000 else str(rnd.randint(-(2 ** 62), 2 ** 62))
        special = rnd.choice(["NaN", "Infinity", "1e5", "0x10", "-", "1,5", " 7"])
        rows.append([str(i), age, score, amount, active, city, comment, zip_code, ratio, "", flag, big, special])
    with open(FIXTURE, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
        w.writerow(header)
        for n, row in enumerate(rows):
            w.writerow(row)
            if n == 100:
                f.write("\r\n")  # a blank line, which is skipped


def cap(s):
    return s[:MAX_VALUE_LENGTH]


def is_long(s):
    return INTEGER.match(s) is not None and -(2 ** 63) <= int(s) < 2 ** 63


def is_decimal(s):
    return DECIMAL.match(s) is not None and math.isfinite(float(s))


def is_boolean(s):
    return s.isascii() and s.lower() in ("true", "false")


def canonical(x):
    """The canonical text of a finite double, as Decimals.format in Java."""
    if x == 0:
        return "-0" if math.copysign(1.0, x) < 0 else "0"
    r = repr(abs(x))
    mantissa, _, exp = r.partition("e")
    exp = int(exp) if exp else 0
    ip, _, fp = mantissa.partition(".")
    all_digits = ip + fp
    stripped = all_digits.lstrip("0")
    n = len(ip) + exp - (len(all_digits) - len(stripped))
    s = stripped.rstrip("0")
    k = len(s)
    sign = "-" if x < 0 else ""
    if k <= n <= 21:
        return sign + s + "0" * (n - k)
    if 0 < n <= 21:
        return sign + s[:n] + "." + s[n:]
    if -6 < n <= 0:
        return sign + "0." + "0" * (-n) + s
    e = n - 1
    return sign + s[0] + ("." + s[1:] if k > 1 else "") + "e" + ("+" if e >= 0 else "-") + str(abs(e))


def decimal_vectors():
    rnd = random.Random(7)
    values = [0.1, 0.2, 0.3, 1 / 3, 2 / 3, 1.0, -1.5, 100.0, 1e21, 1e20, 123456789012345680000.0, 1e-7, 1.5e-7,
              1e-6, 0.000001234, 5e-324, 2.2250738585072014e-308, 1.7976931348623157e308, 9007199254740993.0,
              2.0 ** 63, -(2.0 ** 63), 4.35, 0.07, 1e16, 1e15 + 0.3, 2.0 ** -30, 0.0, -0.0, 1e23, 8.41e21,
              5e-7, 9.999999999999999e20, 1.2345e-5]
    for _ in range(300):
        bits = rnd.getrandbits(64)
        x = struct.unpack("<d", struct.pack("<Q", bits))[0]
        if math.isfinite(x):
            values.append(x)
    for _ in range(200):
        values.append(round(rnd.uniform(-1e6, 1e6), rnd.randint(0, 8)))
        values.append(rnd.uniform(0, 1) * 10.0 ** rnd.randint(-30, 30))
    out = []
    for x in values:
        bits = struct.unpack("<Q", struct.pack("<d", x))[0]
        out.append({"bits": "%016x" % bits, "text": canonical(x)})
    return out


def sortable(x):
    bits = struct.unpack("<q", struct.pack("<d", x + 0.0))[0]
    return bits if bits >= 0 else bits ^ 0x7FFFFFFFFFFFFFFF


def histogram(floats):
    keys = [sortable(x) for x in floats]
    shift = 0
    while len({k >> shift for k in keys}) > MAX_BINS:
        shift += 1
    cells = {}
    for k in keys:
        cells[k >> shift] = cells.get(k >> shift, 0) + 1
    ordered = sorted(cells)
    return {"shift": shift, "keys": ordered, "counts": [cells[k] for k in ordered]}


def bucket(value):
    h = 0xCBF29CE484222325
    data = value.encode("utf-16-le")
    for i in range(0, len(data), 2):
        h ^= int.from_bytes(data[i:i + 2], "little")
        h = (h * 0x100000001B3) & MASK64
    h ^= h >> 33
    h = (h * 0xFF51AFD7ED558CCD) & MASK64
    h ^= h >> 33
    h = (h * 0xC4CEB9FE1A85EC53) & MASK64
    h ^= h >> 33
    return h & 127


def categories(freq):
    if len(freq) <= MAX_CATEGORIES:
        return {"values": sorted([k, c] for k, c in freq.items())}
    buckets = [0] * 128
    for k, c in freq.items():
        buckets[bucket(k)] += c
    return {"buckets": buckets}


def percentile_index(p, n):
    """0-based index in the sorted values of percentile p: rank ceil(p n / 100), at least 1."""
    rank = max(1, -(-p * n // 100))
    return rank - 1


def column_expectation(name, raw):
    values = [v for v in raw if v != ""]
    nulls = len(raw) - len(values)
    if not values:
        typ = "string"
    elif all(is_long(v) for v in values):
        typ = "integer"
    elif all(is_decimal(v) for v in values):
        typ = "decimal"
    elif all(is_boolean(v) for v in values):
        typ = "boolean"
    else:
        typ = "string"
    keys = [v.lower() for v in values] if typ == "boolean" else [cap(v) for v in values]
    freq = {}
    for key in keys:
        freq[key] = freq.get(key, 0) + 1
    distinct_texts = {v.lower() for v in values} if typ == "boolean" else set(values)
    col = {
        "name": name,
        "type": typ,
        "count": len(values),
        "nullCount": nulls,
        "distinct": len(distinct_texts),
        "frequencies": sorted([k, c] for k, c in freq.items()),
    }
    if typ in ("integer", "decimal") and values:
        nums = [int(v) if typ == "integer" else float(v) for v in values]
        floats = sorted(float(v) for v in nums)
        col["min"] = min(floats)
        col["max"] = max(floats)
        col["mean"] = statistics.fmean(floats)
        col["percentiles"] = [floats[percentile_index(p, len(floats))] for p in range(101)]
        col["histogram"] = histogram(floats)
    else:
        col["categories"] = categories(freq)
    return col


def compute():
    with open(FIXTURE, encoding="utf-8", newline="") as f:
        records = [r for r in csv.reader(f, strict=True) if r != []]
    header, rows = records[0], records[1:]
    for r in rows:
        assert len(r) == len(header), r
    columns = [column_expectation(name, [r[i] for r in rows]) for i, name in enumerate(header)]
    expected = {
        "generatedBy": "expected.py (Python %d.%d, standard library only)" % sys.version_info[:2],
        "maxValueLength": MAX_VALUE_LENGTH,
        "maxBins": MAX_BINS,
        "maxCategories": MAX_CATEGORIES,
        "rowCount": len(rows),
        "columns": columns,
        "decimalVectors": decimal_vectors(),
    }
    with open(EXPECTED, "w", encoding="utf-8", newline="\n") as f:
        json.dump(expected, f, ensure_ascii=False, indent=1, sort_keys=True)
        f.write("\n")


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "generate":
        generate()
    compute()
