// Internals of the quad module shared between its source files.
#pragma once

#include <Eigen/Dense>
#include <memory>
#include <string>

#include "numkit/quad/quadratic.hpp"

namespace numkit::quad::detail {

// LAPACK dsyevd on the lower triangle: ascending values, orthonormal column vectors.
bool symmetric_eigen_lapack(const Eigen::MatrixXd& H, Eigen::VectorXd& values,
                            Eigen::MatrixXd& vectors);

// Dense Cholesky H = LLᵀ by LAPACK dpotrf on a buffer backed by huge pages (fresh 4 KiB pages
// cost about 11 µs each on this machine), with a 1-norm reciprocal condition estimate (dpocon).
class DenseCholesky {
 public:
  DenseCholesky() = default;
  DenseCholesky(const DenseCholesky&) = delete;
  DenseCholesky& operator=(const DenseCholesky&) = delete;
  ~DenseCholesky();
  bool factor(const Eigen::MatrixXd& H);  // false: not positive definite
  double rcond() const { return rcond_; }
  void solve(Eigen::VectorXd& v) const;  // v := H⁻¹v
 private:
  double* buf_ = nullptr;
  std::size_t bytes_ = 0;
  Eigen::Index n_ = 0;
  double rcond_ = 0;
};

// Threads for a parallel kernel on n unknowns: all cores for large n on an idle machine, one when
// the 1-minute load average already fills the cores (cg.cpp).
int auto_threads(Eigen::Index n);

// Sparse Cholesky of a symmetric H (both triangles stored; the lower one is read) by CHOLMOD:
// supernodal LLᵀ (BLAS-3 on dense supernodes) or simplicial LDLᵀ without pivoting. The
// ordering is chosen once by analyze() and reused by every factor() of the same pattern.
class SparseCholesky {
 public:
  enum class Kind { llt, ldlt };
  enum class Result { ok, not_positive_definite, zero_pivot };
  explicit SparseCholesky(Kind kind);
  SparseCholesky(const SparseCholesky&) = delete;
  SparseCholesky& operator=(const SparseCholesky&) = delete;
  ~SparseCholesky();
  void analyze(const SparseMatrix& H);  // symbolic: fill-reducing ordering and elimination tree
  // numeric factorization of H + shift·I (analyze() first; H of the analysed pattern)
  Result factor(const SparseMatrix& H, double shift = 0);
  void solve(Eigen::VectorXd& v) const;  // v := (H + shift·I)⁻¹v
  // LDLᵀ only: the pivots D (in the factor's order) and d = Pᵀ L⁻ᵀ e_k, for which
  // dᵀ(H + shift·I)d = D_k exactly in the factorization
  Eigen::VectorXd pivots() const;
  Eigen::VectorXd pivot_direction(Eigen::Index k) const;
  double rcond_estimate() const;    // (min diag L / max diag L)², CHOLMOD's cheap estimate
  std::string description() const;  // "CHOLMOD supernodal LLᵀ, AMD ordering"
  double factor_nonzeros() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// "1.7e+16" style text for messages
std::string sci(double v, int digits = 2);

// the warning text for an estimated 2-norm condition number, or "" when it is harmless
std::string conditioning_warning(double condition);

}  // namespace numkit::quad::detail
