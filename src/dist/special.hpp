#pragma once
// Internals of the distribution module: Loader's saddle-point pieces in long double, error-free
// products, and the panel Gauss-Legendre quadrature of log-concave tails.
#include <cmath>
#include <limits>

namespace numkit::dist::detail {

using LD = long double;

inline constexpr LD kLn2Pi = 1.837877066409345483560659472811235279722794947275566825634L;
inline constexpr LD kLnSqrt2Pi = 0.918938533204672741780329736405617639861397473637783412817L;
inline constexpr LD kPiL = 3.141592653589793238462643383279502884197169399375105820974L;
inline constexpr LD kInfL = std::numeric_limits<LD>::infinity();

// a * b as hi + lo exactly (a, b doubles; the fma is explicit, so -ffp-contract=off is kept).
inline LD exact_product(double a, double b) {
  const double hi = a * b;
  const double lo = std::fma(a, b, -hi);
  return static_cast<LD>(hi) + static_cast<LD>(lo);
}
// x - a * b with the product formed exactly before the subtraction.
inline LD minus_product(LD x, double a, double b) {
  const double hi = a * b;
  const double lo = std::fma(a, b, -hi);
  return (x - static_cast<LD>(hi)) - static_cast<LD>(lo);
}

// log(n!) - (n + 1/2) log n + n - log sqrt(2 pi), for real n > 0.
LD stirlerr(LD n);
// x log(x/m) + m - x >= 0 given d = x - m (formed by the caller without cancellation).
LD bd0(LD x, LD m, LD d);
// log1p(y) - y without cancellation.
LD log1pmx(LD y);
// R's dpois_raw in logs: log(lambda^x e^-lambda / Gamma(x + 1)) for real x >= 0, given
// d = x - lambda.
LD log_dpois_raw(LD x, LD lambda, LD d);
// log of Gamma(n+1)/(Gamma(x+1) Gamma(n-x+1)) p^x q^(n-x) for real 0 <= x <= n, given
// np = n p, nq = n q and d = x - n p; lp = log p, lq = log q.
LD log_dbinom_raw(LD x, LD n, LD np, LD nq, LD d, LD lp, LD lq);

// Integral over u in [0, end] (end may be +inf) of exp(phi(u)), for phi with phi(0) finite that
// decays at least like a Gaussian or an exponential on the scale u ~ 1 (a log-concave density
// in units of its width, read outward from a point). 20-point Gauss-Legendre on panels of
// width 2 until a panel adds less than 1e-22 of the sum where phi < -46.
template <class Phi>
LD decaying_integral(Phi phi, LD end);

// 20-point Gauss-Legendre nodes and weights on [0, 1].
struct GaussLegendre20 {
  LD x[20], w[20];
  GaussLegendre20();
};
const GaussLegendre20& gauss_legendre20();

template <class Phi>
LD decaying_integral(Phi phi, LD end) {
  const GaussLegendre20& gl = gauss_legendre20();
  constexpr LD kWidth = 2;
  LD sum = 0;
  for (int panel = 0; panel < 2000; ++panel) {
    const LD a = panel * kWidth;
    if (a >= end) break;
    const LD b = std::min(a + kWidth, end);
    const LD h = b - a;
    LD part = 0;
    for (int i = 0; i < 20; ++i) part += gl.w[i] * std::exp(phi(a + h * gl.x[i]));
    part *= h;
    sum += part;
    if (b >= end) break;
    if (part <= sum * 1e-22L && phi(b) < -46) break;
  }
  return sum;
}

}  // namespace numkit::dist::detail
