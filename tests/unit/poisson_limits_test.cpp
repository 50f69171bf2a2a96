// Poisson means beyond 2^53 (issue 10, class 3): probabilities stay correct at any finite mean
// (checked against 50-digit log-sum references), whatever returns counts refuses means above the
// stated limit 1e15 with a message naming it, and at the limit every count is an exact integer
// below 2^53 (the median is checked against the theorem mean - ln 2 <= median < mean + 1/3).
#include <boost/math/special_functions/gamma.hpp>
#include <boost/multiprecision/cpp_bin_float.hpp>
#include <catch2/catch.hpp>
#include <cmath>
#include <limits>
#include <map>

#include "numkit/core/error.hpp"
#include "numkit/poisson/distribution.hpp"
#include "numkit/poisson/fit.hpp"
#include "numkit/poisson/sample.hpp"

namespace np = numkit::poisson;
using F50 = boost::multiprecision::cpp_bin_float_50;

namespace {

F50 ref_log_pmf(int k, double mean) {
  return F50(k) * log(F50(mean)) - F50(mean) - boost::math::lgamma(F50(k) + 1);
}

// log P(N <= k) = log pmf(k) + log sum_j pmf(j) / pmf(k), in 50 digits.
F50 ref_log_cdf(int k, double mean) {
  const F50 top = ref_log_pmf(k, mean);
  F50 sum = 0;
  for (int j = 0; j <= k; ++j) sum += exp(ref_log_pmf(j, mean) - top);
  return top + log(sum);
}

double rel(double got, const F50& want) {
  return static_cast<double>(abs((F50(got) - want) / want));
}

}  // namespace

TEST_CASE("poisson_probabilities_are_right_at_means_beyond_2_to_the_53", "[poisson][limits]") {
  for (double mean : {1e16, 3.5e17, 1e20, 1e100, 1e300, 1.7e308}) {
    INFO("mean " << mean);
    for (int k : {0, 1, 3, 20, 50}) {
      INFO("k " << k);
      CHECK(np::pmf(k, mean) == 0);
      CHECK(np::cdf(k, mean) == 0);
      CHECK(np::sf(k, mean) == 1);
      CHECK(rel(np::log_pmf(k, mean), ref_log_pmf(k, mean)) <= 1e-15);
      CHECK(rel(np::log_cdf(k, mean), ref_log_cdf(k, mean)) <= 1e-15);
      CHECK(np::log_sf(k, mean) == 0);
    }
  }
}

TEST_CASE("poisson_waiting_times_at_an_overflowing_rate_times_time", "[poisson][limits]") {
  const double inf = std::numeric_limits<double>::infinity();
  CHECK(np::erlang_cdf(3, inf) == 1);
  CHECK(np::erlang_sf(3, inf) == 0);
  CHECK(np::erlang_pdf(3, inf) == 0);
  CHECK(np::erlang_pdf(1, inf) == 0);
}

TEST_CASE("poisson_counts_refuse_means_above_1e15_with_the_limit_in_the_message",
          "[poisson][limits]") {
  const double above = std::nextafter(1e15, 2e15);
  CHECK_THROWS_WITH(np::quantile(0.5, above), Catch::Contains("must be <= 1e15"));
  CHECK_THROWS_WITH(np::quantile(0.5, 1e16, true), Catch::Contains("2^53"));
  CHECK_THROWS_AS(np::central_interval(0.95, 1e16), numkit::InputError);
  CHECK_THROWS_AS(np::stats(1e300), numkit::InputError);
  CHECK_THROWS_WITH(np::Sampler(1e300), Catch::Contains("--mean: must be <= 1e15"));
  np::SampleOptions so;
  so.mean = 1e16;
  so.n = 1;
  CHECK_THROWS_AS(so.validate(), numkit::InputError);
  CHECK_THROWS_WITH(np::exact_test(3, 1, 1e16, np::Alternative::two_sided, 0.95),
                    Catch::Contains("must be <= 1e15"));
  CHECK_THROWS_WITH(np::exact_test(3, 1e300, 1e300, np::Alternative::less, 0.95),
                    Catch::Contains("overflows"));
}

TEST_CASE("poisson_one_sided_tests_answer_at_any_finite_expected_count", "[poisson][limits]") {
  const auto less = np::exact_test(3, 1, 1e16, np::Alternative::less, 0.95);
  CHECK(less.p_value == 0);  // P(N <= 3) = exp(-1e16 + ...) underflows
  const auto greater = np::exact_test(3, 1, 1e16, np::Alternative::greater, 0.95);
  CHECK(greater.p_value == 1);
}

TEST_CASE("poisson_counts_at_the_limit_are_exact_integers_below_2_to_the_53", "[poisson][limits]") {
  const double m = 1e15;
  CHECK(np::quantile(0.5, m) == m);  // mean - ln 2 <= median < mean + 1/3, mean an integer
  CHECK(np::stats(m).median == m);
  const double lo = np::quantile(std::numeric_limits<double>::denorm_min(), m);
  const double hi = np::quantile(std::numeric_limits<double>::denorm_min(), m, true);
  const double sd = std::sqrt(m);
  CHECK(lo > m - 40 * sd);
  CHECK(hi < m + 40 * sd);
  CHECK(hi < np::kMaxK);
  CHECK(lo == std::floor(lo));
  const auto iv = np::central_interval(0.95, m);
  CHECK(iv.lo > m - 2 * sd);
  CHECK(iv.hi < m + 2 * sd);
  np::Sampler s(m);
  std::vector<std::int64_t> out(1000);
  s.fill(1, 0, out);
  for (auto v : out) {
    REQUIRE(static_cast<double>(v) > m - 40 * sd);
    REQUIRE(static_cast<double>(v) < m + 40 * sd);
  }
}

TEST_CASE("poisson_fit_states_its_limits_for_huge_counts", "[poisson][limits]") {
  std::map<std::int64_t, std::uint64_t> huge{{std::int64_t{1} << 52, 3}};
  CHECK_THROWS_WITH(np::fit_histogram(huge, 0.95, "counts"), Catch::Contains("above 2^53"));
  std::map<std::int64_t, std::uint64_t> big{{2'000'000'000'000'000, 2}};
  const auto r = np::fit_histogram(big, 0.95, "counts");
  CHECK(r.mean == 2e15);
  CHECK_FALSE(r.gof_available);
  CHECK(r.gof_note.find("1e15") != std::string::npos);
}
