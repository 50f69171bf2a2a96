#pragma once
// A parsed expression f(x_1, ..., x_n): value, exact-to-rounding gradient (reverse-mode automatic
// differentiation: memory and time O(nodes)) and Hessian (forward-over-reverse: memory O(nodes)
// plus the n x n result, time O(nodes x n)) over the same parse tree, and generic evaluation in
// any floating type (e.g. cpp_bin_float_50 for tests).
#include <Eigen/Core>
#include <numkit/core/error.hpp>
#include <numkit/expr/ast.hpp>
#include <numkit/expr/evaluate.hpp>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace numkit::expr {

// An evaluation whose result overflowed (exp(1000), 1e200*1e200): still an InputError.
struct OverflowError : InputError {
  using InputError::InputError;
};

// A Hessian is a dense n x n matrix computed with n sweeps over the tree: at most this many
// variables (32 MB; the gradient has no such limit).
inline constexpr std::size_t kMaxHessianVariables = 2000;

class Expression {
 public:
  // Parses text (see ast.hpp). Variable order: `variables` if non-empty, else natural name order.
  explicit Expression(std::string_view text, const std::vector<std::string>& variables = {});

  const std::string& text() const { return tree_.text; }
  const std::vector<std::string>& variables() const { return tree_.variables; }
  std::size_t dimension() const { return tree_.variables.size(); }
  const Tree& tree() const { return tree_; }

  // All three throw InputError naming the subexpression, the rule and the point on a domain
  // error (log(0), sqrt(-1), 1/0), an overflow, or (gradient/hessian) a point where the
  // derivative does not exist (abs(x) at 0, sqrt(x^2+y^2) at the origin).
  double value(const Eigen::VectorXd& x) const;
  double gradient(const Eigen::VectorXd& x, Eigen::VectorXd& g) const;  // returns f(x)
  double hessian(const Eigen::VectorXd& x, Eigen::VectorXd& g, Eigen::MatrixXd& h) const;

  // Evaluation in any floating type T supported by ScalarOps<T>.
  template <class T>
  T evaluate_as(std::span<const T> x) const {
    check_size(x.size());
    std::vector<T> work;
    try {
      return evaluate(tree_, ScalarOps<T>{}, x, work);
    } catch (const EvaluationFault& f) {
      std::vector<double> xd(x.size());
      for (std::size_t i = 0; i < x.size(); ++i) xd[i] = static_cast<double>(x[i]);
      throw_fault(f, xd);
    }
  }

  // "x=1, y=2"
  std::string describe_point(std::span<const double> x) const;

 private:
  Tree tree_;
  void check_size(std::size_t n) const;
  std::string fault_message(const EvaluationFault& f, std::span<const double> x) const;
  [[noreturn]] void throw_fault(const EvaluationFault& f, std::span<const double> x) const;
};

// The gradient's norm and the derivative along v, safe from intermediate overflow: the norm is
// scaled (Eigen's stableNorm), so exp(x) at 400 has the norm e^400 and the steepest-ascent
// direction g/|g| is a unit vector; the directional derivative g.(v/|v|) is computed from scaled
// factors when the raw product g.v overflows (the raw value is then +-inf, truly out of range).
struct DirectionalDerivative {
  double gradient_norm = 0;
  Eigen::VectorXd steepest_ascent;  // g / |g| (empty when g = 0)
  Eigen::VectorXd unit_direction;   // v / |v|
  double directional = 0;           // g . v / |v|
  double raw = 0;                   // g . v
};
DirectionalDerivative directional_derivative(const Eigen::VectorXd& g, const Eigen::VectorXd* v);

// Parses a point for `variables`: "1,2", "x=1, y=2", "[1, 2]" or "(1, 2)"; every component may be
// a constant expression ("pi/4", "-1.2", "1/3", "sqrt(2)"). `what` names the option in messages.
Eigen::VectorXd parse_point(std::string_view spec, const std::vector<std::string>& variables,
                            std::string_view what);

// Evaluates a constant expression such as "pi/4" (no variables allowed).
double parse_constant(std::string_view text, std::string_view what);

}  // namespace numkit::expr
