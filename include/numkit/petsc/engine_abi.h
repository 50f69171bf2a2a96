/* The interface between numkit and its PETSc engine, a plugin (libnumkit_petsc_engine.so) that
 * numkit opens with dlopen only when a command needs PETSc or MPI, so that every other command
 * starts without loading them. Plain C types only: the plugin and the executable may be built at
 * different times, and nothing C++ (exceptions, std::string, Eigen) crosses the boundary.
 * Every function returns 0 on success, nonzero on failure with a message in `err` (one lowercase
 * line). Functions marked "collective" must be called by every rank, in the same order. */
#ifndef NUMKIT_PETSC_ENGINE_ABI_H
#define NUMKIT_PETSC_ENGINE_ABI_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define NUMKIT_PETSC_ABI_VERSION 1
#define NUMKIT_PETSC_ENTRY_POINT "numkit_petsc_engine_v1"

typedef struct numkit_petsc_problem numkit_petsc_problem;

enum numkit_petsc_method { NUMKIT_PETSC_CG = 0, NUMKIT_PETSC_PCG = 1, NUMKIT_PETSC_DIRECT = 2 };
enum numkit_petsc_precond {
  NUMKIT_PETSC_PC_NONE = 0,
  NUMKIT_PETSC_PC_JACOBI = 1,
  NUMKIT_PETSC_PC_HYPRE = 2, /* hypre BoomerAMG */
  NUMKIT_PETSC_PC_GAMG = 3   /* PETSc's smoothed-aggregation AMG */
};
enum numkit_petsc_status {
  NUMKIT_PETSC_CONVERGED = 0,
  NUMKIT_PETSC_MAX_ITER = 1,
  NUMKIT_PETSC_NOT_POSITIVE_DEFINITE = 2, /* CG met pᵀHp <= 0; the direction is returned */
  NUMKIT_PETSC_NO_MINIMUM = 3,            /* direct: the inertia shows a negative eigenvalue */
  NUMKIT_PETSC_UNDETERMINED = 4           /* direct: singular A, the factorization cannot decide */
};
enum numkit_petsc_op { NUMKIT_PETSC_SUM = 0, NUMKIT_PETSC_MAX = 1, NUMKIT_PETSC_MIN = 2 };

typedef struct {
  int method;  /* numkit_petsc_method */
  int precond; /* numkit_petsc_precond (pcg) */
  double tol; /* stop when ‖Hx + b‖ <= tol·‖b‖ (‖Hx0 + b‖ if b = 0), on the recomputed residual */
  int64_t max_iter;
  int have_x0; /* x_local holds x0 on entry */
  /* AMG; a value < 0 (or NULL) keeps the engine's default */
  double strong_threshold;
  int aggressive_levels;    /* hypre agg_nl; GAMG square_graph */
  const char* coarsen_type; /* hypre: HMIS, PMIS, Falgout, ... */
  const char* interp_type;  /* hypre: ext+i, classical, ... */
  const char* relax_type;   /* hypre: symmetric-SOR/Jacobi, l1scaled-SOR/Jacobi, Chebyshev, ... */
  const char*
      petsc_options; /* extra PETSc options ("-pc_hypre_boomeramg_max_levels 20"), or NULL */
  /* after every iteration: k, f(x) − c, ‖Hx + b‖ (recursive), step length. Set it on every rank
   * or on none (f is a collective sum); it is called on rank 0 only. */
  void (*trace)(void* ctx, int64_t k, double f, double grad_norm, double step);
  void* trace_ctx;
} numkit_petsc_solve_options;

typedef struct {
  int status; /* numkit_petsc_status */
  int64_t iterations;
  double relative_residual; /* recomputed from x: ‖Hx + b‖ / reference */
  double f_minus_c;         /* ½xᵀHx + bᵀx */
  double setup_seconds, solve_seconds;
  int have_direction;       /* dir_local holds a unit direction with dᵀHd <= 0 or descent */
  int64_t inertia[3];       /* direct: negative, zero, positive eigenvalue counts; -1 unknown */
  char reason[512];         /* why it stopped, when not converged */
  char preconditioner[256]; /* what ran, e.g. "hypre BoomerAMG (strong threshold 0.5, ...)" */
} numkit_petsc_solve_result;

typedef struct {
  int abi_version;
  /* Starts MPI (as a singleton when no launcher started the process) and PETSc. */
  int (*init)(int* rank, int* size, char* version, size_t version_len, char* err, size_t err_len);
  void (*finalize)(void);
  /* collectives on the world communicator */
  int (*allreduce_i64)(int64_t* values, int count, int op);
  int (*allreduce_f64)(double* values, int count, int op);
  int (*exscan_i64)(int64_t* values, int count); /* exclusive prefix sums; rank 0 gets 0 */
  int (*bcast)(void* data, int64_t bytes, int root);
  void (*abort)(int code); /* last resort: a rank cannot continue and cannot tell the others */
  /* peak resident memory of this process and of all processes together (collective) */
  int (*peak_memory)(double* this_rank_bytes, double* all_ranks_bytes, double* max_rank_bytes);

  /* A form ½xᵀHx + bᵀx with H = scale·A, n unknowns, rows distributed in contiguous blocks. */
  numkit_petsc_problem* (*create)(int64_t n, double scale, char* err, size_t err_len);
  void (*ownership)(const numkit_petsc_problem*, int64_t* begin, int64_t* end);
  /* entries of A (any rows: they are sent to their owners by assemble); duplicates are summed */
  int (*add_entries)(numkit_petsc_problem*, const int64_t* rows, const int64_t* cols,
                     const double* values, int64_t count, char* err, size_t err_len);
  /* entries of b (any indices); duplicates are summed */
  int (*add_rhs)(numkit_petsc_problem*, const int64_t* index, const double* values, int64_t count,
                 char* err, size_t err_len);
  /* collective: builds H and b. With check_symmetry, a non-symmetric A is replaced by
   * (A + Aᵀ)/2 and asymmetry gets max|A − Aᵀ|/2 (off for matrices known to be symmetric: the
   * check costs three copies of the matrix). */
  int (*assemble)(numkit_petsc_problem*, int check_symmetry, int* symmetrized, double* asymmetry,
                  char* err, size_t err_len);
  /* collective: x_local (end − begin entries) receives the minimizer or last iterate,
   * dir_local the direction when result->have_direction */
  int (*solve)(numkit_petsc_problem*, const numkit_petsc_solve_options*, numkit_petsc_solve_result*,
               double* x_local, double* dir_local, char* err, size_t err_len);
  /* collective: every rank's local block to rank 0 (global_on_root: n entries, rank 0 only) */
  int (*gather)(const numkit_petsc_problem*, const double* local, double* global_on_root);
  void (*destroy)(numkit_petsc_problem*);
} numkit_petsc_engine;

typedef const numkit_petsc_engine* (*numkit_petsc_entry_fn)(void);

#ifdef __cplusplus
}
#endif

#endif
