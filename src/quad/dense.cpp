// Dense kernels handed to LAPACK (OpenBLAS): Cholesky factor/solve with a condition estimate, and
// the symmetric eigen-decomposition.
#include <lapacke.h>

#include <sys/mman.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>

#include "numkit/quad/quadratic.hpp"
#include "quad_detail.hpp"

namespace numkit::quad {

bool have_lapack() {
  return true;
}

bool dense_cholesky_solve(Eigen::MatrixXd& H, Eigen::VectorXd& rhs, double* rcond) {
  const lapack_int n = static_cast<lapack_int>(H.rows());
  double anorm = 0;
  if (rcond) {
    // 1-norm of the symmetric matrix from its lower triangle
    Eigen::VectorXd colsum = Eigen::VectorXd::Zero(n);
    for (lapack_int j = 0; j < n; ++j)
      for (lapack_int i = j; i < n; ++i) {
        const double a = std::abs(H(i, j));
        colsum[j] += a;
        if (i != j) colsum[i] += a;
      }
    anorm = colsum.maxCoeff();
  }
  lapack_int info = LAPACKE_dpotrf(LAPACK_COL_MAJOR, 'L', n, H.data(), n);
  if (info != 0) return false;
  if (rcond) {
    double rc = 0;
    if (LAPACKE_dpocon(LAPACK_COL_MAJOR, 'L', n, H.data(), n, anorm, &rc) != 0) rc = 0;
    *rcond = rc;
  }
  info = LAPACKE_dpotrs(LAPACK_COL_MAJOR, 'L', n, 1, H.data(), n, rhs.data(), n);
  return info == 0;
}

namespace detail {

bool symmetric_eigen_lapack(const Eigen::MatrixXd& H, Eigen::VectorXd& values,
                            Eigen::MatrixXd& vectors) {
  const lapack_int n = static_cast<lapack_int>(H.rows());
  vectors = H;
  values.resize(n);
  lapack_int info = LAPACKE_dsyevd(LAPACK_COL_MAJOR, 'V', 'L', n, vectors.data(), n, values.data());
  return info == 0;
}

DenseCholesky::~DenseCholesky() {
  std::free(buf_);
}

bool DenseCholesky::factor(const Eigen::MatrixXd& H) {
  n_ = H.rows();
  const std::size_t need = static_cast<std::size_t>(n_) * static_cast<std::size_t>(n_) * 8;
  if (need > bytes_) {
    std::free(buf_);
    constexpr std::size_t huge = std::size_t{2} << 20;
    bytes_ = (need + huge - 1) / huge * huge;
    buf_ = static_cast<double*>(std::aligned_alloc(huge, bytes_));
    if (!buf_) throw std::bad_alloc();
    if (bytes_ >= huge) madvise(buf_, bytes_, MADV_HUGEPAGE);
  }
  Eigen::Map<Eigen::MatrixXd> L(buf_, n_, n_);
  L = H;
  // 1-norm of the symmetric matrix from its lower triangle
  double anorm = 0;
  for (Eigen::Index j = 0; j < n_; ++j) anorm = std::max(anorm, H.col(j).cwiseAbs().sum());
  const lapack_int n = static_cast<lapack_int>(n_);
  if (LAPACKE_dpotrf(LAPACK_COL_MAJOR, 'L', n, buf_, n) != 0) return false;
  double rc = 0;
  if (LAPACKE_dpocon(LAPACK_COL_MAJOR, 'L', n, buf_, n, anorm, &rc) != 0) rc = 0;
  rcond_ = rc;
  return true;
}

void DenseCholesky::solve(Eigen::VectorXd& v) const {
  const lapack_int n = static_cast<lapack_int>(n_);
  LAPACKE_dpotrs(LAPACK_COL_MAJOR, 'L', n, 1, buf_, n, v.data(), n);
}

}  // namespace detail
}  // namespace numkit::quad
