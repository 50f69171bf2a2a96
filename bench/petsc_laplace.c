/* The peer of `numkit quad minimize --method pcg --precond amg`: a plain PETSc program (built
 * against the same Debian PETSc) that assembles the 2-D 5-point or 3-D 7-point Dirichlet
 * Laplacian of numkit's generator in parallel, solves A x = -b with b = ones (the minimizer of
 * 1/2 x'Ax + b'x) by KSPCG with the preconditioner of the PETSc options (-pc_type hypre by
 * default), stops at ||Ax + b|| <= rtol ||b|| (unpreconditioned norm), prints the setup and solve
 * seconds, and writes x as raw little-endian doubles for the residual check of
 * bench/quad_petsc_vs_peers.py.
 *
 *   mpirun -n 2 bench_petsc_laplace -dim 3 -n 216 -rtol 1e-8 -x x.bin \
 *     -pc_hypre_boomeramg_strong_threshold 0.5 -pc_hypre_boomeramg_agg_nl 1
 */
#include <petscksp.h>
#include <stdio.h>
#include <sys/resource.h>

int main(int argc, char** argv) {
  PetscCall(PetscInitialize(&argc, &argv, NULL, NULL));
  PetscInt dim = 2, n = 1000;
  PetscReal rtol = 1e-8;
  char xpath[PETSC_MAX_PATH_LEN] = "";
  PetscCall(PetscOptionsGetInt(NULL, NULL, "-dim", &dim, NULL));
  PetscCall(PetscOptionsGetInt(NULL, NULL, "-n", &n, NULL));
  PetscCall(PetscOptionsGetReal(NULL, NULL, "-rtol", &rtol, NULL));
  PetscCall(PetscOptionsGetString(NULL, NULL, "-x", xpath, sizeof xpath, NULL));
  const PetscInt N = dim == 3 ? n * n * n : n * n;
  const double t_start = MPI_Wtime();

  Mat A;
  PetscCall(MatCreate(PETSC_COMM_WORLD, &A));
  PetscCall(MatSetSizes(A, PETSC_DECIDE, PETSC_DECIDE, N, N));
  PetscCall(MatSetType(A, MATAIJ));
  PetscCall(MatSeqAIJSetPreallocation(A, dim == 3 ? 7 : 5, NULL));
  PetscCall(MatMPIAIJSetPreallocation(A, dim == 3 ? 7 : 5, NULL, 2, NULL));
  PetscInt lo, hi;
  PetscCall(MatGetOwnershipRange(A, &lo, &hi));
  const PetscInt sy = n, sz = n * n;
  for (PetscInt r = lo; r < hi; ++r) {
    const PetscInt i = r % n, j = (r / n) % n, k = r / sz;
    PetscInt cols[7];
    PetscScalar vals[7];
    int c = 0;
    if (dim == 3 && k > 0) cols[c] = r - sz, vals[c++] = -1;
    if (j > 0) cols[c] = r - sy, vals[c++] = -1;
    if (i > 0) cols[c] = r - 1, vals[c++] = -1;
    cols[c] = r, vals[c++] = dim == 3 ? 6 : 4;
    if (i < n - 1) cols[c] = r + 1, vals[c++] = -1;
    if (j < n - 1) cols[c] = r + sy, vals[c++] = -1;
    if (dim == 3 && k < n - 1) cols[c] = r + sz, vals[c++] = -1;
    PetscCall(MatSetValues(A, 1, &r, c, cols, vals, INSERT_VALUES));
  }
  PetscCall(MatAssemblyBegin(A, MAT_FINAL_ASSEMBLY));
  PetscCall(MatAssemblyEnd(A, MAT_FINAL_ASSEMBLY));
  PetscCall(MatSetOption(A, MAT_SYMMETRIC, PETSC_TRUE));

  Vec x, b;
  PetscCall(MatCreateVecs(A, &x, &b));
  PetscCall(VecSet(b, -1.0)); /* A x = -ones */
  KSP ksp;
  PC pc;
  PetscCall(KSPCreate(PETSC_COMM_WORLD, &ksp));
  PetscCall(KSPSetOperators(ksp, A, A));
  PetscCall(KSPSetType(ksp, KSPCG));
  PetscCall(KSPSetNormType(ksp, KSP_NORM_UNPRECONDITIONED));
  PetscCall(KSPSetTolerances(ksp, rtol, 0.0, PETSC_DEFAULT, 100000));
  PetscCall(KSPGetPC(ksp, &pc));
  PetscCall(PCSetType(pc, PCHYPRE));
  PetscCall(KSPSetFromOptions(ksp));
  const double t_assembled = MPI_Wtime();
  PetscCall(KSPSetUp(ksp));
  PetscCall(PCSetUp(pc));
  const double t_setup = MPI_Wtime();
  PetscCall(KSPSolve(ksp, b, x));
  const double t_solve = MPI_Wtime();
  PetscInt its;
  KSPConvergedReason reason;
  PetscCall(KSPGetIterationNumber(ksp, &its));
  PetscCall(KSPGetConvergedReason(ksp, &reason));

  /* ||Ax - b|| / ||b|| recomputed */
  Vec r;
  PetscReal rn, bn;
  PetscCall(VecDuplicate(b, &r));
  PetscCall(MatMult(A, x, r));
  PetscCall(VecAXPY(r, -1.0, b));
  PetscCall(VecNorm(r, NORM_2, &rn));
  PetscCall(VecNorm(b, NORM_2, &bn));
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  double mem_sum = 0, mem_max = 0, m = (double)ru.ru_maxrss * 1024.0; /* resident high-water mark */
  MPI_Allreduce(&m, &mem_sum, 1, MPI_DOUBLE, MPI_SUM, PETSC_COMM_WORLD);
  MPI_Allreduce(&m, &mem_max, 1, MPI_DOUBLE, MPI_MAX, PETSC_COMM_WORLD);
  int size;
  MPI_Comm_size(PETSC_COMM_WORLD, &size);
  PetscCall(PetscPrintf(PETSC_COMM_WORLD,
                        "{\"processes\": %d, \"n\": %d, \"iterations\": %d, \"reason\": %d, "
                        "\"assemble_seconds\": %.4f, \"setup_seconds\": %.4f, "
                        "\"solve_seconds\": %.4f, \"relative_residual\": %.3e, "
                        "\"peak_bytes_all\": %.0f, \"peak_bytes_max_rank\": %.0f}\n",
                        size, (int)N, (int)its, (int)reason, t_assembled - t_start,
                        t_setup - t_assembled, t_solve - t_setup, (double)(rn / bn), mem_sum,
                        mem_max));
  if (xpath[0]) {
    Vec x0;
    VecScatter sc;
    PetscCall(VecScatterCreateToZero(x, &sc, &x0));
    PetscCall(VecScatterBegin(sc, x, x0, INSERT_VALUES, SCATTER_FORWARD));
    PetscCall(VecScatterEnd(sc, x, x0, INSERT_VALUES, SCATTER_FORWARD));
    PetscMPIInt rank;
    MPI_Comm_rank(PETSC_COMM_WORLD, &rank);
    if (rank == 0) {
      const PetscScalar* a;
      PetscCall(VecGetArrayRead(x0, &a));
      FILE* f = fopen(xpath, "wb");
      if (!f || fwrite(a, sizeof(double), (size_t)N, f) != (size_t)N) {
        fprintf(stderr, "cannot write %s\n", xpath);
        return 2;
      }
      fclose(f);
      PetscCall(VecRestoreArrayRead(x0, &a));
    }
    PetscCall(VecScatterDestroy(&sc));
    PetscCall(VecDestroy(&x0));
  }
  PetscCall(VecDestroy(&r));
  PetscCall(VecDestroy(&x));
  PetscCall(VecDestroy(&b));
  PetscCall(KSPDestroy(&ksp));
  PetscCall(MatDestroy(&A));
  PetscCall(PetscFinalize());
  return 0;
}
