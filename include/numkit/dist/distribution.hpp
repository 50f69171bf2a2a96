#pragma once
// The Poisson family: Poisson, binomial, negative binomial, geometric, gamma, exponential and
// normal, with one interface (density or mass, both tails and their logs, quantiles, moments).
//
// Parameters are named as R names them (SciPy's names in brackets):
//   poisson(lambda)                 [mu]
//   binomial(size, prob)            [n, p]           k = 0..size successes
//   negbin(size, prob) or (size, mu) [n, p]          k >= 0 failures before the size-th success;
//                                                    prob = size / (size + mu)
//   geometric(prob)                 [p; SciPy counts trials, k >= 1: SciPy's k - 1 here]
//   gamma(shape, rate)              [a, scale = 1/rate]
//   exponential(rate)               [scale = 1/rate]
//   normal(mean, sd)                [loc, scale]
//
// Accuracy (tested against 50-digit references): relative error <= 1e-13 for the mass/density and
// both tails wherever the value is >= 1e-300, and for their logs everywhere (the logs stay finite
// where the values underflow). Everything is computed in 80-bit long double and rounded once:
//   mass/density: Loader's saddle point (stirlerr + bd0) with the deviation from the mean formed
//     exactly (error-free products), so n = 1e15 and p = 1e-15 keep every digit;
//   tails: the smaller one, by the mass-scaled series where it converges geometrically or is a
//     short finite sum, else by Gauss-Legendre quadrature of the log-concave beta or gamma
//     density outward from the point (the integrand written relative to its value there, with
//     log1pmx, so nothing cancels); the other tail as 1 - small. Boost.Math 1.74's ibeta is off by
//     1e-6 near the mean at size 1e15 and its gamma_q throws at shape 1e12; neither is used.
//   normal: erfc in long double, a scaled asymptotic erfc beyond its range for the logs.
#include <string>
#include <string_view>
#include <vector>

namespace numkit::dist {

enum class Family { poisson, binomial, negbin, geometric, gamma, exponential, normal };

// The family's name as typed on the command line: poisson, binomial, negbin, ...
std::string family_name(Family f);
// Poisson, binomial, negative binomial and geometric are discrete.
constexpr bool family_discrete(Family f) {
  return f <= Family::geometric;
}

inline constexpr double kMaxK = 9007199254740992.0;  // 2^53

// Both tails at x, in long double: lower = P(X <= x), upper = P(X > x), and their logs.
struct Tails {
  long double lower, upper, log_lower, log_upper;
};

struct Interval {
  double lo, hi, coverage;
};

struct Stats {
  double mean, variance, sd, skewness, excess_kurtosis;
  std::vector<double> modes;
  double median;
  double entropy;  // nats; NaN when undetermined (entropy_note says why)
  std::string entropy_note;
};

class Distribution {
 public:
  // Factories validate their parameters and throw InputError naming the parameter (R's name)
  // and the rule: `prob: must be in [0, 1], got 1.5`.
  static Distribution poisson(double lambda);
  static Distribution binomial(double size, double prob);
  static Distribution negbin(double size, double prob);
  static Distribution negbin_mu(double size, double mu);
  static Distribution geometric(double prob);
  static Distribution gamma(double shape, double rate);
  static Distribution exponential(double rate);
  static Distribution normal(double mean, double sd);

  Family family() const { return family_; }
  bool discrete() const { return family_discrete(family_); }
  // "binomial(size=30, prob=0.1)", "negbin(size=5, mu=3)" ...
  std::string label() const;
  std::string name() const { return family_name(family_); }
  // Parameters in the order and with the names of label().
  std::vector<std::pair<std::string, double>> parameters() const;

  // Discrete families take an integer k in [0, 2^53] (InputError otherwise; k beyond size for
  // the binomial is allowed and has mass 0); continuous ones any finite x.
  double pdf(double x) const;  // the mass P(X = k) for discrete families
  double log_pdf(double x) const;
  double cdf(double x) const;  // P(X <= x)
  double sf(double x) const;   // P(X > x)
  double log_cdf(double x) const;
  double log_sf(double x) const;
  Tails tails(double x) const;

  // Discrete: R's and SciPy's definition, the smallest k with P(X <= k) >= p; with `upper`, the
  // smallest k with P(X > k) <= p (exact integers, checked with the tails at k and k - 1).
  // Continuous: x with P(X <= x) = p (or P(X > x) = p). +inf (or -inf) where no finite value
  // qualifies.
  double quantile(double p, bool upper = false) const;
  // lo = quantile(a/2), hi = quantile(a/2, upper) with a = 1 - level; coverage = P(lo <= X <= hi).
  Interval interval(double level) const;
  Stats stats() const;
  double mean() const;
  double variance() const;
  double skewness() const;
  double excess_kurtosis() const;
  // The smallest and largest values with positive mass or density (may be +-inf).
  double support_lo() const;
  double support_hi() const;

  // Raw parameters (for samplers and fits): see the factories.
  double a() const { return a_; }
  double b() const { return b_; }
  bool mu_form() const { return mu_form_; }

 private:
  Family family_ = Family::poisson;
  double a_ = 0,
         b_ = 0;  // poisson: lambda; binomial: size, prob; negbin: size, prob (or mu);
                  // geometric: prob; gamma: shape, rate; exponential: rate; normal: mean, sd
  bool mu_form_ = false;  // negbin given by mu
  // Derived values in long double: p and q = 1 - p without rounding (binomial, negbin, geometric)
  long double p_ = 0, q_ = 0, log_p_ = 0, log_q_ = 0;
  void check_x(double x) const;
  long double log_pdf_ld(double x) const;  // unrounded, for the tails and pdf
};

// Throws InputError `what: must be in [0, 1], got X`.
void check_probability(double p, std::string_view what);

}  // namespace numkit::dist
