#pragma once
// Fitting a Poisson model to counts, and the exact test of a count against a rate.
//
// fit: the MLE of the mean (the sample mean); the exact Garwood confidence interval
// [chi2_{2T, a/2} / 2n, chi2_{2T+2, 1-a/2} / 2n] (T = total count), computed by inverting the
// Poisson tails (relative error about 1e-15); the index-of-dispersion test
// D = sum (x - mean)^2 / mean ~ chi2_{n-1}; and a chi-square goodness-of-fit table whose bins are
// pooled from both ends until every expected count is >= 5 (the end bins hold the tails), with
// df = bins - 2. Chi-square p-values come from Boost.Math's regularized gamma functions.
// test: like R's poisson.test for one sample: exact p-value (two-sided by R's rule: the sum of the
// probabilities of outcomes no more likely than the observed one, with relative tolerance 1e-7),
// and the exact (Garwood) confidence interval for the rate.
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "numkit/core/number_stream.hpp"

namespace numkit::poisson {

struct GofBin {
  double k_lo, k_hi;  // the bin holds counts k_lo..k_hi; k_hi = +inf for the last bin
  double observed, expected;
};

struct FitResult {
  double n = 0;      // number of observations
  double total = 0;  // sum of the counts
  double mean = 0;   // MLE
  double level = 0.95;
  double ci_lo = 0, ci_hi = 0;
  double variance = 0;  // sample variance (n - 1 denominator); 0 for n = 1
  bool dispersion_available = false;
  double dispersion_index = 0;      // variance / mean
  double dispersion_statistic = 0;  // sum (x - mean)^2 / mean
  double dispersion_df = 0;
  double p_over = 0, p_under = 0, p_two_sided = 0;
  bool gof_available = false;
  std::string gof_note;  // why not available
  std::vector<GofBin> bins;
  double chi2 = 0, chi2_df = 0, chi2_p = 0;
};

// Counts as a histogram: value -> number of observations. Throws InputError if empty.
FitResult fit_histogram(const std::map<std::int64_t, std::uint64_t>& histogram, double level,
                        const std::string& source);
// Reads non-negative integer counts (InputError `file:line:col: expected a non-negative integer
// count, found X`; `file: no counts` when empty) and fits them.
FitResult fit_stream(NumberStream& in, double level);

enum class Alternative { two_sided, less, greater };

struct ExactTestResult {
  double count = 0, time = 1, null_rate = 1;
  double expected = 0;  // null_rate * time
  double estimate = 0;  // count / time
  double p_value = 1;
  double level = 0.95;
  double ci_lo = 0, ci_hi = 0;  // for the rate; ci_hi = +inf for `greater`
};

ExactTestResult exact_test(double count, double time, double null_rate, Alternative alternative,
                           double level);

// P(chi2_df >= x) and P(chi2_df <= x).
double chi2_sf(double x, double df);
double chi2_cdf(double x, double df);

}  // namespace numkit::poisson
