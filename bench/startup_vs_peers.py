#!/usr/bin/python3
"""Start-up of one cheap query per module, against an empty C++ program and against SciPy.

A query on the command line is mostly start-up: loading shared libraries, relocating them,
building the parser. The floor is an empty C++ program; a second one linked against OpenBLAS
shows what that library alone costs (numkit opens it only on the paths that use it).
Best of N runs each (the minimum is the cost; the rest is the machine's noise)."""
import os
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
NUMKIT = os.environ.get("NUMKIT", os.path.join(ROOT, "build", "release", "numkit"))
RUNS = int(os.environ.get("RUNS", "200"))


def best_ms(cmd, runs=RUNS):
    best = float("inf")
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
        best = min(best, time.perf_counter() - start)
    return best * 1e3


def empty_programs(directory):
    source = os.path.join(directory, "empty.cpp")
    with open(source, "w") as f:
        f.write("#include <cstdio>\nint main() { std::puts(\"1\"); }\n")
    cxx = os.environ.get("CXX", "c++")
    empty = os.path.join(directory, "empty")
    subprocess.run([cxx, "-O2", source, "-o", empty], check=True)
    with_blas = os.path.join(directory, "empty_openblas")
    subprocess.run([cxx, "-O2", source, "-o", with_blas, "-Wl,--no-as-needed", "-lopenblas"],
                   check=True)
    return empty, with_blas


QUERIES = [
    ("poisson", ["poisson", "cdf", "3", "--mean", "2"]),
    ("dist", ["dist", "binomial", "pmf", "3", "--size", "30", "--prob", "0.1"]),
    ("harmonic", ["harmonic", "bounds", "10"]),
    ("calculus", ["grad", "x^2+y^2", "--at", "1,2", "--dir", "3,4"]),
    ("fp", ["fp", "show", "65504", "--format", "fp16"]),
    ("quad (loads OpenBLAS)", ["quad", "analyze", "-A", "[[3,2],[2,6]]", "-b", "[-2,8]"]),
    ("--version (loads OpenBLAS)", ["--version"]),
]


def main():
    if not os.path.exists(NUMKIT):
        sys.exit(f"no {NUMKIT}: run `make build` first")
    print(f"load: {os.getloadavg()[0]:.2f} (quote figures from a quiet machine)")
    with tempfile.TemporaryDirectory() as directory:
        empty, with_blas = empty_programs(directory)
        floor = best_ms([empty])
        print(f"{'empty C++ program':34s} {floor:7.2f} ms")
        print(f"{'empty C++ program + OpenBLAS':34s} {best_ms([with_blas]):7.2f} ms")
        for module, args in QUERIES:
            try:
                ms = best_ms([NUMKIT] + args)
            except subprocess.CalledProcessError as e:
                sys.exit(f"numkit {' '.join(args)} failed with exit code {e.returncode}")
            print(f"numkit {module:27s} {ms:7.2f} ms  ({ms / floor:4.1f}x the empty program)")
    python = "/usr/bin/python3" if os.path.exists("/usr/bin/python3") else shutil.which("python3")
    try:
        peer = best_ms([python, "-c", "from scipy.stats import poisson; print(poisson.cdf(3, 2))"],
                       runs=max(5, RUNS // 20))
    except subprocess.CalledProcessError:
        print("SciPy not installed (scripts/setup.sh --bench): no peer figure")
        return
    ours = best_ms([NUMKIT, "poisson", "cdf", "3", "--mean", "2"])
    print(f"{'python3 + SciPy poisson.cdf(3, 2)':34s} {peer:7.2f} ms  "
          f"(numkit is {peer / ours:.0f}x faster)")


if __name__ == "__main__":
    main()
