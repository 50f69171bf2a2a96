#!/usr/bin/python3
"""numkit harmonic against Python's fractions, SciPy and NumPy on the same work.

Each line runs the same job in numkit (the whole process, as a user would) and in the peer, checks
that both agree, and prints the time ratio peer/numkit (> 1: numkit is faster).
Usage: /usr/bin/python3 bench/harmonic_vs_peers.py [path/to/numkit]
"""
import json
import math
import os
import subprocess
import sys
import time
from fractions import Fraction

import numpy as np
import scipy.special

if hasattr(sys, "set_int_max_str_digits"):
    sys.set_int_max_str_digits(0)  # the fractions have tens of thousands of digits

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def find_numkit():
    if len(sys.argv) > 1:
        return sys.argv[1]
    for d in ("build/release", "build/asan", "build/debug"):
        p = os.path.join(ROOT, d, "numkit")
        if os.path.exists(p):
            return p
    sys.exit("numkit binary not found; pass its path")


NUMKIT = find_numkit()


def timed(fn, repeat=1):
    best = math.inf
    out = None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t0)
    return best, out


def numkit_json(*args):
    r = subprocess.run([NUMKIT, "harmonic", *args, "--json"], capture_output=True, text=True, check=True)
    return json.loads(r.stdout)


def report(job, t_numkit, peer, t_peer, agree):
    print(f"{job:<44} numkit {t_numkit*1e3:9.1f} ms   {peer:<22} {t_peer*1e3:10.1f} ms   "
          f"ratio {t_peer/t_numkit:8.1f}x   {'agree' if agree else 'DISAGREE'}")


def exact_fraction(n):
    def peer():
        s = Fraction(0)
        for k in range(1, n + 1):
            s += Fraction(1, k)
        return s
    t_n, j = timed(lambda: numkit_json("value", str(n), "--exact"), 3)
    t_p, s = timed(peer)
    agree = j["numerator"] == str(s.numerator) and j["denominator"] == str(s.denominator)
    report(f"exact H({n}) as p/q", t_n, "Python fractions", t_p, agree)


def double_values():
    ns = [10, 1000, 10**6, 10**12, 10**18]
    args = ["value"] + [str(n) for n in ns]
    t_n, j = timed(lambda: numkit_json(*args), 3)
    # SciPy: H(n) = digamma(n+1) + gamma, whole process of a Python user (import included)
    code = ("import numpy as np, scipy.special as s;"
            f"print(list(s.digamma(np.array({ns!r}, dtype=float) + 1) + np.euler_gamma))")
    t_p, out = timed(lambda: subprocess.run(["/usr/bin/python3", "-c", code], capture_output=True,
                                            text=True, check=True).stdout, 3)
    sp = eval(out)
    worst = 0.0
    for row, v in zip(j["values"], sp):
        nk = row["value"]
        worst = max(worst, abs(v - nk) / math.ulp(nk))
    report("H(n) doubles, n = 10..1e18 (process)", t_n, "SciPy digamma", t_p, worst <= 64)
    print(f"{'':<44} SciPy's digamma(n+1)+gamma is off by up to {worst:.0f} ulp; numkit is correctly rounded")


def fp16_stall():
    # the whole process of a NumPy user: sequential float16 accumulation of float16 terms
    code = ("import numpy as np;"
            "t = (1.0 / np.arange(1, 4097)).astype(np.float16);"
            "c = np.cumsum(t, dtype=np.float16);"
            "i = np.nonzero(c[1:] == c[:-1])[0][0];"
            "print(int(i) + 2, float(c[i]))")
    t_n, j = timed(lambda: numkit_json("stall", "--format", "fp16"), 3)
    t_p, out = timed(lambda: subprocess.run(["/usr/bin/python3", "-c", code], capture_output=True,
                                            text=True, check=True).stdout.split(), 3)
    n, v = int(out[0]), float(out[1])
    report("fp16 naive-sum stall point (process)", t_n, "NumPy float16 cumsum", t_p,
           j["stall_n"] == n and j["stall_value"] == v)


if __name__ == "__main__":
    print(f"numkit: {NUMKIT}")
    exact_fraction(10**4)
    exact_fraction(10**5)
    double_values()
    fp16_stall()
