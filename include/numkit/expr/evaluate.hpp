#pragma once
// The generic evaluator: one pass over the parse tree (children precede parents), over any number
// type through an "ops" object. ScalarOps<T> serves double and multiprecision floats
// (boost::multiprecision::cpp_bin_float_50 in tests); JetOps (jet.hpp) serves forward-mode
// automatic differentiation. Domain checks (log of x <= 0, sqrt of x < 0, division by 0, ...)
// are made here, on the primal value, for every number type; they raise EvaluationFault, which
// Expression turns into an InputError naming the subexpression and the point.
#include <boost/math/constants/constants.hpp>
#include <boost/math/special_functions/cbrt.hpp>
#include <cmath>
#include <numkit/expr/ast.hpp>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "numkit/core/number.hpp"

namespace numkit::expr {

// Thrown by the evaluator and by ops; `node` is filled in by evaluate().
struct EvaluationFault {
  int node = -1;
  std::string rule;       // e.g. "argument must be > 0, got -1"
  bool overflow = false;  // a finite input gave a non-finite result
};

using numkit::format_number;  // shortest round-trip decimal, from the core

template <class T>
struct ScalarOps {
  using value_type = T;
  T constant(double value, std::string_view literal) const {
    if constexpr (std::is_same_v<T, double>) {
      (void)literal;
      return value;
    } else {
      return T(std::string(literal));
    }
  }
  T pi() const { return boost::math::constants::pi<T>(); }
  T e() const { return boost::math::constants::e<T>(); }
  T variable(std::size_t, const T& x) const { return x; }
  static double primal(const T& x) { return static_cast<double>(x); }
  T negate(const T& a) const { return -a; }
  T add(const T& a, const T& b) const { return a + b; }
  T subtract(const T& a, const T& b) const { return a - b; }
  T multiply(const T& a, const T& b) const { return a * b; }
  T divide(const T& a, const T& b) const { return a / b; }
  T power(const T& a, const T& b) const {
    using std::pow;
    return pow(a, b);
  }
  T call(Function f, const T& a) const {
    using std::abs, std::acos, std::asin, std::atan, std::cos, std::cosh, std::exp, std::log,
        std::log10, std::sin, std::sinh, std::sqrt, std::tan, std::tanh;
    switch (f) {
      case Function::sin:
        return sin(a);
      case Function::cos:
        return cos(a);
      case Function::tan:
        return tan(a);
      case Function::asin:
        return asin(a);
      case Function::acos:
        return acos(a);
      case Function::atan:
        return atan(a);
      case Function::sinh:
        return sinh(a);
      case Function::cosh:
        return cosh(a);
      case Function::tanh:
        return tanh(a);
      case Function::exp:
        return exp(a);
      case Function::log:
      case Function::ln:
        return log(a);
      case Function::log10:
        return log10(a);
      case Function::log2:
        if constexpr (std::is_same_v<T, double>)
          return std::log2(a);
        else
          return T(log(a) / boost::math::constants::ln_two<T>());
      case Function::sqrt:
        return sqrt(a);
      case Function::cbrt:
        if constexpr (std::is_same_v<T, double>)
          return std::cbrt(a);
        else
          return boost::math::cbrt(a);
      case Function::abs:
        return abs(a);
      default:
        break;
    }
    throw EvaluationFault{-1, "internal: not a one-argument function"};
  }
  T call(Function f, const T& a, const T& b) const {
    using std::abs, std::atan2, std::pow, std::sqrt;
    switch (f) {
      case Function::pow:
        return power(a, b);
      case Function::hypot:
        if constexpr (std::is_same_v<T, double>)
          return std::hypot(a, b);
        else
          return T(sqrt(a * a + b * b));
      case Function::atan2:
        return atan2(a, b);
      case Function::min:
        return a < b ? a : b;
      case Function::max:
        return a < b ? b : a;
      default:
        break;
    }
    throw EvaluationFault{-1, "internal: not a two-argument function"};
  }
};

namespace detail {

inline bool is_integer(double p) {
  return std::isfinite(p) && std::floor(p) == p;
}

// Domain rules on primal values; throws EvaluationFault (node filled in by the caller).
inline void check_domain(const Node& n, double a, double b) {
  auto fail = [](std::string rule) { throw EvaluationFault{-1, std::move(rule)}; };
  switch (n.kind) {
    case NodeKind::divide:
      if (b == 0) fail("division by zero");
      break;
    case NodeKind::power:
      if (a < 0 && !is_integer(b))
        fail("negative base " + format_number(a) + " with the non-integer exponent " +
             format_number(b));
      if (a == 0 && b < 0) fail("zero raised to the negative power " + format_number(b));
      break;
    case NodeKind::call:
      switch (n.function) {
        case Function::log:
        case Function::ln:
        case Function::log10:
        case Function::log2:
          if (!(a > 0)) fail("argument must be > 0, got " + format_number(a));
          break;
        case Function::sqrt:
          if (a < 0) fail("argument must be >= 0, got " + format_number(a));
          break;
        case Function::asin:
        case Function::acos:
          if (a < -1 || a > 1) fail("argument must be in [-1, 1], got " + format_number(a));
          break;
        case Function::pow:
          if (a < 0 && !is_integer(b))
            fail("negative base " + format_number(a) + " with the non-integer exponent " +
                 format_number(b));
          if (a == 0 && b < 0) fail("zero raised to the negative power " + format_number(b));
          break;
        case Function::atan2:
          if (a == 0 && b == 0) fail("undefined at (0, 0)");
          break;
        default:
          break;
      }
      break;
    default:
      break;
  }
}

}  // namespace detail

// Evaluates `tree` at `x` (one value per variable) with `ops`. `work` is scratch space reused
// between calls. Throws EvaluationFault with the failing node on a domain error, a non-finite
// intermediate result, or (from the ops) a non-differentiable point.
template <class Ops>
typename Ops::value_type evaluate(const Tree& tree, const Ops& ops,
                                  std::span<const typename Ops::value_type> x,
                                  std::vector<typename Ops::value_type>& work) {
  using T = typename Ops::value_type;
  const std::size_t count = tree.nodes.size();
  work.resize(count);
  std::size_t i = 0;
  try {
    for (; i < count; ++i) {
      const Node& n = tree.nodes[i];
      const T* a = n.args[0] >= 0 ? &work[static_cast<std::size_t>(n.args[0])] : nullptr;
      const T* b = n.args[1] >= 0 ? &work[static_cast<std::size_t>(n.args[1])] : nullptr;
      if (a != nullptr)
        detail::check_domain(n, Ops::primal(*a), b != nullptr ? Ops::primal(*b) : 0.0);
      switch (n.kind) {
        case NodeKind::number:
          work[i] = ops.constant(n.value, n.literal);
          break;
        case NodeKind::pi:
          work[i] = ops.pi();
          break;
        case NodeKind::e:
          work[i] = ops.e();
          break;
        case NodeKind::variable:
          work[i] = ops.variable(static_cast<std::size_t>(n.variable),
                                 x[static_cast<std::size_t>(n.variable)]);
          break;
        case NodeKind::negate:
          work[i] = ops.negate(*a);
          break;
        case NodeKind::add:
          work[i] = ops.add(*a, *b);
          break;
        case NodeKind::subtract:
          work[i] = ops.subtract(*a, *b);
          break;
        case NodeKind::multiply:
          work[i] = ops.multiply(*a, *b);
          break;
        case NodeKind::divide:
          work[i] = ops.divide(*a, *b);
          break;
        case NodeKind::power:
          work[i] = ops.power(*a, *b);
          break;
        case NodeKind::call:
          work[i] = b != nullptr ? ops.call(n.function, *a, *b) : ops.call(n.function, *a);
          break;
      }
      const double v = Ops::primal(work[i]);
      if (!std::isfinite(v)) {
        const bool var = n.kind == NodeKind::variable;
        throw EvaluationFault{-1,
                              var ? "the variable is not finite"
                                  : "the result is not finite (overflow), got " + format_number(v)};
      }
    }
  } catch (EvaluationFault& fault) {
    fault.node = static_cast<int>(i);
    throw;
  }
  return work.back();
}

}  // namespace numkit::expr
