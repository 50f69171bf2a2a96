#!/usr/bin/python3
"""numkit quad against SciPy on the same problems, side by side; prints the ratios.

  1. CG on the 2-D Laplacian (5-point, Dirichlet) with side**2 unknowns to a relative residual of
     1e-8: numkit's parallel CG kernel (`quad minimize --method cg --timing`, solver time only)
     against scipy.sparse.linalg.cg (SciPy >= 1.12 calls the tolerance rtol, older ones tol).
  2. Dense SPD solve by Cholesky at n: numkit (`--method direct`, LAPACK dpotrf + dpocon + one
     refinement step) against scipy.linalg.cho_factor/cho_solve.

Both read the same Matrix Market files written by `numkit quad generate`; file reading is not
timed on either side. Usage:
  /usr/bin/python3 bench/quad_vs_peers.py [--numkit build/release/numkit] [--side 1000] [--dense 4000]
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

import numpy as np
import scipy
import scipy.io
import scipy.linalg
import scipy.sparse.linalg


def run_numkit(binary, args):
    out = subprocess.run([binary] + args, check=True, capture_output=True, text=True)
    return json.loads(out.stdout)


def scipy_cg(A, b, rel):
    iters = [0]

    def count(_):
        iters[0] += 1

    kw = {"rtol": rel, "atol": 0.0} if tuple(map(int, scipy.__version__.split(".")[:2])) >= (1, 12) \
        else {"tol": rel, "atol": 0.0}
    t0 = time.perf_counter()
    x, info = scipy.sparse.linalg.cg(A, b, maxiter=100000, callback=count, **kw)
    t = time.perf_counter() - t0
    return x, info, iters[0], t


def main():
    ap = argparse.ArgumentParser()
    here = os.path.dirname(os.path.abspath(__file__))
    ap.add_argument("--numkit", default=os.path.join(here, "..", "build", "release", "numkit"))
    ap.add_argument("--side", type=int, default=1000)
    ap.add_argument("--dense", type=int, default=4000)
    ap.add_argument("--tol", type=float, default=1e-8)
    a = ap.parse_args()
    nk = os.path.abspath(a.numkit)
    if not os.path.exists(nk):
        sys.exit(f"quad_vs_peers: no numkit binary at {nk} (build the release preset or pass --numkit)")

    with tempfile.TemporaryDirectory() as tmp:
        lap = os.path.join(tmp, "lap.mtx")
        ones = os.path.join(tmp, "ones.mtx")
        subprocess.run([nk, "quad", "generate", "laplace2d", "--n", str(a.side), "-o", lap,
                        "--rhs", ones], check=True, capture_output=True)
        # numkit: f = 1/2 x'Ax + b'x, minimizer solves Ax = -b; SciPy solves Ax = b with b = -ones
        r = run_numkit(nk, ["quad", "minimize", "-A", lap, "-b", ones, "--half", "--method", "cg",
                            "--tol", str(a.tol), "--timing", "--json", "--x-out",
                            os.path.join(tmp, "x.mtx")])
        nk_iters, nk_time = r["iterations"], r["seconds"]
        A = scipy.io.mmread(lap).tocsr()
        b = -np.ones(A.shape[0])
        x, info, sp_iters, sp_time = scipy_cg(A, b, a.tol)
        sp_res = np.linalg.norm(b - A @ x) / np.linalg.norm(b)
        n = A.shape[0]
        print(f"CG, 2-D Laplacian, {n} unknowns, relative residual {a.tol:g}")
        print(f"  numkit  {nk_iters:6d} iterations  {nk_time:8.3f} s  "
              f"{1e3 * nk_time / max(nk_iters, 1):7.3f} ms/iter  residual {r['relative_residual']:.2e}")
        print(f"  scipy   {sp_iters:6d} iterations  {sp_time:8.3f} s  "
              f"{1e3 * sp_time / max(sp_iters, 1):7.3f} ms/iter  residual {sp_res:.2e}")
        print(f"  ratio scipy/numkit per iteration: "
              f"{(sp_time / max(sp_iters, 1)) / (nk_time / max(nk_iters, 1)):.2f}x, "
              f"whole solve: {sp_time / nk_time:.2f}x")

        if a.dense > 0:
            spd = os.path.join(tmp, "spd.mtx")
            subprocess.run([nk, "quad", "generate", "random-spd", "--n", str(a.dense), "--cond",
                            "1e3", "--seed", "1", "-o", spd], check=True, capture_output=True)
            rhs = os.path.join(tmp, "b.mtx")
            with open(rhs, "w") as f:
                f.write(f"%%MatrixMarket matrix array real general\n{a.dense} 1\n")
                f.write("1\n" * a.dense)
            r = run_numkit(nk, ["quad", "minimize", "-A", spd, "-b", rhs, "--half", "--timing",
                                "--json", "--x-out", os.path.join(tmp, "xd.mtx")])
            M = np.asarray(scipy.io.mmread(spd))
            t0 = time.perf_counter()
            c = scipy.linalg.cho_factor(M)
            xs = scipy.linalg.cho_solve(c, -np.ones(a.dense))
            sp_t = time.perf_counter() - t0
            flops = a.dense ** 3 / 3
            print(f"Dense SPD solve by Cholesky, n = {a.dense}")
            print(f"  numkit  {r['seconds']:7.3f} s  {flops / r['seconds'] / 1e9:6.1f} GFLOP/s  "
                  f"residual {r['relative_residual']:.2e}")
            print(f"  scipy   {sp_t:7.3f} s  {flops / sp_t / 1e9:6.1f} GFLOP/s  residual "
                  f"{np.linalg.norm(M @ xs + 1) / np.sqrt(a.dense):.2e}")
            print(f"  ratio scipy/numkit: {sp_t / r['seconds']:.2f}x")


if __name__ == "__main__":
    main()
