#!/usr/bin/python3
"""Large sparse quadratic forms: numkit's PETSc engine against a plain PETSc program
(bench/petsc_laplace.c, the same Debian PETSc and hypre) and SciPy, on the same problems, with
the ratios. Every run's solution is read back from the file it wrote and its residual
||Ax + b|| / ||b|| recomputed here with SciPy.

  /usr/bin/python3 bench/quad_petsc_vs_peers.py            # 2-D 10^6 (one process) and 3-D 216^3 (mpirun -n 2)
  /usr/bin/python3 bench/quad_petsc_vs_peers.py --2d-only  # only the 2-D problem
  NUMKIT_BUILD=build/release (default) selects the build folder.

Run it on a quiet machine (it prints the load average before and after): the 3-D problem takes
a few minutes and several GiB.
"""
import json
import os
import subprocess
import sys
import tempfile
import time

import numpy as np
import scipy.sparse as sp

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BUILD = os.path.join(ROOT, os.environ.get("NUMKIT_BUILD", "build/release"))
NUMKIT = os.path.join(BUILD, "numkit")
PETSC = os.path.join(BUILD, "bench_petsc_laplace")
MPIRUN = ["mpirun", "-n", "2", "--oversubscribe", "--allow-run-as-root", "-x", "OMP_NUM_THREADS"]


def load():
    return open("/proc/loadavg").read().split()[0]


def run(cmd, env=None):
    t = time.perf_counter()
    p = subprocess.run(cmd, capture_output=True, text=True, env=env)
    wall = time.perf_counter() - t
    if p.returncode not in (0, 1):
        sys.exit("failed: %s\n%s" % (" ".join(cmd), p.stderr))
    return p.stdout, wall


def laplacian(dims, n):
    """The Dirichlet Laplacian of numkit quad generate (row i + n*(j + n*k))."""
    t = sp.diags([-np.ones(n - 1), 2 * np.ones(n), -np.ones(n - 1)], [-1, 0, 1], format="csr")
    eye = sp.identity(n, format="csr")
    if dims == 2:
        return (sp.kron(eye, t) + sp.kron(t, eye)).tocsr()
    return (sp.kron(sp.kron(eye, eye), t) + sp.kron(sp.kron(eye, t), eye) +
            sp.kron(sp.kron(t, eye), eye)).tocsr()


def read_mtx_vector(path):
    with open(path, "rb") as f:
        data = f.read()
    lines = data.split(b"\n")
    k = 0
    while lines[k].startswith(b"%"):
        k += 1
    n = int(lines[k].split()[0])
    body = b"\n".join(lines[k + 1:])
    x = np.array(body.split(), dtype=np.float64)
    assert x.size == n, (x.size, n)
    return x


def residual(A, x):
    b = np.ones(A.shape[0])
    return np.linalg.norm(A @ x + b) / np.linalg.norm(b)


SCIPY_CG = r"""
import sys, time, numpy as np, scipy.io, scipy.sparse.linalg as sla
A = scipy.io.mmread(sys.argv[1]).tocsr()
b = np.ones(A.shape[0])
t = time.perf_counter()
x, info = sla.cg(A, -b, tol=1e-8, atol=0.0, maxiter=100000)
print(time.perf_counter() - t, info)
np.save(sys.argv[2], x)
"""


def two_d(tmp):
    n = 1000
    lap, ones = os.path.join(tmp, "lap2d.mtx"), os.path.join(tmp, "ones.mtx")
    run([NUMKIT, "quad", "generate", "laplace2d", "--n", str(n), "-o", lap, "--rhs", ones])
    A = laplacian(2, n)
    print("== 2-D Laplacian, %d unknowns, b = ones, to 1e-8, one process (load %s)" % (n * n, load()))
    xn = os.path.join(tmp, "x_numkit.mtx")
    out, wall_nk = run([NUMKIT, "quad", "minimize", "-A", lap, "-b", ones, "--half", "--method",
                        "pcg", "--precond", "amg", "--tol", "1e-8", "--timing", "--json",
                        "--x-out", xn])
    nk = json.loads(out)
    xp = os.path.join(tmp, "x_petsc.bin")
    out, wall_pe = run([PETSC, "-dim", "2", "-n", str(n), "-rtol", "1e-8", "-x", xp])
    pe = json.loads(out)
    xs = os.path.join(tmp, "x_scipy.npy")
    out, wall_sc = run(["/usr/bin/python3", "-c", SCIPY_CG, lap, xs])
    sc_solve = float(out.split()[0])
    r_nk = residual(A, read_mtx_vector(xn))
    r_pe = residual(A, np.fromfile(xp, dtype="<f8"))
    r_sc = residual(A, np.load(xs))
    nk_ss = nk["setup_seconds"] + nk["solve_seconds"]
    pe_ss = pe["setup_seconds"] + pe["solve_seconds"]
    print("%-34s %10s %10s %10s %12s %12s" % ("", "iterations", "setup s", "solve s", "process s", "residual"))
    print("%-34s %10d %10.3f %10.3f %12.2f %12.2e" % ("numkit pcg amg (hypre)", nk["iterations"],
          nk["setup_seconds"], nk["solve_seconds"], wall_nk, r_nk))
    print("%-34s %10d %10.3f %10.3f %12.2f %12.2e" % ("PETSc program CG + hypre", pe["iterations"],
          pe["setup_seconds"], pe["solve_seconds"], wall_pe, r_pe))
    print("%-34s %10s %10s %10.3f %12.2f %12.2e" % ("scipy.sparse.linalg.cg", "", "", sc_solve,
          wall_sc, r_sc))
    print("setup+solve: PETSc program / numkit = %.2f (>= 1: numkit no slower)" % (pe_ss / nk_ss))
    print("whole process from the .mtx file: scipy / numkit = %.1f (target >= 10)" % (wall_sc / wall_nk))
    print("numkit solver: %s" % nk.get("solver"))


def three_d(tmp):
    n = 216
    env = dict(os.environ, OMP_NUM_THREADS="1")
    print("== 3-D Laplacian, %d unknowns via --generate, b = ones, to 1e-8, mpirun -n 2 (load %s)"
          % (n ** 3, load()))
    xn = os.path.join(tmp, "x3_numkit.mtx")
    out, wall_nk = run(MPIRUN + [NUMKIT, "quad", "minimize", "--generate", "laplace3d", "--n",
                                 str(n), "--half", "--method", "pcg", "--precond", "amg", "--tol",
                                 "1e-8", "--timing", "--json", "--x-out", xn], env)
    nk = json.loads(out)
    xp = os.path.join(tmp, "x3_petsc.bin")
    out, wall_pe = run(MPIRUN + [PETSC, "-dim", "3", "-n", str(n), "-rtol", "1e-8", "-x", xp,
                                 "-pc_hypre_boomeramg_strong_threshold", "0.5",
                                 "-pc_hypre_boomeramg_agg_nl", "1"], env)
    pe = json.loads(out)
    A = laplacian(3, n)
    r_nk = residual(A, read_mtx_vector(xn))
    r_pe = residual(A, np.fromfile(xp, dtype="<f8"))
    print("%-44s %10s %10s %10s %12s %10s %12s" % ("", "iterations", "setup s", "solve s", "process s",
          "peak GiB", "residual"))
    print("%-44s %10d %10.2f %10.2f %12.1f %10.2f %12.2e" % ("numkit pcg amg, defaults",
          nk["iterations"], nk["setup_seconds"], nk["solve_seconds"], wall_nk,
          nk["peak_memory_bytes"] / 2 ** 30, r_nk))
    print("%-44s %10d %10.2f %10.2f %12.1f %10.2f %12.2e" % ("PETSc program, hypre theta 0.5 agg_nl 1",
          pe["iterations"], pe["setup_seconds"], pe["solve_seconds"], wall_pe,
          pe["peak_bytes_all"] / 2 ** 30, r_pe))
    print("whole process: PETSc program / numkit = %.2f; numkit under 60 s: %s; under 16 GiB: %s"
          % (wall_pe / wall_nk, wall_nk < 60, nk["peak_memory_bytes"] < 16 * 2 ** 30))
    print("numkit solver: %s" % nk.get("solver"))


def main():
    with tempfile.TemporaryDirectory() as tmp:
        two_d(tmp)
        if "--2d-only" not in sys.argv:
            three_d(tmp)
    print("load average at the end: %s" % load())


if __name__ == "__main__":
    main()
