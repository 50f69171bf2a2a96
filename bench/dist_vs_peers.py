#!/usr/bin/python3
"""numkit dist sampling against NumPy's Generator, end to end with text output (ratio > 1: numkit
faster).

For each family, 10^6 variates written as text to a file: `numkit dist FAMILY sample N --seed 1
--threads 1 ... > file` (the whole process: start-up, sampling, shortest round-trip text) against a
python3 process doing `rng = np.random.default_rng(1); x = rng.FAMILY(..., N)` and writing the
numbers one per line with np.savetxt (integers with fmt='%d', doubles with fmt='%.17g'). Best of
3 runs each, one after the other; the load average is printed with the ratios.

Usage: /usr/bin/python3 bench/dist_vs_peers.py [BUILD_DIR] [N]   (default build/release, 10^6)
"""
import os
import subprocess
import sys
import tempfile
import time

build = sys.argv[1] if len(sys.argv) > 1 else "build/release"
n = int(float(sys.argv[2])) if len(sys.argv) > 2 else 1_000_000
numkit = os.path.join(build, "numkit")

# family: (numkit arguments, numpy call, integer output)
cases = {
    "poisson": (["--lambda", "3"], "rng.poisson(3, n)", True),
    "binomial": (["--size", "30", "--prob", "0.1"], "rng.binomial(30, 0.1, n)", True),
    "negbin": (["--size", "5", "--mu", "3"], "rng.negative_binomial(5, 5 / 8, n)", True),
    "geometric": (["--prob", "0.2"], "rng.geometric(0.2, n) - 1", True),
    "gamma": (["--shape", "2.5", "--rate", "0.5"], "rng.gamma(2.5, 2.0, n)", False),
    "exponential": (["--rate", "3"], "rng.exponential(1 / 3, n)", False),
    "normal": (["--mean", "3", "--sd", "1.732"], "rng.normal(3, 1.732, n)", False),
}


def best_of(k, fn):
    best = float("inf")
    for _ in range(k):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


tmp = tempfile.mkdtemp()
out = os.path.join(tmp, "x.txt")
print(f"sampling {n} variates end to end with text output to a file (s, best of 3); "
      f"load average {os.getloadavg()[0]:.1f}")
print(f"{'family':>12} {'numkit':>8} {'NumPy':>8} {'ratio':>7}")
for family, (args, call, integer) in cases.items():
    def run_numkit():
        with open(out, "w") as f:
            subprocess.run([numkit, "dist", family, "sample", str(n), "--seed", "1", "--threads", "1",
                            *args], check=True, stdout=f)

    fmt = "'%d'" if integer else "'%.17g'"
    code = (f"import numpy as np, sys\nn = {n}\nrng = np.random.default_rng(1)\nx = {call}\n"
            f"np.savetxt({out!r}, x, fmt={fmt})\n")

    def run_numpy():
        subprocess.run(["/usr/bin/python3", "-c", code], check=True)

    t_nk = best_of(3, run_numkit)
    t_np = best_of(3, run_numpy)
    print(f"{family:>12} {t_nk:>8.3f} {t_np:>8.3f} {t_np / t_nk:>6.1f}x")
print(f"load average after: {os.getloadavg()[0]:.1f}")
