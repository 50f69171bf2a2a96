#pragma once
// The Poisson distribution P(N = k) = mu^k e^-mu / k!, its tails, quantiles and moments, and the
// Erlang (gamma) waiting times of a Poisson process.
//
// Accuracy (tested against 50-digit references): pmf, cdf and sf have relative error <= 1e-13
// wherever the true value is >= 1e-300, for means 1e-8..1e15 and k from 0 to the far tails;
// the log versions are finite and accurate where the values underflow. Everything is computed in
// 80-bit long double and rounded once:
//   pmf:  direct k log(mu) - mu - log(k!) for k <= 20, Loader's saddle point
//         (stirlerr + bd0) beyond;
//   tails: the smaller tail by summing pmf-scaled series where they converge geometrically, and by
//          Temme's uniform asymptotic expansion of the incomplete gamma function (64-bit
//          coefficients) when k+1 > 20 and |mu - (k+1)| < 0.4 (k+1); the other tail as 1 - small.
// k is a double holding an integer in [0, 2^53]. The mean may be any finite value >= 0 for the
// probabilities (for means above 1e15 they are checked for k far from the mean); whatever
// returns counts (quantiles, intervals, the median, samples, tables) needs mean <= kMaxCountMean
// so that every count it can return is an exact integer below 2^53.
#include <span>
#include <string_view>
#include <vector>

namespace numkit::poisson {

inline constexpr double kMaxK = 9007199254740992.0;  // 2^53
// The largest mean for counts: mean + 40 sd (beyond every quantile of a double probability,
// p >= 2^-1074) stays below 2^53, and the step between doubles there is 1.
inline constexpr double kMaxCountMean = 1e15;

// Throws InputError `what: must be finite and >= 0, got X` for a bad mean.
void check_mean(double mean, std::string_view what = "--mean");
// Throws InputError `what: must be <= 1e15 for counts (...), got X` above kMaxCountMean (after
// check_mean).
void check_count_mean(double mean, std::string_view what = "--mean");
// Throws InputError `what: must be an integer in [0, 2^53], got X`.
void check_k(double k, std::string_view what = "k");
// The rule check_k enforces, without building a message (for a million counts from a file).
bool valid_k(double k);
// Throws InputError `what: must be in [0, 1], got X`.
void check_probability(double p, std::string_view what = "p");

double pmf(double k, double mean);
double log_pmf(double k, double mean);
double cdf(double k, double mean);  // P(N <= k)
double sf(double k, double mean);   // P(N > k)
double log_cdf(double k, double mean);
double log_sf(double k, double mean);

// The six functions of k above, for evaluating many k at one mean.
enum class Function { pmf, log_pmf, cdf, sf, log_cdf, log_sf };
double evaluate(Function f, double k, double mean);
// values[i] = evaluate(f, ks[i], mean) for every i (values.size() == ks.size()), on every core
// when there are many; each value is the same whatever the thread count.
void evaluate(Function f, std::span<const double> ks, double mean, std::span<double> values);

// Both tails at once, in long double: lower = P(N <= k), upper = P(N > k) and their logs.
struct Tails {
  long double lower, upper, log_lower, log_upper;
};
Tails tails(double k, double mean);

// Quantile with R's and SciPy's definition: the smallest k with P(N <= k) >= p; with `upper`,
// the smallest k with P(N > k) <= p. Returns +inf when no finite k qualifies (p = 1, or p = 0
// with `upper`). The inequality is checked with the tails at k and k - 1. Needs
// mean <= kMaxCountMean (InputError naming "mean" otherwise).
double quantile(double p, double mean, bool upper = false);

// Central interval: lo = quantile(alpha/2), hi = smallest k with P(N > k) <= alpha/2, where
// alpha = 1 - level; coverage = P(lo <= N <= hi) >= level.
struct Interval {
  double lo, hi, coverage;
};
Interval central_interval(double level, double mean);

struct Stats {
  double mean, variance, sd;
  double skewness, excess_kurtosis;  // +inf for mean 0
  std::vector<double> modes;
  double median;
  double entropy;  // nats
};
Stats stats(double mean);

// Waiting times of a Poisson process with unit rate: the time T_k to the k-th event is
// Gamma(k, 1) (Erlang): P(T_k <= x) = P(N(x) >= k). Accuracy as the tails above.
double erlang_cdf(double k, double x);  // P(T_k <= x)
double erlang_sf(double k, double x);   // P(T_k > x)
double erlang_pdf(double k, double x);  // density, = pmf(k - 1, x)
// x with P(T_k <= x) = p, or with `upper` P(T_k > x) = p; relative error about 1e-15 (Newton on
// the log of the smaller tail, bracketed). +inf where no finite x qualifies.
double erlang_quantile(double k, double p, bool upper = false);

}  // namespace numkit::poisson
