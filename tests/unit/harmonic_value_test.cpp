// Double and high-precision values of H(n, s) against exact rationals (n <= 200) and 50-digit
// references computed here with Boost's digamma/polygamma and direct cpp_bin_float_50 sums.
#include <catch2/catch.hpp>

#include <boost/math/constants/constants.hpp>
#include <boost/math/special_functions/digamma.hpp>
#include <boost/math/special_functions/trigamma.hpp>
#include <boost/multiprecision/cpp_bin_float.hpp>
#include <boost/multiprecision/cpp_int.hpp>

#include "numkit/core/error.hpp"
#include "numkit/harmonic/harmonic.hpp"

#include <cmath>
#include <string>

using boost::multiprecision::cpp_bin_float_50;
using boost::multiprecision::cpp_int;
using boost::multiprecision::cpp_rational;
namespace h = numkit::harmonic;

namespace {

cpp_rational exact_double(double d) {
  int e = 0;
  const double m = std::frexp(d, &e);
  const cpp_int mantissa = static_cast<long long>(std::ldexp(m, 53));
  const int shift = e - 53;
  if (shift >= 0) return cpp_rational(mantissa << shift);
  return cpp_rational(mantissa, cpp_int(1) << -shift);
}

// d is the double nearest to r
bool nearest_double(double d, const cpp_rational& r) {
  const cpp_rational err = abs(exact_double(d) - r);
  return err <= abs(exact_double(std::nextafter(d, 0.0)) - r) &&
         err <= abs(exact_double(std::nextafter(d, 1e300)) - r);
}

template <class Real>
bool nearest_double_f(double d, const Real& r) {
  const Real err = abs(Real(d) - r);
  return err <= abs(Real(std::nextafter(d, 0.0)) - r) &&
         err <= abs(Real(std::nextafter(d, 1e300)) - r);
}

cpp_rational decimal(const std::string& s) {
  const auto dot = s.find('.');
  if (dot == std::string::npos) return cpp_rational(cpp_int(s));
  const std::string digits = s.substr(0, dot) + s.substr(dot + 1);
  return cpp_rational(cpp_int(digits), boost::multiprecision::pow(
                                           cpp_int(10), static_cast<unsigned>(s.size() - dot - 1)));
}

// 10^-(digits - integer digits) / 2: half a unit in the last place of a positional string
cpp_rational half_unit(const std::string& s) {
  const auto dot = s.find('.');
  const unsigned frac = dot == std::string::npos ? 0 : static_cast<unsigned>(s.size() - dot - 1);
  return cpp_rational(1, 2 * boost::multiprecision::pow(cpp_int(10), frac));
}

cpp_bin_float_50 harmonic_ref(const cpp_bin_float_50& n) {  // H(n) = psi(n+1) + gamma
  return boost::math::digamma(n + 1) + boost::math::constants::euler<cpp_bin_float_50>();
}

}  // namespace

TEST_CASE("harmonic_value_is_correctly_rounded_for_every_n_up_to_200", "[harmonic]") {
  cpp_rational sum = 0, sum2 = 0;
  for (unsigned n = 1; n <= 200; ++n) {
    sum += cpp_rational(1, n);
    sum2 += cpp_rational(1, n * n);
    const h::Value v = h::value(h::BigInt(n));
    INFO("n = " << n);
    REQUIRE(v.correctly_rounded);
    REQUIRE(nearest_double(v.value, sum));
    REQUIRE(nearest_double(h::value(h::BigInt(n), 2).value, sum2));
  }
}

TEST_CASE("harmonic_value_digits_are_correctly_rounded_against_exact_fractions", "[harmonic]") {
  cpp_rational sum = 0;
  for (unsigned n = 1; n <= 200; ++n) {
    sum += cpp_rational(1, n);
    if (n % 7 != 3) continue;
    for (int digits : {5, 40, 100}) {
      const std::string s = h::value_digits(h::BigInt(n), 1, digits);
      INFO("n = " << n << ", digits = " << digits << ", got " << s);
      REQUIRE(abs(decimal(s) - sum) <= half_unit(s));
    }
  }
  REQUIRE(h::value_digits(h::BigInt(10), 1, 40) == "2.928968253968253968253968253968253968254");
  REQUIRE(h::value_digits(h::BigInt(2), 1, 1) == "2");    // 1.5 is a tie: to even
  REQUIRE(h::value_digits(h::BigInt(2), 2, 2) == "1.2");  // 1.25 is a tie: to even
}

TEST_CASE("harmonic_value_matches_50_digit_digamma_for_large_n", "[harmonic]") {
  for (const char* text :
       {"2001", "12345", "1000000", "123456789", "1e18", "10^50", "10^100", "10^300"}) {
    const h::BigInt n = h::parse_count(text, "n");
    const cpp_bin_float_50 ref = harmonic_ref(cpp_bin_float_50(n.str()));
    const h::Value v = h::value(n);
    INFO("n = " << text);
    REQUIRE(v.correctly_rounded);
    REQUIRE(nearest_double_f(v.value, ref));
    const std::string s = h::value_digits(n, 1, 40);
    // 40 significant digits agree with the 50-digit reference to half a unit (+ reference slack)
    REQUIRE(abs(cpp_bin_float_50(s) - ref) <=
            cpp_bin_float_50(half_unit(s).convert_to<cpp_bin_float_50>()) +
                cpp_bin_float_50("1e-45"));
  }
}

TEST_CASE("harmonic_value_asymptotic_agrees_with_direct_50_digit_sum_past_the_switch",
          "[harmonic]") {
  cpp_bin_float_50 ref = 0, ref3 = 0;
  const unsigned n = 4321;
  for (unsigned k = n; k >= 1; --k) {
    const cpp_bin_float_50 kk = k;
    ref += 1 / kk;
    ref3 += 1 / (kk * kk * kk);
  }
  REQUIRE(h::value(h::BigInt(n)).method == h::Method::asymptotic);
  REQUIRE(nearest_double_f(h::value(h::BigInt(n)).value, ref));
  REQUIRE(nearest_double_f(h::value(h::BigInt(n), 3).value, ref3));
  REQUIRE(abs(cpp_bin_float_50(h::value_digits(h::BigInt(n), 3, 45)) - ref3) <
          cpp_bin_float_50("1e-44"));
}

TEST_CASE("harmonic_value_order_two_matches_zeta_minus_trigamma", "[harmonic]") {
  const cpp_bin_float_50 z2 = boost::math::constants::pi<cpp_bin_float_50>() *
                              boost::math::constants::pi<cpp_bin_float_50>() / 6;
  for (const char* text : {"3000", "1e9", "1e40"}) {
    const h::BigInt n = h::parse_count(text, "n");
    const cpp_bin_float_50 ref = z2 - boost::math::trigamma(cpp_bin_float_50(n.str()) + 1);
    INFO("n = " << text);
    REQUIRE(nearest_double_f(h::value(n, 2).value, ref));
  }
}

TEST_CASE("harmonic_parse_count_accepts_integers_in_several_spellings", "[harmonic]") {
  REQUIRE(h::parse_count("123", "N") == 123);
  REQUIRE(h::parse_count(" 1e18 ", "N") == h::BigInt("1000000000000000000"));
  REQUIRE(h::parse_count("2.5e3", "N") == 2500);
  REQUIRE(h::parse_count("1E+2", "N") == 100);
  REQUIRE(h::parse_count("2^64", "N") == h::BigInt("18446744073709551616"));
  REQUIRE(h::parse_count("10^300", "N") == h::max_count());
  REQUIRE(h::parse_count("1000e-3", "N") == 1);
}

TEST_CASE("harmonic_parse_count_rejects_non_integers_non_positive_and_huge", "[harmonic]") {
  using Catch::Contains;
  REQUIRE_THROWS_WITH(h::parse_count("0", "N"), Contains("N: must be an integer >= 1, got 0"));
  REQUIRE_THROWS_WITH(h::parse_count("-5", "N"), Contains("N: must be an integer >= 1, got -5"));
  REQUIRE_THROWS_WITH(h::parse_count("2.5", "N"), Contains("got 2.5"));
  REQUIRE_THROWS_WITH(h::parse_count("1e-2", "N"), Contains("got 1e-2"));
  REQUIRE_THROWS_WITH(h::parse_count("1e301", "N"), Contains("must be <= 10^300"));
  REQUIRE_THROWS_WITH(h::parse_count("10^301", "N"), Contains("must be <= 10^300"));
  REQUIRE_THROWS_WITH(h::parse_count("abc", "N"), Contains("N: expected an integer >= 1"));
  REQUIRE_THROWS_AS(h::parse_count("", "N"), numkit::InputError);
  REQUIRE_THROWS_AS(h::parse_count("1e", "N"), numkit::InputError);
  REQUIRE_THROWS_AS(h::parse_count("nan", "N"), numkit::InputError);
  REQUIRE_THROWS_AS(h::parse_count("inf", "N"), numkit::InputError);
  REQUIRE_THROWS_AS(h::value(h::BigInt(10), 0), numkit::InputError);
  REQUIRE_THROWS_AS(h::value_digits(h::BigInt(10), 1, 101), numkit::InputError);
}
