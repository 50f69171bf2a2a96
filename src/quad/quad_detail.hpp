// Internals of the quad module shared between its source files.
#pragma once

#include <Eigen/Dense>
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

// "1.7e+16" style text for messages
std::string sci(double v, int digits = 2);

// the warning text for an estimated 2-norm condition number, or "" when it is harmless
std::string conditioning_warning(double condition);

}  // namespace numkit::quad::detail
