#pragma once
// Independent numerical derivatives for `--check`: central differences refined by Richardson
// extrapolation (Ridders' method: the step shrinks by 1.4 per level and each level removes the
// next even power of h from the error). Typical accuracy: 1e-10 to 1e-12 relative for smooth
// functions of moderate curvature; each result comes with the method's own error estimate.
#include <Eigen/Core>
#include <functional>

namespace numkit::expr {

struct DifferenceEstimate {
  Eigen::VectorXd gradient;
  Eigen::VectorXd gradient_error;  // estimated absolute error per component
  Eigen::MatrixXd hessian;         // filled only by richardson_hessian
  Eigen::MatrixXd hessian_error;
};

// f may throw (e.g. a point outside the domain): the initial step is then halved until the
// stencil fits (up to 40 times) before giving up with the exception.
using ScalarFunction = std::function<double(const Eigen::VectorXd&)>;

DifferenceEstimate richardson_gradient(const ScalarFunction& f, const Eigen::VectorXd& x);
DifferenceEstimate richardson_hessian(const ScalarFunction& f, const Eigen::VectorXd& x);

// Ridders' extrapolation of an O(h^2) difference formula D(h) towards h -> 0 starting from h0.
// Returns the estimate and stores its error estimate in *error.
double ridders(const std::function<double(double h)>& difference, double h0, double* error);

}  // namespace numkit::expr
