#include <Eigen/Eigenvalues>
#include <cmath>
#include <numbers>
#include <numkit/expr/jet.hpp>

namespace numkit::expr {

namespace {

[[noreturn]] void not_differentiable(std::string rule) {
  throw EvaluationFault{-1, std::move(rule)};
}

// c * a^k, taken as 0 when c == 0 (so 0 * 0^-1 does not become NaN)
double coef_pow(double c, double a, double k) {
  return c == 0 ? 0.0 : c * std::pow(a, k);
}

}  // namespace

Jet JetOps::make(double value) const {
  Jet j;
  j.v = value;
  j.g = Eigen::VectorXd::Zero(n_);
  if (second_) j.h = Eigen::MatrixXd::Zero(n_, n_);
  return j;
}

Jet JetOps::pi() const {
  return make(std::numbers::pi);
}
Jet JetOps::e() const {
  return make(std::numbers::e);
}

Jet JetOps::variable(std::size_t i, const Jet& x) const {
  Jet j = make(x.v);
  j.g(static_cast<Eigen::Index>(i)) = 1;
  return j;
}

bool JetOps::is_constant(const Jet& a) const {
  return a.g.isZero(0) && (!second_ || a.h.isZero(0));
}

Jet JetOps::negate(const Jet& a) const {
  Jet r;
  r.v = -a.v;
  r.g = -a.g;
  if (second_) r.h = -a.h;
  return r;
}

Jet JetOps::add(const Jet& a, const Jet& b) const {
  Jet r;
  r.v = a.v + b.v;
  r.g = a.g + b.g;
  if (second_) r.h = a.h + b.h;
  return r;
}

Jet JetOps::subtract(const Jet& a, const Jet& b) const {
  Jet r;
  r.v = a.v - b.v;
  r.g = a.g - b.g;
  if (second_) r.h = a.h - b.h;
  return r;
}

Jet JetOps::multiply(const Jet& a, const Jet& b) const {
  Jet r;
  r.v = a.v * b.v;
  r.g = a.v * b.g + b.v * a.g;
  if (second_) {
    r.h = a.v * b.h + b.v * a.h;
    r.h.noalias() += a.g * b.g.transpose();
    r.h.noalias() += b.g * a.g.transpose();
  }
  return r;
}

Jet JetOps::divide(const Jet& a, const Jet& b) const {
  // a / b = a * (1/b); when b is constant this is a plain scaling (exact for the derivatives)
  if (is_constant(b)) {
    Jet r;
    r.v = a.v / b.v;
    r.g = a.g / b.v;
    if (second_) r.h = a.h / b.v;
    return r;
  }
  const double inv = 1 / b.v;
  return multiply(a, chain(b, inv, -inv * inv, 2 * inv * inv * inv));
}

Jet JetOps::chain(const Jet& u, double f0, double d1, double d2) const {
  Jet r;
  r.v = f0;
  r.g = d1 * u.g;
  if (second_) {
    r.h = d1 * u.h;
    if (d2 != 0) r.h.noalias() += d2 * (u.g * u.g.transpose());
  }
  return r;
}

Jet JetOps::chain2(const Jet& a, const Jet& b, double f0, double fa, double fb, double faa,
                   double fab, double fbb) const {
  Jet r;
  r.v = f0;
  r.g = fa * a.g + fb * b.g;
  if (second_) {
    r.h = fa * a.h + fb * b.h;
    r.h.noalias() += faa * (a.g * a.g.transpose());
    r.h.noalias() += fbb * (b.g * b.g.transpose());
    r.h.noalias() += fab * (a.g * b.g.transpose() + b.g * a.g.transpose());
  }
  return r;
}

Jet JetOps::power(const Jet& a, const Jet& b) const {
  const double x = a.v, p = b.v;
  if (is_constant(b)) {
    const double f0 = std::pow(x, p);
    if (x == 0 && !detail::is_integer(p)) {
      // 0^p with p > 0 non-integer (the domain check rejected p < 0)
      if (p < 1)
        not_differentiable("not differentiable where the base is 0 (exponent " + format_number(p) +
                           " < 1)");
      if (second_ && p < 2)
        not_differentiable("not twice differentiable where the base is 0 (exponent " +
                           format_number(p) + " < 2)");
      return chain(a, 0.0, 0.0, 0.0);
    }
    return chain(a, f0, coef_pow(p, x, p - 1), coef_pow(p * (p - 1), x, p - 2));
  }
  // varying exponent: x^p = exp(p log x) needs x > 0
  if (!(x > 0))
    not_differentiable("not differentiable where the base is " + format_number(x) +
                       " and the exponent varies (needs base > 0)");
  const double f0 = std::pow(x, p), lx = std::log(x);
  return chain2(a, b, f0, p * std::pow(x, p - 1), f0 * lx, coef_pow(p * (p - 1), x, p - 2),
                std::pow(x, p - 1) * (1 + p * lx), f0 * lx * lx);
}

Jet JetOps::call(Function f, const Jet& a) const {
  const double u = a.v;
  switch (f) {
    case Function::sin:
      return chain(a, std::sin(u), std::cos(u), -std::sin(u));
    case Function::cos:
      return chain(a, std::cos(u), -std::sin(u), -std::cos(u));
    case Function::tan: {
      const double t = std::tan(u), s = 1 + t * t;
      return chain(a, t, s, 2 * t * s);
    }
    case Function::asin:
    case Function::acos: {
      if (u == 1 || u == -1)
        not_differentiable("not differentiable where its argument is " + format_number(u));
      const double w = 1 - u * u, d1 = 1 / std::sqrt(w), d2 = u / (w * std::sqrt(w));
      return f == Function::asin ? chain(a, std::asin(u), d1, d2)
                                 : chain(a, std::acos(u), -d1, -d2);
    }
    case Function::atan: {
      const double w = 1 + u * u;
      return chain(a, std::atan(u), 1 / w, -2 * u / (w * w));
    }
    case Function::sinh:
      return chain(a, std::sinh(u), std::cosh(u), std::sinh(u));
    case Function::cosh:
      return chain(a, std::cosh(u), std::sinh(u), std::cosh(u));
    case Function::tanh: {
      const double t = std::tanh(u), s = 1 - t * t;
      return chain(a, t, s, -2 * t * s);
    }
    case Function::exp: {
      const double v = std::exp(u);
      return chain(a, v, v, v);
    }
    case Function::log:
    case Function::ln:
      return chain(a, std::log(u), 1 / u, -1 / (u * u));
    case Function::log10: {
      const double k = std::numbers::ln10;
      return chain(a, std::log10(u), 1 / (u * k), -1 / (u * u * k));
    }
    case Function::log2: {
      const double k = std::numbers::ln2;
      return chain(a, std::log2(u), 1 / (u * k), -1 / (u * u * k));
    }
    case Function::sqrt: {
      if (u == 0) not_differentiable("not differentiable where its argument is 0");
      const double s = std::sqrt(u);
      return chain(a, s, 0.5 / s, -0.25 / (s * u));
    }
    case Function::cbrt: {
      if (u == 0) not_differentiable("not differentiable where its argument is 0");
      const double c = std::cbrt(u);
      return chain(a, c, 1 / (3 * c * c), -2 / (9 * c * c * c * c * c));
    }
    case Function::abs: {
      if (u > 0) return a;
      if (u < 0) return negate(a);
      if (!a.g.isZero(0)) not_differentiable("not differentiable where its argument is 0");
      // |u| with u = 0 and grad u = 0: first derivatives vanish; the second derivative exists
      // when the Hessian of u is semidefinite (|u| = u or -u to second order)
      Jet r = make(0.0);
      if (second_ && !a.h.isZero(0)) {
        Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> eig(a.h, Eigen::EigenvaluesOnly);
        const double lo = eig.eigenvalues().minCoeff(), hi = eig.eigenvalues().maxCoeff();
        const double tol = 1e-14 * std::max(std::abs(lo), std::abs(hi));
        if (lo >= -tol)
          r.h = a.h;
        else if (hi <= tol)
          r.h = -a.h;
        else
          not_differentiable("not twice differentiable where its argument is 0");
      }
      return r;
    }
    default:
      break;
  }
  throw EvaluationFault{-1, "internal: not a one-argument function"};
}

Jet JetOps::call(Function f, const Jet& a, const Jet& b) const {
  switch (f) {
    case Function::pow:
      return power(a, b);
    case Function::hypot: {
      const double x = a.v, y = b.v;
      if (x == 0 && y == 0) not_differentiable("not differentiable where both arguments are 0");
      const double r = std::hypot(x, y), r3 = r * r * r;
      return chain2(a, b, r, x / r, y / r, y * y / r3, -x * y / r3, x * x / r3);
    }
    case Function::atan2: {
      const double y = a.v, x = b.v, r2 = x * x + y * y, r4 = r2 * r2;
      return chain2(a, b, std::atan2(y, x), x / r2, -y / r2, -2 * x * y / r4, (y * y - x * x) / r4,
                    2 * x * y / r4);
    }
    case Function::min:
    case Function::max: {
      if (a.v != b.v) return ((a.v < b.v) == (f == Function::min)) ? a : b;
      if (a.g != b.g || (second_ && a.h != b.h))
        not_differentiable("not differentiable where its arguments are equal (" +
                           format_number(a.v) + ") with different derivatives");
      return a;
    }
    default:
      break;
  }
  throw EvaluationFault{-1, "internal: not a two-argument function"};
}

}  // namespace numkit::expr
