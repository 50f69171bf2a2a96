#pragma once
// Forward-mode automatic differentiation to second order: a Jet carries a value, its gradient and
// (optionally) its Hessian with respect to all variables, propagated by the chain rule through
// the same generic evaluator as double. Derivatives are exact up to the rounding of each
// elementary operation (no truncation error). Non-differentiable points (abs at 0, sqrt at 0,
// min/max at a tie with different slopes, ...) raise EvaluationFault.
#include <Eigen/Core>
#include <numkit/expr/evaluate.hpp>

namespace numkit::expr {

struct Jet {
  double v = 0;
  Eigen::VectorXd g;  // gradient
  Eigen::MatrixXd h;  // Hessian; empty when only first derivatives are propagated
};

class JetOps {
 public:
  using value_type = Jet;
  JetOps(std::size_t n, bool second_order)
      : n_(static_cast<Eigen::Index>(n)), second_(second_order) {}

  Jet constant(double value, std::string_view) const { return make(value); }
  Jet pi() const;
  Jet e() const;
  // Seeds variable i at the value x.v (its derivative parts are set here).
  Jet variable(std::size_t i, const Jet& x) const;
  static double primal(const Jet& x) { return x.v; }
  Jet negate(const Jet& a) const;
  Jet add(const Jet& a, const Jet& b) const;
  Jet subtract(const Jet& a, const Jet& b) const;
  Jet multiply(const Jet& a, const Jet& b) const;
  Jet divide(const Jet& a, const Jet& b) const;
  Jet power(const Jet& a, const Jet& b) const;
  Jet call(Function f, const Jet& a) const;
  Jet call(Function f, const Jet& a, const Jet& b) const;

  Jet make(double value) const;  // a constant

 private:
  Eigen::Index n_;
  bool second_;
  // f(u) with f'(u) = d1, f''(u) = d2
  Jet chain(const Jet& u, double f0, double d1, double d2) const;
  // f(a, b) with its first and second partial derivatives
  Jet chain2(const Jet& a, const Jet& b, double f0, double fa, double fb, double faa, double fab,
             double fbb) const;
  bool is_constant(const Jet& a) const;
};

}  // namespace numkit::expr
