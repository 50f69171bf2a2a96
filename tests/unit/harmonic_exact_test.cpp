// Exact harmonic fractions against a plain cpp_rational loop computed here.
#include <catch2/catch.hpp>

#include <boost/multiprecision/cpp_bin_float.hpp>
#include <boost/multiprecision/cpp_int.hpp>

#include "numkit/core/error.hpp"
#include "numkit/harmonic/harmonic.hpp"

#include <sstream>
#include <vector>

using boost::multiprecision::cpp_int;
using boost::multiprecision::cpp_rational;
namespace h = numkit::harmonic;

namespace {

cpp_int to_cpp(const h::BigInt& x) {
  return cpp_int(x.str());
}

cpp_rational plain_sum(unsigned n, unsigned order) {
  cpp_rational sum = 0;
  for (unsigned k = 1; k <= n; ++k)
    sum += cpp_rational(1, boost::multiprecision::pow(cpp_int(k), order));
  return sum;
}

}  // namespace

TEST_CASE("harmonic_exact_matches_rational_loop_for_every_n_up_to_200", "[harmonic]") {
  cpp_rational sum = 0;
  for (unsigned n = 1; n <= 200; ++n) {
    sum += cpp_rational(1, n);
    const h::Fraction f = h::exact(n);
    INFO("n = " << n);
    REQUIRE(to_cpp(f.numerator) == boost::multiprecision::numerator(sum));
    REQUIRE(to_cpp(f.denominator) == boost::multiprecision::denominator(sum));
  }
}

TEST_CASE("harmonic_exact_generalized_order_matches_rational_loop", "[harmonic]") {
  for (unsigned order : {2u, 3u, 7u}) {
    for (unsigned n : {1u, 2u, 3u, 10u, 57u, 200u}) {
      const cpp_rational ref = plain_sum(n, order);
      const h::Fraction f = h::exact(n, order);
      INFO("n = " << n << ", order = " << order);
      REQUIRE(to_cpp(f.numerator) == boost::multiprecision::numerator(ref));
      REQUIRE(to_cpp(f.denominator) == boost::multiprecision::denominator(ref));
    }
  }
}

TEST_CASE("harmonic_exact_large_n_is_in_lowest_terms_and_has_the_right_size", "[harmonic]") {
  const h::Fraction f = h::exact(20000);
  REQUIRE(gcd(f.numerator, f.denominator) == 1);
  // H(20000) to 40 digits by direct cpp_bin_float_50 summation
  boost::multiprecision::cpp_bin_float_50 ref = 0;
  for (unsigned k = 20000; k >= 1; --k) ref += boost::multiprecision::cpp_bin_float_50(1) / k;
  const boost::multiprecision::cpp_bin_float_50 ratio =
      boost::multiprecision::cpp_bin_float_50(f.numerator.str()) /
      boost::multiprecision::cpp_bin_float_50(f.denominator.str());
  REQUIRE(abs(ratio - ref) < boost::multiprecision::cpp_bin_float_50("1e-40"));
  // the denominator divides lcm(1..n) and is even: its 2-adic valuation is floor(log2 n) = 14
  cpp_int den = to_cpp(f.denominator);
  REQUIRE(lsb(den) == 14);
}

TEST_CASE("harmonic_exact_reports_progress_monotonically_up_to_one", "[harmonic]") {
  std::vector<double> seen;
  h::exact(50000, 1, [&](double x) { seen.push_back(x); });
  REQUIRE(seen.size() >= 3);
  for (std::size_t i = 1; i < seen.size(); ++i) REQUIRE(seen[i] >= seen[i - 1]);
  REQUIRE(seen.back() == 1.0);
}

TEST_CASE("harmonic_exact_rejects_bad_order_and_oversized_work", "[harmonic]") {
  REQUIRE_THROWS_AS(h::exact(10, 0), numkit::InputError);
  REQUIRE_THROWS_AS(h::exact(10, -2), numkit::InputError);
  REQUIRE_THROWS_AS(h::exact(0, 1), numkit::InputError);
  REQUIRE_THROWS_AS(h::exact(10'000'001, 1), numkit::InputError);
  REQUIRE_THROWS_AS(h::exact(5'000'001, 2), numkit::InputError);
  REQUIRE_THROWS_WITH(h::exact(10, 0), Catch::Contains("--order") && Catch::Contains("got 0"));
}
