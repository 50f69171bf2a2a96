#include "numkit/dist/distribution.hpp"

#include <algorithm>
#include <boost/math/special_functions/digamma.hpp>
#include <boost/math/special_functions/erf.hpp>
#include <cmath>
#include <limits>
#include <string>

#include "numkit/core/error.hpp"
#include "numkit/core/number.hpp"
#include "numkit/poisson/distribution.hpp"
#include "special.hpp"

namespace numkit::dist {

using namespace detail;

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
// Series cut-offs: a tail series is summed while its terms fall geometrically or it is a short
// finite sum; otherwise the quadrature route is taken.
constexpr LD kFastRatio = 0.9L;
constexpr LD kShortSum = 2000;
constexpr int kMaxSeriesTerms = 2'000'000;

std::string show(double v) {
  return format_number(v);
}

[[noreturn]] void bad(std::string_view what, const std::string& rule, double v) {
  throw InputError(std::string(what) + ": must be " + rule + ", got " + show(v));
}

void check_finite(double v, std::string_view what) {
  if (!std::isfinite(v)) bad(what, "finite", v);
}

Tails make_tails(LD small, LD log_small, bool small_is_lower) {
  Tails t;
  const LD other = 1 - small;
  const LD log_other = std::log1p(-small);
  if (small_is_lower) {
    t.lower = small;
    t.log_lower = log_small;
    t.upper = other;
    t.log_upper = log_other;
  } else {
    t.upper = small;
    t.log_upper = log_small;
    t.lower = other;
    t.log_lower = log_other;
  }
  return t;
}

Tails certain(bool lower) {
  Tails t;
  t.lower = lower ? 1 : 0;
  t.upper = lower ? 0 : 1;
  t.log_lower = lower ? 0 : -kInfL;
  t.log_upper = lower ? -kInfL : 0;
  return t;
}

// A tail given as exp(log_prefix) * sum, where sum >= 1 is a finished series.
struct Small {
  LD value, log_value;
};
Small from_log(LD log_value) {
  return {std::exp(log_value), log_value};
}

// Integral of exp(phi(h)) over h from 0 to end (end > 0) or from end to 0 (end < 0), with the
// log-density phi(h) = h f1 + c1 lm(h / x0) + c2 lm(-h / y0) relative to its value at the point,
// for the beta density in t (x0 = t, y0 = 1 - t, c1 = a - 1, c2 = b - 1).
LD beta_tail_integral(LD f1, LD c1, LD c2, LD x0, LD y0, LD end) {
  const LD f2 = c1 / (x0 * x0) + c2 / (y0 * y0);
  const LD s = 1 / (std::fabs(f1) + std::sqrt(std::fabs(f2)));
  const LD dir = end > 0 ? 1 : -1;
  auto phi = [&](LD u) -> LD {
    const LD h = dir * s * u;
    if (h <= -x0 || h >= y0) return -kInfL;
    return h * f1 + c1 * log1pmx(h / x0) + c2 * log1pmx(-h / y0);
  };
  return s * decaying_integral(phi, std::fabs(end) / s);
}

// For a - 1 < 0 the beta density's power t^(a-1) is not log-concave in t; in v = log(t / x0) the
// integrand of the upper part, x0 e^(a v) ((1 - x0 e^v) / y0)^c2, is. Returns the integral over
// t in [x0, 1] of (t/x0)^(a-1) ((1-t)/y0)^c2.
LD beta_upper_integral_log(LD a, LD c2, LD x0, LD y0) {
  const LD d1 = a - c2 * x0 / y0, d2 = c2 * x0 / (y0 * y0);
  // The integrand falls like exp(-c e^v) (doubly exponentially) where c2 t ~ 1, on a scale
  // that the derivatives at v = 0 do not see: panels of at most 1/4 in v.
  const LD s = std::min(1 / (std::fabs(d1) + std::sqrt(std::fabs(d2))), 0.125L);
  const LD end = -std::log(x0);
  auto phi = [&](LD u) -> LD {
    const LD v = s * u;
    if (v >= end) return -kInfL;
    return a * v + c2 * std::log1p(-x0 * std::expm1(v) / y0);
  };
  return x0 * s * decaying_integral(phi, end / s);
}

// The same for the gamma density t^(a-1) e^-t at t = y: phi(h) = h f1 + c1 lm(h / y).
LD gamma_tail_integral(LD f1, LD c1, LD y, LD end) {
  const LD f2 = c1 / (y * y);
  const LD s = 1 / (std::fabs(f1) + std::sqrt(std::fabs(f2)));
  const LD dir = end > 0 ? 1 : -1;
  auto phi = [&](LD u) -> LD {
    const LD h = dir * s * u;
    if (h <= -y) return -kInfL;
    return h * f1 + c1 * log1pmx(h / y);
  };
  return s * decaying_integral(phi, std::isinf(end) ? kInfL : std::fabs(end) / s);
}

// ---- the standard normal, in long double -------------------------------------------------------

// erfc(s) exp(s^2) for s >= 50 (asymptotic series, converged to long double precision).
LD erfcx_large(LD s) {
  const LD t = 1.0L / (2 * s * s);
  LD term = 1, sum = 1;
  for (int n = 1; n < 60; ++n) {
    term *= -(2 * n - 1) * t;
    const LD next = sum + term;
    if (next == sum) break;
    sum = next;
  }
  return sum / (s * std::sqrt(kPiL));
}

// P(Z > z) for z >= 0 with its log.
Small normal_upper(LD z) {
  const LD s = z / std::sqrt(2.0L);
  if (s < 50) {
    const LD v = std::erfc(s) / 2;
    return {v, std::log(v)};
  }
  const LD lv = -s * s + std::log(erfcx_large(s) / 2);
  return {std::exp(lv), lv};
}

// n p, n q and d = k - n p for the binomial, with the product of the smaller of p and q formed
// exactly (q = 1 - prob is exact in double for prob > 1/2): n q at prob = 1 - 1e-7 and n = 1e15
// would otherwise lose 12 digits.
struct BinomTerms {
  LD np, nq, d;
};
BinomTerms binom_terms(double n, double prob, double k) {
  BinomTerms t;
  if (prob <= 0.5) {
    t.np = exact_product(n, prob);
    t.nq = static_cast<LD>(n) - t.np;
    t.d = minus_product(k, n, prob);
  } else {
    const double q = 1.0 - prob;
    t.nq = exact_product(n, q);
    t.np = static_cast<LD>(n) - t.nq;
    t.d = static_cast<LD>(k - n) + t.nq;
  }
  return t;
}

}  // namespace

void check_probability(double p, std::string_view what) {
  if (!(p >= 0 && p <= 1)) bad(what, "in [0, 1]", p);
}

// ---- factories ---------------------------------------------------------------------------------

Distribution Distribution::poisson(double lambda) {
  check_finite(lambda, "lambda");
  if (lambda < 0) bad("lambda", ">= 0", lambda);
  Distribution d;
  d.family_ = Family::poisson;
  d.a_ = lambda;
  return d;
}

Distribution Distribution::binomial(double size, double prob) {
  check_finite(size, "size");
  if (size < 0 || size != std::floor(size) || size > kMaxK)
    bad("size", "an integer in [0, 2^53]", size);
  check_finite(prob, "prob");
  check_probability(prob, "prob");
  Distribution d;
  d.family_ = Family::binomial;
  d.a_ = size;
  d.b_ = prob;
  // 1 - prob is exact in double for prob >= 1/2; for smaller prob it is formed in long double.
  d.p_ = prob;
  d.q_ = prob >= 0.5 ? static_cast<LD>(1.0 - prob) : 1 - static_cast<LD>(prob);
  d.log_p_ = std::log(d.p_);
  d.log_q_ = std::log1p(-static_cast<LD>(prob));
  return d;
}

Distribution Distribution::negbin(double size, double prob) {
  check_finite(size, "size");
  if (size <= 0) bad("size", "> 0", size);
  check_finite(prob, "prob");
  if (!(prob > 0 && prob <= 1)) bad("prob", "in (0, 1]", prob);
  Distribution d;
  d.family_ = Family::negbin;
  d.a_ = size;
  d.b_ = prob;
  d.p_ = prob;
  d.q_ = prob >= 0.5 ? static_cast<LD>(1.0 - prob) : 1 - static_cast<LD>(prob);
  d.log_p_ = std::log(d.p_);
  d.log_q_ = std::log1p(-static_cast<LD>(prob));
  return d;
}

Distribution Distribution::negbin_mu(double size, double mu) {
  check_finite(size, "size");
  if (size <= 0) bad("size", "> 0", size);
  check_finite(mu, "mu");
  if (mu < 0) bad("mu", ">= 0", mu);
  Distribution d;
  d.family_ = Family::negbin;
  d.a_ = size;
  d.b_ = mu;
  d.mu_form_ = true;
  const LD r = size, m = mu;
  d.p_ = r / (r + m);
  d.q_ = m / (r + m);
  d.log_p_ = -std::log1p(m / r);
  d.log_q_ = mu > 0 ? -std::log1p(r / m) : -kInfL;
  return d;
}

Distribution Distribution::geometric(double prob) {
  check_finite(prob, "prob");
  if (!(prob > 0 && prob <= 1)) bad("prob", "in (0, 1]", prob);
  Distribution d;
  d.family_ = Family::geometric;
  d.a_ = prob;
  d.p_ = prob;
  d.q_ = prob >= 0.5 ? static_cast<LD>(1.0 - prob) : 1 - static_cast<LD>(prob);
  d.log_p_ = std::log(d.p_);
  d.log_q_ = std::log1p(-static_cast<LD>(prob));
  return d;
}

Distribution Distribution::gamma(double shape, double rate) {
  check_finite(shape, "shape");
  if (shape <= 0) bad("shape", "> 0", shape);
  check_finite(rate, "rate");
  if (rate <= 0) bad("rate", "> 0", rate);
  Distribution d;
  d.family_ = Family::gamma;
  d.a_ = shape;
  d.b_ = rate;
  return d;
}

Distribution Distribution::exponential(double rate) {
  check_finite(rate, "rate");
  if (rate <= 0) bad("rate", "> 0", rate);
  Distribution d;
  d.family_ = Family::exponential;
  d.a_ = rate;
  return d;
}

Distribution Distribution::normal(double mean, double sd) {
  check_finite(mean, "mean");
  check_finite(sd, "sd");
  if (sd <= 0) bad("sd", "> 0", sd);
  Distribution d;
  d.family_ = Family::normal;
  d.a_ = mean;
  d.b_ = sd;
  return d;
}

std::string family_name(Family f) {
  switch (f) {
    case Family::poisson:
      return "poisson";
    case Family::binomial:
      return "binomial";
    case Family::negbin:
      return "negbin";
    case Family::geometric:
      return "geometric";
    case Family::gamma:
      return "gamma";
    case Family::exponential:
      return "exponential";
    case Family::normal:
      return "normal";
  }
  return "";
}

std::vector<std::pair<std::string, double>> Distribution::parameters() const {
  switch (family_) {
    case Family::poisson:
      return {{"lambda", a_}};
    case Family::binomial:
      return {{"size", a_}, {"prob", b_}};
    case Family::negbin:
      if (mu_form_) return {{"size", a_}, {"mu", b_}};
      return {{"size", a_}, {"prob", b_}};
    case Family::geometric:
      return {{"prob", a_}};
    case Family::gamma:
      return {{"shape", a_}, {"rate", b_}};
    case Family::exponential:
      return {{"rate", a_}};
    case Family::normal:
      return {{"mean", a_}, {"sd", b_}};
  }
  return {};
}

std::string Distribution::label() const {
  std::string s = name() + "(";
  bool first = true;
  for (const auto& [k, v] : parameters()) {
    s += (first ? "" : ", ") + k + "=" + show(v);
    first = false;
  }
  return s + ")";
}

void Distribution::check_x(double x) const {
  if (discrete()) {
    if (!std::isfinite(x) || x < 0 || x != std::floor(x) || x > kMaxK)
      bad("k", "an integer in [0, 2^53]", x);
  } else if (std::isnan(x)) {
    bad("x", "a number", x);
  }
}

// ---- moments -----------------------------------------------------------------------------------

double Distribution::mean() const {
  switch (family_) {
    case Family::poisson:
      return a_;
    case Family::binomial:
      return static_cast<double>(exact_product(a_, b_));
    case Family::negbin:
      return mu_form_ ? b_ : static_cast<double>(static_cast<LD>(a_) * q_ / p_);
    case Family::geometric:
      return static_cast<double>(q_ / p_);
    case Family::gamma:
      return a_ / b_;
    case Family::exponential:
      return 1 / a_;
    case Family::normal:
      return a_;
  }
  return kNaN;
}

double Distribution::variance() const {
  switch (family_) {
    case Family::poisson:
      return a_;
    case Family::binomial:
      return static_cast<double>(static_cast<LD>(a_) * p_ * q_);
    case Family::negbin:
      return static_cast<double>(static_cast<LD>(a_) * q_ / (p_ * p_));
    case Family::geometric:
      return static_cast<double>(q_ / (p_ * p_));
    case Family::gamma:
      return a_ / b_ / b_;
    case Family::exponential:
      return 1 / (a_ * a_);
    case Family::normal:
      return b_ * b_;
  }
  return kNaN;
}

double Distribution::support_lo() const {
  return family_ == Family::normal ? -kInf : 0;
}
double Distribution::support_hi() const {
  if (family_ == Family::binomial) return a_;
  if (family_ == Family::poisson && a_ == 0) return 0;
  if (family_ == Family::negbin && q_ == 0) return 0;
  if (family_ == Family::geometric && q_ == 0) return 0;
  return kInf;
}

// ---- mass and density --------------------------------------------------------------------------

LD Distribution::log_pdf_ld(double x) const {
  check_x(x);
  switch (family_) {
    case Family::poisson:
      return poisson::log_pmf(x, a_);  // rounded once; pdf uses poisson::pmf
    case Family::binomial: {
      const double n = a_;
      if (x > n) return -kInf;
      if (b_ == 0) return x == 0 ? 0 : -kInf;
      if (b_ == 1) return x == n ? 0 : -kInf;
      const BinomTerms bt = binom_terms(n, b_, x);
      return static_cast<LD>(log_dbinom_raw(x, n, bt.np, bt.nq, bt.d, log_p_, log_q_));
    }
    case Family::negbin: {
      const LD r = a_, k = x;
      if (x == 0) return static_cast<LD>(r * log_p_);
      if (q_ == 0) return -kInf;
      // d = r q - k p, formed without cancellation in either parametrisation.
      LD d;
      if (mu_form_) {
        d = r * (static_cast<LD>(b_) - k) / (r + static_cast<LD>(b_));
      } else {
        // r - (r + k) p with r + k = s exactly as hi + lo.
        const double shi = a_ + x;
        const double slo = (a_ - (shi - (shi - a_))) + (x - (shi - a_));
        d = minus_product(r, shi, b_) - static_cast<LD>(slo) * b_;
      }
      const LD n = r + k;
      return static_cast<LD>(std::log(r / n) +
                             log_dbinom_raw(r, n, n * p_, n * q_, d, log_p_, log_q_));
    }
    case Family::geometric:
      if (q_ == 0) return x == 0 ? 0 : -kInf;
      return static_cast<LD>(log_p_ + static_cast<LD>(x) * log_q_);
    case Family::gamma: {
      if (x < 0) return -kInf;
      const LD a = a_;
      if (x == 0) return a < 1 ? kInf : (a == 1 ? std::log(b_) : -kInf);
      const LD y = exact_product(b_, x);
      if (a < 1)
        return static_cast<LD>(log_dpois_raw(a, y, minus_product(a, b_, x)) +
                               std::log(a / static_cast<LD>(x)));
      return static_cast<LD>(log_dpois_raw(a - 1, y, minus_product(a - 1, b_, x)) +
                             std::log(static_cast<LD>(b_)));
    }
    case Family::exponential:
      if (x < 0) return -kInf;
      return static_cast<LD>(std::log(static_cast<LD>(a_)) - exact_product(a_, x));
    case Family::normal: {
      const LD z = (static_cast<LD>(x) - a_) / b_;
      return static_cast<LD>(-z * z / 2 - std::log(static_cast<LD>(b_)) - kLnSqrt2Pi);
    }
  }
  return kNaN;
}

double Distribution::log_pdf(double x) const {
  return static_cast<double>(log_pdf_ld(x));
}

double Distribution::pdf(double x) const {
  if (family_ == Family::poisson) {
    check_x(x);
    return poisson::pmf(x, a_);
  }
  return static_cast<double>(std::exp(log_pdf_ld(x)));
}

// ---- tails -------------------------------------------------------------------------------------

Tails Distribution::tails(double x) const {
  check_x(x);
  switch (family_) {
    case Family::poisson: {
      const poisson::Tails t = poisson::tails(x, a_);
      return {t.lower, t.upper, t.log_lower, t.log_upper};
    }
    case Family::binomial: {
      const LD n = a_, k = x;
      if (x >= a_ || b_ == 0) return certain(true);
      if (b_ == 1) return certain(false);
      const LD p = p_, q = q_;
      const LD d = binom_terms(a_, b_, x).d;  // k - n p
      auto log_mass = [&](LD j) {
        const BinomTerms bt = binom_terms(a_, b_, static_cast<double>(j));
        return log_dbinom_raw(j, n, bt.np, bt.nq, bt.d, log_p_, log_q_);
      };
      auto lower_tail = [&]() -> Small {
        // P(X <= k) = pmf(k) sum_i prod_{j=k-i+1..k} j q / ((n - j + 1) p).
        const LD r0 = k * q / ((n - k + 1) * p);
        if (k <= kShortSum || r0 <= kFastRatio) {
          LD term = 1, sum = 1;
          for (LD j = k; j > 0; j -= 1) {
            term *= j * q / ((n - j + 1) * p);
            sum += term;
            if (term < sum * 1e-21L) break;
          }
          return from_log(log_mass(k) + std::log(sum));
        }
        // Beta(k+1, n-k) density in t, integrated from p to 1.
        const LD log_density = log_mass(k) + std::log((n - k) / q);
        const LD f1 = (d + p) / (p * q);
        return from_log(log_density + std::log(beta_tail_integral(f1, k, n - k - 1, p, q, q)));
      };
      auto upper_tail = [&]() -> Small {
        // P(X > k) = pmf(k+1) sum_i prod_{j=k+1..} (n - j) p / ((j + 1) q).
        const LD k1 = k + 1;
        const LD r0 = (n - k1) * p / ((k1 + 1) * q);
        if (n - k1 <= kShortSum || r0 <= kFastRatio) {
          LD term = 1, sum = 1;
          for (LD j = k1; j < n; j += 1) {
            term *= (n - j) * p / ((j + 1) * q);
            sum += term;
            if (term < sum * 1e-21L) break;
          }
          return from_log(log_mass(k1) + std::log(sum));
        }
        const LD log_density = log_mass(k) + std::log((n - k) / q);
        const LD f1 = (d + p) / (p * q);
        return from_log(log_density + std::log(beta_tail_integral(f1, k, n - k - 1, p, q, -p)));
      };
      const bool lower_first = d < 0;
      Small s = lower_first ? lower_tail() : upper_tail();
      if (s.value > 0.5L) {
        const Small o = lower_first ? upper_tail() : lower_tail();
        return make_tails(o.value, o.log_value, !lower_first);
      }
      return make_tails(s.value, s.log_value, lower_first);
    }
    case Family::negbin: {
      const LD r = a_, k = x, p = p_, q = q_;
      if (q == 0) return certain(true);
      if (x == 0) {
        const LD lv = r * log_p_;
        const LD v = std::exp(lv);
        Tails t;
        t.lower = v;
        t.log_lower = lv;
        t.upper = -std::expm1(lv);
        t.log_upper = std::log(t.upper);
        return t;
      }
      auto log_mass = [&](LD j) -> LD { return log_pdf_ld(static_cast<double>(j)); };
      const LD mean = mu_form_ ? static_cast<LD>(b_) : r * q / p;
      auto integral_parts = [&](LD& log_density, LD& f1) {
        // Beta(r, k+1) density in t at t = p; f1 = ((r-1) q - k p) / (p q).
        LD d;
        if (mu_form_) {
          d = r * (static_cast<LD>(b_) - k) / (r + static_cast<LD>(b_));
        } else {
          const double shi = a_ + x;
          const double slo = (a_ - (shi - (shi - a_))) + (x - (shi - a_));
          d = minus_product(r, shi, b_) - static_cast<LD>(slo) * b_;
        }
        f1 = (d - q) / (p * q);
        log_density = log_mass(k) + std::log((r + k) / p);
      };
      auto lower_tail = [&]() -> Small {
        // P(X <= k) = pmf(k) sum_i prod_{j=k-i+1..k} j / ((j + r - 1) q).
        const LD r0 = k / ((k + r - 1) * q);
        if (k <= kShortSum || r0 <= kFastRatio || r < 2) {
          LD term = 1, sum = 1;
          int terms = 0;
          for (LD j = k; j > 0; j -= 1) {
            term *= j / ((j + r - 1) * q);
            sum += term;
            if (term < sum * 1e-21L || ++terms > kMaxSeriesTerms) break;
          }
          return from_log(log_mass(k) + std::log(sum));
        }
        LD log_density, f1;
        integral_parts(log_density, f1);
        return from_log(log_density + std::log(beta_tail_integral(f1, r - 1, k, p, q, -p)));
      };
      auto upper_tail = [&]() -> Small {
        // P(X > k) = pmf(k+1) sum_i prod_{j=k+1..} (j + r) q / (j + 1).
        const LD k1 = k + 1;
        // The ratio moves from r0 towards q; the series is cheap when the larger of them is
        // well below 1.
        const LD rate = std::max((k1 + r) * q / (k1 + 1), q);
        if (rate <= kFastRatio || (rate < 1 && std::log(1e-21L) / std::log(rate) < kShortSum)) {
          LD term = 1, sum = 1;
          for (LD j = k1;; j += 1) {
            term *= (j + r) * q / (j + 1);
            sum += term;
            if (term < sum * 1e-21L) break;
          }
          return from_log(log_mass(k1) + std::log(sum));
        }
        LD log_density, f1;
        integral_parts(log_density, f1);
        if (r < 1) return from_log(log_density + std::log(beta_upper_integral_log(r, k, p, q)));
        return from_log(log_density + std::log(beta_tail_integral(f1, r - 1, k, p, q, q)));
      };
      const bool lower_first = k < mean;
      Small s = lower_first ? lower_tail() : upper_tail();
      if (s.value > 0.5L) {
        const Small o = lower_first ? upper_tail() : lower_tail();
        return make_tails(o.value, o.log_value, !lower_first);
      }
      return make_tails(s.value, s.log_value, lower_first);
    }
    case Family::geometric: {
      if (q_ == 0) return certain(true);
      // P(X > k) = q^(k+1).
      const LD lu = (static_cast<LD>(x) + 1) * log_q_;
      Tails t;
      t.upper = std::exp(lu);
      t.log_upper = lu;
      t.lower = -std::expm1(lu);
      t.log_lower = std::log1p(-t.upper);
      if (t.upper > 0.5L) t.log_lower = std::log(t.lower);
      return t;
    }
    case Family::gamma: {
      if (x <= 0) return certain(false);
      const LD a = a_;
      const LD y = exact_product(b_, x);
      // Gamma(a, 1) density at y (log), and f1 = d/dt log density = ((a-1) - y) / y.
      auto log_std_density = [&]() -> LD {
        if (a < 1) return log_dpois_raw(a, y, minus_product(a, b_, x)) + std::log(a / y);
        return log_dpois_raw(a - 1, y, minus_product(a - 1, b_, x));
      };
      const LD f1 = minus_product(a - 1, b_, x) / y;
      auto lower_tail = [&]() -> Small {
        // P(a, y) = y^a e^-y / Gamma(a+1) sum_n prod_{j=1..n} y / (a + j).
        if (a <= kShortSum || y / (a + 1) <= kFastRatio) {
          LD term = 1, sum = 1;
          for (LD j = 1; j < kMaxSeriesTerms; j += 1) {
            term *= y / (a + j);
            sum += term;
            if (term < sum * 1e-21L) break;
          }
          return from_log(log_dpois_raw(a, y, minus_product(a, b_, x)) + std::log(sum));
        }
        return from_log(log_std_density() + std::log(gamma_tail_integral(f1, a - 1, y, -y)));
      };
      auto upper_tail = [&]() -> Small {
        if (y < 1.5L) {
          const Small lo = lower_tail();
          const LD v = 1 - lo.value;
          return {v, std::log(v)};
        }
        return from_log(log_std_density() + std::log(gamma_tail_integral(f1, a - 1, y, kInfL)));
      };
      const bool lower_first = y < a;
      Small s = lower_first ? lower_tail() : upper_tail();
      if (s.value > 0.5L) {
        const Small o = lower_first ? upper_tail() : lower_tail();
        return make_tails(o.value, o.log_value, !lower_first);
      }
      return make_tails(s.value, s.log_value, lower_first);
    }
    case Family::exponential: {
      if (x <= 0) return certain(false);
      const LD lu = -exact_product(a_, x);
      Tails t;
      t.upper = std::exp(lu);
      t.log_upper = lu;
      t.lower = -std::expm1(lu);
      t.log_lower = t.upper > 0.5L ? std::log(t.lower) : std::log1p(-t.upper);
      return t;
    }
    case Family::normal: {
      if (std::isinf(x)) return certain(x > 0);
      const LD z = (static_cast<LD>(x) - a_) / b_;
      const Small s = normal_upper(std::fabs(z));
      return make_tails(s.value, s.log_value, z < 0);
    }
  }
  return certain(true);
}

double Distribution::cdf(double x) const {
  return static_cast<double>(tails(x).lower);
}
double Distribution::sf(double x) const {
  return static_cast<double>(tails(x).upper);
}
double Distribution::log_cdf(double x) const {
  return static_cast<double>(tails(x).log_lower);
}
double Distribution::log_sf(double x) const {
  return static_cast<double>(tails(x).log_upper);
}

// ---- quantiles ---------------------------------------------------------------------------------

double Distribution::quantile(double p, bool upper) const {
  check_probability(p, "p");
  const double lo_end = support_lo(), hi_end = support_hi();
  if ((!upper && p == 0) || (upper && p == 1)) return lo_end;
  if ((!upper && p == 1) || (upper && p == 0)) return hi_end;
  if (family_ == Family::poisson) return poisson::quantile(p, a_, upper);
  if (discrete()) {
    if (hi_end == 0) return 0;
    // pred(k): false below the answer, true from it on; the tail compared is the one <= 1/2 so
    // that 1 - p is exact.
    const bool p_small = p <= 0.5;
    const LD target = p_small ? LD(p) : LD(1.0 - p);
    auto pred = [&](double k) {
      if (k < 0) return false;
      if (k >= hi_end) return true;
      const Tails t = tails(k);
      if (!upper) return p_small ? t.lower >= target : t.upper <= target;
      return p_small ? t.upper <= target : t.lower >= target;
    };
    // Cornish-Fisher start.
    const double m = mean(), sd = std::sqrt(variance());
    const double z = (upper ? 1 : -1) * std::sqrt(2.0) * boost::math::erfc_inv(2 * p);
    const double skew = skewness();
    double guess = std::floor(m + sd * (z + skew * (z * z - 1) / 6));
    if (!(guess >= 0)) guess = 0;
    const double kcap = std::min(hi_end, kMaxK);
    if (guess > kcap) guess = kcap;
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
      hi = std::min(lo + step, kcap);
      while (!pred(hi)) {
        if (hi >= kcap) return kInf;
        lo = hi;
        step *= 2;
        hi = std::min(lo + step, kcap);
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
  switch (family_) {
    case Family::normal: {
      // z from erfc_inv in long double, then one Newton step on the log of the smaller tail.
      const bool left = upper ? p > 0.5 : p < 0.5;  // the answer lies below the mean
      const LD small = p > 0.5 ? LD(1.0 - p) : LD(p);
      LD z = std::sqrt(2.0L) * boost::math::erfc_inv(2 * small);  // P(Z > z) = small, z >= 0
      const Small s = normal_upper(z);
      const LD dens = std::exp(-z * z / 2 - kLnSqrt2Pi);
      z += (s.value - small) / dens;
      return static_cast<double>(static_cast<LD>(a_) + (left ? -z : z) * b_);
    }
    case Family::exponential: {
      const LD v = upper ? -std::log(LD(p)) : -std::log1p(-LD(p));
      return static_cast<double>(v / a_);
    }
    case Family::gamma: {
      // Bracketed Newton on the log of the smaller tail, in y = rate x.
      // Solve for the smaller tail: the upper one P(X > x) = v or the lower one P(X <= x) = v.
      const bool want_upper_tail = upper ? p <= 0.5 : p > 0.5;
      const LD v = p <= 0.5 ? LD(p) : LD(1.0 - p);
      const LD log_v = std::log(v);
      const Distribution unit = gamma(a_, 1);
      auto g = [&](double y, LD& slope) -> LD {
        const Tails t = unit.tails(y);
        const LD lt = want_upper_tail ? t.log_upper : t.log_lower;
        const LD ld = unit.log_pdf_ld(y);
        slope = (want_upper_tail ? -1 : 1) * std::exp(ld - lt);
        return lt - log_v;  // upper: decreasing in y; lower: increasing
      };
      // Wilson-Hilferty start.
      // z from the smaller tail v (never 1 - v, which rounds to 1 for v = 1e-300).
      const double z = (want_upper_tail ? 1 : -1) * std::sqrt(2.0) *
                       boost::math::erfc_inv(2 * static_cast<double>(v));
      const double k = a_;
      double y = k * std::pow(std::max(1 - 1 / (9 * k) + z / (3 * std::sqrt(k)), 1e-3), 3);
      if (!(y > 0)) y = k;
      double lo = 0, hi = kInf;  // g changes sign between lo and hi
      for (int it = 0; it < 500; ++it) {
        LD slope;
        const LD gy = g(y, slope);
        if (gy == 0) break;
        const bool below = want_upper_tail ? gy > 0 : gy < 0;  // the root is above y
        if (below)
          lo = y;
        else
          hi = y;
        double next = static_cast<double>(y - gy / slope);
        if (!(next > lo && next < hi)) next = std::isinf(hi) ? y * 2 : lo + (hi - lo) / 2;
        if (std::fabs(next - y) <= 2e-16 * y || (std::isfinite(hi) && hi - lo <= 2e-16 * hi)) {
          y = next;
          break;
        }
        y = next;
      }
      return y / b_;
    }
    default:
      break;
  }
  return kNaN;
}

Interval Distribution::interval(double level) const {
  check_probability(level, "level");
  const double half = (1 - level) / 2;
  Interval r;
  r.lo = quantile(half, false);
  r.hi = quantile(half, true);
  if (discrete()) {
    const LD below = r.lo > 0 ? tails(r.lo - 1).lower : 0.0L;
    const LD upto = std::isinf(r.hi) ? 1.0L : tails(r.hi).lower;
    r.coverage = static_cast<double>(upto - below);
  } else {
    r.coverage = level;
  }
  return r;
}

double Distribution::skewness() const {
  const LD p = p_, q = q_;
  switch (family_) {
    case Family::poisson:
      return a_ > 0 ? 1 / std::sqrt(a_) : kInf;
    case Family::binomial:
      return static_cast<double>((q - p) / std::sqrt(static_cast<LD>(a_) * p * q));
    case Family::negbin:
      return static_cast<double>((1 + q) / std::sqrt(static_cast<LD>(a_) * q));
    case Family::geometric:
      return static_cast<double>((1 + q) / std::sqrt(q));
    case Family::gamma:
      return 2 / std::sqrt(a_);
    case Family::exponential:
      return 2;
    case Family::normal:
      return 0;
  }
  return kNaN;
}

double Distribution::excess_kurtosis() const {
  const LD p = p_, q = q_;
  switch (family_) {
    case Family::poisson:
      return a_ > 0 ? 1 / a_ : kInf;
    case Family::binomial:
      return static_cast<double>((1 - 6 * p * q) / (static_cast<LD>(a_) * p * q));
    case Family::negbin:
      return static_cast<double>(6 / static_cast<LD>(a_) + p * p / (static_cast<LD>(a_) * q));
    case Family::geometric:
      return static_cast<double>(6 + p * p / q);
    case Family::gamma:
      return 6 / a_;
    case Family::exponential:
      return 6;
    case Family::normal:
      return 0;
  }
  return kNaN;
}

namespace {
// -sum P log P over [lo, hi] (the central range holding all but about 1e-20 of the mass).
double entropy_sum(const Distribution& d, double lo, double hi) {
  LD sum = 0;
  for (double k = lo; k <= hi; k += 1) {
    const LD lp = d.log_pdf(k);
    if (std::isinf(lp)) continue;
    sum -= std::exp(lp) * lp;
  }
  return static_cast<double>(sum);
}
}  // namespace

Stats Distribution::stats() const {
  Stats s;
  if (family_ == Family::poisson) {
    const poisson::Stats ps = poisson::stats(a_);
    s.mean = ps.mean;
    s.variance = ps.variance;
    s.sd = ps.sd;
    s.skewness = ps.skewness;
    s.excess_kurtosis = ps.excess_kurtosis;
    s.modes = ps.modes;
    s.median = ps.median;
    s.entropy = ps.entropy;
    return s;
  }
  s.mean = mean();
  s.variance = variance();
  s.sd = std::sqrt(s.variance);
  s.skewness = skewness();
  s.excess_kurtosis = excess_kurtosis();
  s.median = quantile(0.5);
  constexpr double kMaxEntropyTerms = 2e6;
  auto entropy_by_sum = [&]() {
    const double lo = quantile(1e-20), hi = quantile(1e-20, true);
    if (hi - lo > kMaxEntropyTerms) {
      s.entropy = kNaN;
      s.entropy_note =
          "undetermined: the sum -P log P would need " + show(hi - lo + 1) + " terms (at most 2e6)";
    } else {
      s.entropy = entropy_sum(*this, lo, hi);
    }
  };
  const LD p = p_, q = q_;
  switch (family_) {
    case Family::binomial: {
      if (b_ == 0 || b_ == 1) {
        s.modes = {b_ == 0 ? 0 : a_};
        s.entropy = 0;
        break;
      }
      const LD m = (static_cast<LD>(a_) + 1) * p;
      const LD f = std::floor(m);
      if (m == f && f >= 1 && f <= a_)
        s.modes = {static_cast<double>(f - 1), static_cast<double>(f)};
      else
        s.modes = {static_cast<double>(std::min<LD>(f, a_))};
      entropy_by_sum();
      break;
    }
    case Family::negbin: {
      if (q == 0) {
        s.modes = {0};
        s.entropy = 0;
        break;
      }
      const LD r = a_;
      if (r <= 1) {
        s.modes = {0};
      } else {
        const LD m = (r - 1) * q / p;
        const LD f = std::floor(m);
        if (m == f && f >= 1)
          s.modes = {static_cast<double>(f - 1), static_cast<double>(f)};
        else
          s.modes = {static_cast<double>(f)};
      }
      entropy_by_sum();
      break;
    }
    case Family::geometric:
      s.modes = {0};
      s.entropy = q == 0 ? 0 : static_cast<double>(-(q * log_q_ + p * log_p_) / p);
      break;
    case Family::gamma: {
      const LD a = a_;
      s.modes = {a >= 1 ? static_cast<double>((a - 1) / b_) : 0.0};
      s.entropy = static_cast<double>(a - std::log(static_cast<LD>(b_)) + std::lgamma(a) +
                                      (1 - a) * boost::math::digamma(a));
      break;
    }
    case Family::exponential:
      s.modes = {0};
      s.entropy = static_cast<double>(1 - std::log(static_cast<LD>(a_)));
      break;
    case Family::normal:
      s.modes = {a_};
      s.entropy = static_cast<double>(0.5L + kLnSqrt2Pi + std::log(static_cast<LD>(b_)));
      break;
    default:
      break;
  }
  return s;
}

}  // namespace numkit::dist
