#include "numkit/poisson/fit.hpp"

#include <algorithm>
#include <boost/math/special_functions/gamma.hpp>
#include <cmath>
#include <limits>
#include <sstream>

#include "numkit/core/error.hpp"
#include "numkit/poisson/distribution.hpp"

namespace numkit::poisson {

namespace {

using Policy = boost::math::policies::policy<boost::math::policies::promote_double<false>>;
constexpr double kInf = std::numeric_limits<double>::infinity();

std::string show(double v) {
  std::ostringstream s;
  s.precision(17);
  s << v;
  return s.str();
}

}  // namespace

double chi2_sf(double x, double df) {
  if (x <= 0) return 1;
  try {
    return boost::math::gamma_q(df / 2, x / 2, Policy());
  } catch (const std::exception&) {
    // Boost's series can give up far in the tail of huge df: Wilson-Hilferty normal approximation.
    const double z = (std::cbrt(x / df) - (1 - 2 / (9 * df))) / std::sqrt(2 / (9 * df));
    return 0.5 * std::erfc(z / std::sqrt(2.0));
  }
}

double chi2_cdf(double x, double df) {
  if (x <= 0) return 0;
  try {
    return boost::math::gamma_p(df / 2, x / 2, Policy());
  } catch (const std::exception&) {
    const double z = (std::cbrt(x / df) - (1 - 2 / (9 * df))) / std::sqrt(2 / (9 * df));
    return 0.5 * std::erfc(-z / std::sqrt(2.0));
  }
}

FitResult fit_histogram(const std::map<std::int64_t, std::uint64_t>& hist, double level,
                        const std::string& source) {
  check_probability(level, "--level");
  if (level <= 0 || level >= 1)
    throw InputError("--level: must be strictly between 0 and 1, got " + show(level));
  FitResult r;
  r.level = level;
  long double n = 0, total = 0;
  for (const auto& [k, c] : hist) {
    n += c;
    total += static_cast<long double>(k) * c;
  }
  if (n == 0) throw InputError(source + ": no counts");
  if (total > kMaxK)
    throw InputError(source + ": the total of the counts, " + show(static_cast<double>(total)) +
                     ", is above 2^53 = 9007199254740992, the largest total fitted exactly");
  r.n = static_cast<double>(n);
  r.total = static_cast<double>(total);
  r.mean = static_cast<double>(total / n);
  const double alpha = 1 - level;
  r.ci_lo = r.total > 0 ? erlang_quantile(r.total, alpha / 2) / r.n : 0;
  r.ci_hi = erlang_quantile(r.total + 1, alpha / 2, true) / r.n;
  long double ss = 0;
  for (const auto& [k, c] : hist) {
    const long double d = static_cast<long double>(k) - total / n;
    ss += d * d * c;
  }
  r.variance = n > 1 ? static_cast<double>(ss / (n - 1)) : 0;
  if (n > 1 && r.mean > 0) {
    r.dispersion_available = true;
    r.dispersion_index = r.variance / r.mean;
    r.dispersion_statistic = static_cast<double>(ss / (total / n));
    r.dispersion_df = r.n - 1;
    r.p_over = chi2_sf(r.dispersion_statistic, r.dispersion_df);
    r.p_under = chi2_cdf(r.dispersion_statistic, r.dispersion_df);
    r.p_two_sided = std::min(1.0, 2 * std::min(r.p_over, r.p_under));
  }
  // Goodness of fit: bins 0..kmax, first bin "<= k", last bin ">= k", pooled until expected >= 5.
  if (r.mean <= 0) {
    r.gof_note = "all counts are 0";
    return r;
  }
  if (r.mean > kMaxCountMean) {
    r.gof_note = "the mean is above 1e15, the limit for counts (bins must be exact integers)";
    return r;
  }
  const double lo = quantile(1e-12, r.mean), hi = quantile(1e-12, r.mean, true);
  if (hi - lo > 1e6) {
    r.gof_note = "too many bins";
    return r;
  }
  std::vector<GofBin> bins;
  for (double k = lo; k <= hi; k += 1) {
    GofBin b{k, k, 0, 0};
    if (k == lo)
      b.expected = r.n * cdf(k, r.mean), b.k_lo = 0;
    else if (k == hi)
      b.expected = r.n * sf(k - 1, r.mean), b.k_hi = kInf;
    else
      b.expected = r.n * pmf(k, r.mean);
    bins.push_back(b);
  }
  for (const auto& [k, c] : hist) {
    const double kk = static_cast<double>(k);
    std::size_t idx = kk <= lo ? 0 : kk >= hi ? bins.size() - 1 : static_cast<std::size_t>(kk - lo);
    bins[idx].observed += static_cast<double>(c);
  }
  // Pool from the left.
  std::vector<GofBin> pooled;
  for (const GofBin& b : bins) {
    if (!pooled.empty() && pooled.back().expected < 5) {
      pooled.back().k_hi = b.k_hi;
      pooled.back().observed += b.observed;
      pooled.back().expected += b.expected;
    } else {
      pooled.push_back(b);
    }
  }
  // Pool the right end into its neighbour.
  while (pooled.size() > 1 && pooled.back().expected < 5) {
    GofBin last = pooled.back();
    pooled.pop_back();
    pooled.back().k_hi = last.k_hi;
    pooled.back().observed += last.observed;
    pooled.back().expected += last.expected;
  }
  r.bins = pooled;
  if (pooled.size() < 3) {
    r.gof_note = "fewer than 3 bins with expected count >= 5";
    return r;
  }
  r.gof_available = true;
  double chi2 = 0;
  for (const GofBin& b : pooled)
    chi2 += (b.observed - b.expected) * (b.observed - b.expected) / b.expected;
  r.chi2 = chi2;
  r.chi2_df = static_cast<double>(pooled.size()) - 2;
  r.chi2_p = chi2_sf(chi2, r.chi2_df);
  return r;
}

FitResult fit_stream(NumberStream& in, double level) {
  std::map<std::int64_t, std::uint64_t> hist;
  double x;
  while (in.next(x)) {
    if (!(x >= 0 && x == std::floor(x) && x <= kMaxK))
      throw InputError(in.position() + ": expected a non-negative integer count, found " + show(x));
    ++hist[static_cast<std::int64_t>(x)];
  }
  return fit_histogram(hist, level, in.source());
}

ExactTestResult exact_test(double x, double time, double rate, Alternative alt, double level) {
  check_k(x, "K");
  if (!(std::isfinite(time) && time > 0))
    throw InputError("--time: must be finite and > 0, got " + show(time));
  if (!(std::isfinite(rate) && rate >= 0))
    throw InputError("--rate: must be finite and >= 0, got " + show(rate));
  if (!(level > 0 && level < 1))
    throw InputError("--level: must be strictly between 0 and 1, got " + show(level));
  ExactTestResult r;
  r.count = x;
  r.time = time;
  r.null_rate = rate;
  r.level = level;
  const double m = rate * time;
  if (!std::isfinite(m))
    throw InputError("--rate * --time: the expected count overflows (" + show(rate) + " * " +
                     show(time) + ")");
  r.expected = m;
  r.estimate = x / time;
  switch (alt) {
    case Alternative::less:
      r.p_value = cdf(x, m);
      r.ci_lo = 0;
      r.ci_hi = erlang_quantile(x + 1, level) / time;
      break;
    case Alternative::greater:
      r.p_value = x > 0 ? sf(x - 1, m) : 1.0;
      r.ci_lo = x > 0 ? erlang_quantile(x, level, true) / time : 0;
      r.ci_hi = kInf;
      break;
    case Alternative::two_sided: {
      const double half = (1 - level) / 2;
      r.ci_lo = x > 0 ? erlang_quantile(x, half) / time : 0;
      r.ci_hi = erlang_quantile(x + 1, half, true) / time;
      if (m == 0) {
        r.p_value = x == 0 ? 1 : 0;
        break;
      }
      // the p-value sums over the counts on the other side of the mean: they must be exact
      check_count_mean(m, "--rate * --time (the expected count of the two-sided test)");
      const double d = pmf(x, m) * (1 + 1e-7);
      if (x == m) {
        r.p_value = 1;
      } else if (x < m) {
        // First i >= ceil(m) with pmf(i) <= d (pmf decreases there): p = cdf(x) + sf(i - 1).
        double lo = std::ceil(m) - 1, hi = std::ceil(m);
        double step = 1;
        while (pmf(hi, m) > d) {
          lo = hi;
          hi = std::ceil(m) + step;
          step *= 2;
        }
        while (hi - lo > 1) {
          const double mid = std::floor(lo + (hi - lo) / 2);
          (pmf(mid, m) > d ? lo : hi) = mid;
        }
        r.p_value = cdf(x, m) + sf(hi - 1, m);
      } else {
        // Last i <= floor(m) with pmf(i) <= d (pmf increases there): p = cdf(i) + sf(x - 1).
        const double top = std::floor(m);
        if (pmf(0, m) > d) {
          r.p_value = sf(x - 1, m);
        } else {
          double lo = 0, hi = top;  // pmf(lo) <= d < pmf(hi)
          if (pmf(top, m) <= d) lo = top, hi = top + 1;
          while (hi - lo > 1) {
            const double mid = std::floor(lo + (hi - lo) / 2);
            (pmf(mid, m) <= d ? lo : hi) = mid;
          }
          r.p_value = cdf(lo, m) + sf(x - 1, m);
        }
      }
      r.p_value = std::min(1.0, r.p_value);
      break;
    }
  }
  return r;
}

}  // namespace numkit::poisson
