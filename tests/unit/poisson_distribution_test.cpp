// Accuracy of the Poisson pmf, tails and quantiles against 50-digit references computed here with
// Boost.Multiprecision: the pmf from exp(k log mu - mu - lgamma(k+1)), the tails by tanh-sinh
// quadrature of the incomplete gamma integral in 50 digits (and, as a cross-check, by
// Boost's 50-digit regularized gamma functions at moderate means).
#include <boost/math/quadrature/tanh_sinh.hpp>
#include <boost/math/special_functions/gamma.hpp>
#include <boost/math/special_functions/log1p.hpp>
#include <boost/multiprecision/cpp_bin_float.hpp>
#include <catch2/catch.hpp>
#include <cmath>
#include <limits>
#include <vector>

#include "numkit/core/error.hpp"
#include "numkit/poisson/distribution.hpp"

namespace np = numkit::poisson;
using F50 = boost::multiprecision::cpp_bin_float_50;

namespace {

F50 ref_log_pmf(double k, double mean) {
  if (k == 0) return -F50(mean);
  return F50(k) * log(F50(mean)) - F50(mean) - boost::math::lgamma(F50(k) + 1);
}

struct RefTails {
  F50 lower, upper;          // P(N <= k), P(N > k)
  F50 log_lower, log_upper;  // their logs, without the rounding of 1 - small
  F50 small;
};

// The smaller tail by quadrature of t^k e^-t / k! (upper Poisson tail = integral over [0, mean],
// lower Poisson tail = integral over [mean, inf)), in the variable u = distance from mean / w.
RefTails ref_tails(double k, double mean) {
  static boost::math::quadrature::tanh_sinh<F50> ts;
  const F50 K = k, M = mean, lg = boost::math::lgamma(K + 1);
  const double slope = std::fabs(k / mean - 1);
  const double w = 1 / std::max(slope, 1 / std::sqrt(k + 1));
  const F50 W = w;
  auto log_f = [&](const F50& t) { return K * log(t) - t - lg; };
  // The integrand decays away from u = 0 at least like exp(-u) (log-concavity), or like
  // exp(-u^2/2) near the centre, so u in [0, 150] holds all but e^-150 of the mass. It is scaled
  // by its value at t = mean (the exponent range of cpp_bin_float_50 ends near 2^-2^31). The
  // interval is shifted to [L, 2L]: tanh_sinh asserts on a left end at exactly 0.
  const F50 log_scale = log_f(M);
  RefTails r;
  F50 integral;
  const bool small_is_lower = mean > k + 1;
  if (small_is_lower) {
    const F50 L = 150;
    auto f = [&](const F50& u) { return exp(log_f(M + W * (u - L)) - log_scale) * W; };
    integral = ts.integrate(f, L, 2 * L, F50(1e-18));
  } else {
    const F50 L = M / W < 150 ? F50(M / W) : F50(150);
    auto f = [&](const F50& u) {
      const F50 t = M - W * (u - L);
      if (t <= 0) return F50(0);
      return exp(log_f(t) - log_scale) * W;
    };
    integral = ts.integrate(f, L, 2 * L, F50(1e-18));
  }
  const F50 log_small = log_scale + log(integral);
  r.small = exp(log_small);
  const F50 log_big = boost::math::log1p(-r.small);
  r.lower = small_is_lower ? r.small : 1 - r.small;
  r.upper = small_is_lower ? 1 - r.small : r.small;
  r.log_lower = small_is_lower ? log_small : log_big;
  r.log_upper = small_is_lower ? log_big : log_small;
  return r;
}

// Relative error; below the double range (|ref| < 1e-300) the absolute error, since the correctly
// rounded answer may be 0 or a subnormal there.
double rel_err(double got, const F50& ref) {
  if (abs(ref) < 1e-300) return static_cast<double>(abs(F50(got) - ref)) * 1e287;
  if (ref == 0) return got == 0 ? 0 : 1;
  return static_cast<double>(abs((F50(got) - ref) / ref));
}

std::vector<double> ks_for(double mean) {
  std::vector<double> ks = {0, 1, 20, 21};
  const double sd = std::sqrt(mean);
  for (double s : {-37.0, -10.0, -1.0, -0.3, 0.0, 1.0, 10.0, 37.0}) {
    const double k = std::floor(mean + s * sd);
    if (k >= 0) ks.push_back(k);
  }
  return ks;
}

const std::vector<double> kMeans = {1e-8, 1e-3, 0.5, 3, 17.5, 100, 1e3, 1e4, 1e6, 1e9, 1e12, 1e15};

}  // namespace

TEST_CASE("poisson_pmf_matches_50_digit_reference_across_means", "[poisson]") {
  for (double mean : kMeans) {
    for (double k : ks_for(mean)) {
      const F50 lref = ref_log_pmf(k, mean);
      const F50 ref = exp(lref);
      INFO("mean " << mean << " k " << k);
      if (ref >= 1e-300) CHECK(rel_err(np::pmf(k, mean), ref) <= 1e-13);
      CHECK(rel_err(np::log_pmf(k, mean), lref) <= 1e-13);
    }
  }
}

TEST_CASE("poisson_pmf_far_tail_for_tiny_means", "[poisson]") {
  for (double mean : {1e-8, 1e-4, 0.25}) {
    for (double k : {30.0, 35.0, 100.0, 1000.0, 1e6}) {
      const F50 lref = ref_log_pmf(k, mean);
      INFO("mean " << mean << " k " << k);
      if (exp(lref) >= 1e-300) CHECK(rel_err(np::pmf(k, mean), exp(lref)) <= 1e-13);
      CHECK(std::isfinite(np::log_pmf(k, mean)));
      CHECK(rel_err(np::log_pmf(k, mean), lref) <= 1e-13);
    }
  }
}

void check_tails_against_quadrature(double mean) {
  for (double k : ks_for(mean)) {
    const RefTails ref = ref_tails(k, mean);
    INFO("mean " << mean << " k " << k);
    if (ref.lower >= 1e-300) CHECK(rel_err(np::cdf(k, mean), ref.lower) <= 1e-13);
    if (ref.upper >= 1e-300) CHECK(rel_err(np::sf(k, mean), ref.upper) <= 1e-13);
    CHECK(rel_err(np::log_cdf(k, mean), ref.log_lower) <= 1e-13);
    CHECK(rel_err(np::log_sf(k, mean), ref.log_upper) <= 1e-13);
  }
}

TEST_CASE("poisson_cdf_sf_match_50_digit_quadrature_small_means", "[poisson]") {
  for (double mean : {1e-8, 1e-3, 0.5, 3.0, 17.5}) check_tails_against_quadrature(mean);
}

TEST_CASE("poisson_cdf_sf_match_50_digit_quadrature_moderate_means", "[poisson]") {
  for (double mean : {100.0, 1e3}) check_tails_against_quadrature(mean);
}

TEST_CASE("poisson_cdf_sf_match_50_digit_quadrature_large_means", "[poisson]") {
  for (double mean : {1e4, 1e6}) check_tails_against_quadrature(mean);
}

TEST_CASE("poisson_cdf_sf_match_50_digit_quadrature_mean_1e9", "[poisson]") {
  check_tails_against_quadrature(1e9);
}

TEST_CASE("poisson_cdf_sf_match_50_digit_quadrature_means_1e12_1e15", "[poisson]") {
  for (double mean : {1e12, 1e15}) check_tails_against_quadrature(mean);
}

TEST_CASE("poisson_reference_quadrature_agrees_with_boost_50_digit_gamma", "[poisson]") {
  // Two independent 50-digit routes agree, so the quadrature reference can be trusted.
  for (double mean : {0.5, 17.5, 1000.0}) {
    for (double k : {std::floor(mean / 2), std::floor(mean), std::floor(2 * mean + 5)}) {
      const RefTails q = ref_tails(k, mean);
      const F50 up = boost::math::gamma_p(F50(k) + 1, F50(mean));
      INFO("mean " << mean << " k " << k);
      if (up > 1e-300) CHECK(static_cast<double>(abs(q.upper - up) / up) <= 1e-25);
    }
  }
}

TEST_CASE("poisson_log_tails_stay_finite_where_values_underflow", "[poisson]") {
  // Far beyond 1e-300: sf of mean 1e12 at 60 standard deviations, cdf at mean 1e3 for k = 0.
  CHECK(np::sf(1e12 + 6e7, 1e12) == 0);
  const double ls = np::log_sf(1e12 + 6e7, 1e12);
  CHECK(std::isfinite(ls));
  const RefTails r = ref_tails(1e12 + 6e7, 1e12);
  CHECK(rel_err(ls, r.log_upper) <= 1e-13);
  CHECK(rel_err(np::log_cdf(0, 1e3), F50(-1000)) <= 1e-15);
  // Deep in the tail where even long double underflows (y > 11000).
  const double far = 1e12 + 2e8;
  const RefTails r2 = ref_tails(far, 1e12);
  CHECK(rel_err(np::log_sf(far, 1e12), r2.log_upper) <= 1e-13);
  const double below = 1e12 - 2e8;
  const RefTails r3 = ref_tails(below, 1e12);
  CHECK(rel_err(np::log_cdf(below, 1e12), r3.log_lower) <= 1e-13);
}

void check_quantile_definition(double mean) {
  for (double p : {1e-15, 0.3, 0.975, 1 - 1e-15}) {
    INFO("mean " << mean << " p " << p);
    const double k = np::quantile(p, mean);
    // smallest k with P(N <= k) >= p
    CHECK(ref_tails(k, mean).lower >= F50(p));
    if (k > 0) CHECK(ref_tails(k - 1, mean).lower < F50(p));
    const double ku = np::quantile(p, mean, true);
    // smallest k with P(N > k) <= p
    CHECK(ref_tails(ku, mean).upper <= F50(p));
    if (ku > 0) CHECK(ref_tails(ku - 1, mean).upper > F50(p));
  }
}

TEST_CASE("poisson_quantile_satisfies_definition_in_high_precision", "[poisson]") {
  for (double mean : {1e-8, 0.5, 17.5}) check_quantile_definition(mean);
}

TEST_CASE("poisson_quantile_satisfies_definition_at_mean_1000", "[poisson]") {
  check_quantile_definition(1000);
}

TEST_CASE("poisson_quantile_satisfies_definition_at_mean_1e12", "[poisson]") {
  check_quantile_definition(1e12);
}

TEST_CASE("poisson_quantile_matches_r_qpois", "[poisson]") {
  // Constants produced with R 4.x: qpois(p, m) and qpois(p, m, lower.tail = FALSE). Two R answers
  // are left out on purpose: qpois(1 - 1e-15, 17.5) = 59 (R's fuzz; the definition checked in
  // 50 digits above gives 60) and qpois(1 - 1e-15, 1e12) = 1000007811266, which is 0.13 sd off
  // (R loses the upper tail near p = 1 there; P(N > k) <= 1 - p first holds at 1000007941455).
  struct Case {
    double mean, p;
    bool upper;
    double k;
  };
  const Case cases[] = {
      {1e-8, 1e-15, false, 0},
      {1e-8, 1 - 1e-15, false, 1},
      {1e-8, 1e-15, true, 1},
      {3, 0.025, false, 0},
      {3, 0.3, false, 2},
      {3, 0.975, false, 7},
      {3, 1 - 1e-15, false, 25},
      {3, 1e-15, true, 25},
      {17.5, 0.025, false, 10},
      {17.5, 0.5, false, 17},
      {17.5, 1e-15, true, 60},
      {1000, 1e-15, false, 759},
      {1000, 0.025, false, 938},
      {1000, 0.3, false, 983},
      {1000, 0.975, false, 1062},
      {1000, 1e-15, true, 1261},
      {1e12, 1e-15, false, 999992058665},
      {1e12, 0.025, false, 999998040036},
      {1e12, 0.3, false, 999999475599},
      {1e12, 0.5, false, 1e12},
      {1e12, 0.975, false, 1000001959964},
      {1e12, 1e-15, true, 1000007941356},
  };
  for (const Case& c : cases) {
    INFO("mean " << c.mean << " p " << c.p << " upper " << c.upper);
    CHECK(np::quantile(c.p, c.mean, c.upper) == c.k);
  }
}

TEST_CASE("poisson_quantile_ends_and_degenerate_mean", "[poisson]") {
  CHECK(np::quantile(0, 3) == 0);
  CHECK(std::isinf(np::quantile(1, 3)));
  CHECK(std::isinf(np::quantile(0, 3, true)));
  CHECK(np::quantile(1, 3, true) == 0);
  CHECK(np::quantile(0.7, 0) == 0);
  CHECK(np::cdf(0, 0) == 1);
  CHECK(np::pmf(0, 0) == 1);
  CHECK(np::pmf(3, 0) == 0);
}

TEST_CASE("poisson_central_interval_covers_at_least_level", "[poisson]") {
  const np::Interval iv = np::central_interval(0.95, 3);
  CHECK(iv.lo == 0);
  CHECK(iv.hi == 7);
  CHECK(iv.coverage >= 0.95);
  const np::Interval big = np::central_interval(0.95, 1000);
  CHECK(big.lo == 938);
  CHECK(big.hi == 1062);
}

TEST_CASE("poisson_stats_match_closed_forms", "[poisson]") {
  const np::Stats s = np::stats(4);
  CHECK(s.variance == 4);
  CHECK(s.sd == 2);
  CHECK(s.skewness == 0.5);
  CHECK(s.excess_kurtosis == 0.25);
  REQUIRE(s.modes.size() == 2);
  CHECK(s.modes[0] == 3);
  CHECK(s.modes[1] == 4);
  CHECK(s.median == 4);
  // Entropy against a 50-digit sum.
  for (double mean : {0.5, 4.0, 250.0}) {
    // -log p_k = mean - k log(mean) + log(k!), log(k!) accumulated term by term.
    F50 h = 0, lf = 0;
    const F50 M = mean, logm = log(M);
    for (int k = 0; k < 700; ++k) {
      if (k > 0) lf += log(F50(k));
      const F50 nlp = M - k * logm + lf;
      h += exp(-nlp) * nlp;
    }
    CHECK(rel_err(np::stats(mean).entropy, h) <= 1e-13);
  }
}

TEST_CASE("poisson_entropy_asymptotic_branch_matches_50_digit_sum", "[poisson]") {
  // Mean above 1e5 (asymptotic expansion) vs a 50-digit sum over +-10 sd (the mass outside is
  // below 1e-22), with -log p_k = mean - k log(mean) + log(k!) accumulated by recurrence.
  const double m = 1.2e5;
  const F50 M = m, logm = log(M);
  const double k0 = std::floor(m - 10 * std::sqrt(m)), k1 = std::floor(m + 10 * std::sqrt(m));
  F50 lf = boost::math::lgamma(F50(k0) + 1);
  F50 h = 0;
  for (double k = k0; k <= k1; k += 1) {
    if (k > k0) lf += log(F50(k));
    const F50 nlp = M - F50(k) * logm + lf;
    h += exp(-nlp) * nlp;
  }
  CHECK(rel_err(np::stats(m).entropy, h) <= 1e-13);
}

TEST_CASE("poisson_erlang_quantile_inverts_the_waiting_time_cdf", "[poisson]") {
  for (double k : {1.0, 2.0, 5.0, 50.0, 1e4}) {
    for (double p : {1e-10, 0.05, 0.5, 0.95, 1 - 1e-10}) {
      INFO("k " << k << " p " << p);
      const double x = np::erlang_quantile(k, p);
      // P(T_k <= x) = P(N(x) >= k) = upper Poisson tail at k - 1, 50 digits.
      const F50 ref = boost::math::gamma_p(F50(k), F50(x));
      CHECK(static_cast<double>(abs(ref - p) / std::min(p, 1 - p)) <= 1e-12);
      const double xu = np::erlang_quantile(k, p, true);
      const F50 refu = boost::math::gamma_q(F50(k), F50(xu));
      CHECK(static_cast<double>(abs(refu - p) / std::min(p, 1 - p)) <= 1e-12);
    }
  }
}

TEST_CASE("poisson_rejects_bad_parameters", "[poisson]") {
  CHECK_THROWS_AS(np::check_mean(-1), numkit::InputError);
  CHECK_THROWS_AS(np::check_mean(std::nan("")), numkit::InputError);
  CHECK_THROWS_AS(np::check_k(-1), numkit::InputError);
  CHECK_THROWS_AS(np::check_k(2.5), numkit::InputError);
  CHECK_THROWS_AS(np::quantile(1.5, 3), numkit::InputError);
  CHECK_THROWS_AS(np::quantile(-0.1, 3), numkit::InputError);
  CHECK_THROWS_WITH(np::check_mean(-1), "--mean: must be finite and >= 0, got -1");
}

TEST_CASE("evaluating_many_counts_at_once_gives_each_value_evaluate_gives_alone", "[poisson]") {
  // Repeated counts near the mean (looked up), and counts spread too far for that (evaluated one
  // by one on every core), for each of the six functions.
  std::vector<double> near, spread;
  for (int i = 0; i < 20000; ++i) {
    near.push_back(500000 + (i * 7919) % 1400 - 700);
    spread.push_back(static_cast<double>((i * 104729LL) % 2000000));
  }
  for (auto f : {np::Function::pmf, np::Function::log_pmf, np::Function::cdf, np::Function::sf,
                 np::Function::log_cdf, np::Function::log_sf}) {
    for (const auto* ks : {&near, &spread}) {
      std::vector<double> values(ks->size());
      np::evaluate(f, *ks, 500000, values);
      std::size_t mismatches = 0;
      for (std::size_t i = 0; i < ks->size(); ++i)
        if (!(values[i] == np::evaluate(f, (*ks)[i], 500000))) ++mismatches;
      CHECK(mismatches == 0);
    }
  }
  std::vector<double> one(3);
  CHECK_THROWS_AS(np::evaluate(np::Function::cdf, near, 1, one), std::invalid_argument);
}
