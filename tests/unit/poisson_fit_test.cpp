// fit (MLE, Garwood interval, dispersion test, pooled chi-square table) and the exact test,
// against 50-digit references computed here and a few values from R's poisson.test.
#include <boost/math/special_functions/gamma.hpp>
#include <boost/multiprecision/cpp_bin_float.hpp>
#include <catch2/catch.hpp>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <map>

#include "numkit/core/error.hpp"
#include "numkit/core/number_stream.hpp"
#include "numkit/poisson/fit.hpp"

namespace np = numkit::poisson;
using F50 = boost::multiprecision::cpp_bin_float_50;

namespace {

double rel(double got, const F50& ref) {
  return static_cast<double>(abs((F50(got) - ref) / ref));
}

F50 pmf50(double k, double m) {
  return exp(F50(k) * log(F50(m)) - F50(m) - boost::math::lgamma(F50(k) + 1));
}

// R's two-sided rule by enumeration in 50 digits.
F50 two_sided50(double x, double m) {
  const F50 d = pmf50(x, m) * F50(1 + 1e-7);
  F50 p = 0;
  for (double i = 0; i < m * 4 + 60; i += 1) {
    const F50 q = pmf50(i, m);
    if (q <= d) p += q;
  }
  return p > 1 ? F50(1) : p;
}

}  // namespace

TEST_CASE("poisson_fit_garwood_interval_inverts_50_digit_gamma", "[poisson]") {
  std::map<std::int64_t, std::uint64_t> h = {{0, 3}, {1, 5}, {2, 4}, {3, 2}, {5, 1}};
  const np::FitResult r = np::fit_histogram(h, 0.95, "counts");
  CHECK(r.n == 15);
  CHECK(r.total == 24);
  CHECK(r.mean == 1.6);
  // P(Gamma(T) <= n lo) = 0.025 and P(Gamma(T + 1) > n hi) = 0.025.
  CHECK(rel(0.025, boost::math::gamma_p(F50(24), F50(r.ci_lo * 15))) < 1e-12);
  CHECK(rel(0.025, boost::math::gamma_q(F50(25), F50(r.ci_hi * 15))) < 1e-12);
}

TEST_CASE("poisson_fit_dispersion_test_matches_50_digit_chi_square", "[poisson]") {
  std::map<std::int64_t, std::uint64_t> h = {{0, 10}, {1, 3}, {2, 2}, {6, 4}, {9, 1}};
  const np::FitResult r = np::fit_histogram(h, 0.95, "counts");
  REQUIRE(r.dispersion_available);
  // exact sums: n = 20, total = 40, mean 2, sum (x-2)^2 = 10*4 + 3*1 + 0 + 4*16 + 49 = 156
  CHECK(r.dispersion_statistic == Approx(78).epsilon(1e-14));
  CHECK(r.dispersion_df == 19);
  CHECK(rel(r.p_over, boost::math::gamma_q(F50(9.5), F50(39))) < 1e-13);
  CHECK(r.p_over < 1e-6);  // strongly over-dispersed
}

TEST_CASE("poisson_fit_gof_bins_are_pooled_to_expected_at_least_5", "[poisson]") {
  std::map<std::int64_t, std::uint64_t> h;
  // A Poisson(4)-like sample of 200: the rounded expected counts.
  const int counts[] = {4, 15, 29, 39, 39, 31, 21, 12, 6, 3, 1};
  for (int k = 0; k < 11; ++k) h[k] = counts[k];
  const np::FitResult r = np::fit_histogram(h, 0.95, "counts");
  REQUIRE(r.gof_available);
  double e = 0, o = 0;
  for (const auto& b : r.bins) {
    CHECK(b.expected >= 5);
    e += b.expected;
    o += b.observed;
  }
  CHECK(e == Approx(200).epsilon(1e-12));
  CHECK(o == 200);
  CHECK(r.bins.front().k_lo == 0);
  CHECK(std::isinf(r.bins.back().k_hi));
  CHECK(r.chi2_p > 0.5);  // the data are Poisson-shaped
}

TEST_CASE("poisson_fit_stream_reports_file_line_for_bad_counts", "[poisson]") {
  const std::string path = "poisson_fit_test_counts.txt";
  {
    std::ofstream f(path);
    f << "1\n2\n2.5\n";
  }
  numkit::NumberStream in(path);
  CHECK_THROWS_WITH(np::fit_stream(in, 0.95), Catch::Contains("poisson_fit_test_counts.txt:3") &&
                                                  Catch::Contains("non-negative integer count"));
  {
    std::ofstream f(path);
    f << "# nothing\n";
  }
  numkit::NumberStream empty(path);
  CHECK_THROWS_WITH(np::fit_stream(empty, 0.95), Catch::Contains("no counts"));
  std::remove(path.c_str());
}

TEST_CASE("poisson_exact_test_matches_r_poisson_test", "[poisson]") {
  // R 4.x: poisson.test(x, T, r)$p.value and $conf.int.
  struct Case {
    double x, t, r, p, lo, hi;
  };
  const Case cases[] = {
      {3, 10, 1, 0.02461366427297533, 0.061867212289560158, 0.87672730697423229},
      {10, 2, 2, 0.0081322427969338675, 2.3976943480662172, 9.1951780210088891},
      {0, 1, 2.5, 0.19090697970974757, 0, 3.6888794541139354},
      {137, 24, 5, 0.12057858649437647, 4.7925222680749391, 6.7481835286697232},
      {5, 1, 5, 1, 1.6234863901184209, 11.668332079322667},
      {17, 3, 2, 0.00017487743541341294, 3.3010421565357628, 9.0728822719688704},
  };
  for (const Case& c : cases) {
    INFO("x " << c.x << " T " << c.t << " r " << c.r);
    const auto r = np::exact_test(c.x, c.t, c.r, np::Alternative::two_sided, 0.95);
    CHECK(r.p_value == Approx(c.p).epsilon(1e-12));
    CHECK(r.ci_lo == Approx(c.lo).epsilon(1e-12));
    CHECK(r.ci_hi == Approx(c.hi).epsilon(1e-12));
    CHECK(rel(r.p_value, two_sided50(c.x, c.r * c.t)) < 1e-13);
  }
  const auto less = np::exact_test(3, 10, 1, np::Alternative::less, 0.95);
  CHECK(less.p_value == Approx(0.010336050675925716).epsilon(1e-12));
  CHECK(less.ci_hi == Approx(0.77536565279327252).epsilon(1e-12));
  const auto greater = np::exact_test(30, 10, 2, np::Alternative::greater, 0.95);
  CHECK(greater.p_value == Approx(0.021818217525557397).epsilon(1e-12));
  CHECK(greater.ci_lo == Approx(2.1593979226994882).epsilon(1e-12));
  CHECK(std::isinf(greater.ci_hi));
}

TEST_CASE("poisson_exact_test_rejects_bad_input", "[poisson]") {
  CHECK_THROWS_AS(np::exact_test(-1, 1, 1, np::Alternative::two_sided, 0.95), numkit::InputError);
  CHECK_THROWS_AS(np::exact_test(2.5, 1, 1, np::Alternative::two_sided, 0.95), numkit::InputError);
  CHECK_THROWS_AS(np::exact_test(2, 0, 1, np::Alternative::two_sided, 0.95), numkit::InputError);
  CHECK_THROWS_AS(np::exact_test(2, 1, -1, np::Alternative::two_sided, 0.95), numkit::InputError);
}
