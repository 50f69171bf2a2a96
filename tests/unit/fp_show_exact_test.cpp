// fp show against independent references: MPFR's correctly rounded decimal conversion (with the
// format's precision and exponent range emulated) and exact GMP rationals. Covers decimal texts of
// any length, huge exponents, hex floats and exact rationals A/B.
#include <gmp.h>
#include <mpfr.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <cmath>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "numkit/core/error.hpp"
#include "numkit/fp/show.hpp"

using namespace numkit::fp;

namespace {

// What MPFR makes of the text in format f (round to nearest even, subnormals emulated), and
// whether it was exact. The top of the range is unbounded: overflow is decided by comparing the
// rounded magnitude with the largest finite value, as the OCP and IEEE formats define it.
struct Reference {
  double rounded;  // unbounded above (may exceed max_finite); inf beyond the double range
  bool exact;
};

Reference mpfr_reference(const std::string& text, const Format& f) {
  const mpfr_exp_t old_emin = mpfr_get_emin(), old_emax = mpfr_get_emax();
  mpfr_set_emin(f.emin - f.mantissa_bits + 1);
  mpfr_set_emax(100000);
  mpfr_t x;
  mpfr_init2(x, f.mantissa_bits + 1);
  int t = mpfr_strtofr(x, text.c_str(), nullptr, 0, MPFR_RNDN);
  t = mpfr_subnormalize(x, t, MPFR_RNDN);
  const double d = mpfr_get_d(x, MPFR_RNDN);  // exact: at most 53 bits; inf beyond the double range
  mpfr_clear(x);
  mpfr_set_emin(old_emin);
  mpfr_set_emax(old_emax);
  return {d, t == 0};
}

// The exact rational of a plain decimal text (digits, point, optional exponent).
void decimal_mpq(const std::string& text, mpq_t q) {
  std::string s = text;
  long e = 0;
  if (const auto p = s.find_first_of("eE"); p != std::string::npos) {
    e = std::stol(s.substr(p + 1));
    s.resize(p);
  }
  bool neg = false;
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) {
    neg = s[0] == '-';
    s.erase(0, 1);
  }
  if (const auto dp = s.find('.'); dp != std::string::npos) {
    e -= static_cast<long>(s.size() - dp - 1);
    s.erase(dp, 1);
  }
  mpz_t n, p;
  mpz_init_set_str(n, s.c_str(), 10);
  mpz_init(p);
  mpz_ui_pow_ui(p, 10, static_cast<unsigned long>(std::labs(e)));
  if (e >= 0) {
    mpz_mul(n, n, p);
    mpz_set_ui(p, 1);
  }
  if (neg) mpz_neg(n, n);
  mpq_set_num(q, n);
  mpq_set_den(q, p);
  mpq_canonicalize(q);
  mpz_clear(n);
  mpz_clear(p);
}

double mpq_to_double(const mpq_t q) {
  mpfr_t x;
  mpfr_init2(x, 53);
  mpfr_set_q(x, q, MPFR_RNDN);
  const double d = mpfr_get_d(x, MPFR_RNDN);
  mpfr_clear(x);
  return d;
}

// stored - text and |stored - text| / |text|, exactly, each rounded once to double.
std::pair<double, double> exact_errors(double stored, const mpq_t x) {
  mpq_t s, e;
  mpq_init(s);
  mpq_init(e);
  mpq_set_d(s, stored);
  mpq_sub(e, s, x);
  const double abs_err = mpq_to_double(e);
  mpq_abs(e, e);
  mpq_t ax;
  mpq_init(ax);
  mpq_abs(ax, x);
  mpq_div(e, e, ax);
  const double rel = mpq_to_double(e);
  mpq_clear(s);
  mpq_clear(e);
  mpq_clear(ax);
  return {abs_err, rel};
}

// The exact decimal of the midpoint between lo and the next value above it in f (for fp64 it has
// 54 bits, so it is computed as a GMP rational). Always contains a '.'.
std::string midpoint_above(double lo, const Format& f) {
  mpq_t m, h;
  mpq_init(m);
  mpq_init(h);
  mpq_set_d(m, lo);
  mpq_set_d(h, ulp(lo, f));
  mpz_mul_ui(mpq_denref(h), mpq_denref(h), 2);
  mpq_canonicalize(h);
  mpq_add(m, m, h);
  // m = N / 2^k: N 5^k / 10^k
  const std::size_t k = mpz_sizeinbase(mpq_denref(m), 2) - 1;
  mpz_t n;
  mpz_init(n);
  mpz_ui_pow_ui(n, 5, k);
  mpz_mul(n, n, mpq_numref(m));
  char* c = mpz_get_str(nullptr, 10, n);
  std::string digits(c);
  void (*freefunc)(void*, size_t);
  mp_get_memory_functions(nullptr, nullptr, &freefunc);
  freefunc(c, std::strlen(c) + 1);
  mpz_clear(n);
  mpq_clear(m);
  mpq_clear(h);
  if (digits.size() <= k) digits.insert(0, k - digits.size() + 1, '0');
  digits.insert(digits.size() - k, ".");
  return digits;
}

const char* expected_outcome(const Reference& ref, const Format& f, bool zero_input) {
  if (std::fabs(ref.rounded) > f.max_finite)
    return f.has_infinity ? "overflowed" : "overflowed to nan";
  if (ref.rounded == 0 && !zero_input) return "underflowed to zero";
  if (!ref.exact && std::fabs(ref.rounded) < f.min_normal) return "became subnormal";
  return ref.exact ? "exact" : "rounded";
}

// Compares show_value with the references; returns a description of the first mismatch.
std::string check_text(const std::string& text, const Format& f, bool check_errors = true) {
  const ShowResult r = show_value(text, f, Overflow::infinity, "V");
  Reference ref = mpfr_reference(text, f);
  if (f.fnuz && ref.rounded == 0) ref.rounded = 0.0;  // no -0 in fnuz formats
  const bool overflow = std::fabs(ref.rounded) > f.max_finite;
  const bool zero_input = text.find_first_of("123456789") == std::string::npos ||
                          text.find_first_of("123456789") > text.find_first_of("eE");
  const std::string want = expected_outcome(ref, f, zero_input);
  if (r.outcome != want)
    return text.substr(0, 60) + " in " + std::string(f.name) + ": outcome " + r.outcome +
           ", want " + want;
  if (!overflow &&
      !(r.stored == ref.rounded && std::signbit(r.stored) == std::signbit(ref.rounded)))
    return text.substr(0, 60) + " in " + std::string(f.name) + ": stored " +
           std::to_string(r.stored);
  if (check_errors && r.has_error) {
    mpq_t x;
    mpq_init(x);
    decimal_mpq(text, x);
    const auto [abs_err, rel] = exact_errors(r.stored, x);
    mpq_clear(x);
    if (!(r.abs_error == abs_err))
      return text.substr(0, 60) + ": abs_error " + std::to_string(r.abs_error);
    if (!(r.rel_error == rel))
      return text.substr(0, 60) + ": rel_error " + std::to_string(r.rel_error);
  }
  return "";
}

}  // namespace

TEST_CASE("show_rounds_a_tiny_decimal_to_zero_and_says_it_underflowed", "[fp]") {
  for (const auto& f : all_formats()) {
    const auto r = show_value("1e-10000", f, Overflow::infinity, "V");
    CHECK(r.outcome == "underflowed to zero");
    CHECK(r.stored == 0);
    CHECK(r.rel_error == 1);
    const auto n = show_value("-1e-1000000000", f, Overflow::infinity, "V");
    CHECK(n.outcome == "underflowed to zero");
    CHECK(std::signbit(n.stored) == !f.fnuz);  // fnuz formats have no -0
  }
  CHECK(show_value("0e-1000000000", format(FormatId::fp16), Overflow::infinity, "V").outcome ==
        "exact");
}

TEST_CASE("show_decides_huge_exponents_from_the_magnitude_without_building_them", "[fp]") {
  const auto t0 = std::chrono::steady_clock::now();
  for (const auto& f : all_formats()) {
    CHECK(show_value("1e1000000000", f, Overflow::infinity, "V").outcome ==
          std::string(f.has_infinity ? "overflowed" : "overflowed to nan"));
    CHECK(show_value("-9e999999999999999999999", f, Overflow::saturate, "V").stored ==
          -f.max_finite);
    CHECK(show_value("0x1p-99999999999", f, Overflow::infinity, "V").outcome ==
          "underflowed to zero");
    CHECK(show_value("0x1p99999999999", f, Overflow::infinity, "V").outcome ==
          std::string(f.has_infinity ? "overflowed" : "overflowed to nan"));
    // the digit count and the exponent cancel
    CHECK(show_value("1000000e-6", f, Overflow::infinity, "V").stored == 1);
    CHECK(show_value("0.000001e6", f, Overflow::infinity, "V").stored == 1);
  }
  CHECK(std::chrono::steady_clock::now() - t0 < std::chrono::seconds(2));
}

TEST_CASE("show_is_not_fooled_by_5000_zeros_before_the_last_digit", "[fp]") {
  const std::string zeros(5000, '0');
  for (const auto& f : all_formats()) {
    const auto r = show_value("1." + zeros + "1", f, Overflow::infinity, "V");
    CHECK(r.outcome == "rounded");
    CHECK(r.stored == 1);
    CHECK(r.abs_error == 0);  // -1e-5001 rounds to -0 as a double
    CHECK(std::signbit(r.abs_error));
  }
  // the fp16 tie 1 + 2^-11 goes to even (1) unless a digit 5000 places on says it is above
  const Format& h = format(FormatId::fp16);
  CHECK(show_value("1.00048828125" + zeros, h, Overflow::infinity, "V").stored == 1);
  CHECK(show_value("1.00048828125" + zeros, h, Overflow::infinity, "V").outcome == "rounded");
  CHECK(show_value("1.00048828125" + zeros + "1", h, Overflow::infinity, "V").stored ==
        1.0009765625);
  CHECK(show_value("1.00048828124" + std::string(5000, '9'), h, Overflow::infinity, "V").stored ==
        1);
  CHECK(check_text("1.00048828125" + zeros + "1", h) == "");
  CHECK(check_text("0.1" + zeros + "1", format(FormatId::fp64)) == "");
}

TEST_CASE("show_stores_65504_for_65519_999999999999_in_fp16_and_calls_it_rounded", "[fp]") {
  const Format& h = format(FormatId::fp16);
  for (const std::string& t :
       std::vector<std::string>{"65519.999999999999", "65519.99999999999999999999999999999999",
                                "65519." + std::string(3000, '9')}) {
    const auto r = show_value(t, h, Overflow::infinity, "V");
    CHECK(r.stored == 65504);
    CHECK(r.outcome == "rounded");
    CHECK(check_text(t, h) == "");
  }
  CHECK(show_value("65520", h, Overflow::infinity, "V").outcome == "overflowed");
  CHECK(show_value("65520." + std::string(3000, '0') + "1", h, Overflow::infinity, "V").outcome ==
        "overflowed");
}

TEST_CASE("show_matches_mpfr_for_long_and_short_decimals_in_every_format", "[fp]") {
  std::mt19937_64 rng(15);
  int failures = 0;
  for (const auto& f : all_formats()) {
    for (int t = 0; t < 400; ++t) {
      std::string text;
      const int kind = t % 4;
      if (kind == 0 || kind == 1) {
        // a midpoint between neighbours (or the overflow threshold), then a long tail
        const std::uint64_t b = rng() % ((f.bit_mask() >> 1) + 1);
        const double lo = decode(b, f);
        if (!std::isfinite(lo) || lo >= f.max_finite) continue;
        text = midpoint_above(lo, f);
        const int zeros = static_cast<int>(rng() % 3000);
        if (kind == 1) text += std::string(static_cast<std::size_t>(zeros), '0') + "1";
        if (kind == 0 && t % 8 == 0) {  // just below: replace the last digit by digit - 1, then 9s
          std::size_t last = text.find_last_of("123456789");
          text[last] = static_cast<char>(text[last] - 1);
          text += std::string(static_cast<std::size_t>(zeros), '9');
        }
      } else {
        const int n =
            kind == 2 ? 1 + static_cast<int>(rng() % 30) : 1000 + static_cast<int>(rng() % 4000);
        std::string digits;
        for (int i = 0; i < n; ++i) digits.push_back(static_cast<char>('0' + rng() % 10));
        if (digits[0] == '0') digits[0] = '7';
        const int span = f.emax - f.emin + f.mantissa_bits + 20;
        const int e2 =
            f.emin - f.mantissa_bits - 5 + static_cast<int>(rng() % static_cast<unsigned>(span));
        const int e10 = static_cast<int>(std::floor(e2 * 0.30103));
        text = digits.substr(0, 1) + "." + digits.substr(1) + "e" + std::to_string(e10);
      }
      if (rng() % 2) text = "-" + text;
      const std::string why = check_text(text, f);
      if (!why.empty() && failures++ < 8) FAIL_CHECK(why);
    }
  }
  CHECK(failures == 0);
}

TEST_CASE("show_rounds_exact_rationals_from_the_rational_not_via_a_double", "[fp]") {
  const Format& h = format(FormatId::fp16);
  const auto third = show_value("1/3", h, Overflow::infinity, "V");
  CHECK(third.stored == 0.333251953125);
  CHECK(third.outcome == "rounded");
  // |0.333251953125 - 1/3| = 1/12288 exactly
  CHECK(third.abs_error == -1.0 / 12288);
  CHECK(third.rel_error == 1.0 / 4096);
  const auto s = show_value("-7/10", format(FormatId::bf16), Overflow::infinity, "V");
  CHECK(s.stored == -0.69921875);
  CHECK(show_value("6/4", h, Overflow::infinity, "V").outcome == "exact");
  CHECK(show_value("1/65536", h, Overflow::infinity, "V").outcome == "exact");  // 2^-16
  CHECK(show_value("1/100000", h, Overflow::infinity, "V").outcome == "became subnormal");
  CHECK(show_value("131040/2", h, Overflow::infinity, "V").outcome == "overflowed");
  CHECK(show_value("1e1000000000/1e999999999", h, Overflow::infinity, "V").stored == 10);
  CHECK(show_value("1/1e1000000000", h, Overflow::infinity, "V").outcome == "underflowed to zero");
  // a rational whose nearest double is a tie of fp16 but which itself lies above it:
  // (2^11 + 1 + 2^-40) / 2^11 = 1 + 2^-11 + 2^-51
  CHECK(show_value("2251799813685249/2251799813685248", h, Overflow::infinity, "V").stored ==
        1.0009765625 - 0.0009765625);
  CHECK(show_value("9007199254740993/9007199254740992", format(FormatId::fp64), Overflow::infinity,
                   "V")
            .outcome == "rounded");
  CHECK_THROWS_WITH(show_value("1/0", h, Overflow::infinity, "V"),
                    Catch::Contains("V: division by zero"));
  CHECK_THROWS_AS(show_value("1/x", h, Overflow::infinity, "V"), numkit::InputError);
  CHECK_THROWS_AS(show_value("0x1/3", h, Overflow::infinity, "V"), numkit::InputError);
}

TEST_CASE("show_matches_exact_rationals_for_random_fractions", "[fp]") {
  std::mt19937_64 rng(3);
  int failures = 0;
  for (const auto& f : all_formats()) {
    for (int t = 0; t < 300; ++t) {
      const std::uint64_t a = rng() % 1000000000 + 1, b = rng() % 1000000000 + 1;
      const int sh = static_cast<int>(rng() % 40) - 20;
      const std::string txt =
          sh >= 0 ? std::to_string(a) + "/" + std::to_string(b)
                  : std::to_string(a) + "/" + std::to_string(b) + "e" + std::to_string(-sh);
      const auto r = show_value(txt, f, Overflow::infinity, "V");
      // reference: MPFR division of the exact integers in the format's precision
      mpq_t q;
      mpq_init(q);
      mpq_set_ui(q, a, b);
      mpq_canonicalize(q);
      if (sh < 0) {
        mpz_t p;
        mpz_init(p);
        mpz_ui_pow_ui(p, 10, static_cast<unsigned long>(-sh));
        mpz_mul(mpq_denref(q), mpq_denref(q), p);
        mpq_canonicalize(q);
        mpz_clear(p);
      }
      const mpfr_exp_t old_emin = mpfr_get_emin();
      mpfr_set_emin(f.emin - f.mantissa_bits + 1);
      mpfr_t x;
      mpfr_init2(x, f.mantissa_bits + 1);
      int tern = mpfr_set_q(x, q, MPFR_RNDN);
      tern = mpfr_subnormalize(x, tern, MPFR_RNDN);
      const double want = mpfr_get_d(x, MPFR_RNDN);
      mpfr_clear(x);
      mpfr_set_emin(old_emin);
      bool ok = want > f.max_finite ? r.outcome.find("overflow") == 0 : r.stored == want;
      if (ok && r.has_error) {
        const auto [ae, re] = exact_errors(r.stored, q);
        ok = r.abs_error == ae && r.rel_error == re;
      }
      mpq_clear(q);
      if (!ok && failures++ < 5) FAIL_CHECK(txt << " in " << f.name << " -> " << r.stored);
    }
  }
  CHECK(failures == 0);
}

TEST_CASE("show_reads_long_hex_floats_exactly", "[fp]") {
  const Format& h = format(FormatId::fp16);
  // 1 + 2^-11 (an fp16 tie) + 2^-4000: rounds up, though the nearest double is the tie
  const std::string tail(997, '0');
  const auto r = show_value("0x1.002" + tail + "1p0", h, Overflow::infinity, "V");
  CHECK(r.stored == 1.0009765625);
  CHECK(show_value("0x1.002" + tail + "0p0", h, Overflow::infinity, "V").stored == 1);
  CHECK(show_value("0x1.002" + tail + tail + "1p0", h, Overflow::infinity, "V").stored ==
        1.0009765625);
  CHECK(show_value("0x1.8p-3", h, Overflow::infinity, "V").outcome == "exact");
  CHECK(show_value("-0x1.ffcp15", h, Overflow::infinity, "V").stored == -65504);
}
