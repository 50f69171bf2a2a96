#!/usr/bin/python3
"""numkit fp analyze against NumPy's astype(np.float16) on the same 10^8 float32 values.

The data (gradient-like: lognormal magnitudes over many decades, random signs, a few zeros) are written once to a
raw little-endian float32 file. numkit runs as a user would (the whole process: `numkit fp analyze FILE --raw f32
--format fp16 --json`, reading the file, both cores). The peers:
  1. NumPy astype: x.astype(np.float16) on the array already in memory (conversion only; the stated peer)
  2. NumPy read + astype: np.fromfile + astype (same input as numkit)
  3. NumPy doing the same analysis (astype, back to float32, overflow / flush / subnormal / inexact counts, relative
     error mean and max, in chunks of 10^7 to bound memory); its counts are compared with numkit's.
Prints each time and the ratio peer/numkit (> 1: numkit faster). OPENBLAS_CORETYPE is irrelevant here (no BLAS).
Usage: /usr/bin/python3 bench/fp_vs_peers.py [path/to/numkit] [n]
"""
import json
import math
import os
import subprocess
import sys
import tempfile
import time

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def find_numkit():
    if len(sys.argv) > 1:
        return sys.argv[1]
    for d in ("build/release", "build/h-fp-rel", "build/asan", "build/debug"):
        p = os.path.join(ROOT, d, "numkit")
        if os.path.exists(p):
            return p
    sys.exit("numkit binary not found; pass its path")


NUMKIT = find_numkit()
N = int(float(sys.argv[2])) if len(sys.argv) > 2 else 10**8
REPEAT = 3


def timed(fn, repeat=REPEAT):
    best, out = math.inf, None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t0)
    return best, out


def make_data(path):
    rng = np.random.default_rng(42)
    chunk = 10**7
    with open(path, "wb") as f:
        for start in range(0, N, chunk):
            m = min(chunk, N - start)
            x = rng.lognormal(-6.0, 3.0, m).astype(np.float32)
            x[rng.random(m) < 0.5] *= -1
            x[rng.random(m) < 0.001] = 0
            x.tofile(f)


def numpy_analysis(path):
    h_max = np.float32(65504)
    min_normal = np.float32(2.0**-14)
    counts = dict(overflow=0, flushed=0, subnormal=0, rounded=0)
    rel_sum, rel_max, n_err = 0.0, 0.0, 0
    x_all = np.fromfile(path, dtype=np.float32)
    for start in range(0, x_all.size, 10**7):
        x = x_all[start:start + 10**7]
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            r = x.astype(np.float16).astype(np.float32)
            fin = np.isfinite(x)
            nz = fin & (x != 0)
            ovf = nz & ~np.isfinite(r)
            ok = nz & ~ovf
            ar = np.abs(r)
            counts["overflow"] += int(ovf.sum())
            counts["flushed"] += int((ok & (r == 0)).sum())
            counts["subnormal"] += int((ok & (ar != 0) & (ar < min_normal)).sum())
            ne = ok & (r != x)
            counts["rounded"] += int(ne.sum()) + int(ovf.sum())
            rel = np.abs(r[ok] - x[ok]) / np.abs(x[ok])
            rel_sum += float(rel.sum(dtype=np.float64))
            rel_max = max(rel_max, float(rel.max()) if rel.size else 0.0)
            n_err += int(ok.sum())
    del h_max
    return counts, rel_sum / max(n_err, 1), rel_max


def main():
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "grad.f32")
        make_data(path)
        print(f"data: {N} float32 values ({os.path.getsize(path) / 1e6:.0f} MB), lognormal magnitudes, fp16 target")

        def run_numkit():
            r = subprocess.run([NUMKIT, "fp", "analyze", path, "--raw", "f32", "--format", "fp16", "--json"],
                               capture_output=True, text=True, check=True)
            return json.loads(r.stdout)

        t_nk, out = timed(run_numkit)
        outcomes = {o["outcome"]: o["count"] for o in out["outcomes"]}
        print(f"numkit fp analyze (whole process, 2 threads)   {t_nk:8.3f} s   {N / t_nk / 1e6:8.1f} M values/s")

        x = np.fromfile(path, dtype=np.float32)
        t_np, _ = timed(lambda: x.astype(np.float16))
        print(f"NumPy astype(np.float16), in memory           {t_np:8.3f} s   {N / t_np / 1e6:8.1f} M values/s"
              f"   ratio {t_np / t_nk:6.2f}x")
        del x
        t_np2, _ = timed(lambda: np.fromfile(path, dtype=np.float32).astype(np.float16))
        print(f"NumPy fromfile + astype                       {t_np2:8.3f} s   {N / t_np2 / 1e6:8.1f} M values/s"
              f"   ratio {t_np2 / t_nk:6.2f}x")
        t_np3, (counts, mean_rel, max_rel) = timed(lambda: numpy_analysis(path), repeat=1)
        agree = (counts["overflow"] == outcomes["overflow"] and counts["flushed"] == outcomes["flushed to zero"]
                 and counts["subnormal"] == outcomes["became subnormal"]
                 and counts["rounded"] == outcomes["rounded (inexact)"]
                 and abs(mean_rel - out["relative_error"]["mean"]) <= 1e-6 * mean_rel
                 and max_rel == out["relative_error"]["max"])
        print(f"NumPy same analysis (chunked)                 {t_np3:8.3f} s   {N / t_np3 / 1e6:8.1f} M values/s"
              f"   ratio {t_np3 / t_nk:6.2f}x   {'agree' if agree else 'DISAGREE'}")
        if not agree:
            print("  numpy:", counts, mean_rel, max_rel)
            print("  numkit:", outcomes, out["relative_error"]["mean"], out["relative_error"]["max"])


if __name__ == "__main__":
    main()
