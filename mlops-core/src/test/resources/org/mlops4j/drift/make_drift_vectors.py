#!/usr/bin/env python3
"""Known answers for org.mlops4j.drift, from SciPy and NumPy.

Run from this directory with a Python that has numpy and scipy (the tests never run it; they read the JSON):
    python3 -m venv ~/.cache/mlops4j/py && ~/.cache/mlops4j/py/bin/pip install scipy numpy
    ~/.cache/mlops4j/py/bin/python make_drift_vectors.py > drift-vectors.json

- KS: scipy.stats.ks_2samp(reference, current, alternative='two-sided', method=M) with M named per case: 'exact' when
  both samples have at most 10,000 values, 'asymp' otherwise (the rule DriftRule applies, as ks_2samp's 'auto').
- Chi-square: scipy.stats.chi2_contingency([reference_counts, current_counts], correction=False) (no Yates
  correction; DriftRule applies none).
- PSI: the stated rule, written out in NumPy: edges = unique(np.quantile(reference, [.1, ..., .9], method='linear')),
  bin = np.searchsorted(edges, x, side='left'), proportions per bin, 0 replaced by 1e-4 (not renormalised),
  psi = sum((q - p) * ln(q / p)).

Summary paths (csv-profile/2 profiles summarise all rows; DriftRule tests the summaries):
- ks_cells: numbers counted in cells of the grid of org.mlops4j.data.profile.ValueHistogram (the double's bits as a
  sortable int64, arithmetic-shifted right by `shift`; the shift is the profiler's: the smallest at which each side
  occupies at most 2,048 cells). SciPy's ks_2samp on the raw values (statistic_raw, pvalue_raw) and on the values
  replaced by their cell's rank (statistic, pvalue: what the summary must give). Documented bound:
  statistic_raw - max_cell_share <= statistic <= statistic_raw, with max_cell_share the largest share of either side
  in one cell.
- chi2_buckets: categories beyond the profile's cap are counted in 128 buckets (FNV-1a 64 over UTF-16 code units,
  MurmurHash3 fmix64, low 7 bits). chi2_contingency on the raw counts (statistic_raw, pvalue_raw) and on the bucket
  counts (statistic, pvalue: what the summary must give). Documented bound: statistic <= statistic_raw (merging
  categories never raises Pearson's statistic).
- psi_cells: PSI over bins of cells: edges at the cells holding the reference's values of rank ceil(q n), q = .1..
  .9, each closing its bin; equal to PSI of the raw values with those edges moved to their cells' largest doubles
  (psi); psi_raw is the deciles rule on the raw values, for comparison.
- ks_one_value: a side with one value, which Commons Statistics refuses; SciPy's exact answer.
- ks_asymptotic: kstwo.sf(D, round(n m / (n + m))) for sizes above 10,000 per side, which DriftRule computes by the
  Kolmogorov limit at sqrt(N) D + 1 / (6 sqrt(N)) beyond N = 10,000.
"""
import json
import sys

import numpy as np
import scipy
from scipy import stats

EPS = 1e-4


def psi_numeric(ref, cur):
    edges = np.unique(np.quantile(ref, np.arange(1, 10) / 10, method="linear"))
    k = len(edges) + 1
    p = np.bincount(np.searchsorted(edges, ref, side="left"), minlength=k) / len(ref)
    q = np.bincount(np.searchsorted(edges, cur, side="left"), minlength=k) / len(cur)
    p = np.where(p == 0, EPS, p)
    q = np.where(q == 0, EPS, q)
    return float(np.sum((q - p) * np.log(q / p))), edges.tolist()


def psi_categorical(ref_counts, cur_counts):
    cats = sorted(set(ref_counts) | set(cur_counts))
    p = np.array([ref_counts.get(c, 0) for c in cats], float)
    q = np.array([cur_counts.get(c, 0) for c in cats], float)
    p, q = p / p.sum(), q / q.sum()
    p = np.where(p == 0, EPS, p)
    q = np.where(q == 0, EPS, q)
    return float(np.sum((q - p) * np.log(q / p)))


def main():
    rng = np.random.default_rng(20240611)
    out = {"generator": "make_drift_vectors.py", "numpy": np.__version__, "scipy": scipy.__version__,
           "ks": [], "chi2": [], "psi": [], "psi_categorical": []}

    ks_cases = [
        ("small-shift", rng.normal(0, 1, 40), rng.normal(0.8, 1, 50)),
        ("same-distribution", rng.normal(0, 1, 200), rng.normal(0, 1, 300)),
        ("scale-change", rng.normal(0, 1, 500), rng.normal(0, 1.3, 700)),
        ("large-asymptotic", rng.normal(0, 1, 12000), rng.normal(0.03, 1, 15000)),
    ]
    for name, a, b in ks_cases:
        method = "exact" if max(len(a), len(b)) <= 10000 else "asymp"
        r = stats.ks_2samp(a, b, alternative="two-sided", method=method)
        out["ks"].append({"name": name, "method": method, "reference": a.tolist(), "current": b.tolist(),
                          "statistic": float(r.statistic), "pvalue": float(r.pvalue)})

    chi_cases = [
        ("three-categories", {"a": 120, "b": 80, "c": 50}, {"a": 100, "b": 95, "c": 70}),
        ("two-by-two", {"yes": 30, "no": 70}, {"yes": 45, "no": 55}),
        ("new-category", {"x": 500, "y": 300, "z": 200}, {"x": 480, "y": 290, "z": 190, "w": 40}),
        ("stable", {"EU": 1000, "US": 1500, "APAC": 700}, {"EU": 1010, "US": 1490, "APAC": 705}),
    ]
    for name, ref, cur in chi_cases:
        cats = sorted(set(ref) | set(cur))
        table = [[ref.get(c, 0) for c in cats], [cur.get(c, 0) for c in cats]]
        r = stats.chi2_contingency(table, correction=False)
        out["chi2"].append({"name": name, "correction": False, "reference": ref, "current": cur,
                            "statistic": float(r.statistic), "pvalue": float(r.pvalue), "dof": int(r.dof)})
        out["psi_categorical"].append({"name": name, "reference": ref, "current": cur,
                                       "psi": psi_categorical(ref, cur)})

    psi_cases = [
        ("shifted-normal", rng.normal(0, 1, 1000), rng.normal(0.5, 1, 800)),
        ("same-normal", rng.normal(0, 1, 1000), rng.normal(0, 1, 1000)),
        ("ties-and-empty-bins", rng.integers(0, 6, 1000).astype(float), rng.integers(3, 6, 500).astype(float)),
        ("beyond-reference-range", rng.uniform(0, 1, 300), rng.uniform(0.8, 2, 300)),
    ]
    for name, a, b in psi_cases:
        value, edges = psi_numeric(a, b)
        out["psi"].append({"name": name, "reference": a.tolist(), "current": b.tolist(), "edges": edges,
                           "psi": value})
    summary_paths(out)
    json.dump(out, sys.stdout, indent=1)
    sys.stdout.write("\n")


MASK64 = (1 << 64) - 1
MAX_BINS = 2048


def sortable(values):
    b = np.asarray(values, dtype=np.float64) + 0.0  # -0.0 -> 0.0
    bits = b.view(np.int64)
    return np.where(bits >= 0, bits, bits ^ np.int64(0x7FFFFFFFFFFFFFFF))


def profile_shift(values):
    keys = sortable(values)
    for shift in range(64):
        if len(np.unique(keys >> shift)) <= MAX_BINS:
            return shift
    raise AssertionError("unreachable")


def cell_ranks(a, b, shift):
    ka = sortable(a) >> shift
    kb = sortable(b) >> shift
    cells, inverse = np.unique(np.concatenate([ka, kb]), return_inverse=True)
    return inverse[: len(a)].astype(float), inverse[len(a):].astype(float), cells, ka, kb


def bucket(value):
    h = 0xCBF29CE484222325
    data = value.encode("utf-16-le")
    units = [int.from_bytes(data[i:i + 2], "little") for i in range(0, len(data), 2)]
    for u in units:
        h ^= u
        h = (h * 0x100000001B3) & MASK64
    h ^= h >> 33
    h = (h * 0xFF51AFD7ED558CCD) & MASK64
    h ^= h >> 33
    h = (h * 0xC4CEB9FE1A85EC53) & MASK64
    h ^= h >> 33
    return h & 127


def psi_from_counts(a, b):
    p = a / a.sum()
    q = b / b.sum()
    p = np.where(p == 0, EPS, p)
    q = np.where(q == 0, EPS, q)
    return float(np.sum((q - p) * np.log(q / p)))


def summary_paths(out):
    rng = np.random.default_rng(20260501)
    out["ks_cells"] = []
    out["psi_cells"] = []
    cases = [
        ("normal-shift-fine", rng.normal(0, 1, 3000), rng.normal(0.1, 1, 2500)),
        ("integers-tied", rng.integers(0, 12, 4000).astype(float), rng.integers(0, 12, 3000).astype(float)
         + (rng.random(3000) < 0.05)),
        ("timestamps-large-offset", 1.7e9 + np.round(rng.normal(0, 86400, 5000)),
         1.7e9 + 3600 + np.round(rng.normal(0, 86400, 6000))),
        ("large-asymptotic", rng.normal(0, 1, 12000), rng.normal(0.04, 1, 11000)),
        ("lognormal-wide", rng.lognormal(5, 2, 5000), rng.lognormal(5, 2, 6000)),
    ]
    for name, a, b in cases:
        shift = max(profile_shift(a), profile_shift(b))
        ra, rb, cells, ka, kb = cell_ranks(a, b, shift)
        method = "exact" if max(len(a), len(b)) <= 10000 else "asymp"
        raw = stats.ks_2samp(a, b, method=method)
        binned = stats.ks_2samp(ra, rb, method=method)
        share = max(np.unique(ka, return_counts=True)[1].max() / len(a),
                    np.unique(kb, return_counts=True)[1].max() / len(b))
        out["ks_cells"].append({"name": name, "method": method, "shift": shift, "reference": a.tolist(),
                                "current": b.tolist(), "statistic_raw": float(raw.statistic),
                                "pvalue_raw": float(raw.pvalue), "statistic": float(binned.statistic),
                                "pvalue": float(binned.pvalue), "max_cell_share": float(share)})
        # PSI over cells: the reference's rank-ceil(qn) value's cell closes each bin
        n = len(a)
        order = np.sort(ka)
        edge_cells = np.unique([order[max(1, -(-d * n // 10)) - 1] for d in range(1, 10)])
        bin_a = np.searchsorted(edge_cells, ka, side="left")
        bin_b = np.searchsorted(edge_cells, kb, side="left")
        k = len(edge_cells) + 1
        psi = psi_from_counts(np.bincount(bin_a, minlength=k).astype(float),
                              np.bincount(bin_b, minlength=k).astype(float))
        psi_raw, _ = psi_numeric(a, b)
        out["psi_cells"].append({"name": name, "shift": shift, "reference": a.tolist(), "current": b.tolist(),
                                 "bins": int(k), "psi": psi, "psi_raw": psi_raw})

    out["chi2_buckets"] = []
    for name, ref_ids, cur_ids in [
        ("ids-stable", rng.integers(0, 3000, 40000), rng.integers(0, 3000, 35000)),
        ("ids-concentrating", rng.integers(0, 3000, 40000),
         np.where(rng.random(35000) < 0.2, rng.integers(0, 300, 35000), rng.integers(0, 3000, 35000))),
        ("unicode-ids", rng.integers(0, 2500, 20000), rng.integers(0, 2600, 20000)),
    ]:
        label = (lambda i: "Zürich-東京-%d" % i) if name == "unicode-ids" else (lambda i: "user%d" % i)
        ref = {}
        cur = {}
        for i in ref_ids:
            ref[label(int(i))] = ref.get(label(int(i)), 0) + 1
        for i in cur_ids:
            cur[label(int(i))] = cur.get(label(int(i)), 0) + 1
        cats = sorted(set(ref) | set(cur))
        raw = stats.chi2_contingency([[ref.get(c, 0) for c in cats], [cur.get(c, 0) for c in cats]],
                                     correction=False)
        br = np.zeros(128)
        bc = np.zeros(128)
        buckets = {c: bucket(c) for c in cats}
        for c, v in ref.items():
            br[buckets[c]] += v
        for c, v in cur.items():
            bc[buckets[c]] += v
        keep = (br + bc) > 0
        binned = stats.chi2_contingency([br[keep], bc[keep]], correction=False)
        out["chi2_buckets"].append({"name": name, "reference": ref, "current": cur, "buckets": buckets,
                                    "statistic_raw": float(raw.statistic), "pvalue_raw": float(raw.pvalue),
                                    "statistic": float(binned.statistic), "pvalue": float(binned.pvalue)})

    one = stats.ks_2samp([5.0], [1.0, 2.0, 3.0, 4.0, 4.5], method="exact")
    out["ks_one_value"] = [{"reference": [5.0], "current": [1.0, 2.0, 3.0, 4.0, 4.5],
                            "statistic": float(one.statistic), "pvalue": float(one.pvalue)}]
    out["ks_asymptotic"] = []
    for d, n, m in [(0.005, 200000, 200000), (0.01, 30000, 25000), (0.02, 12000, 15000), (0.003, 1000000, 800000),
                    (0.012, 25000, 40000)]:
        big, small = max(n, m), min(n, m)
        en = round(big * small / (big + small))
        out["ks_asymptotic"].append({"statistic": d, "n": n, "m": m, "pvalue": float(stats.kstwo.sf(d, en))})


if __name__ == "__main__":
    main()
