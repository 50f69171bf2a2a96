// QuadForm: storage of f(x) = ½xᵀHx + bᵀx + c and its evaluation.
#include <algorithm>
#include <cmath>
#include <string>

#include "numkit/core/error.hpp"
#include "numkit/core/number.hpp"
#include "numkit/quad/quadratic.hpp"

namespace numkit::quad {

namespace {

void check_finite_dense(const Eigen::MatrixXd& A, const std::string& what) {
  for (Eigen::Index j = 0; j < A.cols(); ++j)
    for (Eigen::Index i = 0; i < A.rows(); ++i)
      if (!std::isfinite(A(i, j)))
        throw InputError(what + ": entry (" + std::to_string(i + 1) + "," + std::to_string(j + 1) +
                         ") is " + format_number(A(i, j)) + "; entries must be finite");
}

// f = x'Ax has the Hessian 2A: every entry of 2A must be a double.
void check_doubling(double largest, const std::string& what) {
  if (!std::isfinite(2 * largest))
    throw InputError(what + ": the Hessian 2A of f = x'Ax overflows (largest |entry| " +
                     format_number(largest) + " > 8.98846567431158e307, half the largest double)");
}

}  // namespace

QuadForm::QuadForm(Eigen::MatrixXd A, Eigen::VectorXd b, double c, Convention conv,
                   const std::string& what_A, const std::string& what_b)
    : sparse_(false), conv_(conv), b_(std::move(b)), c_(c) {
  check_shape_b_and_c(A.rows(), A.cols(), what_A, what_b);
  check_finite_dense(A, what_A);
  double asym = 0;
  const Eigen::Index n = A.rows();
  for (Eigen::Index j = 0; j < n; ++j)
    for (Eigen::Index i = j + 1; i < n; ++i) asym = std::max(asym, std::abs(A(i, j) - A(j, i)));
  asymmetry_ = asym / 2;
  if (asym > 0) {
    symmetrized_ = true;
    // halves first: (A + A')/2 overflows for entries near the largest double, A/2 + A'/2 cannot
    Eigen::MatrixXd S = 0.5 * A + 0.5 * A.transpose();
    A.swap(S);
  }
  if (conv_ == Convention::full) check_doubling(A.cwiseAbs().maxCoeff(), what_A);
  if (conv_ == Convention::full) A *= 2.0;  // exact
  H_ = std::move(A);
}

QuadForm::QuadForm(SparseMatrix A, Eigen::VectorXd b, double c, Convention conv,
                   const std::string& what_A, const std::string& what_b)
    : sparse_(true), conv_(conv), b_(std::move(b)), c_(c) {
  check_shape_b_and_c(A.rows(), A.cols(), what_A, what_b);
  A.makeCompressed();
  for (int j = 0; j < A.outerSize(); ++j)
    for (SparseMatrix::InnerIterator it(A, j); it; ++it)
      if (!std::isfinite(it.value()))
        throw InputError(what_A + ": entry (" + std::to_string(it.row() + 1) + "," +
                         std::to_string(it.col() + 1) + ") is " + format_number(it.value()) +
                         "; entries must be finite");
  // symmetry check without a copy: look up A(j,i) for every stored A(i,j) by binary search in
  // column i (row indices are sorted in compressed storage); a missing partner counts as 0
  double asym = 0;
  const int* outer = A.outerIndexPtr();
  const int* inner = A.innerIndexPtr();
  const double* val = A.valuePtr();
  for (int j = 0; j < A.outerSize(); ++j)
    for (int t = outer[j]; t < outer[j + 1]; ++t) {
      const int i = inner[t];
      if (i == j) continue;
      const int* lo = inner + outer[i];
      const int* hi = inner + outer[i + 1];
      const int* hit = std::lower_bound(lo, hi, j);
      const double partner = (hit != hi && *hit == j) ? val[hit - inner] : 0.0;
      asym = std::max(asym, std::abs(val[t] - partner));
    }
  asymmetry_ = asym / 2;
  if (asym > 0) {
    symmetrized_ = true;
    // halves first, so that entries near the largest double do not overflow
    SparseMatrix At = A.transpose();
    SparseMatrix S = 0.5 * A + 0.5 * At;
    A.swap(S);
  }
  A.prune(0.0);
  A.makeCompressed();
  if (conv_ == Convention::full) {
    double largest = 0;
    for (int k = 0; k < A.nonZeros(); ++k) largest = std::max(largest, std::abs(A.valuePtr()[k]));
    check_doubling(largest, what_A);
  }
  if (conv_ == Convention::full) A *= 2.0;
  Hs_ = std::move(A);
}

// The checks both storage forms share: a non-empty square A, b of the matching size (0 if
// absent), finite b and c.
void QuadForm::check_shape_b_and_c(Eigen::Index rows, Eigen::Index cols, const std::string& what_A,
                                   const std::string& what_b) {
  if (rows == 0 || cols == 0) throw InputError(what_A + ": the matrix is empty");
  if (rows != cols)
    throw InputError(what_A + ": must be square, got " + std::to_string(rows) + "×" +
                     std::to_string(cols));
  if (b_.size() == 0) b_ = Eigen::VectorXd::Zero(rows);
  if (b_.size() != rows)
    throw InputError(what_b + ": has " + std::to_string(b_.size()) + " entries but " + what_A +
                     " is " + std::to_string(rows) + "×" + std::to_string(cols));
  if (!std::isfinite(c_)) throw InputError("c: must be finite, got " + format_number(c_));
  for (Eigen::Index i = 0; i < b_.size(); ++i)
    if (!std::isfinite(b_[i]))
      throw InputError(what_b + ": entry " + std::to_string(i + 1) + " is " + format_number(b_[i]) +
                       "; entries must be finite");
}

void QuadForm::hess_mul(const Eigen::VectorXd& x, Eigen::VectorXd& y) const {
  if (sparse_)
    y.noalias() = Hs_ * x;  // H symmetric: column-major H·x
  else
    y.noalias() = H_.selfadjointView<Eigen::Lower>() * x;
}

Eigen::VectorXd QuadForm::gradient(const Eigen::VectorXd& x) const {
  Eigen::VectorXd g(size());
  hess_mul(x, g);
  g += b_;
  return g;
}

double QuadForm::value(const Eigen::VectorXd& x) const {
  Eigen::VectorXd hx(size());
  hess_mul(x, hx);
  return 0.5 * x.dot(hx) + b_.dot(x) + c_;
}

Eigen::VectorXd QuadForm::hessian_diagonal() const {
  if (sparse_) return Hs_.diagonal();
  return H_.diagonal();
}

}  // namespace numkit::quad
