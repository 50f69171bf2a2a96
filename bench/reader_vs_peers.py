#!/usr/bin/python3
"""numkit's Matrix Market reader against SciPy's mmread on the same file, in one run; prints the
times, MB/s and the ratio.

The file is the 2-D Laplacian of `numkit quad generate laplace2d --n SIDE` (SIDE = 1000: 10⁶
rows, 3·10⁶ stored entries, 49 MB). numkit's side is the reader alone, timed by the Google
Benchmark program bench_core_reader_bench (BM_read_matrix_market_laplace2d: MB/s, and the reader's
peak memory over the final CSR's size); SciPy's side is scipy.io.mmread(...).tocsr() in this
process. Check the load first (`uptime`): the machine is shared. Usage:
  /usr/bin/python3 bench/reader_vs_peers.py [--build build/release]
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

import scipy.io


def main():
    ap = argparse.ArgumentParser()
    here = os.path.dirname(os.path.abspath(__file__))
    ap.add_argument("--build", default=os.path.join(here, "..", "build", "release"))
    ap.add_argument("--side", type=int, default=1000)
    a = ap.parse_args()
    nk = os.path.join(a.build, "numkit")
    bench = os.path.join(a.build, "bench_core_reader_bench")
    for p in (nk, bench):
        if not os.path.exists(p):
            sys.exit(f"reader_vs_peers: {p} is missing (build the release preset)")
    print("load average:", " ".join(f"{x:.2f}" for x in os.getloadavg()))
    # eight repetitions of five reads, and their median: single runs of a 0.2 s read scatter by
    # +-30 % on this shared machine
    out = subprocess.run([bench, "--benchmark_filter=matrix_market", "--benchmark_format=json",
                          "--benchmark_repetitions=8"],
                         check=True, capture_output=True, text=True)
    rows = json.loads(out.stdout)["benchmarks"]
    row = next(r for r in rows if r.get("aggregate_name") == "median")
    mb, nk_mbps = row["file_MB"], row["MBps"]
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "lap.mtx")
        subprocess.run([nk, "quad", "generate", "laplace2d", "--n", str(a.side), "-o", path],
                       check=True, capture_output=True)
        t0 = time.perf_counter()
        scipy.io.mmread(path).tocsr()
        t_scipy = time.perf_counter() - t0
    print(f"Matrix Market read, {mb:.1f} MB: numkit {mb / nk_mbps:.3f} s ({nk_mbps:.0f} MB/s, "
          f"peak memory {row['mem_over_csr']:.2f}x the CSR), SciPy mmread+tocsr {t_scipy:.3f} s "
          f"({mb / t_scipy:.0f} MB/s): numkit {t_scipy * nk_mbps / mb:.1f}x faster "
          f"(target >= 300 MB/s on 2 cores)")


if __name__ == "__main__":
    main()
