// The fnuz fp8 formats (e4m3fnuz, e5m2fnuz: AMD/Graphcore) checked exhaustively against their
// definition: bias 2^(e-1) (one more than IEEE), no inf, no negative zero, 0x80 the only NaN, every
// other pattern finite; rounding to nearest, ties to even, against the sorted table of all values.
#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <random>
#include <vector>

#include "numkit/fp/format.hpp"
#include "numkit/fp/show.hpp"

using namespace numkit::fp;

namespace {

// The textbook value of a pattern: (-1)^s 2^(E - bias) (1 + M/2^m), subnormal 2^(1-bias) M/2^m.
double definition(unsigned bits, int ebits, int mbits) {
  if (bits == 0x80) return NAN;
  const int bias = 1 << (ebits - 1);
  const unsigned s = bits >> 7, e = (bits >> mbits) & ((1u << ebits) - 1),
                 m = bits & ((1u << mbits) - 1);
  const double frac = static_cast<double>(m) / (1 << mbits);
  const double v =
      e == 0 ? std::ldexp(frac, 1 - bias) : std::ldexp(1 + frac, static_cast<int>(e) - bias);
  return s ? -v : v;
}

struct Case {
  FormatId id;
  int ebits, mbits;
  double max;
};
const Case kCases[] = {{FormatId::e4m3fnuz, 4, 3, 240}, {FormatId::e5m2fnuz, 5, 2, 57344}};

}  // namespace

TEST_CASE("fnuz_formats_decode_every_pattern_as_defined", "[fp]") {
  for (const auto& c : kCases) {
    const Format& f = format(c.id);
    CHECK(f.max_finite == c.max);
    CHECK(f.bias == (1 << (c.ebits - 1)));
    CHECK(!f.has_infinity);
    CHECK(f.min_subnormal == std::ldexp(1.0, 1 - f.bias - c.mbits));
    for (unsigned b = 0; b < 256; ++b) {
      const double want = definition(b, c.ebits, c.mbits), got = decode(b, f);
      if (std::isnan(want)) {
        CHECK(std::isnan(got));
        continue;
      }
      CHECK(got == want);
      if (b == 0) CHECK(!std::signbit(got));
      // encode is the inverse, and -0 has no pattern: it encodes as +0
      CHECK(encode(got, f) == b);
    }
    CHECK(encode(-0.0, f) == 0);
    CHECK(encode(NAN, f) == 0x80);
    CHECK(std::isnan(decode(0x80, f)));
  }
}

TEST_CASE("fnuz_rounding_matches_the_nearest_even_table_value", "[fp]") {
  std::mt19937_64 rng(11);
  for (const auto& c : kCases) {
    const Format& f = format(c.id);
    std::vector<std::pair<double, unsigned>> table;
    for (unsigned b = 0; b < 256; ++b)
      if (b != 0x80) table.push_back({definition(b, c.ebits, c.mbits), b});
    std::sort(table.begin(), table.end());
    const double top = table.back().first;
    const double quantum_top = std::ldexp(1.0, static_cast<int>(std::ilogb(top)) - c.mbits);
    int bad = 0;
    for (int t = 0; t < 200000; ++t) {
      std::uniform_real_distribution<double> ue(std::log2(f.min_subnormal) - 3,
                                                std::log2(top) + 1.5);
      double x = std::exp2(ue(rng)) * (rng() & 1 ? -1 : 1);
      if (t % 5 == 0) {  // exact midpoints between table neighbours
        const std::size_t i = rng() % (table.size() - 1);
        x = (table[i].first + table[i + 1].first) / 2;
      }
      // reference: nearest table value, ties to the even pattern; beyond top + quantum/2 (or
      // exactly at it, the tie going to the would-be next odd... even value) overflow
      const double a = std::fabs(x);
      double want;
      if (a > top + quantum_top / 2 || (a == top + quantum_top / 2)) {
        want = NAN;  // no inf: overflow gives NaN (the top mantissa is odd, so the tie goes up)
      } else {
        auto it = std::lower_bound(table.begin(), table.end(), std::make_pair(x, 0u));
        double best = it != table.end() ? it->first : table.back().first;
        unsigned best_bits = it != table.end() ? it->second : table.back().second;
        if (it != table.begin()) {
          const auto p = std::prev(it);
          const double dp = std::fabs(x - p->first), dn = std::fabs(best - x);
          if (dp < dn || (dp == dn && (p->second & 1) == 0)) {
            best = p->first;
            best_bits = p->second;
          }
        }
        want = best == 0 ? 0.0 : best;
        (void)best_bits;
      }
      const double got = round_to(x, f);
      const bool ok =
          std::isnan(want) ? std::isnan(got) : (got == want && !std::signbit(got == 0 ? got : 1.0));
      if (!ok && bad++ < 5) FAIL_CHECK(f.name << ": " << x << " -> " << got << ", want " << want);
    }
    CHECK(bad == 0);
    CHECK(round_to(-1e-30, f) == 0);
    CHECK(!std::signbit(round_to(-1e-30, f)));
    CHECK(round_to(1e6, f, Overflow::saturate) == c.max);
    CHECK(next_up(-f.min_subnormal, f) == 0);
    CHECK(next_down(0.0, f) == -f.min_subnormal);
    CHECK(find_format(c.id == FormatId::e4m3fnuz ? "float8_e4m3fnuz" : "fp8-e5m2fnuz").id == c.id);
  }
}

TEST_CASE("fnuz_show_prints_no_negative_zero_and_nan_at_0x80", "[fp]") {
  const Format& f = format(FormatId::e4m3fnuz);
  const auto z = show_value("-1e-9", f, Overflow::infinity, "V");
  CHECK(z.hex == "0x00");
  CHECK(z.stored_exact == "0");
  CHECK(z.outcome == "underflowed to zero");
  CHECK(show_value("nan", f, Overflow::infinity, "V").hex == "0x80");
  CHECK(show_value("241", f, Overflow::infinity, "V").stored == 240);
  CHECK(show_value("248", f, Overflow::infinity, "V").outcome == "overflowed to nan");
  CHECK(show_value("248", f, Overflow::infinity, "V").hex == "0x80");
  CHECK(std::isnan(show_bits("0x80", f, "--bits").stored));
  CHECK(show_bits("0x7f", f, "--bits").stored == 240);
}
