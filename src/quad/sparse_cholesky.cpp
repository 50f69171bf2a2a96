// Sparse Cholesky by CHOLMOD (SuiteSparse): supernodal LLᵀ for positive definite H, simplicial
// LDLᵀ (no pivoting) for the inertia of an indefinite one.
//
// Why CHOLMOD is told exactly what to do (measured on the project's 2-core machine, 2-D
// Laplacian, 500×500 grid): left to itself (supernodal_switch) it may pick the simplicial
// factorization, which is 10× slower than the supernodal one; and OpenBLAS's two threads inside
// every supernode's dgemm/dpotrf cost 5.7× when another process holds a core (factor 14.1 s with
// two BLAS threads against 2.5 s with one, at a load of 24), so the BLAS threads follow the same
// load rule as the CG kernel. Debian's CHOLMOD opens an OpenMP region with a fixed 4 threads
// (CHOLMOD_OMP_NUM_THREADS) for the assembly of every large supernode: on 2 cores, waking and
// parking 3 threads for each of ~10⁵ supernodes cost more than the assembly (factor 3.3 s against
// 2.6 s serialized, same Laplacian), so those regions run serialized; BLAS keeps its threads.
#include <cblas.h>
#include <cholmod.h>
#include <omp.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "quad_detail.hpp"

namespace numkit::quad::detail {

namespace {

// A cholmod_sparse view of the lower triangle of an Eigen CSC matrix (no copy).
cholmod_sparse view_lower(const SparseMatrix& H) {
  cholmod_sparse A{};
  A.nrow = static_cast<std::size_t>(H.rows());
  A.ncol = static_cast<std::size_t>(H.cols());
  A.nzmax = static_cast<std::size_t>(H.nonZeros());
  A.p = const_cast<int*>(H.outerIndexPtr());
  A.i = const_cast<int*>(H.innerIndexPtr());
  A.x = const_cast<double*>(H.valuePtr());
  A.stype = -1;  // symmetric, lower triangle used
  A.itype = CHOLMOD_INT;
  A.xtype = CHOLMOD_REAL;
  A.dtype = CHOLMOD_DOUBLE;
  A.sorted = 1;
  A.packed = 1;
  return A;
}

cholmod_dense view_dense(Eigen::VectorXd& v) {
  cholmod_dense d{};
  d.nrow = static_cast<std::size_t>(v.size());
  d.ncol = 1;
  d.nzmax = d.nrow;
  d.d = d.nrow;
  d.x = v.data();
  d.xtype = CHOLMOD_REAL;
  d.dtype = CHOLMOD_DOUBLE;
  return d;
}

// OpenBLAS threads for the duration of a factorization, restored afterwards.
class BlasThreads {
 public:
  explicit BlasThreads(Eigen::Index n) : saved_(openblas_get_num_threads()) {
    openblas_set_num_threads(auto_threads(n));
  }
  BlasThreads(const BlasThreads&) = delete;
  BlasThreads& operator=(const BlasThreads&) = delete;
  ~BlasThreads() { openblas_set_num_threads(saved_); }

 private:
  int saved_;
};

// CHOLMOD's own OpenMP regions serialized (max-active-levels 0) for the duration of a call.
class SerialOpenMp {
 public:
  SerialOpenMp() : saved_(omp_get_max_active_levels()) { omp_set_max_active_levels(0); }
  SerialOpenMp(const SerialOpenMp&) = delete;
  SerialOpenMp& operator=(const SerialOpenMp&) = delete;
  ~SerialOpenMp() { omp_set_max_active_levels(saved_); }

 private:
  int saved_;
};

}  // namespace

struct SparseCholesky::Impl {
  Kind kind;
  cholmod_common c{};
  cholmod_factor* L = nullptr;
  Eigen::Index n = 0;
  explicit Impl(Kind k) : kind(k) {
    cholmod_start(&c);
    c.print = 0;  // the library never prints; outcomes come back as results
    c.error_handler = nullptr;
    c.nmethods = 0;  // CHOLMOD's default strategy: AMD, and METIS when AMD's fill is poor
    c.postorder = 1;
    if (kind == Kind::llt) {
      c.supernodal = CHOLMOD_SUPERNODAL;
      c.final_ll = 1;
    } else {
      c.supernodal = CHOLMOD_SIMPLICIAL;
      c.final_ll = 0;
    }
  }
  ~Impl() {
    if (L) cholmod_free_factor(&L, &c);
    cholmod_finish(&c);
  }
  void check(const char* what) const {
    if (c.status == CHOLMOD_OUT_OF_MEMORY) throw std::bad_alloc();
    if (c.status < 0) throw std::runtime_error(std::string("CHOLMOD ") + what + " failed");
  }
};

SparseCholesky::SparseCholesky(Kind kind) : impl_(std::make_unique<Impl>(kind)) {}
SparseCholesky::~SparseCholesky() = default;

void SparseCholesky::analyze(const SparseMatrix& H) {
  Impl& m = *impl_;
  if (m.L) cholmod_free_factor(&m.L, &m.c);
  cholmod_sparse A = view_lower(H);
  m.n = H.rows();
  m.L = cholmod_analyze(&A, &m.c);
  m.check("analysis");
}

SparseCholesky::Result SparseCholesky::factor(const SparseMatrix& H, double shift) {
  Impl& m = *impl_;
  if (!m.L) analyze(H);
  cholmod_sparse A = view_lower(H);
  double beta[2] = {shift, 0};
  BlasThreads threads(m.n);
  SerialOpenMp serial;
  cholmod_factorize_p(&A, beta, nullptr, 0, m.L, &m.c);
  m.check("factorization");
  if (m.c.status == CHOLMOD_NOT_POSDEF || m.L->minor < m.L->n)
    return m.kind == Kind::llt ? Result::not_positive_definite : Result::zero_pivot;
  return Result::ok;
}

void SparseCholesky::solve(Eigen::VectorXd& v) const {
  Impl& m = *impl_;
  cholmod_dense b = view_dense(v);
  cholmod_dense* x = cholmod_solve(CHOLMOD_A, m.L, &b, &m.c);
  m.check("solve");
  std::copy_n(static_cast<const double*>(x->x), v.size(), v.data());
  cholmod_free_dense(&x, &m.c);
}

Eigen::VectorXd SparseCholesky::pivots() const {
  const Impl& m = *impl_;
  Eigen::VectorXd d(m.n);
  const int* p = static_cast<const int*>(m.L->p);
  const double* x = static_cast<const double*>(m.L->x);
  for (Eigen::Index j = 0; j < m.n; ++j) d[j] = x[p[j]];  // the diagonal comes first
  return d;
}

Eigen::VectorXd SparseCholesky::pivot_direction(Eigen::Index k) const {
  Impl& m = *impl_;
  Eigen::VectorXd e = Eigen::VectorXd::Zero(m.n);
  e[k] = 1;
  cholmod_dense b = view_dense(e);
  cholmod_dense* y = cholmod_solve(CHOLMOD_Lt, m.L, &b, &m.c);  // Lᵀy = e_k
  m.check("solve");
  cholmod_dense* d = cholmod_solve(CHOLMOD_Pt, m.L, y, &m.c);  // d = Pᵀy
  m.check("solve");
  Eigen::VectorXd out = Eigen::Map<const Eigen::VectorXd>(static_cast<const double*>(d->x), m.n);
  cholmod_free_dense(&y, &m.c);
  cholmod_free_dense(&d, &m.c);
  return out;
}

double SparseCholesky::rcond_estimate() const {
  Impl& m = *impl_;
  return cholmod_rcond(m.L, &m.c);
}

std::string SparseCholesky::description() const {
  const Impl& m = *impl_;
  std::string s = m.kind == Kind::llt ? "CHOLMOD supernodal LLᵀ" : "CHOLMOD simplicial LDLᵀ";
  if (!m.L) return s;
  switch (m.L->ordering) {
    case CHOLMOD_NATURAL:
      return s + ", natural ordering";
    case CHOLMOD_AMD:
      return s + ", AMD ordering";
    case CHOLMOD_METIS:
      return s + ", METIS ordering";
    case CHOLMOD_NESDIS:
      return s + ", nested dissection ordering";
    case CHOLMOD_COLAMD:
      return s + ", COLAMD ordering";
    default:
      return s;
  }
}

double SparseCholesky::factor_nonzeros() const {
  return impl_->c.lnz;
}

}  // namespace numkit::quad::detail
