#!/usr/bin/python3
"""numkit poisson against NumPy/SciPy and R on the same work, printing the ratios (> 1: numkit faster).

  1. sampling throughput, one thread, 10^7 variates at means 3 and 1000: bench_poisson_bench's
     BM_sample_1thread (the library kernel filling a buffer) against NumPy's
     np.random.default_rng().poisson(mean, 10**7) and R's rpois(1e7, mean); also the streaming
     sampler on both cores (BM_sample_stream, same stream as one thread).
  2. cdf throughput: 1024 points over mean +- 3 sd, repeated (BM_cdf) against scipy.stats.poisson.cdf
     and R's ppois on 10^6 points over the same range, at means 3, 1000, 10^6 (and numkit alone at
     10^12, where SciPy is inaccurate and Boost throws).
  3. one query from the shell, whole process: `numkit poisson cdf 3 --mean 2` against python3 + scipy
     and Rscript doing the same (best of several runs).
Usage: /usr/bin/python3 bench/poisson_vs_peers.py [BUILD_DIR]   (default build/release; needs
NUMKIT_BUILD_BENCH=ON there)
"""
import json
import os
import subprocess
import sys
import time

import numpy as np
from scipy import stats

build = sys.argv[1] if len(sys.argv) > 1 else "build/release"
numkit = os.path.join(build, "numkit")
bench = os.path.join(build, "bench_poisson_bench")


def best_of(n, fn):
    best = float("inf")
    for _ in range(n):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def r_seconds(expr, reps=3):
    """Best in-process time of an R expression (system.time elapsed)."""
    code = f"t <- Inf; for (i in 1:{reps}) t <- min(t, system.time({expr})[['elapsed']]); cat(t)"
    out = subprocess.run(["/usr/bin/Rscript", "-e", code], check=True, capture_output=True, text=True)
    return max(float(out.stdout.strip()), 1e-3)


bench_out = subprocess.run(
    [bench, "--benchmark_format=json", "--benchmark_min_time=0.3",
     "--benchmark_filter=BM_sample_1thread|BM_sample_stream|BM_cdf"],
    check=True, capture_output=True, text=True).stdout
rates = {b["name"]: b["items_per_second"] for b in json.loads(bench_out)["benchmarks"]}

print("1. sampling, 10^7 variates (M variates/s)")
print(f"{'mean':>6} {'numkit 1 thr':>13} {'numkit 2 thr':>13} {'NumPy':>8} {'R':>8} {'vs NumPy':>9} {'vs R':>7}")
rng = np.random.default_rng(42)
n = 10_000_000
for mean in (3, 1000):
    nk1 = rates[f"BM_sample_1thread/{mean}"] / 1e6
    stream = [v for k, v in rates.items() if k.startswith(f"BM_sample_stream/{mean}/2")]
    nk2 = stream[0] / 1e6 if stream else float("nan")
    npy = n / best_of(3, lambda: rng.poisson(mean, n)) / 1e6
    rr = n / r_seconds(f"rpois(1e7, {mean})") / 1e6
    print(f"{mean:>6} {nk1:>13.1f} {nk2:>13.1f} {npy:>8.1f} {rr:>8.1f} {nk1 / npy:>8.2f}x {nk1 / rr:>6.2f}x")

print("\n2. cdf evaluations over mean +- 3 sd (M evaluations/s)")
print(f"{'mean':>8} {'numkit':>8} {'SciPy':>8} {'R':>8} {'vs SciPy':>9} {'vs R':>7}")
for mean in (3, 1000, 1000000, 1000000000000):
    nk = rates[f"BM_cdf/{mean}"] / 1e6
    if mean > 1e9:
        print(f"{mean:>8.0e} {nk:>8.2f} {'(wrong)':>8} {'':>8}   SciPy is off by ~100x in the tails here")
        continue
    ks = np.floor(mean + np.sqrt(mean) * np.linspace(-3, 3, 1_000_000)).clip(0)
    sp = len(ks) / best_of(3, lambda: stats.poisson.cdf(ks, mean)) / 1e6
    rr = 1e6 / r_seconds(f"ppois(pmax(0, floor({mean} + sqrt({mean}) * seq(-3, 3, length.out = 1e6))), {mean})") / 1e6
    print(f"{mean:>8.0e} {nk:>8.2f} {sp:>8.2f} {rr:>8.2f} {nk / sp:>8.2f}x {nk / rr:>6.2f}x")

print("\n3. one query from the shell, whole process: P(N <= 3), mean 2 (ms, best of runs)")
nkq = best_of(10, lambda: subprocess.run([numkit, "poisson", "cdf", "3", "--mean", "2"], check=True,
                                          capture_output=True))
pyq = best_of(3, lambda: subprocess.run(
    ["/usr/bin/python3", "-c", "from scipy.stats import poisson; print(poisson.cdf(3, 2))"],
    check=True, capture_output=True))
rq = best_of(3, lambda: subprocess.run(["/usr/bin/Rscript", "-e", "cat(ppois(3, 2))"], check=True,
                                       capture_output=True))
print(f"numkit {nkq * 1e3:.1f} ms   python+scipy {pyq * 1e3:.0f} ms ({pyq / nkq:.0f}x)   "
      f"Rscript {rq * 1e3:.0f} ms ({rq / nkq:.0f}x)")

print("\n4. a pipeline: 10^6 counts k on stdin -> P(N <= k) at mean 500000 as CSV, whole process (s)")
rng = np.random.default_rng(7)
ks_text = "\n".join(str(k) for k in np.maximum(0, np.round(500000 + 707 * rng.standard_normal(10**6)))
                    .astype(np.int64)) + "\n"
ks_bytes = ks_text.encode()
# The fastest plain NumPy/SciPy reading and writing found (np.loadtxt/np.savetxt take 6 s).
scipy_script = ("import sys, numpy as np; from scipy.stats import poisson; "
                "k = np.array(sys.stdin.buffer.read().split(), dtype=np.int64); "
                "c = poisson.cdf(k, 500000); sys.stdout.write('k,cdf\\n'); "
                "sys.stdout.write(''.join(f'{a},{b!r}\\n' for a, b in zip(k.tolist(), c.tolist())))")
nks = best_of(3, lambda: subprocess.run([numkit, "poisson", "cdf", "-", "--mean", "500000", "--csv"],
                                         input=ks_bytes, check=True, capture_output=True))
pys = best_of(2, lambda: subprocess.run(["/usr/bin/python3", "-c", scipy_script], input=ks_bytes,
                                         check=True, capture_output=True))
print(f"numkit {nks:.2f} s   NumPy + SciPy poisson.cdf {pys:.2f} s   "
      f"({pys / nks:.1f}x)")
