#pragma once
// The linear-algebra core shared by the modules: symmetric parts, eigenvalues, rank and
// conditioning with stated tolerances.
#include <Eigen/Dense>
#include <Eigen/Sparse>

namespace numkit {

// (A + Aᵀ)/2.
Eigen::MatrixXd symmetric_part(const Eigen::MatrixXd& a);
Eigen::SparseMatrix<double> symmetric_part(const Eigen::SparseMatrix<double>& a);

// True when |a_ij - a_ji| <= tol * max|a| for all i, j (tol = 0: exactly symmetric).
bool is_symmetric(const Eigen::MatrixXd& a, double tol = 0.0);
bool is_symmetric(const Eigen::SparseMatrix<double>& a, double tol = 0.0);

struct SymmetricEigen {
  Eigen::VectorXd values;   // ascending
  Eigen::MatrixXd vectors;  // columns, orthonormal
};
// Eigen-decomposition of a symmetric matrix (only the lower triangle is read).
SymmetricEigen symmetric_eigen(const Eigen::MatrixXd& a);

// The tolerance below which an eigenvalue (or singular value) counts as zero:
// n * eps * max|λ| — LAPACK's and NumPy's matrix_rank default.
double rank_tolerance(const Eigen::VectorXd& magnitudes, Eigen::Index n);
// Number of |values| above rank_tolerance.
Eigen::Index numerical_rank(const Eigen::VectorXd& values, Eigen::Index n);

// 2-norm condition number max|λ|/min|λ| of a symmetric matrix from its eigenvalues
// (+inf if singular).
double condition_number(const Eigen::VectorXd& eigenvalues);

// Relative residual ‖b − A x‖ / ‖b‖ (‖b − A x‖ when b = 0), recomputed, not recursive.
double relative_residual(const Eigen::MatrixXd& a, const Eigen::VectorXd& x,
                         const Eigen::VectorXd& b);
double relative_residual(const Eigen::SparseMatrix<double>& a, const Eigen::VectorXd& x,
                         const Eigen::VectorXd& b);

}  // namespace numkit
