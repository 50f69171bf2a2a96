// The classic and the sharper bounds, checked against values computed here.
#include <catch2/catch.hpp>

#include <boost/math/constants/constants.hpp>
#include <boost/multiprecision/cpp_bin_float.hpp>

#include "numkit/harmonic/harmonic.hpp"

#include <cmath>

namespace h = numkit::harmonic;

TEST_CASE("harmonic_bounds_hold_and_are_proven_for_small_and_huge_n", "[harmonic]") {
  for (const char* text :
       {"1", "2", "3", "10", "1999", "2001", "1000000", "1e18", "10^150", "10^300"}) {
    const h::Bounds b = h::bounds(h::parse_count(text, "n"));
    INFO("n = " << text);
    REQUIRE(b.checks.size() == 4);
    REQUIRE(b.all_hold);
    for (const auto& c : b.checks) REQUIRE(c.holds);
  }
}

TEST_CASE("harmonic_bounds_sides_match_libm_for_n_10", "[harmonic]") {
  const h::Bounds b = h::bounds(h::BigInt(10));
  const double gamma = 0.57721566490153286061;
  REQUIRE(b.h == Approx(7381.0 / 2520.0).epsilon(1e-15));
  REQUIRE(b.checks[0].left_value == Approx(std::log(11.0)).epsilon(1e-15));
  REQUIRE(b.checks[1].right_value == Approx(1 + std::log(10.0)).epsilon(1e-15));
  REQUIRE(b.checks[2].left_value == Approx(std::log(10.5) + gamma).epsilon(1e-15));
  REQUIRE(b.checks[3].right_value == Approx(std::log(10.5) + gamma + 1.0 / 2400).epsilon(1e-15));
  REQUIRE(b.checks[0].gap_value == Approx(7381.0 / 2520.0 - std::log(11.0)).epsilon(1e-13));
}

TEST_CASE("harmonic_bounds_at_n_1_the_upper_classic_bound_is_an_equality", "[harmonic]") {
  const h::Bounds b = h::bounds(h::BigInt(1));
  REQUIRE(b.checks[1].holds);
  REQUIRE(b.checks[1].gap_value == 0.0);
  REQUIRE(b.checks[1].gap == "0");
}

TEST_CASE("harmonic_bounds_gaps_far_below_double_range_are_reported_as_text", "[harmonic]") {
  const h::Bounds b = h::bounds(h::max_count());
  // H(n) - ln(n+1/2) - gamma = 1/(24n^2) - 7/(960n^4) + ...: 4.16667e-602 at n = 10^300
  REQUIRE(b.checks[2].gap == "4.16667e-602");
  REQUIRE(b.checks[2].gap_value == 0.0);
  // ln(n+1/2) = ln n + 1/(2n) - 1/(8n^2) + 1/(24n^3) - ..., H(n) = ln n + gamma + 1/(2n) -
  // 1/(12n^2) + ..., so ln(n+1/2) + gamma + 1/(24n^2) - H(n) = 1/(24n^3) + O(1/n^4): 4.16667e-902
  REQUIRE(b.checks[3].gap == "4.16667e-902");
}
