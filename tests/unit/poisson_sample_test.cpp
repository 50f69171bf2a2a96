// The sampler: reproducible streams independent of the thread count, and the right distribution
// (chi-square goodness of fit against the pmf with a fixed seed, so the test is deterministic).
#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <map>
#include <vector>

#include "numkit/core/error.hpp"
#include "numkit/poisson/distribution.hpp"
#include "numkit/poisson/fit.hpp"
#include "numkit/poisson/sample.hpp"

namespace np = numkit::poisson;

namespace {

std::vector<std::int64_t> draw(double mean, long long n, std::uint64_t seed, int threads) {
  std::vector<std::int64_t> out;
  np::SampleOptions o;
  o.mean = mean;
  o.n = n;
  o.seed = seed;
  o.threads = threads;
  np::sample(o,
             [&](std::span<const std::int64_t> b) { out.insert(out.end(), b.begin(), b.end()); });
  return out;
}

// Chi-square statistic of the sample against the pmf, bins pooled to expected >= 20.
double gof_p_value(const std::vector<std::int64_t>& xs, double mean) {
  const double n = static_cast<double>(xs.size());
  const double lo = np::quantile(1e-9, mean), hi = np::quantile(1e-9, mean, true);
  std::vector<double> observed(static_cast<std::size_t>(hi - lo) + 1, 0.0);
  for (auto x : xs) {
    const double v = std::clamp(static_cast<double>(x), lo, hi);
    observed[static_cast<std::size_t>(v - lo)] += 1;
  }
  double chi2 = 0, e_acc = 0, o_acc = 0;
  int bins = 0;
  for (double k = lo; k <= hi; k += 1) {
    double e = n * np::pmf(k, mean);
    if (k == lo) e = n * np::cdf(k, mean);
    if (k == hi) e = n * np::sf(k - 1, mean);
    e_acc += e;
    o_acc += observed[static_cast<std::size_t>(k - lo)];
    if (e_acc >= 20 || k == hi) {
      chi2 += (o_acc - e_acc) * (o_acc - e_acc) / e_acc;
      ++bins;
      e_acc = o_acc = 0;
    }
  }
  return np::chi2_sf(chi2, bins - 1);
}

}  // namespace

TEST_CASE("poisson_sample_is_identical_for_any_thread_count", "[poisson]") {
  const long long n = 3 * static_cast<long long>(np::kBlock) + 123;
  for (double mean : {3.0, 2e5}) {
    const auto one = draw(mean, n, 7, 1);
    const auto two = draw(mean, n, 7, 2);
    const auto three = draw(mean, n, 7, 3);
    REQUIRE(one.size() == static_cast<std::size_t>(n));
    CHECK(one == two);
    CHECK(one == three);
  }
}

TEST_CASE("poisson_sample_prefix_does_not_depend_on_n", "[poisson]") {
  const auto a = draw(3, 1000, 11, 2);
  const auto b = draw(3, 100000, 11, 2);
  CHECK(std::equal(a.begin(), a.end(), b.begin()));
}

TEST_CASE("poisson_sample_seeds_give_different_streams", "[poisson]") {
  CHECK(draw(3, 1000, 1, 1) != draw(3, 1000, 2, 1));
}

TEST_CASE("poisson_sample_matches_pmf_chi_square", "[poisson]") {
  // Table inversion (3, 1000) and PTRS (2e5, 1e9). Fixed seed: deterministic; p-values of a
  // correct sampler are uniform, a wrong one gives ~0.
  for (double mean : {3.0, 1000.0, 2e5, 1e9}) {
    const auto xs = draw(mean, 100000, 2024, 2);
    INFO("mean " << mean);
    CHECK(gof_p_value(xs, mean) > 1e-4);
    double s = 0;
    for (auto x : xs) s += static_cast<double>(x);
    CHECK(std::fabs(s / xs.size() - mean) < 5 * std::sqrt(mean / xs.size()));
  }
}

TEST_CASE("poisson_sample_tiny_and_zero_means", "[poisson]") {
  const auto zeros = draw(0, 1000, 1, 1);
  CHECK(std::all_of(zeros.begin(), zeros.end(), [](auto x) { return x == 0; }));
  const auto tiny = draw(1e-8, 100000, 1, 1);
  CHECK(std::count(tiny.begin(), tiny.end(), 0) >= 99990);
}

TEST_CASE("poisson_sample_reports_progress_and_rejects_bad_options", "[poisson]") {
  np::SampleOptions o;
  o.mean = 2;
  o.n = 5 * static_cast<long long>(np::kBlock);
  double last = 0;
  int calls = 0;
  np::sample(
      o, [](std::span<const std::int64_t>) {},
      [&](double f) {
        CHECK(f >= last);
        last = f;
        ++calls;
      });
  CHECK(last == 1.0);
  CHECK(calls >= 1);
  o.n = -1;
  CHECK_THROWS_AS(o.validate(), numkit::InputError);
  o.n = 1;
  o.mean = -2;
  CHECK_THROWS_AS(o.validate(), numkit::InputError);
}
