#include "numkit/core/linalg.hpp"

#include <cmath>
#include <limits>

namespace numkit {

Eigen::MatrixXd symmetric_part(const Eigen::MatrixXd& a) {
  return 0.5 * (a + a.transpose());
}

Eigen::SparseMatrix<double> symmetric_part(const Eigen::SparseMatrix<double>& a) {
  Eigen::SparseMatrix<double> t = a.transpose();
  Eigen::SparseMatrix<double> s = 0.5 * (a + t);
  s.prune(0.0);
  return s;
}

bool is_symmetric(const Eigen::MatrixXd& a, double tol) {
  if (a.rows() != a.cols()) return false;
  double scale = a.size() ? a.cwiseAbs().maxCoeff() : 0.0;
  return ((a - a.transpose()).cwiseAbs().array() <= tol * scale).all();
}

bool is_symmetric(const Eigen::SparseMatrix<double>& a, double tol) {
  if (a.rows() != a.cols()) return false;
  Eigen::SparseMatrix<double> t = a.transpose();
  Eigen::SparseMatrix<double> d = a - t;
  double scale = 0;
  for (int k = 0; k < a.outerSize(); ++k)
    for (Eigen::SparseMatrix<double>::InnerIterator it(a, k); it; ++it)
      scale = std::max(scale, std::fabs(it.value()));
  for (int k = 0; k < d.outerSize(); ++k)
    for (Eigen::SparseMatrix<double>::InnerIterator it(d, k); it; ++it)
      if (std::fabs(it.value()) > tol * scale) return false;
  return true;
}

SymmetricEigen symmetric_eigen(const Eigen::MatrixXd& a) {
  Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> solver(a, Eigen::ComputeEigenvectors);
  return {solver.eigenvalues(), solver.eigenvectors()};
}

double rank_tolerance(const Eigen::VectorXd& magnitudes, Eigen::Index n) {
  if (magnitudes.size() == 0) return 0.0;
  return static_cast<double>(n) * std::numeric_limits<double>::epsilon() *
         magnitudes.cwiseAbs().maxCoeff();
}

Eigen::Index numerical_rank(const Eigen::VectorXd& values, Eigen::Index n) {
  double tol = rank_tolerance(values, n);
  Eigen::Index rank = 0;
  for (Eigen::Index i = 0; i < values.size(); ++i)
    if (std::fabs(values[i]) > tol) ++rank;
  return rank;
}

double condition_number(const Eigen::VectorXd& eigenvalues) {
  if (eigenvalues.size() == 0) return 0.0;
  double largest = eigenvalues.cwiseAbs().maxCoeff();
  double smallest = eigenvalues.cwiseAbs().minCoeff();
  if (smallest == 0.0) return std::numeric_limits<double>::infinity();
  return largest / smallest;
}

namespace {
template <class Matrix>
double residual(const Matrix& a, const Eigen::VectorXd& x, const Eigen::VectorXd& b) {
  Eigen::VectorXd r = b - a * x;
  double nb = b.norm();
  return nb > 0 ? r.norm() / nb : r.norm();
}
}  // namespace

double relative_residual(const Eigen::MatrixXd& a, const Eigen::VectorXd& x,
                         const Eigen::VectorXd& b) {
  return residual(a, x, b);
}

double relative_residual(const Eigen::SparseMatrix<double>& a, const Eigen::VectorXd& x,
                         const Eigen::VectorXd& b) {
  return residual(a, x, b);
}

}  // namespace numkit
