#!/usr/bin/python3
"""Same work in numkit and SciPy: minimizing Rosenbrock from (-1.2, 1) with L-BFGS.

Prints two ratios:
  1. one shell query, whole process: `numkit minimize ...` against `python3 -c "scipy.optimize.minimize..."`
  2. in-process solve time: bench_expr_bench's BM_minimize_rosenbrock/0 (L-BFGS) against
     scipy.optimize.minimize(rosen, jac=rosen_der, method='L-BFGS-B') (SciPy with a hand-written
     gradient; numkit differentiates the typed expression itself).
Usage: bench/expr_vs_peers.py [BUILD_DIR]   (default build/release)
"""
import json
import os
import subprocess
import sys
import time
import timeit

import numpy as np
from scipy.optimize import minimize, rosen, rosen_der

build = sys.argv[1] if len(sys.argv) > 1 else "build/release"
numkit = os.path.join(build, "numkit")
bench = os.path.join(build, "bench_expr_bench")
expr = "(1-x)^2+100*(y-x^2)^2"


def best_of(n, fn):
    best = float("inf")
    for _ in range(n):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


# 1. whole-process query
nk = best_of(5, lambda: subprocess.run([numkit, "minimize", expr, "--x0", "-1.2,1", "--json"],
                                       check=True, capture_output=True))
py = best_of(3, lambda: subprocess.run(
    ["/usr/bin/python3", "-c",
     "from scipy.optimize import minimize, rosen, rosen_der; "
     "r = minimize(rosen, [-1.2, 1], jac=rosen_der, method='L-BFGS-B'); print(r.x)"],
    check=True, capture_output=True))
out = json.loads(subprocess.run([numkit, "minimize", expr, "--x0", "-1.2,1", "--json"],
                                check=True, capture_output=True, text=True).stdout)
print(f"whole process: numkit {nk*1e3:.1f} ms, python+scipy {py*1e3:.1f} ms, ratio {py/nk:.1f}x "
      f"(numkit minimizer {out['minimizer']}, {out['iterations']} iterations)")

# 2. in-process solve
res = minimize(rosen, np.array([-1.2, 1.0]), jac=rosen_der, method="L-BFGS-B")
n = 200
sp = timeit.timeit(lambda: minimize(rosen, np.array([-1.2, 1.0]), jac=rosen_der, method="L-BFGS-B"),
                   number=n) / n
b = json.loads(subprocess.run([bench, "--benchmark_filter=BM_minimize_rosenbrock/0$",
                               "--benchmark_format=json"], check=True, capture_output=True,
                              text=True).stdout)
run = b["benchmarks"][0]
scale = {"ns": 1e-9, "us": 1e-6, "ms": 1e-3, "s": 1.0}[run["time_unit"]]
nk_solve = run["real_time"] * scale
print(f"in-process L-BFGS solve: numkit {nk_solve*1e6:.1f} us, SciPy L-BFGS-B {sp*1e6:.1f} us "
      f"({res.nit} iterations, |x-1| = {np.abs(res.x - 1).max():.1e}), ratio {sp/nk_solve:.1f}x")
