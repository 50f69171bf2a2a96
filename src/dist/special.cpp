#include "special.hpp"

#include <cmath>

namespace numkit::dist::detail {

LD stirlerr(LD n) {
  if (n <= 20) return std::lgamma(n + 1) - (n + 0.5L) * std::log(n) + n - kLnSqrt2Pi;
  // Asymptotic series; for n > 20 the truncation error is below 1e-23.
  const LD r = 1.0L / n, r2 = r * r;
  constexpr LD s0 = 1.0L / 12, s1 = 1.0L / 360, s2 = 1.0L / 1260, s3 = 1.0L / 1680,
               s4 = 1.0L / 1188, s5 = 691.0L / 360360, s6 = 1.0L / 156, s7 = 3617.0L / 122400;
  return r * (s0 - r2 * (s1 - r2 * (s2 - r2 * (s3 - r2 * (s4 - r2 * (s5 - r2 * (s6 - r2 * s7)))))));
}

LD bd0(LD x, LD m, LD d) {
  if (std::fabs(d) < 0.1L * (x + m)) {
    // Series in v = d / (x + m): bd0 = d v + 2 x sum_j v^(2j+1) / (2j+1).
    const LD v = d / (x + m);
    LD s = d * v;
    LD ej = 2 * x * v;
    const LD v2 = v * v;
    for (int j = 1; j < 1000; ++j) {
      ej *= v2;
      const LD s1 = s + ej / (2 * j + 1);
      if (s1 == s) break;
      s = s1;
    }
    return s;
  }
  if (x == 0) return m;
  return x * std::log(x / m) - d;
}

LD log1pmx(LD y) {
  if (std::fabs(y) < 0.01L) {
    // -y^2/2 + y^3/3 - ...: |y| < 0.01, so 12 terms reach 1e-24.
    LD term = y, sum = 0;
    for (int j = 2; j < 30; ++j) {
      term *= -y;
      const LD next = sum + term / j;
      if (next == sum) break;
      sum = next;
    }
    return sum;
  }
  return std::log1p(y) - y;
}

LD log_dpois_raw(LD x, LD lambda, LD d) {
  if (lambda == 0) return x == 0 ? 0.0L : -kInfL;
  if (x == 0) return -lambda;
  return -stirlerr(x) - bd0(x, lambda, d) - 0.5L * (kLn2Pi + std::log(x));
}

LD log_dbinom_raw(LD x, LD n, LD np, LD nq, LD d, LD lp, LD lq) {
  if (x == 0) return n == 0 ? 0.0L : n * lq;
  if (x == n) return n * lp;
  const LD nx = n - x;
  const LD lc = stirlerr(n) - stirlerr(x) - stirlerr(nx) - bd0(x, np, d) - bd0(nx, nq, -d);
  const LD lf = kLn2Pi + std::log(x) + std::log(nx) - std::log(n);
  return lc - 0.5L * lf;
}

GaussLegendre20::GaussLegendre20() {
  // Roots of P_20 by Newton's method from Chebyshev-like starts, in long double.
  constexpr int n = 20;
  for (int i = 0; i < n; ++i) {
    LD z = std::cos(kPiL * (i + 0.75L) / (n + 0.5L));
    LD dp = 0;
    for (int it = 0; it < 100; ++it) {
      LD p0 = 1, p1 = z;
      for (int k = 2; k <= n; ++k) {
        const LD p2 = ((2 * k - 1) * z * p1 - (k - 1) * p0) / k;
        p0 = p1;
        p1 = p2;
      }
      dp = n * (z * p1 - p0) / (z * z - 1);
      const LD dz = p1 / dp;
      z -= dz;
      if (std::fabs(dz) < 1e-21L) break;
    }
    {
      LD p0 = 1, p1 = z;
      for (int k = 2; k <= n; ++k) {
        const LD p2 = ((2 * k - 1) * z * p1 - (k - 1) * p0) / k;
        p0 = p1;
        p1 = p2;
      }
      dp = n * (z * p1 - p0) / (z * z - 1);
    }
    x[i] = (1 - z) / 2;
    w[i] = 1 / ((1 - z * z) * dp * dp);  // 2 / ((1 - z^2) P'^2), halved for [0, 1]
  }
}

const GaussLegendre20& gauss_legendre20() {
  static const GaussLegendre20 gl;
  return gl;
}

}  // namespace numkit::dist::detail
