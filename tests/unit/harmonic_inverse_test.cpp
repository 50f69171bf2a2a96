// Smallest n with H(n) >= x against a straightforward 50-digit running sum and published values
// (OEIS A002387), verified here with 100-digit digamma.
#include <catch2/catch.hpp>

#include <boost/math/constants/constants.hpp>
#include <boost/math/special_functions/digamma.hpp>
#include <boost/multiprecision/cpp_bin_float.hpp>

#include "numkit/core/error.hpp"
#include "numkit/harmonic/harmonic.hpp"

#include <string>

using boost::multiprecision::cpp_bin_float_100;
using boost::multiprecision::cpp_bin_float_50;
namespace h = numkit::harmonic;

namespace {
cpp_bin_float_100 harmonic_100(const std::string& n) {
  return boost::math::digamma(cpp_bin_float_100(n) + 1) +
         boost::math::constants::euler<cpp_bin_float_100>();
}
}  // namespace

TEST_CASE("harmonic_inverse_matches_a_running_sum_for_x_up_to_11", "[harmonic]") {
  cpp_bin_float_50 sum = 0;
  unsigned long k = 0;
  for (int x = 1; x <= 11; ++x) {
    while (sum < x) sum += cpp_bin_float_50(1) / ++k;
    const h::Inverse r = h::inverse(std::to_string(x));
    INFO("x = " << x);
    REQUIRE(r.n == k);
    REQUIRE(r.verified);
  }
}

TEST_CASE("harmonic_inverse_decides_exact_ties_with_rationals", "[harmonic]") {
  REQUIRE(h::inverse("1.5").n == 2);  // H(2) = 1.5 exactly
  REQUIRE(h::inverse("1.5").gap_above == 0.0);
  REQUIRE(h::inverse("1.5000001").n == 3);
  REQUIRE(h::inverse("0.25").n == 1);
  REQUIRE(h::inverse("1").n == 1);
}

TEST_CASE("harmonic_inverse_matches_published_values_beyond_64_bits", "[harmonic]") {
  REQUIRE(h::inverse("20").n == 272400600);
  REQUIRE(h::inverse("30").n == h::BigInt("6000022499693"));
  const h::Inverse r = h::inverse("100");
  REQUIRE(r.n == h::BigInt("15092688622113788323693563264538101449859497"));
  REQUIRE(r.verified);
  // independent check with 100-digit digamma
  const std::string n = r.n.str(), before = h::BigInt(r.n - 1).str();
  REQUIRE(harmonic_100(n) >= 100);
  REQUIRE(harmonic_100(before) < 100);
  REQUIRE(cpp_bin_float_100(r.h_at) >= 100);
  REQUIRE(cpp_bin_float_100(r.h_before) < 100);
}

TEST_CASE("harmonic_inverse_rejects_non_positive_malformed_and_absurd_targets", "[harmonic]") {
  using Catch::Contains;
  REQUIRE_THROWS_WITH(h::inverse("0"), Contains("x: must be > 0, got 0"));
  REQUIRE_THROWS_WITH(h::inverse("-3"), Contains("x: must be > 0, got -3"));
  REQUIRE_THROWS_WITH(h::inverse("abc"), Contains("x: expected a number"));
  REQUIRE_THROWS_WITH(h::inverse("1001"), Contains("must be <= 1000"));
  REQUIRE_THROWS_WITH(h::inverse("1e300"), Contains("must be <= 1000"));
  REQUIRE_THROWS_AS(h::inverse("nan"), numkit::InputError);
}
