#include "numkit/poisson/distribution.hpp"

#include <algorithm>
#include <boost/math/special_functions/erf.hpp>
#include <boost/math/special_functions/log1p.hpp>
#include <boost/math/tools/rational.hpp>
#include <cmath>
#include <limits>
#include <string>

#include "numkit/core/error.hpp"
#include "numkit/core/number.hpp"
#include "temme_coefficients.hpp"

namespace numkit::poisson {

namespace {

using LD = long double;

constexpr LD kLn2Pi = 1.837877066409345483560659472811235279722794947275566825634L;
constexpr LD kPi = 3.141592653589793238462643383279502884197169399375105820974L;
constexpr double kInf = std::numeric_limits<double>::infinity();

// Values in messages: the shortest decimal that reads back as v ("1.1", not 1.1000000000000001).
std::string show(double v) {
  return format_number(v);
}

// log(k!) for k = 0..20, from the exact factorials (all exactly representable in long double).
struct LogFactTable {
  LD v[21];
  LogFactTable() {
    LD f = 1;
    v[0] = 0;
    for (int i = 1; i <= 20; ++i) {
      f *= i;
      v[i] = std::log(f);
    }
  }
};
const LogFactTable kLogFact;

// stirlerr(n) = log(n!) - (n + 1/2) log(n) + n - log(sqrt(2 pi)), asymptotic series (n > 20:
// truncation error below 1e-23).
LD stirlerr(LD n) {
  const LD r = 1.0L / n, r2 = r * r;
  constexpr LD s0 = 1.0L / 12, s1 = 1.0L / 360, s2 = 1.0L / 1260, s3 = 1.0L / 1680,
               s4 = 1.0L / 1188, s5 = 691.0L / 360360, s6 = 1.0L / 156, s7 = 3617.0L / 122400;
  return r * (s0 - r2 * (s1 - r2 * (s2 - r2 * (s3 - r2 * (s4 - r2 * (s5 - r2 * (s6 - r2 * s7)))))));
}

// bd0(x, m) = x log(x/m) + m - x >= 0, without cancellation (series in v = (x-m)/(x+m) near x = m).
LD bd0(LD x, LD m) {
  const LD diff = x - m;
  if (std::fabs(diff) < 0.1L * (x + m)) {
    const LD v = diff / (x + m);
    LD s = diff * v;
    LD ej = 2 * x * v;
    const LD v2 = v * v;
    for (int j = 1; j < 200; ++j) {
      ej *= v2;
      const LD s1 = s + ej / (2 * j + 1);
      if (s1 == s) break;
      s = s1;
    }
    return s;
  }
  return x * std::log(x / m) + m - x;
}

// log P(N = k) in long double; k >= 0 integer, mean >= 0.
LD log_pmf_ld(LD k, LD mean) {
  if (mean == 0) return k == 0 ? 0.0L : -std::numeric_limits<LD>::infinity();
  // an infinite mean arises only as the limit rate * time -> inf (waiting times): P(N = k) -> 0
  if (std::isinf(mean)) return -std::numeric_limits<LD>::infinity();
  if (k == 0) return -mean;
  if (k <= 20) return k * std::log(mean) - mean - kLogFact.v[static_cast<int>(k)];
  return -stirlerr(k) - bd0(k, mean) - 0.5L * (kLn2Pi + std::log(k));
}

// erfc(s) exp(s^2) for s >= 100 (asymptotic series, converged to long double precision).
LD erfcx_large(LD s) {
  const LD t = 1.0L / (2 * s * s);
  LD term = 1, sum = 1;
  for (int n = 1; n < 30; ++n) {
    term *= -(2 * n - 1) * t;
    const LD next = sum + term;
    if (next == sum) break;
    sum = next;
  }
  return sum / (s * std::sqrt(kPi));
}

template <std::size_t N>
LD horner(const long double (&c)[N], LD z) {
  LD r = c[N - 1];
  for (std::size_t i = N - 1; i-- > 0;) r = r * z + c[i];
  return r;
}

// Temme's uniform expansion for a > 20, |x - a| < 0.4 a. Returns the smaller tail of the
// regularized incomplete gamma function: Q(a, x) when x >= a, P(a, x) otherwise; value and log.
struct Small {
  LD value, log_value;
};
Small temme(LD a, LD x, bool want_log) {
  using namespace detail;
  const LD sigma = (x - a) / a;
  const LD phi = -boost::math::log1pmx(sigma);
  const LD y = a * phi;
  LD z = std::sqrt(2 * phi);
  if (x < a) z = -z;
  // Terms beyond a^-n < 1e-22 do not matter; only the C_i(z) needed are evaluated.
  int n = 13;
  if (a > 1e11L)
    n = 2;
  else if (a > 1e7L)
    n = 3;
  else if (a > 1e5L)
    n = 5;
  else if (a > 1e3L)
    n = 8;
  LD c[13];
  c[0] = horner(kTemmeC0, z);
  c[1] = horner(kTemmeC1, z);
  if (n > 2) c[2] = horner(kTemmeC2, z);
  if (n > 3) {
    c[3] = horner(kTemmeC3, z);
    c[4] = horner(kTemmeC4, z);
  }
  if (n > 5) {
    c[5] = horner(kTemmeC5, z);
    c[6] = horner(kTemmeC6, z);
    c[7] = horner(kTemmeC7, z);
  }
  if (n > 8) {
    c[8] = horner(kTemmeC8, z);
    c[9] = horner(kTemmeC9, z);
    c[10] = horner(kTemmeC10, z);
    c[11] = horner(kTemmeC11, z);
    c[12] = horner(kTemmeC12, z);
  }
  LD poly = c[n - 1];
  const LD ia = 1.0L / a;
  for (int i = n - 1; i-- > 0;) poly = poly * ia + c[i];
  const LD r = poly / std::sqrt(2 * kPi * a);
  const LD s = std::sqrt(y);
  Small out;
  if (y < 11000) {
    out.value = std::erfc(s) / 2 + (x < a ? -r : r) * std::exp(-y);
    out.log_value = want_log ? std::log(out.value) : 0.0L;
  } else {
    out.log_value = -y + std::log(erfcx_large(s) / 2 + (x < a ? -r : r));
    out.value = std::exp(out.log_value);
  }
  return out;
}

}  // namespace

void check_mean(double mean, std::string_view what) {
  if (!std::isfinite(mean) || mean < 0)
    throw InputError(std::string(what) + ": must be finite and >= 0, got " + show(mean));
}

void check_count_mean(double mean, std::string_view what) {
  check_mean(mean, what);
  if (mean > kMaxCountMean)
    throw InputError(std::string(what) +
                     ": must be <= 1e15 for counts (quantiles, intervals, samples, tables: every "
                     "count must be an exact integer below 2^53), got " +
                     show(mean));
}

bool valid_k(double k) {
  return std::isfinite(k) && k >= 0 && k == std::floor(k) && k <= kMaxK;
}

void check_k(double k, std::string_view what) {
  if (!valid_k(k))
    throw InputError(std::string(what) + ": must be an integer in [0, 2^53], got " + show(k));
}

void check_probability(double p, std::string_view what) {
  if (!(p >= 0 && p <= 1))
    throw InputError(std::string(what) + ": must be in [0, 1], got " + show(p));
}

namespace {

// Both tails; the logs only when asked for (they cost two long double logarithms).
Tails tails_impl(double k_in, double mean_in, bool want_logs) {
  const LD k = k_in, mean = mean_in;
  Tails t;
  if (mean == 0) {
    t.lower = 1;
    t.upper = 0;
    t.log_lower = 0;
    t.log_upper = -std::numeric_limits<LD>::infinity();
    return t;
  }
  const LD a = k + 1;
  bool small_is_lower;
  Small s;
  if (a > 20 && std::fabs(mean - a) < 0.4L * a) {
    s = temme(a, mean, want_logs);
    small_is_lower = !(mean < a);  // temme() returns Q(a, x) for x >= a
  } else if (mean > a) {
    // P(N <= k) = pmf(k) * sum_i prod_{j<i} (k - j) / mean, ratio <= k / mean < 1.
    LD term = 1, sum = 1;
    for (LD j = k; j > 0; j -= 1) {
      term *= j / mean;
      sum += term;
      if (term < sum * 1e-21L) break;
    }
    s.log_value = log_pmf_ld(k, mean) + std::log(sum);
    s.value = std::exp(s.log_value);
    small_is_lower = true;
  } else {
    // P(N > k) = pmf(k+1) * sum_i prod_{j=2..i+1} mean / (k + j).
    LD term = 1, sum = 1;
    for (LD j = k + 2;; j += 1) {
      term *= mean / j;
      sum += term;
      if (term < sum * 1e-21L) break;
    }
    s.log_value = log_pmf_ld(a, mean) + std::log(sum);
    s.value = std::exp(s.log_value);
    small_is_lower = false;
  }
  const LD other = 1 - s.value;
  const LD log_other = want_logs ? std::log1p(-s.value) : 0.0L;
  if (small_is_lower) {
    t.lower = s.value;
    t.log_lower = s.log_value;
    t.upper = other;
    t.log_upper = log_other;
  } else {
    t.upper = s.value;
    t.log_upper = s.log_value;
    t.lower = other;
    t.log_lower = log_other;
  }
  return t;
}

}  // namespace

Tails tails(double k, double mean) {
  return tails_impl(k, mean, true);
}

double pmf(double k, double mean) {
  return static_cast<double>(std::exp(log_pmf_ld(k, mean)));
}
double log_pmf(double k, double mean) {
  return static_cast<double>(log_pmf_ld(k, mean));
}
double cdf(double k, double mean) {
  return static_cast<double>(tails_impl(k, mean, false).lower);
}
double sf(double k, double mean) {
  return static_cast<double>(tails_impl(k, mean, false).upper);
}
double log_cdf(double k, double mean) {
  return static_cast<double>(tails(k, mean).log_lower);
}
double log_sf(double k, double mean) {
  return static_cast<double>(tails(k, mean).log_upper);
}

double quantile(double p, double mean, bool upper) {
  check_probability(p, "p");
  check_count_mean(mean, "mean");
  if (mean == 0) return 0;
  if (!upper && p == 1) return kInf;
  if (upper && p == 0) return kInf;
  if (!upper && p == 0) return 0;
  if (upper && p == 1) return 0;
  // pred(k) is monotone: false below the answer, true from it on. The comparison uses the tail
  // that is small (<= 1/2) relative to p so that 1 - p is exact.
  const bool p_small = p <= 0.5;
  const LD target = p_small ? LD(p) : LD(1.0 - p);
  auto pred = [&](double k) {
    if (k < 0) return false;
    const Tails t = tails_impl(k, mean, false);
    if (!upper) return p_small ? t.lower >= target : t.upper <= target;
    return p_small ? t.upper <= target : t.lower >= target;
  };
  // Cornish-Fisher start.
  const double z = (upper ? 1 : -1) * std::sqrt(2.0) * boost::math::erfc_inv(2 * p);
  double guess = std::floor(mean + std::sqrt(mean) * z + (z * z - 1) / 6);
  if (!(guess >= 0)) guess = 0;
  if (guess > kMaxK) guess = kMaxK;
  double lo, hi;  // pred(lo) false, pred(hi) true
  if (pred(guess)) {
    hi = guess;
    double step = 1;
    lo = hi - step;
    while (lo >= 0 && pred(lo)) {
      hi = lo;
      step *= 2;
      lo = hi - step;
    }
    if (lo < 0) lo = -1;
  } else {
    lo = guess;
    double step = 1;
    hi = lo + step;
    while (!pred(hi)) {
      if (hi >= kMaxK) return kInf;
      lo = hi;
      step *= 2;
      hi = std::min(lo + step, kMaxK);
    }
  }
  while (hi - lo > 1) {
    const double mid = std::floor(lo + (hi - lo) / 2);
    if (pred(mid))
      hi = mid;
    else
      lo = mid;
  }
  return hi;
}

Interval central_interval(double level, double mean) {
  check_probability(level, "level");
  check_count_mean(mean, "mean");
  const double half = (1 - level) / 2;
  Interval r;
  r.lo = quantile(half, mean, false);
  r.hi = quantile(half, mean, true);
  if (std::isinf(r.hi)) {
    r.coverage = r.lo > 0 ? static_cast<double>(tails(r.lo - 1, mean).upper) : 1.0;
  } else {
    const LD below = r.lo > 0 ? tails(r.lo - 1, mean).lower : 0.0L;
    const Tails t = tails(r.hi, mean);
    r.coverage = static_cast<double>(r.lo > 0 ? t.lower - below : t.lower);
  }
  return r;
}

Stats stats(double mean) {
  check_count_mean(mean, "mean");
  Stats s;
  s.mean = mean;
  s.variance = mean;
  s.sd = std::sqrt(mean);
  s.skewness = mean > 0 ? 1 / s.sd : kInf;
  s.excess_kurtosis = mean > 0 ? 1 / mean : kInf;
  if (mean >= 1 && mean == std::floor(mean) && mean <= kMaxK)
    s.modes = {mean - 1, mean};
  else
    s.modes = {std::floor(mean)};
  s.median = quantile(0.5, mean);
  if (mean == 0) {
    s.entropy = 0;
  } else if (mean > 1e5) {
    const LD m = mean;
    s.entropy = static_cast<double>(0.5L * std::log(2 * kPi * std::exp(1.0L) * m) - 1 / (12 * m) -
                                    1 / (24 * m * m) - 19 / (360 * m * m * m));
  } else {
    // -sum p log p, outwards from the mode until the terms are negligible.
    LD sum = 0;
    const double mode = std::floor(mean);
    for (double k = mode;; k += 1) {
      const LD lp = log_pmf_ld(k, mean);
      const LD term = -std::exp(lp) * lp;
      sum += term;
      if (k > mean + 10 && term < sum * 1e-22L) break;
    }
    for (double k = mode - 1; k >= 0; k -= 1) {
      const LD lp = log_pmf_ld(k, mean);
      const LD term = -std::exp(lp) * lp;
      sum += term;
      if (term < sum * 1e-22L && k < mean - 10) break;
    }
    s.entropy = static_cast<double>(sum);
  }
  return s;
}

double erlang_cdf(double k, double x) {
  if (x <= 0) return 0;
  return static_cast<double>(tails(k - 1, x).upper);
}
double erlang_sf(double k, double x) {
  if (x <= 0) return 1;
  return static_cast<double>(tails(k - 1, x).lower);
}
double erlang_pdf(double k, double x) {
  if (x < 0) return 0;
  if (x == 0) return k == 1 ? 1.0 : 0.0;
  return pmf(k - 1, x);
}

double erlang_quantile(double k, double p, bool upper) {
  check_probability(p, "p");
  if (!(k >= 1 && k == std::floor(k) && k <= kMaxK))
    throw InputError("events: must be an integer in [1, 2^53], got " + show(k));
  // P(T <= x) = p  <=>  P(N(x) > k-1) = p.
  if ((!upper && p == 0) || (upper && p == 1)) return 0;
  if ((!upper && p == 1) || (upper && p == 0)) return kInf;
  if (k == 1) return static_cast<double>(upper ? -std::log(LD(p)) : -std::log1p(-LD(p)));
  // Solve tail(x) = v for the tail with v <= 1/2: use_upper means the Poisson upper tail
  // P(N(x) > k-1) (increasing in x), otherwise the lower tail P(N(x) <= k-1) (decreasing).
  bool use_upper;
  LD v;
  if (!upper) {
    use_upper = p <= 0.5;
    v = use_upper ? LD(p) : LD(1.0 - p);
  } else {
    use_upper = p > 0.5;
    v = use_upper ? LD(1.0 - p) : LD(p);
  }
  const LD log_v = std::log(v);
  const double km1 = k - 1;
  // g(x) = log tail(x) - log v, increasing in x after the sign flip for the lower tail.
  auto g = [&](double x) -> LD {
    const Tails t = tails(km1, x);
    return use_upper ? t.log_upper - log_v : log_v - t.log_lower;
  };
  // Wilson-Hilferty start.
  const double pl = use_upper ? double(v) : 1 - double(v);  // P(T <= x) target
  const double z = -std::sqrt(2.0) * boost::math::erfc_inv(2 * pl);
  double x = k * std::pow(std::max(1 - 1 / (9 * k) + z / (3 * std::sqrt(k)), 1e-3), 3);
  if (!(x > 0)) x = k;
  // Bracket.
  double lo = 0, hi = kInf;
  for (int it = 0; it < 400; ++it) {
    const LD gx = g(x);
    if (gx == 0) return x;
    if (gx < 0)
      lo = x;
    else
      hi = x;
    // Newton step: d/dx log tail = +-pmf(k-1, x) / tail.
    const Tails t = tails(km1, x);
    const LD lp = log_pmf_ld(km1, x);
    const LD dlog = use_upper ? std::exp(lp - t.log_upper) : std::exp(lp - t.log_lower);
    double next = static_cast<double>(x - gx / dlog);
    if (!(next > lo && next < hi)) {
      if (std::isinf(hi))
        next = x * 2;
      else
        next = lo + (hi - lo) / 2;
    }
    if (std::fabs(next - x) <= 4e-16 * x || (std::isfinite(hi) && hi - lo <= 4e-16 * hi))
      return next;
    x = next;
  }
  return x;
}

}  // namespace numkit::poisson
