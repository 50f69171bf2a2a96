// Accuracy of every family's mass or density, tails, logs and quantiles against 50-digit
// references computed in dist_reference.hpp (lgamma, summed masses and tanh-sinh quadrature in
// cpp_bin_float_50), never against the code under test.
#include <boost/math/special_functions/erf.hpp>
#include <boost/math/special_functions/gamma.hpp>
#include <catch2/catch.hpp>
#include <cmath>
#include <cstdio>
#include <limits>
#include <vector>

#include "dist_reference.hpp"
#include "numkit/core/error.hpp"
#include "numkit/dist/distribution.hpp"

namespace nd = numkit::dist;
using dist_ref::F50;

namespace {

// Relative error; below the double range (|ref| < 1e-300) the absolute error scaled so that a
// correctly rounded 0 or subnormal passes.
double rel_err(double got, const F50& ref) {
  if (abs(ref) < 1e-300) return static_cast<double>(abs(F50(got) - ref)) * 1e287;
  if (ref == 0) return got == 0 ? 0 : 1;
  return static_cast<double>(abs((F50(got) - ref) / ref));
}
// For logs: relative error of the log (an absolute error for logs near 0 is what matters there).
double log_err(double got, const F50& ref) {
  if (isinf(ref)) return std::isinf(got) ? 0 : 1;
  return static_cast<double>(abs(F50(got) - ref) / std::max(F50(1), abs(ref)));
}

constexpr double kTol = 1e-13;

struct Worst {
  double value = 0;
  void add(double e) { value = std::max(value, e); }
};

// Checks pdf/pmf, cdf, sf and their logs at x against the reference values.
void check_point(const nd::Distribution& d, double x, const F50& log_pdf, const dist_ref::Tails& t,
                 Worst& worst) {
  INFO(d.label() << " at " << x);
  const double e_pdf = rel_err(d.pdf(x), exp(log_pdf));
  const double e_lpdf = log_err(d.log_pdf(x), log_pdf);
  const nd::Tails got = d.tails(x);
  const double e_cdf = rel_err(static_cast<double>(got.lower), t.lower);
  const double e_sf = rel_err(static_cast<double>(got.upper), t.upper);
  const double e_lcdf = log_err(static_cast<double>(got.log_lower), t.log_lower);
  const double e_lsf = log_err(static_cast<double>(got.log_upper), t.log_upper);
  CHECK(e_pdf <= kTol);
  CHECK(e_lpdf <= kTol);
  CHECK(e_cdf <= kTol);
  CHECK(e_sf <= kTol);
  CHECK(e_lcdf <= kTol);
  CHECK(e_lsf <= kTol);
  for (double e : {e_pdf, e_lpdf, e_cdf, e_sf, e_lcdf, e_lsf}) worst.add(e);
}

// k at mean + z sd for z in the grid, clipped to the support, plus the ends.
std::vector<double> k_grid(double mean, double sd, double kmax) {
  std::vector<double> ks = {0, 1};
  for (double z : {-40.0, -20.0, -8.0, -3.0, -1.0, -0.3, 0.0, 0.4, 1.0, 3.0, 8.0, 20.0, 40.0}) {
    const double k = std::floor(mean + z * sd);
    if (k >= 0 && k <= kmax) ks.push_back(k);
  }
  if (std::isfinite(kmax)) {
    ks.push_back(kmax);
    if (kmax >= 1) ks.push_back(kmax - 1);
  }
  return ks;
}

}  // namespace

TEST_CASE("dist_binomial_matches_50_digit_references_up_to_size_1e15", "[dist][binomial]") {
  struct Case {
    double n, p;
  };
  const Case cases[] = {{30, 0.1},    {1000, 0.5}, {20, 0.999},      {1e6, 1e-3},
                        {1e4, 0.37},  {1e9, 0.3},  {1e12, 0.25},     {1e15, 1e-15},
                        {1e15, 1e-9}, {1e15, 0.5}, {1e15, 0.9999999}};
  Worst worst;
  for (const Case& c : cases) {
    const nd::Distribution d = nd::Distribution::binomial(c.n, c.p);
    const double sd = std::sqrt(c.n * c.p * (1 - c.p));
    for (double k : k_grid(c.n * c.p, sd, c.n))
      check_point(d, k, dist_ref::binom_log_pmf(c.n, c.p, k), dist_ref::binom_tails(c.n, c.p, k),
                  worst);
  }
  std::printf("binomial: worst relative error %.3g\n", worst.value);
}

TEST_CASE("dist_negbin_matches_50_digit_references_for_size_1e-3_to_1e9", "[dist][negbin]") {
  Worst worst;
  for (double size : {1e-3, 0.5, 3.0, 100.0, 1e5, 1e9}) {
    for (double mu : {0.1, 3.0, 1000.0, 1e6}) {
      const nd::Distribution d = nd::Distribution::negbin_mu(size, mu);
      const auto ref = dist_ref::negbin_mu(size, mu);
      const double sd = std::sqrt(mu + mu * mu / size);
      for (double k : k_grid(mu, sd, std::numeric_limits<double>::infinity())) {
        if (k > 1e8) continue;
        check_point(d, k, dist_ref::negbin_log_pmf(ref, k), dist_ref::negbin_tails(ref, k), worst);
      }
    }
  }
  for (double size : {0.01, 5.0, 1e4}) {
    for (double prob : {0.001, 0.3, 0.9}) {
      const nd::Distribution d = nd::Distribution::negbin(size, prob);
      const auto ref = dist_ref::negbin_prob(size, prob);
      const double mean = size * (1 - prob) / prob, sd = std::sqrt(mean / prob);
      for (double k : k_grid(mean, sd, std::numeric_limits<double>::infinity())) {
        if (k > 1e8) continue;
        check_point(d, k, dist_ref::negbin_log_pmf(ref, k), dist_ref::negbin_tails(ref, k), worst);
      }
    }
  }
  std::printf("negbin: worst relative error %.3g\n", worst.value);
}

TEST_CASE("dist_geometric_matches_50_digit_closed_forms", "[dist][geometric]") {
  Worst worst;
  for (double prob : {1e-9, 0.01, 0.5, 0.999}) {
    const nd::Distribution d = nd::Distribution::geometric(prob);
    const auto ref = dist_ref::negbin_prob(1, prob);
    const double mean = (1 - prob) / prob, sd = std::sqrt(mean / prob);
    for (double k : k_grid(mean, sd, std::numeric_limits<double>::infinity())) {
      const F50 P = prob, Q = 1 - F50(prob), K = k;
      const F50 log_upper = (K + 1) * log(Q);
      dist_ref::Tails t;
      t.upper = exp(log_upper);
      t.lower = 1 - t.upper;
      t.log_upper = log_upper;
      t.log_lower = log(t.lower);
      check_point(d, k, log(P) + K * log(Q), t, worst);
      (void)ref;
    }
  }
  std::printf("geometric: worst relative error %.3g\n", worst.value);
}

TEST_CASE("dist_gamma_matches_50_digit_references_for_shape_1e-3_to_1e12", "[dist][gamma]") {
  Worst worst;
  for (double shape : {1e-3, 0.5, 1.0, 2.5, 30.0, 1000.5, 1e6, 1e12}) {
    for (double rate : {1.0, 0.25}) {
      const nd::Distribution d = nd::Distribution::gamma(shape, rate);
      const double sd = std::sqrt(shape);
      std::vector<double> ys;
      for (double z : {-30.0, -8.0, -3.0, -1.0, -0.2, 0.0, 0.5, 1.0, 3.0, 8.0, 30.0}) {
        const double y = shape + z * sd;
        if (y > 0) ys.push_back(y);
      }
      for (double y : {1e-6, 0.01, 0.3, 2.0, 50.0}) ys.push_back(y * shape);
      for (double y : ys) {
        const double x = y / rate;
        const F50 Y = F50(x) * F50(rate);  // the library forms rate * x exactly too
        dist_ref::Tails t;
        if (shape <= 1e5) {
          t.lower = boost::math::gamma_p(F50(shape), Y);
          t.upper = boost::math::gamma_q(F50(shape), Y);
          t.log_lower = log(t.lower);
          t.log_upper = log(t.upper);
        } else {
          t = dist_ref::gamma_tails(shape, Y);
        }
        const F50 log_pdf = dist_ref::gamma_log_pdf(shape, Y) + log(F50(rate));
        check_point(d, x, log_pdf, t, worst);
      }
    }
  }
  std::printf("gamma: worst relative error %.3g\n", worst.value);
}

TEST_CASE("dist_exponential_and_normal_match_50_digit_references_to_40_sd", "[dist][normal]") {
  Worst worst;
  for (double rate : {1e-3, 1.0, 3.0}) {
    const nd::Distribution d = nd::Distribution::exponential(rate);
    for (double y : {1e-12, 1e-3, 0.5, 1.0, 5.0, 40.0, 700.0, 2000.0}) {
      const double x = y / rate;
      const F50 lx = F50(x) * F50(rate);
      dist_ref::Tails t;
      t.log_upper = -lx;
      t.upper = exp(-lx);
      t.lower = -boost::math::expm1(-lx);
      t.log_lower = log(t.lower);
      check_point(d, x, log(F50(rate)) - lx, t, worst);
    }
  }
  for (double mean : {0.0, 3.0, -1e6}) {
    for (double sd : {1e-3, 1.732, 1e4}) {
      const nd::Distribution d = nd::Distribution::normal(mean, sd);
      for (double z : {-40.0, -37.0, -20.0, -5.0, -1.0, -0.1, 0.0, 0.3, 1.0, 7.0, 38.0, 40.0}) {
        const double x = mean + z * sd;
        const F50 Z = (F50(x) - F50(mean)) / F50(sd);
        dist_ref::Tails t;
        t.lower = boost::math::erfc(-Z / sqrt(F50(2))) / 2;
        t.upper = boost::math::erfc(Z / sqrt(F50(2))) / 2;
        t.log_lower = log(t.lower);
        t.log_upper = log(t.upper);
        const F50 log_pdf =
            -Z * Z / 2 - log(F50(sd)) - log(sqrt(2 * boost::math::constants::pi<F50>()));
        check_point(d, x, log_pdf, t, worst);
      }
    }
  }
  std::printf("exponential, normal: worst relative error %.3g\n", worst.value);
}

TEST_CASE("dist_discrete_quantiles_match_r_definition_in_50_digits", "[dist][quantile]") {
  // R's definition: the smallest k with P(X <= k) >= p (lower tail), the smallest k with
  // P(X > k) <= p (upper tail), checked with 50-digit tails at k and k - 1.
  const double ps[] = {1e-12, 1e-6, 0.025, 0.3, 0.5, 0.77, 0.975, 1 - 1e-6, 1 - 1e-12};
  struct Law {
    nd::Distribution d;
    std::function<dist_ref::Tails(double)> ref;
  };
  const std::vector<Law> laws = {
      {nd::Distribution::binomial(30, 0.1),
       [](double k) { return dist_ref::binom_tails(30, 0.1, k); }},
      {nd::Distribution::binomial(1e15, 1e-15),
       [](double k) { return dist_ref::binom_tails(1e15, 1e-15, k); }},
      {nd::Distribution::binomial(1e12, 0.25),
       [](double k) { return dist_ref::binom_tails(1e12, 0.25, k); }},
      {nd::Distribution::negbin_mu(5, 3),
       [](double k) { return dist_ref::negbin_tails(dist_ref::negbin_mu(5, 3), k); }},
      {nd::Distribution::negbin_mu(1e-3, 1000),
       [](double k) { return dist_ref::negbin_tails(dist_ref::negbin_mu(1e-3, 1000), k); }},
      {nd::Distribution::negbin(1e9, 0.5),
       [](double k) { return dist_ref::negbin_tails(dist_ref::negbin_prob(1e9, 0.5), k); }},
      {nd::Distribution::geometric(0.2),
       [](double k) { return dist_ref::negbin_tails(dist_ref::negbin_prob(1, 0.2), k); }},
  };
  for (const Law& law : laws) {
    for (double p : ps) {
      for (bool upper : {false, true}) {
        const double k = law.d.quantile(p, upper);
        INFO(law.d.label() << " p " << p << (upper ? " upper" : " lower") << " k " << k);
        REQUIRE(std::isfinite(k));
        // A tail within 1e-15 (relative) of p is a tie at the accuracy of the tails (R's fuzz
        // of 64 ulps would decide it); either neighbour is accepted there.
        const F50 tie = F50(p) * F50(1e-15);
        const dist_ref::Tails at = law.ref(k);
        if (!upper) {
          CHECK(at.lower >= F50(p) - tie);
          if (k > 0) CHECK(law.ref(k - 1).lower < F50(p) + tie);
        } else {
          CHECK(at.upper <= F50(p) + tie);
          if (k > 0) CHECK(law.ref(k - 1).upper > F50(p) - tie);
        }
      }
    }
  }
}

TEST_CASE("dist_continuous_quantiles_match_50_digit_inverses", "[dist][quantile]") {
  const double ps[] = {1e-300, 1e-12, 0.025, 0.5, 0.9, 1 - 1e-12};
  for (double p : ps) {
    for (bool upper : {false, true}) {
      INFO("p " << p << (upper ? " upper" : ""));
      const F50 lower_p = upper ? 1 - F50(p) : F50(p);
      const F50 upper_p = upper ? F50(p) : 1 - F50(p);
      {
        const nd::Distribution d = nd::Distribution::normal(3, 1.732);
        const F50 z = lower_p < upper_p ? -sqrt(F50(2)) * boost::math::erfc_inv(2 * lower_p)
                                        : sqrt(F50(2)) * boost::math::erfc_inv(2 * upper_p);
        const F50 x = 3 + F50(1.732) * z;
        CHECK(rel_err(d.quantile(p, upper), x) <= 1e-15);
      }
      if (p < 1e-100) continue;  // Boost's 50-digit gamma_q_inv throws there
      {
        const nd::Distribution d = nd::Distribution::gamma(2.5, 0.5);
        const F50 y = lower_p < upper_p ? boost::math::gamma_p_inv(F50(2.5), lower_p)
                                        : boost::math::gamma_q_inv(F50(2.5), upper_p);
        CHECK(rel_err(d.quantile(p, upper), y / F50(0.5)) <= 1e-14);
      }
      {
        const nd::Distribution d = nd::Distribution::exponential(3);
        const F50 y = lower_p < upper_p ? -boost::math::log1p(-lower_p) : -log(upper_p);
        CHECK(rel_err(d.quantile(p, upper), y / 3) <= 1e-15);
      }
    }
  }
}

TEST_CASE("dist_parameters_outside_their_domain_are_input_errors", "[dist][input]") {
  using D = nd::Distribution;
  const double inf = std::numeric_limits<double>::infinity();
  CHECK_THROWS_AS(D::binomial(10, 1.5), numkit::InputError);
  CHECK_THROWS_AS(D::binomial(2.5, 0.5), numkit::InputError);
  CHECK_THROWS_AS(D::binomial(-1, 0.5), numkit::InputError);
  CHECK_THROWS_AS(D::negbin(0, 0.5), numkit::InputError);
  CHECK_THROWS_AS(D::negbin_mu(3, -1), numkit::InputError);
  CHECK_THROWS_AS(D::normal(0, 0), numkit::InputError);
  CHECK_THROWS_AS(D::normal(inf, 1), numkit::InputError);
  CHECK_THROWS_AS(D::gamma(1, 0), numkit::InputError);
  CHECK_THROWS_AS(D::geometric(0), numkit::InputError);
  CHECK_THROWS_WITH(D::binomial(10, 1.5), "prob: must be in [0, 1], got 1.5");
  CHECK_THROWS_WITH(D::negbin(0, 0.5), "size: must be > 0, got 0");
}
