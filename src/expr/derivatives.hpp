#pragma once
// Exact-to-rounding first and second derivatives over the parse tree, in memory proportional to
// the tree (not to nodes x variables): one forward pass stores each node's value and the local
// partial derivatives of the node with respect to its (at most two) arguments; the gradient is
// one reverse sweep (reverse-mode automatic differentiation); the Hessian is one tangent sweep
// and one reverse sweep per variable (forward-over-reverse), so it costs O(nodes) memory plus the
// n x n result and O(nodes x n) time.
//
// Points where a derivative does not exist (abs at 0, sqrt at 0, min/max at a tie with different
// slopes, ...) raise EvaluationFault. The rules match the chain rule on whole derivatives: e.g.
// abs(u) at u = 0 is differentiable when the gradient of u vanishes there, which is decided by
// differentiating the subexpression u on demand (only at such ties).
#include <Eigen/Core>
#include <numkit/expr/ast.hpp>
#include <numkit/expr/evaluate.hpp>
#include <span>
#include <utility>
#include <vector>

namespace numkit::expr::detail {

class Differentiator {
 public:
  explicit Differentiator(const Tree& tree);
  // Values and local partials at x (second: also the second partials, and the checks of twice
  // differentiability). Returns f(x). Throws EvaluationFault (node filled in).
  double forward(std::span<const double> x, bool second);
  // After forward(): the gradient (size n).
  void gradient(Eigen::VectorXd& g);
  // After forward(x, true): the Hessian (n x n, symmetric up to rounding).
  void hessian(Eigen::MatrixXd& h);

 private:
  using Sparse = std::vector<std::pair<int, double>>;  // (variable, value), sorted, no zeros
  const Tree& tree_;
  std::size_t n_;
  std::vector<int> a_, b_, var_, first_;  // arguments, variable index, first node of the subtree
  std::vector<double> v_, da_, db_, daa_, dab_, dbb_;
  std::vector<double> adj_, tan_, sadj_;
  bool second_ = false;

  void local(std::size_t i);  // value and partials of node i from its arguments
  // Derivatives of the subexpression rooted at `node` (for the differentiability checks).
  Sparse subtree_gradient(int node);
  // Hessian of the subexpression with respect to `vars` (sorted variable indices).
  Eigen::MatrixXd subtree_hessian(int node, const std::vector<int>& vars);
  std::vector<int> subtree_variables(int node) const;
  bool same_derivatives(int p, int q);  // the subexpressions p and q have equal derivatives
};

}  // namespace numkit::expr::detail
