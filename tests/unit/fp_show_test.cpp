#include <boost/multiprecision/cpp_int.hpp>
#include <catch2/catch.hpp>
#include <cmath>
#include <random>
#include <string>

#include "numkit/core/error.hpp"
#include "numkit/fp/show.hpp"

using namespace numkit::fp;

TEST_CASE("show_0.1_in_fp16_gives_exact_stored_value_and_exact_error", "[fp]") {
  const auto r = show_value("0.1", format(FormatId::fp16), Overflow::infinity, "VALUE");
  CHECK(r.hex == "0x2e66");
  CHECK(r.sign_field == "0");
  CHECK(r.exponent_field == "01011");
  CHECK(r.mantissa_field == "1001100110");
  CHECK(r.stored_exact == "0.0999755859375");
  CHECK(r.abs_error == -2.44140625e-05);  // exactly 0.0999755859375 - 0.1
  CHECK(r.rel_error == Approx(2.44140625e-04).epsilon(1e-15));
  CHECK(r.outcome == "rounded");
  CHECK(r.below == 0.09991455078125);
  CHECK(r.above == 0.10003662109375);
}

TEST_CASE("show_rounds_decimal_text_once_even_when_the_nearest_double_is_a_tie", "[fp]") {
  // 1 + 2^-11 + 10^-30: the nearest double is the fp16 tie 1 + 2^-11 (which rounds to 1); the text
  // rounds up.
  const auto r = show_value("1.000488281250000000000000000001", format(FormatId::fp16),
                            Overflow::infinity, "VALUE");
  CHECK(r.stored == 1.0009765625);
  const auto t = show_value("1.00048828125", format(FormatId::fp16), Overflow::infinity, "VALUE");
  CHECK(t.stored == 1.0);
  const auto b = show_value("1.000488281249999999999999999999", format(FormatId::fp16),
                            Overflow::infinity, "VALUE");
  CHECK(b.stored == 1.0);
}

TEST_CASE("show_classifies_overflow_underflow_and_subnormal_outcomes", "[fp]") {
  const Format& h = format(FormatId::fp16);
  CHECK(show_value("65520", h, Overflow::infinity, "V").outcome == "overflowed");
  CHECK(show_value("65520", h, Overflow::saturate, "V").outcome == "saturated");
  CHECK(show_value("65504", h, Overflow::infinity, "V").outcome == "exact");
  CHECK(show_value("1e-8", h, Overflow::infinity, "V").outcome == "underflowed to zero");
  CHECK(show_value("1e-6", h, Overflow::infinity, "V").outcome == "became subnormal");
  CHECK(show_value("0x1.8p-3", h, Overflow::infinity, "V").outcome == "exact");
  CHECK(show_value("500", format(FormatId::e4m3), Overflow::infinity, "V").outcome ==
        "overflowed to nan");
  CHECK(show_value("-0", h, Overflow::infinity, "V").hex == "0x8000");
}

TEST_CASE("show_bits_decodes_patterns_and_rejects_oversized_ones", "[fp]") {
  const auto r = show_bits("0x3c00", format(FormatId::fp16), "--bits");
  CHECK(r.stored == 1.0);
  CHECK(show_bits("0x7e", format(FormatId::e4m3), "--bits").stored == 448);
  CHECK(std::isnan(show_bits("0x7f", format(FormatId::e4m3), "--bits").stored));
  CHECK(show_bits("0b0000000000000001", format(FormatId::fp16), "--bits").stored_exact ==
        "0.000000059604644775390625");
  CHECK_THROWS_WITH(show_bits("0x10000", format(FormatId::fp16), "--bits"),
                    Catch::Contains("does not fit in 16 bits"));
  CHECK_THROWS_AS(show_bits("0xzz", format(FormatId::fp16), "--bits"), numkit::InputError);
}

TEST_CASE("exact_decimal_expands_binary_fractions_completely", "[fp]") {
  CHECK(exact_decimal(0.1) == "0.1000000000000000055511151231257827021181583404541015625");
  CHECK(exact_decimal(65504.0) == "65504");
  CHECK(exact_decimal(-0.375) == "-0.375");
}

TEST_CASE("show_calls_a_decimal_beyond_the_double_range_an_overflow_not_an_inf_input", "[fp]") {
  CHECK(show_value("1e400", format(FormatId::fp16), Overflow::infinity, "V").outcome ==
        "overflowed");
  CHECK(show_value("-inf", format(FormatId::fp16), Overflow::infinity, "V").outcome == "inf");
}

TEST_CASE("show_in_fp64_is_the_correctly_rounded_double_of_the_text", "[fp]") {
  const auto r = show_value("0.1", format(FormatId::fp64), Overflow::infinity, "V");
  CHECK(r.stored == 0.1);
  CHECK(r.hex == "0x3fb999999999999a");
  CHECK(r.abs_error == Approx(5.551115123125783e-18).epsilon(1e-12));
  CHECK(show_value("0.1", format(FormatId::fp32), Overflow::infinity, "V").stored ==
        static_cast<double>(0.1f));
}

namespace {
using boost::multiprecision::cpp_int;
using boost::multiprecision::cpp_rational;

cpp_rational decimal_rational(const std::string& text) {
  std::string s = text;
  long long ex = 0;
  if (const auto ep = s.find('e'); ep != std::string::npos) {
    ex = std::stoll(s.substr(ep + 1));
    s = s.substr(0, ep);
  }
  const auto dp = s.find('.');
  std::string digits = s.substr(0, dp) + (dp == std::string::npos ? "" : s.substr(dp + 1));
  if (dp != std::string::npos) ex -= static_cast<long long>(s.size() - dp - 1);
  const auto nz = digits.find_first_not_of('0');
  const cpp_int m(nz == std::string::npos ? std::string("0") : digits.substr(nz));
  const cpp_int p = boost::multiprecision::pow(cpp_int(10), static_cast<unsigned>(std::llabs(ex)));
  return ex < 0 ? cpp_rational(m, p) : cpp_rational(m * p);
}
}  // namespace

TEST_CASE("show_picks_the_nearest_value_to_random_decimal_texts_in_exact_arithmetic", "[fp]") {
  std::mt19937_64 rng(9);
  int bad = 0;
  for (auto id : {FormatId::fp16, FormatId::bf16, FormatId::e4m3, FormatId::fp32}) {
    const Format& f = format(id);
    for (int t = 0; t < 3000; ++t) {
      std::string text;
      if (t % 3 == 0) {  // an exact midpoint between neighbours, or just above it
        const double lo = decode(rng() % (f.bit_mask() >> 1), f), hi = next_up(lo, f);
        if (!std::isfinite(lo) || !std::isfinite(hi)) continue;
        text = exact_decimal((lo + hi) / 2);
        if (text.find('.') == std::string::npos) text += ".";
        if (t % 2) text += "0000000000000000000000001";
      } else {
        std::string digits;
        for (int i = 0, n = 1 + static_cast<int>(rng() % 25); i < n; ++i)
          digits.push_back(static_cast<char>('0' + rng() % 10));
        if (digits[0] == '0') digits[0] = '1';
        const int e =
            f.emax > 100 ? static_cast<int>(rng() % 80) - 50 : static_cast<int>(rng() % 20) - 12;
        text = digits.substr(0, 1) + "." + digits.substr(1) + "e" + std::to_string(e);
      }
      const auto r = show_value(text, f, Overflow::infinity, "V");
      if (!std::isfinite(r.stored)) continue;
      const cpp_rational q = decimal_rational(text);
      const cpp_rational d0 = abs(q - cpp_rational(r.stored));
      for (double c : {next_up(r.stored, f), next_down(r.stored, f)}) {
        if (!std::isfinite(c)) continue;
        const cpp_rational dc = abs(q - cpp_rational(c));
        if ((dc < d0 || (dc == d0 && (encode(r.stored, f) & 1))) && bad++ < 5)
          FAIL_CHECK(f.name << ": " << text << " -> " << r.stored);
      }
    }
  }
  CHECK(bad == 0);
}
