#!/usr/bin/python3
"""Mixed-precision SPD solve against SciPy's fp64 Cholesky, in one run; prints times, backward
errors and the ratio.

n = 4000, cond 10³: numkit's fp32 factor (LAPACK spotrf) with fp64 iterative refinement
(bench_quad_mixed_bench, BM_mixed/4000/1) and numkit's fp64 factor (BM_fp64_lapack/4000), against
scipy.linalg.cho_factor + cho_solve on a matrix of the same size and condition (Q·diag(λ)·Qᵀ, Q
from the QR factorization of a Gaussian matrix, λ geometric from 1 to 10³). Target: fp32 +
refinement at least 1.6× faster than SciPy, backward error no worse than 10× fp64 LAPACK's.
Check the load first (`uptime`). Usage:
  /usr/bin/python3 bench/quad_mixed_vs_peers.py [--build build/release]
"""
import argparse
import json
import os
import subprocess
import sys
import time

import numpy as np
import scipy.linalg


def backward_error(A, b, x):
    r = b - A @ x
    return np.abs(r).max() / (np.abs(A).sum(axis=1).max() * np.abs(x).max() + np.abs(b).max())


def main():
    ap = argparse.ArgumentParser()
    here = os.path.dirname(os.path.abspath(__file__))
    ap.add_argument("--build", default=os.path.join(here, "..", "build", "release"))
    ap.add_argument("--n", type=int, default=4000)
    a = ap.parse_args()
    bench = os.path.join(a.build, "bench_quad_mixed_bench")
    if not os.path.exists(bench):
        sys.exit(f"quad_mixed_vs_peers: {bench} is missing (build the release preset)")
    print("load average:", " ".join(f"{x:.2f}" for x in os.getloadavg()))
    out = subprocess.run([bench, f"--benchmark_filter=/{a.n}", "--benchmark_format=json"],
                         check=True, capture_output=True, text=True)
    rows = {r["name"].split("/iterations")[0]: r for r in json.loads(out.stdout)["benchmarks"]}
    fp64 = rows[f"BM_fp64_lapack/{a.n}"]
    fp32 = rows[f"BM_mixed/{a.n}/1"]

    rng = np.random.default_rng(7)
    q, _ = np.linalg.qr(rng.standard_normal((a.n, a.n)))
    lam = np.geomspace(1, 1e3, a.n)
    A = (q * lam) @ q.T
    A = (A + A.T) / 2
    b = np.linspace(-1, 1, a.n)
    times = []
    for _ in range(3):
        t0 = time.perf_counter()
        x = scipy.linalg.cho_solve(scipy.linalg.cho_factor(A, lower=True), b)
        times.append(time.perf_counter() - t0)
    t_scipy = min(times)
    be_scipy = backward_error(A, b, x)
    t32 = fp32["real_time"] / 1e3
    t64 = fp64["real_time"] / 1e3
    print(f"dense SPD n={a.n} cond 1e3: numkit fp32 factor + refinement {t32:.3f} s "
          f"({fp32.get('label', '')}, {int(fp32['steps'])} steps, backward error "
          f"{fp32['backward_error']:.2e}); numkit fp64 LAPACK {t64:.3f} s (backward error "
          f"{fp64['backward_error']:.2e}); SciPy cho_factor+cho_solve {t_scipy:.3f} s (backward "
          f"error {be_scipy:.2e})")
    print(f"  fp32+refinement vs SciPy: {t_scipy / t32:.2f}x faster (target >= 1.6x); backward "
          f"error {fp32['backward_error'] / fp64['backward_error']:.2f}x numkit's fp64 LAPACK "
          f"(target <= 10x)")


if __name__ == "__main__":
    main()
