#pragma once
// 50-digit references for the distribution tests, computed independently of src/dist: masses from
// lgamma in cpp_bin_float_50, tails by summing the masses outward (ratio recurrences) when that
// takes at most 2e4 terms, else by tanh-sinh quadrature of the beta or gamma density in 50 digits.
#include <boost/math/quadrature/tanh_sinh.hpp>
#include <boost/math/special_functions/gamma.hpp>
#include <boost/math/special_functions/log1p.hpp>
#include <boost/multiprecision/cpp_bin_float.hpp>
#include <cmath>
#include <functional>

namespace dist_ref {

using F50 = boost::multiprecision::cpp_bin_float_50;

struct Tails {
  F50 lower, upper, log_lower, log_upper;
};

inline Tails from_small(const F50& log_small, bool small_is_lower) {
  Tails t;
  const F50 small = exp(log_small);
  const F50 log_big = boost::math::log1p(-small);
  t.lower = small_is_lower ? small : 1 - small;
  t.upper = small_is_lower ? 1 - small : small;
  t.log_lower = small_is_lower ? log_small : log_big;
  t.log_upper = small_is_lower ? log_big : log_small;
  return t;
}

// log of the integral over t in [x0, x0 + dir * inf) ∩ (lo, hi) of exp(log_f(t) - log_f(x0)),
// log_f log-concave with width about w at x0.
inline F50 log_integral_from(const std::function<F50(const F50&)>& log_f, const F50& x0,
                             const F50& w, int dir, const F50& lo, const F50& hi) {
  static boost::math::quadrature::tanh_sinh<F50> ts;
  const F50 base = log_f(x0);
  const F50 reach = dir > 0 ? (hi - x0) / w : (x0 - lo) / w;
  const F50 L = reach < 200 ? reach : F50(200);
  auto f = [&](const F50& u) {
    const F50 t = x0 + dir * w * (u - L);
    if (t <= lo || t >= hi) return F50(0);
    return exp(log_f(t) - base) * w;
  };
  return log(ts.integrate(f, L, 2 * L, F50(1e-22)));
}

// The smaller tail of a discrete law at k, summing masses outward from k (lower: k, k-1, ..., 0;
// upper: k+1, k+2, ... up to kmax) by the ratio of consecutive masses; false if more than
// max_terms terms would be needed.
inline bool sum_tail(const F50& log_pmf_start, bool lower, double start, double kmax,
                     const std::function<F50(double j)>& ratio, F50& log_tail,
                     long max_terms = 20000) {
  F50 term = 1, sum = 1;
  long n = 0;
  if (lower) {
    for (double j = start; j > 0; j -= 1) {
      term *= ratio(j);  // mass(j-1)/mass(j)
      sum += term;
      if (term < sum * F50(1e-45)) break;
      if (++n > max_terms) return false;
    }
  } else {
    for (double j = start; j < kmax; j += 1) {
      term *= ratio(j);  // mass(j+1)/mass(j)
      sum += term;
      if (term < sum * F50(1e-45)) break;
      if (++n > max_terms) return false;
    }
  }
  log_tail = log_pmf_start + log(sum);
  return true;
}

// ---- binomial ----------------------------------------------------------------------------------

inline F50 binom_log_pmf(double n, double p, double k) {
  const F50 N = n, P = p, K = k;
  if (k > n) return F50(-1) / 0;
  const F50 lc =
      boost::math::lgamma(N + 1) - boost::math::lgamma(K + 1) - boost::math::lgamma(N - K + 1);
  const F50 a = k == 0 ? F50(0) : K * log(P);
  const F50 b = k == n ? F50(0) : (N - K) * boost::math::log1p(-P);
  return lc + a + b;
}

inline Tails binom_tails(double n, double p, double k) {
  const F50 N = n, P = p, Q = 1 - F50(p), K = k;
  const bool lower = K < N * P;
  F50 log_small;
  if (lower) {
    auto ratio = [&](double j) { return F50(j) * Q / ((N - j + 1) * P); };
    if (sum_tail(binom_log_pmf(n, p, k), true, k, n, ratio, log_small))
      return from_small(log_small, true);
  } else {
    auto ratio = [&](double j) { return (N - j) * P / ((F50(j) + 1) * Q); };
    if (sum_tail(binom_log_pmf(n, p, k + 1), false, k + 1, n, ratio, log_small))
      return from_small(log_small, false);
  }
  // P(X > k) = I_p(k+1, n-k): Beta(k+1, n-k) density integrated over [0, p]; P(X <= k) over
  // [p, 1].
  const F50 A = K + 1, B = N - K;
  const F50 lbeta = boost::math::lgamma(A) + boost::math::lgamma(B) - boost::math::lgamma(A + B);
  auto log_f = [&](const F50& t) { return (A - 1) * log(t) + (B - 1) * log1p(-t) - lbeta; };
  const F50 f2 = (A - 1) / (P * P) + (B - 1) / (Q * Q);
  const F50 f1 = abs((A - 1) / P - (B - 1) / Q);
  const F50 w = 1 / (f1 + sqrt(f2));
  log_small = log_f(P) + log_integral_from(log_f, P, w, lower ? 1 : -1, F50(0), F50(1));
  return from_small(log_small, lower);
}

// ---- negative binomial -------------------------------------------------------------------------

struct NegbinParams {
  F50 r, p, q;
};
inline NegbinParams negbin_prob(double size, double prob) {
  return {F50(size), F50(prob), 1 - F50(prob)};
}
inline NegbinParams negbin_mu(double size, double mu) {
  const F50 r = size, m = mu;
  return {r, r / (r + m), m / (r + m)};
}

inline F50 negbin_log_pmf(const NegbinParams& d, double k) {
  const F50 K = k;
  return boost::math::lgamma(K + d.r) - boost::math::lgamma(d.r) - boost::math::lgamma(K + 1) +
         d.r * log(d.p) + (k == 0 ? F50(0) : K * log(d.q));
}

inline Tails negbin_tails(const NegbinParams& d, double k) {
  const F50 K = k, mean = d.r * d.q / d.p;
  const bool lower = K < mean;
  F50 log_small;
  if (lower) {
    auto ratio = [&](double j) { return F50(j) / ((F50(j) + d.r - 1) * d.q); };
    if (sum_tail(negbin_log_pmf(d, k), true, k, 1e300, ratio, log_small))
      return from_small(log_small, true);
  } else {
    auto ratio = [&](double j) { return (F50(j) + d.r) * d.q / (F50(j) + 1); };
    if (sum_tail(negbin_log_pmf(d, k + 1), false, k + 1, 1e300, ratio, log_small))
      return from_small(log_small, false);
  }
  // P(X <= k) = I_p(r, k+1): Beta(r, k+1) density over [0, p]; P(X > k) over [p, 1].
  const F50 A = d.r, B = K + 1;
  const F50 lbeta = boost::math::lgamma(A) + boost::math::lgamma(B) - boost::math::lgamma(A + B);
  if (!lower && A < 1) {
    // t^(r-1) is not log-concave: integrate over s = log t in [log p, 0] instead, the integrand
    // exp(r s + k log(1 - e^s)) relative to its value at s = log p.
    static boost::math::quadrature::tanh_sinh<F50> ts;
    const F50 s0 = log(d.p);
    const F50 base = A * s0 + K * log(d.q);
    auto f = [&](const F50& s) {
      if (s >= 0) return F50(0);
      // 1 - e^s as -expm1(s): finite up to the end s -> 0.
      return exp(A * s + K * log(-boost::math::expm1(s)) - base);
    };
    const F50 integral = ts.integrate(f, s0, F50(0), F50(1e-22));
    return from_small(base - lbeta + log(integral), false);
  }
  auto log_f = [&](const F50& t) { return (A - 1) * log(t) + (B - 1) * log1p(-t) - lbeta; };
  const F50 f2 = abs(A - 1) / (d.p * d.p) + (B - 1) / (d.q * d.q);
  const F50 f1 = abs((A - 1) / d.p - (B - 1) / d.q);
  const F50 w = 1 / (f1 + sqrt(f2));
  log_small = log_f(d.p) + log_integral_from(log_f, d.p, w, lower ? -1 : 1, F50(0), F50(1));
  return from_small(log_small, lower);
}

// ---- gamma (rate 1) ----------------------------------------------------------------------------

inline F50 gamma_log_pdf(double a, const F50& Y) {
  const F50 A = a;
  return (A - 1) * log(Y) - Y - boost::math::lgamma(A);
}

// P(a, y), Q(a, y) by quadrature of the density (lower over [0, y], upper over [y, inf)).
inline Tails gamma_tails(double a, const F50& Y) {
  const F50 A = a;
  const bool lower = Y < A;
  auto log_f = [&](const F50& t) { return (A - 1) * log(t) - t - boost::math::lgamma(A); };
  const F50 f1 = abs((A - 1) / Y - 1), f2 = abs(A - 1) / (Y * Y);
  const F50 w = 1 / (f1 + sqrt(f2));
  const F50 log_small =
      log_f(Y) + log_integral_from(log_f, Y, w, lower ? -1 : 1, F50(0), F50(1e300));
  return from_small(log_small, lower);
}

}  // namespace dist_ref
