// numkit's PETSc engine: a plugin opened with dlopen by the numkit executable (see
// include/numkit/petsc/engine_abi.h). It holds every use of MPI and PETSc, so that no other
// numkit command loads them. Solvers: CG and PCG (Jacobi, hypre BoomerAMG, GAMG) written over
// PETSc's distributed matrix, vectors and preconditioners — our own loop, so that the stopping
// rule (‖Hx + b‖ <= tol·‖b‖ on the recomputed residual) and the direction of non-positive
// curvature are exactly those of numkit's native CG — and the sparse direct solve by MUMPS's
// LDLᵀ through PETSc, whose inertia tells definiteness.
#include <mpi.h>
#include <petscksp.h>
#include <sys/resource.h>

#include <algorithm>
#include <cmath>
#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "numkit/petsc/engine_abi.h"

struct numkit_petsc_problem {
  int64_t n = 0;
  double scale = 1;
  int rank = 0, size = 1;
  std::vector<int64_t> starts;  // starts[r] = first row of rank r; starts[size] = n
  // entries waiting for assemble, per destination rank
  struct Entry {
    int64_t row, col;
    double value;
  };
  std::vector<std::vector<Entry>> out_entries;
  std::vector<std::vector<Entry>> out_rhs;  // col unused
  Mat H = nullptr;
  Vec b = nullptr;
};

namespace {

using Problem = numkit_petsc_problem;

bool g_initialized = false;
bool g_we_started_mpi = false;
int g_rank = 0, g_size = 1;

void set_error(char* err, size_t len, const char* fmt, ...) {
  if (!err || len == 0) return;
  va_list ap;
  va_start(ap, fmt);
  std::vsnprintf(err, len, fmt, ap);
  va_end(ap);
}

// PETSc's error text for a failed call (the error handler is PetscReturnErrorHandler: nothing is
// printed, the code comes back).
void petsc_error(char* err, size_t len, PetscErrorCode code, const char* what) {
  const char* text = nullptr;
  PetscErrorMessage(code, &text, nullptr);
  set_error(err, len, "petsc: %s failed: %s", what, text ? text : "unknown error");
}

#define NK_TRY(call, what)                       \
  do {                                           \
    PetscErrorCode nk_ierr_ = (call);            \
    if (nk_ierr_) {                              \
      petsc_error(err, err_len, nk_ierr_, what); \
      return 1;                                  \
    }                                            \
  } while (0)

int owner_of(const Problem& p, int64_t row) {
  auto it = std::upper_bound(p.starts.begin(), p.starts.end(), row);
  return static_cast<int>(it - p.starts.begin()) - 1;
}

bool launched_by_mpi() {
  return std::getenv("OMPI_COMM_WORLD_SIZE") || std::getenv("PMIX_RANK") ||
         std::getenv("PMI_RANK") || std::getenv("PMI_SIZE");
}

int nk_init(int* rank, int* size, char* version, size_t version_len, char* err, size_t err_len) {
  if (!g_initialized) {
    int mpi_up = 0;
    MPI_Initialized(&mpi_up);
    if (!mpi_up) {
      if (!launched_by_mpi()) {
        // A single process: Open MPI's singleton start-up otherwise spawns a daemon and probes
        // the network (about 1 s here); none of that is needed for one process. The user's own
        // settings win (overwrite = 0).
        setenv("OMPI_MCA_ess_singleton_isolated", "1", 0);
        setenv("OMPI_MCA_pml", "ob1", 0);
        setenv("OMPI_MCA_btl", "self,vader", 0);
        setenv("HWLOC_COMPONENTS", "-gl,-opencl", 0);
      }
      if (MPI_Init(nullptr, nullptr) != MPI_SUCCESS) {
        set_error(err, err_len, "mpi: MPI_Init failed");
        return 1;
      }
      g_we_started_mpi = true;
    }
    // numkit handles its own signals and errors: PETSc must neither install handlers nor print.
    PetscOptionsSetValue(nullptr, "-no_signal_handler", nullptr);
    int argc = 0;
    char** argv = nullptr;
    PetscErrorCode e = PetscInitialize(&argc, &argv, nullptr, nullptr);
    if (e) {
      set_error(err, err_len, "petsc: PetscInitialize failed (error %d)", static_cast<int>(e));
      return 1;
    }
    PetscPushErrorHandler(PetscReturnErrorHandler, nullptr);
    MPI_Comm_rank(PETSC_COMM_WORLD, &g_rank);
    MPI_Comm_size(PETSC_COMM_WORLD, &g_size);
    g_initialized = true;
  }
  *rank = g_rank;
  *size = g_size;
  PetscInt major = 0, minor = 0, patch = 0;  // "3.18.5", not PetscGetVersion's banner
  if (version && version_len && !PetscGetVersionNumber(&major, &minor, &patch, nullptr))
    std::snprintf(version, version_len, "%d.%d.%d", static_cast<int>(major),
                  static_cast<int>(minor), static_cast<int>(patch));
  return 0;
}

void nk_finalize() {
  if (!g_initialized) return;
  PetscFinalize();
  g_initialized = false;
  int finalized = 0;
  MPI_Finalized(&finalized);
  if (g_we_started_mpi && !finalized) MPI_Finalize();
}

MPI_Op mpi_op(int op) {
  return op == NUMKIT_PETSC_MAX ? MPI_MAX : op == NUMKIT_PETSC_MIN ? MPI_MIN : MPI_SUM;
}

int nk_allreduce_i64(int64_t* v, int count, int op) {
  return MPI_Allreduce(MPI_IN_PLACE, v, count, MPI_INT64_T, mpi_op(op), PETSC_COMM_WORLD) !=
         MPI_SUCCESS;
}
int nk_allreduce_f64(double* v, int count, int op) {
  return MPI_Allreduce(MPI_IN_PLACE, v, count, MPI_DOUBLE, mpi_op(op), PETSC_COMM_WORLD) !=
         MPI_SUCCESS;
}
int nk_exscan_i64(int64_t* v, int count) {
  std::vector<int64_t> in(v, v + count);
  if (MPI_Exscan(in.data(), v, count, MPI_INT64_T, MPI_SUM, PETSC_COMM_WORLD) != MPI_SUCCESS)
    return 1;
  if (g_rank == 0) std::fill(v, v + count, 0);  // MPI leaves rank 0's buffer undefined
  return 0;
}
int nk_bcast(void* data, int64_t bytes, int root) {
  char* p = static_cast<char*>(data);
  while (bytes > 0) {
    const int chunk = static_cast<int>(std::min<int64_t>(bytes, 1 << 30));
    if (MPI_Bcast(p, chunk, MPI_BYTE, root, PETSC_COMM_WORLD) != MPI_SUCCESS) return 1;
    p += chunk;
    bytes -= chunk;
  }
  return 0;
}
void nk_abort(int code) {
  MPI_Abort(MPI_COMM_WORLD, code);
}

int nk_peak_memory(double* mine, double* all, double* max_rank) {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  double bytes = static_cast<double>(ru.ru_maxrss) * 1024.0;
  *mine = bytes;
  double sum = bytes, mx = bytes;
  MPI_Allreduce(MPI_IN_PLACE, &sum, 1, MPI_DOUBLE, MPI_SUM, PETSC_COMM_WORLD);
  MPI_Allreduce(MPI_IN_PLACE, &mx, 1, MPI_DOUBLE, MPI_MAX, PETSC_COMM_WORLD);
  *all = sum;
  *max_rank = mx;
  return 0;
}

numkit_petsc_problem* nk_create(int64_t n, double scale, char* err, size_t err_len) {
  if (!g_initialized) {
    set_error(err, err_len, "petsc: the engine is not initialized");
    return nullptr;
  }
  if (n < 1 || n > static_cast<int64_t>(PETSC_MAX_INT) / 2) {
    set_error(err, err_len, "petsc: %lld unknowns is outside this PETSc build's range",
              static_cast<long long>(n));
    return nullptr;
  }
  auto* p = new Problem;
  p->n = n;
  p->scale = scale;
  p->rank = g_rank;
  p->size = g_size;
  p->starts.resize(g_size + 1);
  // PETSc's own split (PetscSplitOwnership): the first n mod size ranks get one more row
  const int64_t base = n / g_size, extra = n % g_size;
  for (int r = 0; r <= g_size; ++r) p->starts[r] = r * base + std::min<int64_t>(r, extra);
  p->out_entries.resize(g_size);
  p->out_rhs.resize(g_size);
  return p;
}

void nk_ownership(const Problem* p, int64_t* begin, int64_t* end) {
  *begin = p->starts[p->rank];
  *end = p->starts[p->rank + 1];
}

int nk_add_entries(Problem* p, const int64_t* rows, const int64_t* cols, const double* values,
                   int64_t count, char* err, size_t err_len) {
  for (int64_t k = 0; k < count; ++k) {
    if (rows[k] < 0 || rows[k] >= p->n || cols[k] < 0 || cols[k] >= p->n) {
      set_error(err, err_len, "petsc: entry (%lld, %lld) outside the %lld×%lld matrix",
                static_cast<long long>(rows[k] + 1), static_cast<long long>(cols[k] + 1),
                static_cast<long long>(p->n), static_cast<long long>(p->n));
      return 1;
    }
    p->out_entries[owner_of(*p, rows[k])].push_back({rows[k], cols[k], values[k]});
  }
  return 0;
}

int nk_add_rhs(Problem* p, const int64_t* index, const double* values, int64_t count, char* err,
               size_t err_len) {
  for (int64_t k = 0; k < count; ++k) {
    if (index[k] < 0 || index[k] >= p->n) {
      set_error(err, err_len, "petsc: entry %lld outside the vector of %lld",
                static_cast<long long>(index[k] + 1), static_cast<long long>(p->n));
      return 1;
    }
    p->out_rhs[owner_of(*p, index[k])].push_back({index[k], 0, values[k]});
  }
  return 0;
}

// Sends every rank's buffers to their owners (all-to-all, in rounds that keep each message under
// 2³¹ bytes) and returns what this rank received.
int exchange(std::vector<std::vector<Problem::Entry>>& out, std::vector<Problem::Entry>& in,
             char* err, size_t err_len) {
  const int size = static_cast<int>(out.size());
  constexpr int64_t kMaxPerMessage = (int64_t{1} << 30) / sizeof(Problem::Entry);
  std::vector<int64_t> offset(size, 0);
  for (;;) {
    std::vector<int> send_counts(size), recv_counts(size), sdispl(size), rdispl(size);
    int64_t remaining = 0;
    for (int r = 0; r < size; ++r) {
      const int64_t left = static_cast<int64_t>(out[r].size()) - offset[r];
      remaining += left;
      send_counts[r] = static_cast<int>(std::min(left, kMaxPerMessage / size + 1) *
                                        static_cast<int64_t>(sizeof(Problem::Entry)));
    }
    MPI_Allreduce(MPI_IN_PLACE, &remaining, 1, MPI_INT64_T, MPI_SUM, PETSC_COMM_WORLD);
    if (remaining == 0) break;
    MPI_Alltoall(send_counts.data(), 1, MPI_INT, recv_counts.data(), 1, MPI_INT, PETSC_COMM_WORLD);
    std::vector<char> send_buf;
    int64_t total_send = 0, total_recv = 0;
    for (int r = 0; r < size; ++r) {
      sdispl[r] = static_cast<int>(total_send);
      rdispl[r] = static_cast<int>(total_recv);
      total_send += send_counts[r];
      total_recv += recv_counts[r];
    }
    if (total_send > INT32_MAX || total_recv > INT32_MAX) {
      set_error(err, err_len, "petsc: too many entries to exchange in one round");
      return 1;
    }
    send_buf.resize(static_cast<size_t>(total_send));
    for (int r = 0; r < size; ++r) {
      if (send_counts[r])
        std::memcpy(send_buf.data() + sdispl[r], out[r].data() + offset[r],
                    static_cast<size_t>(send_counts[r]));
      offset[r] += send_counts[r] / static_cast<int>(sizeof(Problem::Entry));
    }
    const size_t old = in.size();
    in.resize(old + static_cast<size_t>(total_recv) / sizeof(Problem::Entry));
    MPI_Alltoallv(send_buf.data(), send_counts.data(), sdispl.data(), MPI_BYTE,
                  reinterpret_cast<char*>(in.data() + old), recv_counts.data(), rdispl.data(),
                  MPI_BYTE, PETSC_COMM_WORLD);
  }
  for (auto& v : out) std::vector<Problem::Entry>().swap(v);
  return 0;
}

int nk_assemble(Problem* p, int check_symmetry, int* symmetrized, double* asymmetry, char* err,
                size_t err_len) {
  std::vector<Problem::Entry> mine, rhs;
  if (exchange(p->out_entries, mine, err, err_len)) return 1;
  if (exchange(p->out_rhs, rhs, err, err_len)) return 1;
  const int64_t begin = p->starts[p->rank], end = p->starts[p->rank + 1];
  const PetscInt m = static_cast<PetscInt>(end - begin);
  // local CSR rows with global columns, sorted, duplicates summed
  const auto before = [](const Problem::Entry& a, const Problem::Entry& b) {
    return a.row != b.row ? a.row < b.row : a.col < b.col;
  };
  if (!std::is_sorted(mine.begin(), mine.end(), before))  // generated rows come sorted
    std::sort(mine.begin(), mine.end(), before);
  std::vector<PetscInt> ia(static_cast<size_t>(m) + 1, 0), ja;
  std::vector<PetscScalar> va;
  ja.reserve(mine.size());
  va.reserve(mine.size());
  for (size_t k = 0; k < mine.size();) {
    const int64_t row = mine[k].row, col = mine[k].col;
    double sum = 0;
    while (k < mine.size() && mine[k].row == row && mine[k].col == col) sum += mine[k++].value;
    ja.push_back(static_cast<PetscInt>(col));
    va.push_back(p->scale * sum);
    ++ia[static_cast<size_t>(row - begin) + 1];
  }
  std::vector<Problem::Entry>().swap(mine);
  for (PetscInt i = 0; i < m; ++i) ia[i + 1] += ia[i];
  const PetscInt N = static_cast<PetscInt>(p->n);
  NK_TRY(MatCreateMPIAIJWithArrays(PETSC_COMM_WORLD, m, m, N, N, ia.data(), ja.data(), va.data(),
                                   &p->H),
         "building the matrix");
  std::vector<PetscInt>().swap(ja);
  std::vector<PetscScalar>().swap(va);
  // b
  NK_TRY(MatCreateVecs(p->H, nullptr, &p->b), "creating b");
  {
    PetscScalar* bl = nullptr;
    NK_TRY(VecGetArray(p->b, &bl), "writing b");
    std::fill(bl, bl + m, 0.0);
    for (const auto& e : rhs) bl[e.row - begin] += e.value;
    NK_TRY(VecRestoreArray(p->b, &bl), "writing b");
  }
  // symmetry: H must be symmetric for CG and for the LDLᵀ; otherwise its symmetric part is used
  *symmetrized = 0;
  *asymmetry = 0;
  if (!check_symmetry) {
    NK_TRY(MatSetOption(p->H, MAT_SYMMETRIC, PETSC_TRUE), "marking the matrix symmetric");
    NK_TRY(MatSetOption(p->H, MAT_SYMMETRY_ETERNAL, PETSC_TRUE), "marking the matrix symmetric");
    return 0;
  }
  Mat Ht = nullptr;
  NK_TRY(MatTranspose(p->H, MAT_INITIAL_MATRIX, &Ht), "transposing the matrix");
  Mat D = nullptr;
  NK_TRY(MatDuplicate(p->H, MAT_COPY_VALUES, &D), "copying the matrix");
  NK_TRY(MatAXPY(D, -1.0, Ht, DIFFERENT_NONZERO_PATTERN), "comparing A with its transpose");
  PetscReal dmax = 0;
  NK_TRY(MatNorm(D, NORM_MAX, &dmax), "comparing A with its transpose");
  MatDestroy(&D);
  if (dmax > 0) {
    *symmetrized = 1;
    *asymmetry = dmax / 2 / p->scale;
    NK_TRY(MatAXPY(p->H, 1.0, Ht, DIFFERENT_NONZERO_PATTERN), "symmetrizing the matrix");
    NK_TRY(MatScale(p->H, 0.5), "symmetrizing the matrix");
  }
  MatDestroy(&Ht);
  NK_TRY(MatSetOption(p->H, MAT_SYMMETRIC, PETSC_TRUE), "marking the matrix symmetric");
  NK_TRY(MatSetOption(p->H, MAT_SYMMETRY_ETERNAL, PETSC_TRUE), "marking the matrix symmetric");
  return 0;
}

void put_default(const char* name, const std::string& value) {
  PetscBool set = PETSC_FALSE;
  PetscOptionsHasName(nullptr, nullptr, name, &set);
  if (!set) PetscOptionsSetValue(nullptr, name, value.empty() ? nullptr : value.c_str());
}

std::string fmt_double(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.6g", v);
  return buf;
}

// The engine's AMG defaults, measured with bench/petsc_laplace.c on the 2-D and 3-D Laplacians
// (docs/quad.md): for 2-D-like stencils (at most 6 nonzeros a row) hypre's classical settings
// (Falgout coarsening, classical interpolation, strong threshold 0.25) are the fastest; in 3-D,
// where the setup dominates, strong threshold 0.5, one level of aggressive coarsening, HMIS
// coarsening and ext+i interpolation truncated to 4 entries a row (P_max) cut the setup and
// the solve. Symmetric SOR/Jacobi smoothing keeps the preconditioner symmetric, as CG needs.
int configure_pc(Problem* p, PC pc, const numkit_petsc_solve_options* o, std::string& what,
                 char* err, size_t err_len) {
  MatInfo info;
  NK_TRY(MatGetInfo(p->H, MAT_GLOBAL_SUM, &info), "reading the matrix size");
  const double per_row = info.nz_used / static_cast<double>(p->n);
  const bool three_d = per_row > 6.5;
  if (o->petsc_options && *o->petsc_options)
    NK_TRY(PetscOptionsInsertString(nullptr, o->petsc_options), "reading --petsc-options");
  switch (o->precond) {
    case NUMKIT_PETSC_PC_NONE:
      NK_TRY(PCSetType(pc, PCNONE), "setting the preconditioner");
      what = "none";
      break;
    case NUMKIT_PETSC_PC_JACOBI:
      NK_TRY(PCSetType(pc, PCJACOBI), "setting the preconditioner");
      what = "jacobi";
      break;
    case NUMKIT_PETSC_PC_HYPRE: {
      const double theta = o->strong_threshold >= 0 ? o->strong_threshold : (three_d ? 0.5 : 0.25);
      const int agg = o->aggressive_levels >= 0 ? o->aggressive_levels : (three_d ? 1 : 0);
      const std::string coarsen = o->coarsen_type ? o->coarsen_type : three_d ? "HMIS" : "Falgout";
      const std::string interp = o->interp_type ? o->interp_type : three_d ? "ext+i" : "classical";
      const std::string relax = o->relax_type ? o->relax_type : "symmetric-SOR/Jacobi";
      put_default("-pc_hypre_boomeramg_strong_threshold", fmt_double(theta));
      put_default("-pc_hypre_boomeramg_agg_nl", std::to_string(agg));
      put_default("-pc_hypre_boomeramg_coarsen_type", coarsen);
      put_default("-pc_hypre_boomeramg_interp_type", interp);
      put_default("-pc_hypre_boomeramg_relax_type_all", relax);
      if (three_d) put_default("-pc_hypre_boomeramg_P_max", "4");
      NK_TRY(PCSetType(pc, PCHYPRE), "setting the preconditioner");
      NK_TRY(PCHYPRESetType(pc, "boomeramg"), "selecting hypre BoomerAMG");
      what = "hypre BoomerAMG: strong threshold " + fmt_double(theta) + ", " + coarsen +
             " coarsening, " + interp + " interpolation" + (three_d ? " (P_max 4)" : "") +
             ", aggressive coarsening levels " + std::to_string(agg) + ", " + relax + " smoothing";
      break;
    }
    case NUMKIT_PETSC_PC_GAMG: {
      const double theta = o->strong_threshold >= 0 ? o->strong_threshold : 0.02;
      const int agg = o->aggressive_levels >= 0 ? o->aggressive_levels : 1;
      NK_TRY(PCSetType(pc, PCGAMG), "setting the preconditioner");
      put_default("-pc_gamg_threshold", fmt_double(theta));
      put_default("-pc_gamg_square_graph", std::to_string(agg));
      what = "PETSc GAMG (smoothed aggregation): threshold " + fmt_double(theta) +
             ", squared graph levels " + std::to_string(agg);
      break;
    }
    default:
      set_error(err, err_len, "petsc: unknown preconditioner %d", o->precond);
      return 1;
  }
  NK_TRY(PCSetFromOptions(pc), "reading the preconditioner options");
  return 0;
}

// f − c = ½xᵀHx + bᵀx, with Hx in tmp
int value_minus_c(Problem* p, Vec x, Vec tmp, double* f, char* err, size_t err_len) {
  PetscScalar xhx = 0, bx = 0;
  NK_TRY(MatMult(p->H, x, tmp), "multiplying by H");
  NK_TRY(VecDot(x, tmp, &xhx), "a dot product");
  NK_TRY(VecDot(p->b, x, &bx), "a dot product");
  *f = 0.5 * xhx + bx;
  return 0;
}

// r = −b − Hx (= −∇f)
int minus_gradient(Problem* p, Vec x, Vec r, char* err, size_t err_len) {
  NK_TRY(MatMult(p->H, x, r), "multiplying by H");
  NK_TRY(VecAXPY(r, 1.0, p->b), "a vector update");  // r = Hx + b
  NK_TRY(VecScale(r, -1.0), "a vector update");
  return 0;
}

int copy_out(Vec v, double* out, char* err, size_t err_len) {
  const PetscScalar* a = nullptr;
  PetscInt m = 0;
  NK_TRY(VecGetLocalSize(v, &m), "reading a vector");
  NK_TRY(VecGetArrayRead(v, &a), "reading a vector");
  std::copy(a, a + m, out);
  NK_TRY(VecRestoreArrayRead(v, &a), "reading a vector");
  return 0;
}

struct Vecs {
  Vec x = nullptr, r = nullptr, z = nullptr, p = nullptr, q = nullptr;
  ~Vecs() {
    VecDestroy(&x);
    VecDestroy(&r);
    VecDestroy(&z);
    VecDestroy(&p);
    VecDestroy(&q);
  }
};

double seconds_now() {
  return MPI_Wtime();
}

// Preconditioned CG: the same recurrences, stopping rule and residual replacement as numkit's
// native CG (src/quad/minimize.cpp). pc may be null (plain CG). Returns 0 with res filled.
int pcg(Problem* p, PC pc, const numkit_petsc_solve_options* o, numkit_petsc_solve_result* res,
        Vecs& v, double ref, Vec dir, bool* preconditioner_broke, char* err, size_t err_len) {
  *preconditioner_broke = false;
  const double tol_abs = o->tol * ref;
  if (minus_gradient(p, v.x, v.r, err, err_len)) return 1;
  int64_t k = 0;
  int restarts = 0;
  PetscReal rnorm = 0;
  NK_TRY(VecNorm(v.r, NORM_2, &rnorm), "a norm");
  if (o->trace) {  // set on every rank (f is collective), called on rank 0
    double f = 0;
    if (value_minus_c(p, v.x, v.q, &f, err, err_len)) return 1;
    if (g_rank == 0) o->trace(o->trace_ctx, 0, f, rnorm, 0);
  }
  res->status = NUMKIT_PETSC_MAX_ITER;
  for (;;) {
    if (pc) {
      NK_TRY(PCApply(pc, v.r, v.z), "applying the preconditioner");
    } else {
      NK_TRY(VecCopy(v.r, v.z), "a vector copy");
    }
    NK_TRY(VecCopy(v.z, v.p), "a vector copy");
    PetscScalar rz = 0;
    NK_TRY(VecDot(v.r, v.z, &rz), "a dot product");
    bool conv = false;
    for (;;) {
      if (rnorm <= tol_abs) {
        conv = true;
        break;
      }
      if (!(rz > 0)) {  // M⁻¹ is not positive definite on r: AMG on an indefinite A
        *preconditioner_broke = true;
        res->iterations = k;
        return 0;
      }
      if (k >= o->max_iter) break;
      NK_TRY(MatMult(p->H, v.p, v.q), "multiplying by H");
      PetscScalar pq = 0;
      NK_TRY(VecDot(v.p, v.q, &pq), "a dot product");
      if (!(pq > 0)) {
        res->status = NUMKIT_PETSC_NOT_POSITIVE_DEFINITE;
        std::snprintf(res->reason, sizeof res->reason,
                      "CG met a direction p with pᵀAp %s: A is not positive definite",
                      pq == 0 ? "= 0" : "< 0");
        PetscReal pn = 0;
        NK_TRY(VecNorm(v.p, NORM_2, &pn), "a norm");
        NK_TRY(VecCopy(v.p, dir), "a vector copy");
        NK_TRY(VecScale(dir, 1.0 / pn), "a vector update");
        // descent: ∇f(x)·d <= 0, with ∇f = −r
        PetscScalar gd = 0;
        NK_TRY(VecDot(v.r, dir, &gd), "a dot product");
        if (-gd > 0) NK_TRY(VecScale(dir, -1.0), "a vector update");
        res->have_direction = 1;
        res->iterations = k;
        return 0;
      }
      const double alpha = rz / pq;
      NK_TRY(VecAXPY(v.x, alpha, v.p), "a vector update");
      NK_TRY(VecAXPY(v.r, -alpha, v.q), "a vector update");
      if (pc) {
        NK_TRY(PCApply(pc, v.r, v.z), "applying the preconditioner");
      } else {
        NK_TRY(VecCopy(v.r, v.z), "a vector copy");
      }
      PetscScalar rz_new = 0;
      NK_TRY(VecDot(v.r, v.z, &rz_new), "a dot product");
      NK_TRY(VecNorm(v.r, NORM_2, &rnorm), "a norm");
      const double beta = rz_new / rz;
      rz = rz_new;
      ++k;
      if (o->trace) {
        PetscReal pn = 0;
        NK_TRY(VecNorm(v.p, NORM_2, &pn), "a norm");
        // f − c = ½xᵀ(b − r) + ... : with Hx = −b − r, ½xᵀHx + bᵀx = ½xᵀ(b − r)
        PetscScalar xb = 0, xr = 0;
        NK_TRY(VecDot(v.x, p->b, &xb), "a dot product");
        NK_TRY(VecDot(v.x, v.r, &xr), "a dot product");
        if (g_rank == 0) o->trace(o->trace_ctx, k, 0.5 * (xb - xr), rnorm, alpha * pn);
      }
      NK_TRY(VecAYPX(v.p, beta, v.z), "a vector update");  // p = z + βp
    }
    if (!conv) break;
    // confirm on the true residual; replace a drifted recursive one and continue
    if (minus_gradient(p, v.x, v.r, err, err_len)) return 1;
    NK_TRY(VecNorm(v.r, NORM_2, &rnorm), "a norm");
    if (rnorm <= tol_abs || restarts >= 5 || k >= o->max_iter) {
      res->status = rnorm <= tol_abs ? NUMKIT_PETSC_CONVERGED : NUMKIT_PETSC_MAX_ITER;
      break;
    }
    ++restarts;
  }
  res->iterations = k;
  if (res->status == NUMKIT_PETSC_MAX_ITER)
    std::snprintf(res->reason, sizeof res->reason,
                  "the iteration limit %lld was reached before ‖∇f‖ <= tol·‖b‖",
                  static_cast<long long>(o->max_iter));
  return 0;
}

// A unit direction d with dᵀHd < 0 for an A known to be indefinite: CG from x = 0 on a fixed
// pseudo-random right-hand side meets non-positive curvature once its Krylov space sees a
// negative eigenvector. Bounded; *found = false if it did not happen.
int find_negative_curvature(Problem* p, Vec dir, bool* found, char* err, size_t err_len) {
  *found = false;
  Vecs v;
  NK_TRY(VecDuplicate(p->b, &v.x), "a vector");
  NK_TRY(VecDuplicate(p->b, &v.r), "a vector");
  NK_TRY(VecDuplicate(p->b, &v.p), "a vector");
  NK_TRY(VecDuplicate(p->b, &v.q), "a vector");
  PetscInt lo = 0, hi = 0;
  NK_TRY(VecGetOwnershipRange(v.r, &lo, &hi), "a vector");
  PetscScalar* a = nullptr;
  NK_TRY(VecGetArray(v.r, &a), "a vector");
  for (PetscInt i = lo; i < hi; ++i) {  // deterministic, independent of the number of ranks
    uint64_t s = static_cast<uint64_t>(i) * 0x9E3779B97F4A7C15ull + 0x632BE59BD9B4E019ull;
    s ^= s >> 31;
    s *= 0xBF58476D1CE4E5B9ull;
    s ^= s >> 29;
    a[i - lo] = static_cast<double>(s >> 11) / 9007199254740992.0 - 0.5;
  }
  NK_TRY(VecRestoreArray(v.r, &a), "a vector");
  NK_TRY(VecCopy(v.r, v.p), "a vector");
  PetscScalar rr = 0;
  NK_TRY(VecDot(v.r, v.r, &rr), "a dot product");
  const int64_t limit = std::min<int64_t>(p->n, 20000);
  for (int64_t k = 0; k < limit && rr > 0; ++k) {
    NK_TRY(MatMult(p->H, v.p, v.q), "multiplying by H");
    PetscScalar pq = 0;
    NK_TRY(VecDot(v.p, v.q, &pq), "a dot product");
    if (!(pq > 0)) {
      PetscReal pn = 0;
      NK_TRY(VecNorm(v.p, NORM_2, &pn), "a norm");
      NK_TRY(VecCopy(v.p, dir), "a vector copy");
      NK_TRY(VecScale(dir, 1.0 / pn), "a vector update");
      *found = true;
      return 0;
    }
    const double alpha = rr / pq;
    NK_TRY(VecAXPY(v.r, -alpha, v.q), "a vector update");
    PetscScalar rr_new = 0;
    NK_TRY(VecDot(v.r, v.r, &rr_new), "a dot product");
    NK_TRY(VecAYPX(v.p, rr_new / rr, v.r), "a vector update");
    rr = rr_new;
  }
  return 0;
}

int solve_direct(Problem* p, const numkit_petsc_solve_options* o, numkit_petsc_solve_result* res,
                 Vecs& v, double ref, Vec dir, char* err, size_t err_len) {
  const double t0 = seconds_now();
  Mat F = nullptr;
  NK_TRY(MatGetFactor(p->H, MATSOLVERMUMPS, MAT_FACTOR_CHOLESKY, &F),
         "creating the MUMPS factorization");
  NK_TRY(MatMumpsSetIcntl(F, 13, 1), "setting MUMPS options");  // exact inertia in parallel
  NK_TRY(MatMumpsSetIcntl(F, 24, 1), "setting MUMPS options");  // detect null pivots
  if (o->petsc_options && *o->petsc_options)
    NK_TRY(PetscOptionsInsertString(nullptr, o->petsc_options), "reading --petsc-options");
  NK_TRY(MatSetFromOptions(F), "reading the MUMPS options");
  IS rperm = nullptr, cperm = nullptr;
  NK_TRY(MatGetOrdering(p->H, MATORDERINGNATURAL, &rperm, &cperm), "ordering");
  MatFactorInfo info;
  NK_TRY(MatFactorInfoInitialize(&info), "factor options");
  PetscErrorCode e = MatCholeskyFactorSymbolic(F, p->H, rperm, &info);
  if (!e) e = MatCholeskyFactorNumeric(F, p->H, &info);
  ISDestroy(&rperm);
  ISDestroy(&cperm);
  MatFactorError ferr = MAT_FACTOR_NOERROR;
  if (!e) MatFactorGetError(F, &ferr);
  if (e || ferr != MAT_FACTOR_NOERROR) {
    PetscInt infog1 = 0;
    MatMumpsGetInfog(F, 1, &infog1);
    MatDestroy(&F);
    res->status = NUMKIT_PETSC_UNDETERMINED;
    res->iterations = 1;
    std::snprintf(res->reason, sizeof res->reason,
                  "the MUMPS LDLᵀ factorization failed (INFOG(1) = %d): A is numerically "
                  "singular or too large for memory; definiteness and the minimizer are "
                  "undetermined",
                  static_cast<int>(infog1));
    res->setup_seconds = seconds_now() - t0;
    return 0;
  }
  PetscInt neg = 0, zero = 0, pos = 0;
  NK_TRY(MatGetInertia(F, &neg, &zero, &pos), "reading the inertia");
  PetscInt null_pivots = 0;
  MatMumpsGetInfog(F, 28, &null_pivots);
  zero = std::max(zero, null_pivots);
  pos = static_cast<PetscInt>(p->n) - neg - zero;
  res->inertia[0] = neg;
  res->inertia[1] = zero;
  res->inertia[2] = pos;
  res->setup_seconds = seconds_now() - t0;
  const double t1 = seconds_now();
  res->iterations = 1;
  if (neg > 0) {
    res->status = NUMKIT_PETSC_NO_MINIMUM;
    bool found = false;
    if (find_negative_curvature(p, dir, &found, err, err_len)) return 1;
    res->have_direction = found ? 1 : 0;
    std::snprintf(res->reason, sizeof res->reason,
                  "A has %lld negative eigenvalues (inertia of its LDLᵀ factorization): f is "
                  "unbounded below%s",
                  static_cast<long long>(neg),
                  found ? "" : "; a direction of negative curvature was not found");
    // the stationary point, when A is nonsingular
    if (zero == 0) {
      NK_TRY(VecCopy(p->b, v.r), "a vector copy");
      NK_TRY(VecScale(v.r, -1.0), "a vector update");
      NK_TRY(MatSolve(F, v.r, v.x), "the MUMPS solve");
    }
  } else if (zero > 0) {
    res->status = NUMKIT_PETSC_UNDETERMINED;
    std::snprintf(res->reason, sizeof res->reason,
                  "A is singular (%lld zero pivots in its LDLᵀ factorization): whether b is in "
                  "its range, and so whether f has a minimum, is undetermined on the PETSc "
                  "backend",
                  static_cast<long long>(zero));
  } else {
    // x = x0 − H⁻¹∇f(x0), then one step of iterative refinement
    if (minus_gradient(p, v.x, v.r, err, err_len)) return 1;
    NK_TRY(MatSolve(F, v.r, v.z), "the MUMPS solve");
    NK_TRY(VecAXPY(v.x, 1.0, v.z), "a vector update");
    if (minus_gradient(p, v.x, v.r, err, err_len)) return 1;
    NK_TRY(MatSolve(F, v.r, v.z), "the MUMPS solve");
    NK_TRY(VecAXPY(v.x, 1.0, v.z), "a vector update");
    res->status = NUMKIT_PETSC_CONVERGED;
  }
  (void)ref;
  MatDestroy(&F);
  res->solve_seconds = seconds_now() - t1;
  return 0;
}

int nk_solve(Problem* p, const numkit_petsc_solve_options* o, numkit_petsc_solve_result* res,
             double* x_local, double* dir_local, char* err, size_t err_len) {
  *res = numkit_petsc_solve_result{};
  res->inertia[0] = res->inertia[1] = res->inertia[2] = -1;
  Vecs v;
  Vec dir = nullptr;
  NK_TRY(VecDuplicate(p->b, &v.x), "a vector");
  NK_TRY(VecDuplicate(p->b, &v.r), "a vector");
  NK_TRY(VecDuplicate(p->b, &v.z), "a vector");
  NK_TRY(VecDuplicate(p->b, &v.p), "a vector");
  NK_TRY(VecDuplicate(p->b, &v.q), "a vector");
  NK_TRY(VecDuplicate(p->b, &dir), "a vector");
  const int64_t m = p->starts[p->rank + 1] - p->starts[p->rank];
  {
    PetscScalar* a = nullptr;
    NK_TRY(VecGetArray(v.x, &a), "a vector");
    for (int64_t i = 0; i < m; ++i) a[i] = o->have_x0 ? x_local[i] : 0.0;
    NK_TRY(VecRestoreArray(v.x, &a), "a vector");
  }
  // the reference norm: ‖b‖, or ‖∇f(x0)‖ when b = 0
  PetscReal ref = 0;
  NK_TRY(VecNorm(p->b, NORM_2, &ref), "a norm");
  if (!(ref > 0)) {
    if (minus_gradient(p, v.x, v.r, err, err_len)) return 1;
    NK_TRY(VecNorm(v.r, NORM_2, &ref), "a norm");
    if (!(ref > 0)) ref = 1;
  }
  int rc = 0;
  if (o->method == NUMKIT_PETSC_DIRECT) {
    std::snprintf(res->preconditioner, sizeof res->preconditioner, "MUMPS LDLᵀ");
    rc = solve_direct(p, o, res, v, ref, dir, err, err_len);
  } else {
    // A non-positive diagonal entry proves A is not positive definite, before any setup.
    NK_TRY(MatGetDiagonal(p->H, v.z), "reading the diagonal");
    PetscInt at = -1;
    PetscReal dmin = 0;
    NK_TRY(VecMin(v.z, &at, &dmin), "reading the diagonal");
    if (!(dmin > 0)) {
      res->status = NUMKIT_PETSC_NOT_POSITIVE_DEFINITE;
      std::snprintf(res->reason, sizeof res->reason,
                    "the diagonal entry %lld of A is not positive: A is not positive definite",
                    static_cast<long long>(at) + 1);
      NK_TRY(VecSet(dir, 0.0), "a vector");
      PetscScalar bi = 0;
      PetscInt lo = 0, hi = 0;
      NK_TRY(VecGetOwnershipRange(dir, &lo, &hi), "a vector");
      if (at >= lo && at < hi) {
        const PetscScalar* ba = nullptr;
        NK_TRY(VecGetArrayRead(p->b, &ba), "a vector");
        bi = ba[at - lo];
        NK_TRY(VecRestoreArrayRead(p->b, &ba), "a vector");
        NK_TRY(VecSetValue(dir, at, bi > 0 ? -1.0 : 1.0, INSERT_VALUES), "a vector");
      }
      NK_TRY(VecAssemblyBegin(dir), "a vector");
      NK_TRY(VecAssemblyEnd(dir), "a vector");
      res->have_direction = 1;
    } else {
      const double t0 = seconds_now();
      PC pc = nullptr;
      const int precond = o->method == NUMKIT_PETSC_CG ? NUMKIT_PETSC_PC_NONE : o->precond;
      std::string what = "none";
      if (precond != NUMKIT_PETSC_PC_NONE) {
        NK_TRY(PCCreate(PETSC_COMM_WORLD, &pc), "creating the preconditioner");
        NK_TRY(PCSetOperators(pc, p->H, p->H), "setting up the preconditioner");
        numkit_petsc_solve_options oo = *o;
        oo.precond = precond;
        if (configure_pc(p, pc, &oo, what, err, err_len)) {
          PCDestroy(&pc);
          return 1;
        }
        PetscErrorCode e = PCSetUp(pc);
        if (e) {
          PCDestroy(&pc);
          petsc_error(err, err_len, e, "setting up the preconditioner");
          return 1;
        }
      }
      std::snprintf(res->preconditioner, sizeof res->preconditioner, "%s", what.c_str());
      res->setup_seconds = seconds_now() - t0;
      const double t1 = seconds_now();
      bool broke = false;
      rc = pcg(p, pc, o, res, v, ref, dir, &broke, err, err_len);
      PCDestroy(&pc);
      if (!rc && broke) {
        // The preconditioner is not positive definite, which AMG built on an indefinite A is
        // not: continue from the current iterate with Jacobi (the diagonal is positive), which
        // either converges or meets the negative curvature.
        const int64_t done = res->iterations;
        PC jac = nullptr;
        NK_TRY(PCCreate(PETSC_COMM_WORLD, &jac), "creating the preconditioner");
        NK_TRY(PCSetOperators(jac, p->H, p->H), "creating the preconditioner");
        NK_TRY(PCSetType(jac, PCJACOBI), "creating the preconditioner");
        NK_TRY(PCSetUp(jac), "creating the preconditioner");
        numkit_petsc_solve_options oo = *o;
        oo.max_iter = std::max<int64_t>(o->max_iter - done, 0);
        oo.have_x0 = 1;
        rc = pcg(p, jac, &oo, res, v, ref, dir, &broke, err, err_len);
        PCDestroy(&jac);
        res->iterations += done;
        std::snprintf(res->preconditioner, sizeof res->preconditioner,
                      "%s, then jacobi (the AMG preconditioner was not positive definite)",
                      what.c_str());
      }
      res->solve_seconds = seconds_now() - t1;
    }
  }
  if (rc) {
    VecDestroy(&dir);
    return rc;
  }
  // never hand back a non-finite answer
  PetscReal xn = 0;
  NK_TRY(VecNorm(v.x, NORM_2, &xn), "a norm");
  if (!std::isfinite(xn)) NK_TRY(VecSet(v.x, 0.0), "a vector");
  if (minus_gradient(p, v.x, v.r, err, err_len)) return 1;
  PetscReal gn = 0;
  NK_TRY(VecNorm(v.r, NORM_2, &gn), "a norm");
  res->relative_residual = gn / ref;
  if (value_minus_c(p, v.x, v.q, &res->f_minus_c, err, err_len)) return 1;
  if (copy_out(v.x, x_local, err, err_len)) return 1;
  if (res->have_direction && dir_local && copy_out(dir, dir_local, err, err_len)) return 1;
  VecDestroy(&dir);
  return 0;
}

int nk_gather(const Problem* p, const double* local, double* global_on_root) {
  std::vector<int> counts(p->size), displ(p->size);
  for (int r = 0; r < p->size; ++r) {
    counts[r] = static_cast<int>(p->starts[r + 1] - p->starts[r]);
    displ[r] = static_cast<int>(p->starts[r]);
  }
  return MPI_Gatherv(local, counts[p->rank], MPI_DOUBLE, global_on_root, counts.data(),
                     displ.data(), MPI_DOUBLE, 0, PETSC_COMM_WORLD) != MPI_SUCCESS;
}

void nk_destroy(Problem* p) {
  if (!p) return;
  if (g_initialized) {
    MatDestroy(&p->H);
    VecDestroy(&p->b);
  }
  delete p;
}

const numkit_petsc_engine kEngine = {NUMKIT_PETSC_ABI_VERSION,
                                     nk_init,
                                     nk_finalize,
                                     nk_allreduce_i64,
                                     nk_allreduce_f64,
                                     nk_exscan_i64,
                                     nk_bcast,
                                     nk_abort,
                                     nk_peak_memory,
                                     nk_create,
                                     nk_ownership,
                                     nk_add_entries,
                                     nk_add_rhs,
                                     nk_assemble,
                                     nk_solve,
                                     nk_gather,
                                     nk_destroy};

}  // namespace

extern "C" __attribute__((visibility("default"))) const numkit_petsc_engine* numkit_petsc_engine_v1(
    void) {
  return &kEngine;
}
