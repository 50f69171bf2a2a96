#pragma once
// Unconstrained minimization of a smooth function with exact (automatic) derivatives.
//   lbfgs  : limited-memory BFGS (LBFGS++) with a strong-Wolfe line search
//   newton : Newton's method; the Hessian is modified to be positive definite (eigenvalues
//            replaced by max(|lambda|, delta)), an Armijo/Wolfe line search, and a step along
//            the most negative curvature direction when the gradient vanishes at a saddle
//   gd     : gradient descent with a fixed step (x <- x - step * grad f)
//   cg     : nonlinear conjugate gradients, Polak-Ribiere+ with restarts, strong-Wolfe search
// Stopping rule: ||grad f(x)||_2 <= gtol * max(1, ||x||_2).
#include <Eigen/Core>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace numkit::expr {

class Expression;

enum class Method { lbfgs, newton, gd, cg };
enum class Status {
  converged,       // gradient norm below the tolerance at a point that is not a saddle
  max_iterations,  // iteration limit reached
  stalled,         // no further decrease possible in double precision before the tolerance
  diverged,        // f or x became unbounded (f -> -inf or overflow)
  left_domain,     // gd: a fixed step left the function's domain
  saddle_point,    // gradient vanished but the Hessian has a negative eigenvalue, or f decreases
                   // nearby along a direction of (near) zero curvature: not a minimum
  degenerate,      // gradient vanished, the Hessian is singular and no decrease was found
                   // nearby: the second-order test cannot confirm a minimum
};
std::string_view to_string(Method m);
std::string_view to_string(Status s);
Method parse_method(std::string_view text);  // throws InputError listing the methods

// Value and gradient (always) and Hessian (Newton, and for classifying the end point).
struct Objective {
  std::size_t dimension = 0;
  std::function<double(const Eigen::VectorXd& x, Eigen::VectorXd& g)> value_gradient;
  std::function<double(const Eigen::VectorXd& x, Eigen::VectorXd& g, Eigen::MatrixXd& h)>
      value_gradient_hessian;
};
Objective make_objective(const Expression& f);

struct MinimizeOptions {
  Method method = Method::lbfgs;
  double gtol = 1e-8;  // ||grad|| <= gtol * max(1, ||x||)
  // Unset: the method's default (lbfgs 1000, newton 200, cg 5000, gd 100000); 0: no iteration,
  // the starting point is reported (converged or max_iterations).
  std::optional<int> max_iterations;
  double step = 1e-3;     // gd: the fixed step
  int memory = 8;         // lbfgs: number of correction pairs
  void validate() const;  // throws InputError naming the field
  int iteration_limit() const;
};

struct IterationRecord {
  int iteration = 0;  // 0 is the starting point
  Eigen::VectorXd x;
  double f = 0;
  double grad_norm = 0;
  double step = 0;      // step length along the search direction (0 at iteration 0)
  int evaluations = 0;  // function evaluations so far
};
using TraceFn = std::function<void(const IterationRecord&)>;

struct MinimizeResult {
  Eigen::VectorXd x;
  double f = 0;
  Eigen::VectorXd gradient;
  double grad_norm = 0;
  int iterations = 0;
  int evaluations = 0;
  Status status = Status::max_iterations;
  std::string message;                  // one line explaining a status other than converged
  Eigen::VectorXd hessian_eigenvalues;  // at x, when the objective provides a Hessian
};
// Every result with status converged has passed the second-order check when the objective
// provides a Hessian: no negative eigenvalue, no decrease of f along the eigenvectors of the
// small eigenvalues within 1e-3 max(1, |x|), and a nonsingular Hessian.

// Throws InputError if the objective cannot be evaluated at x0 (domain, non-differentiable).
MinimizeResult minimize(const Objective& f, const Eigen::VectorXd& x0,
                        const MinimizeOptions& options, const TraceFn& trace = {});

}  // namespace numkit::expr
