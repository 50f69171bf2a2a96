#include <cmath>
#include <limits>
#include <numkit/core/error.hpp>
#include <numkit/expr/finite_difference.hpp>

namespace numkit::expr {

double ridders(const std::function<double(double h)>& difference, double h0, double* error) {
  constexpr int kLevels = 10;
  constexpr double kShrink = 1.4, kShrink2 = kShrink * kShrink, kSafe = 2.0;
  double a[kLevels][kLevels];
  // find an initial step for which the stencil can be evaluated (domain edges)
  double h = h0;
  for (int attempt = 0;; ++attempt) {
    try {
      a[0][0] = difference(h);
      break;
    } catch (const InputError&) {
      if (attempt >= 40) throw;
      h *= 0.5;
    }
  }
  double best = a[0][0];
  double err = std::numeric_limits<double>::infinity();
  for (int i = 1; i < kLevels; ++i) {
    h /= kShrink;
    a[0][i] = difference(h);
    double fac = kShrink2;
    for (int j = 1; j <= i; ++j) {
      a[j][i] = (a[j - 1][i] * fac - a[j - 1][i - 1]) / (fac - 1);
      fac *= kShrink2;
      const double e =
          std::max(std::abs(a[j][i] - a[j - 1][i]), std::abs(a[j][i] - a[j - 1][i - 1]));
      if (e <= err) {
        err = e;
        best = a[j][i];
      }
    }
    if (std::abs(a[i][i] - a[i - 1][i - 1]) >= kSafe * err) break;
  }
  if (error != nullptr) *error = err;
  return best;
}

namespace {

double initial_step(double xi) {
  return 0.1 * std::max(1.0, std::abs(xi));
}

}  // namespace

DifferenceEstimate richardson_gradient(const ScalarFunction& f, const Eigen::VectorXd& x) {
  const Eigen::Index n = x.size();
  DifferenceEstimate out;
  out.gradient.resize(n);
  out.gradient_error.resize(n);
  for (Eigen::Index i = 0; i < n; ++i) {
    auto d = [&](double h) {
      Eigen::VectorXd xp = x, xm = x;
      xp(i) += h;
      xm(i) -= h;
      return (f(xp) - f(xm)) / (2 * h);
    };
    double e = 0;
    out.gradient(i) = ridders(d, initial_step(x(i)), &e);
    out.gradient_error(i) = e;
  }
  return out;
}

DifferenceEstimate richardson_hessian(const ScalarFunction& f, const Eigen::VectorXd& x) {
  const Eigen::Index n = x.size();
  DifferenceEstimate out = richardson_gradient(f, x);
  out.hessian.resize(n, n);
  out.hessian_error.resize(n, n);
  const double f0 = f(x);
  for (Eigen::Index i = 0; i < n; ++i) {
    for (Eigen::Index j = i; j < n; ++j) {
      const double hi = initial_step(x(i)), hj = initial_step(x(j));
      std::function<double(double)> d;
      if (i == j) {
        d = [&, i](double t) {
          const double h = t * hi;
          Eigen::VectorXd xp = x, xm = x;
          xp(i) += h;
          xm(i) -= h;
          return (f(xp) - 2 * f0 + f(xm)) / (h * h);
        };
      } else {
        d = [&, i, j](double t) {
          const double a = t * hi, b = t * hj;
          Eigen::VectorXd pp = x, pm = x, mp = x, mm = x;
          pp(i) += a, pp(j) += b;
          pm(i) += a, pm(j) -= b;
          mp(i) -= a, mp(j) += b;
          mm(i) -= a, mm(j) -= b;
          return (f(pp) - f(pm) - f(mp) + f(mm)) / (4 * a * b);
        };
      }
      double e = 0;
      const double v = ridders(d, 1.0, &e);
      out.hessian(i, j) = out.hessian(j, i) = v;
      out.hessian_error(i, j) = out.hessian_error(j, i) = e;
    }
  }
  return out;
}

}  // namespace numkit::expr
