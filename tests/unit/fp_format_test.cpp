// Conversions to every format checked bit for bit against an independent reference: the sorted
// table of all representable values (decoded by the textbook formula) and an explicit
// nearest/ties-to-even choice.
#include <Eigen/Core>
#include <algorithm>
#include <bit>
#include <catch2/catch.hpp>
#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <vector>

#include "numkit/core/error.hpp"
#include "numkit/fp/format.hpp"

using namespace numkit::fp;

namespace {

#if defined(__SANITIZE_ADDRESS__) || !defined(__OPTIMIZE__)
constexpr std::size_t kRandomInputs =
    1'000'000;  // sanitizer / unoptimized builds: keep the test fast
#else
constexpr std::size_t kRandomInputs = 10'000'000;
#endif

// Textbook value of a bit pattern, written independently of the library.
double ref_decode(std::uint64_t b, int ebits, int mbits, bool ieee_specials) {
  const int bias = (1 << (ebits - 1)) - 1;
  const bool neg = (b >> (ebits + mbits)) & 1;
  const std::uint64_t e = (b >> mbits) & ((1u << ebits) - 1);
  const std::uint64_t m = b & ((std::uint64_t{1} << mbits) - 1);
  double v;
  if (e == (1u << ebits) - 1 && ieee_specials)
    v = m == 0 ? INFINITY : NAN;
  else if (e == (1u << ebits) - 1 && !ieee_specials && m == (std::uint64_t{1} << mbits) - 1)
    v = NAN;
  else if (e == 0)
    v = std::ldexp(static_cast<double>(m), 1 - bias - mbits);
  else
    v = std::ldexp(1.0 + std::ldexp(static_cast<double>(m), -mbits), static_cast<int>(e) - bias);
  return neg ? -v : v;
}

struct Reference {
  int ebits, mbits;
  bool ieee;
  std::vector<double>
      values;  // all finite non-negative values, ascending, plus one virtual value above
  std::vector<std::uint64_t> codes;  // their patterns (the virtual one: the pattern it would have)
  double max_finite;

  Reference(int e, int m, bool ieee_specials) : ebits(e), mbits(m), ieee(ieee_specials) {
    const std::uint64_t n = std::uint64_t{1} << (e + m);  // non-negative patterns
    for (std::uint64_t b = 0; b < n; ++b) {
      const double v = ref_decode(b, e, m, ieee);
      if (std::isfinite(v)) {
        values.push_back(v);
        codes.push_back(b);
      }
    }
    max_finite = values.back();
    // The next value of the grid above the largest finite one (exponent unbounded): overflow if
    // chosen.
    const std::uint64_t next_code = codes.back() + 1;
    const int bias = (1 << (e - 1)) - 1;
    const double ulp_top = std::ldexp(1.0, static_cast<int>(codes.back() >> m) - bias - m);
    values.push_back(max_finite + ulp_top);
    codes.push_back(next_code);
  }

  // Nearest, ties to even pattern; returns the double value (inf/NaN/max on overflow per mode).
  double round(double x, Overflow mode) const {
    if (std::isnan(x)) return x;
    const double a = std::fabs(x);
    double r;
    if (std::isinf(a) || a > values.back()) {
      r = INFINITY;
    } else {
      const auto it = std::lower_bound(values.begin(), values.end(), a);
      const std::size_t hi = static_cast<std::size_t>(it - values.begin());
      if (values[hi] == a) {
        r = a;
      } else {
        const std::size_t lo = hi - 1;
        const double twice = 2 * a, mid2 = values[lo] + values[hi];  // both exact
        std::size_t pick;
        if (twice < mid2)
          pick = lo;
        else if (twice > mid2)
          pick = hi;
        else
          pick = (codes[lo] & 1) == 0 ? lo : hi;
        r = values[pick];
      }
      if (r > max_finite) r = INFINITY;
    }
    if (std::isinf(r)) {
      if (mode == Overflow::saturate)
        r = max_finite;
      else if (!ieee)
        r = NAN;
    }
    return std::copysign(r, x);
  }
};

bool same(double a, double b) {
  if (std::isnan(a) || std::isnan(b))
    return std::isnan(a) && std::isnan(b) && std::signbit(a) == std::signbit(b);
  return a == b && std::signbit(a) == std::signbit(b);
}

std::vector<float> random_floats(std::size_t n, const Reference& ref, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<float> xs(n);
  const double lo_exp = std::log2(ref.values[1]) - 3, hi_exp = std::log2(ref.max_finite) + 2;
  std::uniform_real_distribution<double> ue(lo_exp, hi_exp);
  for (std::size_t i = 0; i < n; ++i) {
    const std::uint64_t r = rng();
    if (i % 4 == 0) {
      xs[i] = std::bit_cast<float>(
          static_cast<std::uint32_t>(r));  // any pattern, incl. NaN, inf, subnormals
    } else {
      // log-uniform magnitude over the format's range, random low bits so ties and near-ties occur
      // too
      float v = static_cast<float>(std::exp2(ue(rng)));
      std::uint32_t u = std::bit_cast<std::uint32_t>(v);
      if (i % 4 == 2)
        u &= ~((std::uint32_t{1} << (23 - ref.mbits - 1)) - 1);  // exactly representable or a tie
      if (r & 1) u |= 0x80000000u;
      xs[i] = std::bit_cast<float>(u);
    }
  }
  return xs;
}

void check_random(const Format& f, const Reference& ref, std::size_t n, Overflow mode) {
  const auto xs = random_floats(n, ref, 12345 + static_cast<int>(f.id));
  std::vector<float> batch(xs.size());
  round_array(xs, batch, f, mode);
  std::size_t bad_scalar = 0, bad_double = 0, bad_batch = 0, bad_encode = 0;
  for (std::size_t i = 0; i < xs.size(); ++i) {
    const double want = ref.round(xs[i], mode);
    if (!same(round_to(xs[i], f, mode), want) && bad_scalar++ < 3)
      FAIL_CHECK(f.name << " float path: x=" << xs[i] << " got " << round_to(xs[i], f, mode)
                        << " want " << want);
    if (!same(round_to(static_cast<double>(xs[i]), f, mode), want) && bad_double++ < 3)
      FAIL_CHECK(f.name << " double path: x=" << xs[i] << " want " << want);
    if (!same(batch[i], want) && bad_batch++ < 3)
      FAIL_CHECK(f.name << " batch path: x=" << xs[i] << " got " << batch[i] << " want " << want);
    if (i % 16 == 0 && !std::isnan(want) && !same(decode(encode(xs[i], f, mode), f), want) &&
        bad_encode++ < 3)
      FAIL_CHECK(f.name << " encode/decode: x=" << xs[i]);
  }
  CHECK(bad_scalar == 0);
  CHECK(bad_double == 0);
  CHECK(bad_batch == 0);
  CHECK(bad_encode == 0);
}

// Every midpoint between neighbours (a tie), the floats just around it, and the values themselves.
void check_boundaries(const Format& f, const Reference& ref, Overflow mode) {
  std::size_t bad = 0;
  auto check = [&](double x) {
    for (double s : {x, -x}) {
      const double want = ref.round(s, mode);
      if (!same(round_to(s, f, mode), want) && bad++ < 5)
        FAIL_CHECK(f.name << " boundary x=" << s << " got " << round_to(s, f, mode) << " want "
                          << want);
      const float sf = static_cast<float>(s);
      if (static_cast<double>(sf) == s) {
        float out[1];
        round_array(std::span<const float>(&sf, 1), out, f, mode);
        if (!same(out[0], want) && bad++ < 5) FAIL_CHECK(f.name << " boundary batch x=" << s);
        if (!same(round_to(sf, f, mode), want) && bad++ < 5)
          FAIL_CHECK(f.name << " boundary float x=" << s);
      }
    }
  };
  for (std::size_t i = 0; i + 1 < ref.values.size(); ++i) {
    const double lo = ref.values[i], hi = ref.values[i + 1], mid = (lo + hi) / 2;
    check(lo);
    check(mid);
    check(std::nextafter(mid, 0.0));
    check(std::nextafter(mid, INFINITY));
    check(static_cast<double>(std::nextafter(static_cast<float>(mid), 0.0f)));
    check(static_cast<double>(std::nextafter(static_cast<float>(mid), INFINITY)));
  }
  check(ref.values.back());
  check(ref.values.back() * 2);
  check(0.0);
  check(INFINITY);
  check(std::numeric_limits<double>::denorm_min());
  CHECK(bad == 0);
}

}  // namespace

TEST_CASE("fp16_all_65536_patterns_round_trip", "[fp]") {
  const Format& f = format(FormatId::fp16);
  for (std::uint32_t b = 0; b < 65536; ++b) {
    const double v = decode(b, f);
    CHECK(same(v, ref_decode(b, 5, 10, true)));
    const std::uint64_t back = encode(v, f);
    const Eigen::half h = Eigen::numext::bit_cast<Eigen::half>(static_cast<std::uint16_t>(b));
    const float hf = static_cast<float>(h);
    const auto eig = Eigen::numext::bit_cast<std::uint16_t>(Eigen::half(hf));
    float batch_out[1];
    round_array(std::span<const float>(&hf, 1), batch_out, f);
    if (std::isnan(v)) {
      // NaN: the payload survives and the result is quiet (F16C and IEEE 754 quieting rule)
      CHECK(back == (b | 0x0200u));
      CHECK((eig & 0x7FFFu) >
            0x7C00u);  // Eigen::half keeps NaN a NaN (it may canonicalize the payload)
      CHECK((eig & 0x8000u) == (b & 0x8000u));
      CHECK(std::isnan(batch_out[0]));
    } else {
      CHECK(back == b);
      CHECK(eig == b);
      CHECK(same(batch_out[0], v));
      CHECK(static_cast<double>(hf) == v);
    }
  }
}

TEST_CASE("bf16_all_65536_patterns_round_trip", "[fp]") {
  const Format& f = format(FormatId::bf16);
  for (std::uint32_t b = 0; b < 65536; ++b) {
    const double v = decode(b, f);
    CHECK(same(v, ref_decode(b, 8, 7, true)));
    const std::uint64_t back = encode(v, f);
    const float vf = std::bit_cast<float>(b << 16);
    const auto eig = Eigen::numext::bit_cast<std::uint16_t>(Eigen::bfloat16(vf));
    float batch_out[1];
    round_array(std::span<const float>(&vf, 1), batch_out, f);
    if (std::isnan(v)) {
      CHECK(back == (b | 0x0040u));
      CHECK((eig & 0x7FFFu) > 0x7F80u);  // Eigen canonicalizes NaN payloads
      CHECK(std::bit_cast<std::uint32_t>(batch_out[0]) == ((b | 0x0040u) << 16));
    } else {
      CHECK(back == b);
      CHECK(eig == b);
      CHECK(std::bit_cast<std::uint32_t>(batch_out[0]) == (b << 16));
    }
  }
}

TEST_CASE("fp8_tables_match_ocp_spec_exhaustively", "[fp]") {
  const Format& e4 = format(FormatId::e4m3);
  const Format& e5 = format(FormatId::e5m2);
  for (std::uint32_t b = 0; b < 256; ++b) {
    CHECK(same(decode(b, e4), ref_decode(b, 4, 3, false)));
    CHECK(same(decode(b, e5), ref_decode(b, 5, 2, true)));
    if (!std::isnan(decode(b, e4))) CHECK(encode(decode(b, e4), e4) == b);
    if (!std::isnan(decode(b, e5))) CHECK(encode(decode(b, e5), e5) == b);
  }
  // OCP FP8 spec v1.0, table 1
  CHECK(e4.max_finite == 448);
  CHECK(e4.min_normal == std::ldexp(1.0, -6));
  CHECK(e4.min_subnormal == std::ldexp(1.0, -9));
  CHECK(std::isnan(decode(0x7F, e4)));
  CHECK(std::isnan(decode(0xFF, e4)));
  CHECK(decode(0x7E, e4) == 448);
  CHECK(decode(0x78, e4) == 256);  // exponent 1111 is a normal binade in e4m3fn
  CHECK(e5.max_finite == 57344);
  CHECK(e5.min_normal == std::ldexp(1.0, -14));
  CHECK(e5.min_subnormal == std::ldexp(1.0, -16));
  CHECK(decode(0x7C, e5) == INFINITY);
  CHECK(std::isnan(decode(0x7D, e5)));
  // overflow handling
  CHECK(round_to(464.0, e4) == 448);  // tie between 448 and the (unrepresentable) 480: even wins
  CHECK(std::isnan(round_to(465.0, e4)));
  CHECK(round_to(465.0, e4, Overflow::saturate) == 448);
  CHECK(round_to(-1e9, e4, Overflow::saturate) == -448);
  CHECK(std::isnan(round_to(INFINITY, e4)));
  CHECK(round_to(-INFINITY, e4, Overflow::saturate) == -448);
  CHECK(encode(NAN, e4) == 0x7F);
  CHECK(round_to(61440.0, e5) ==
        INFINITY);  // tie between 57344 and 65536 -> odd/even: 65536 even -> overflow
  CHECK(round_to(61439.0, e5) == 57344);
  CHECK(round_to(1e6, e5, Overflow::saturate) == 57344);
}

TEST_CASE("conversions_from_fp32_match_reference_rounding_for_random_inputs", "[fp]") {
  const Reference r16(5, 10, true), rbf(8, 7, true), rtf(8, 10, true), re5(5, 2, true),
      re4(4, 3, false);
  check_random(format(FormatId::fp16), r16, kRandomInputs, Overflow::infinity);
  check_random(format(FormatId::fp16), r16, kRandomInputs / 10, Overflow::saturate);
  check_random(format(FormatId::bf16), rbf, kRandomInputs / 5, Overflow::infinity);
  check_random(format(FormatId::tf32), rtf, kRandomInputs / 5, Overflow::infinity);
  check_random(format(FormatId::e5m2), re5, kRandomInputs / 10, Overflow::infinity);
  check_random(format(FormatId::e4m3), re4, kRandomInputs / 10, Overflow::infinity);
  check_random(format(FormatId::e4m3), re4, kRandomInputs / 10, Overflow::saturate);
  check_random(format(FormatId::e5m2), re5, kRandomInputs / 10, Overflow::saturate);
}

TEST_CASE("conversions_match_reference_at_every_tie_subnormal_and_overflow_edge", "[fp]") {
  check_boundaries(format(FormatId::fp16), Reference(5, 10, true), Overflow::infinity);
  check_boundaries(format(FormatId::fp16), Reference(5, 10, true), Overflow::saturate);
  check_boundaries(format(FormatId::bf16), Reference(8, 7, true), Overflow::infinity);
  check_boundaries(format(FormatId::e5m2), Reference(5, 2, true), Overflow::infinity);
  check_boundaries(format(FormatId::e4m3), Reference(4, 3, false), Overflow::infinity);
  check_boundaries(format(FormatId::e4m3), Reference(4, 3, false), Overflow::saturate);
#if defined(__OPTIMIZE__) && !defined(__SANITIZE_ADDRESS__)
  check_boundaries(format(FormatId::tf32), Reference(8, 10, true), Overflow::infinity);
#endif
}

TEST_CASE("fp16_overflow_edge_follows_round_to_nearest_even", "[fp]") {
  const Format& f = format(FormatId::fp16);
  CHECK(round_to(65504.0, f) == 65504);
  CHECK(round_to(65519.99, f) == 65504);
  CHECK(round_to(65520.0, f) == INFINITY);  // tie between 65504 (odd mantissa) and 65536: overflows
  CHECK(round_to(65520.0f, f) == INFINITY);
  CHECK(round_to(65520.0, f, Overflow::saturate) == 65504);
  CHECK(round_to(std::ldexp(1.0, -25), f) == 0.0);  // half the smallest subnormal: tie to even zero
  CHECK(round_to(std::nextafter(std::ldexp(1.0, -25), 1.0), f) == std::ldexp(1.0, -24));
  CHECK(std::signbit(round_to(-1e-30, f)));  // underflow keeps the sign: -0
  CHECK(round_to(std::ldexp(1023.5, -24), f) ==
        std::ldexp(1.0, -14));  // largest subnormal + half -> min normal
}

TEST_CASE("fp16_from_double_avoids_double_rounding_through_float", "[fp]") {
  const Format& f = format(FormatId::fp16);
  // Just above the tie 1 + 2^-11: via float it becomes the tie and rounds down to 1; correctly it
  // rounds up.
  const double x = 1.0 + std::ldexp(1.0, -11) + std::ldexp(1.0, -40);
  CHECK(static_cast<double>(Eigen::half(x)) == 1.0);  // what Eigen's double constructor does
  CHECK(round_to(x, f) == 1.0 + std::ldexp(1.0, -10));
  CHECK(round_to(x, format(FormatId::bf16)) == 1.0);
  const double y = 1.0 + std::ldexp(1.0, -8) + std::ldexp(1.0, -40);
  CHECK(round_to(y, format(FormatId::bf16)) == 1.0 + std::ldexp(1.0, -7));
}

TEST_CASE("format_constants_match_numpy_finfo_and_ocp", "[fp]") {
  const Format& h = format(FormatId::fp16);
  CHECK(h.epsilon == std::ldexp(1.0, -10));
  CHECK(h.max_finite == 65504);
  CHECK(h.min_normal == std::ldexp(1.0, -14));
  CHECK(h.min_subnormal == std::ldexp(1.0, -24));
  const Format& b = format(FormatId::bf16);
  CHECK(b.max_finite == 3.3895313892515355e38);
  CHECK(b.epsilon == 0.0078125);
  const Format& t = format(FormatId::tf32);
  CHECK(t.max_finite == std::ldexp(2.0 - std::ldexp(1.0, -10), 127));
  const Format& s = format(FormatId::fp32);
  CHECK(s.max_finite == std::numeric_limits<float>::max());
  CHECK(s.min_subnormal == std::numeric_limits<float>::denorm_min());
  const Format& d = format(FormatId::fp64);
  CHECK(d.max_finite == std::numeric_limits<double>::max());
  CHECK(d.min_subnormal == std::numeric_limits<double>::denorm_min());
  CHECK(d.epsilon == std::numeric_limits<double>::epsilon());
}

TEST_CASE("neighbours_and_ulp_step_through_the_format", "[fp]") {
  const Format& h = format(FormatId::fp16);
  CHECK(next_up(1.0, h) == 1.0 + std::ldexp(1.0, -10));
  CHECK(next_down(1.0, h) == 1.0 - std::ldexp(1.0, -11));
  CHECK(next_up(65504.0, h) == INFINITY);
  CHECK(next_up(0.0, h) == std::ldexp(1.0, -24));
  CHECK(next_down(0.0, h) == -std::ldexp(1.0, -24));
  CHECK(next_up(-std::ldexp(1.0, -24), h) == 0.0);
  CHECK(ulp(1.0, h) == std::ldexp(1.0, -10));
  CHECK(ulp(65504.0, h) == 32);
  CHECK(next_up(448.0, format(FormatId::e4m3)) == INFINITY);
  CHECK(next_up(1.0, format(FormatId::fp64)) == 1.0 + std::numeric_limits<double>::epsilon());
  CHECK(next_up(1.0, format(FormatId::fp32)) == 1.0 + std::ldexp(1.0, -23));
}

TEST_CASE("unknown_format_names_suggest_the_nearest", "[fp]") {
  CHECK(find_format("FP16").id == FormatId::fp16);
  CHECK(find_format("bfloat16").id == FormatId::bf16);
  CHECK(find_format("float8_e4m3fn").id == FormatId::e4m3);
  CHECK(find_format("half").id == FormatId::fp16);
  try {
    find_format("fp17");
    FAIL("no exception");
  } catch (const numkit::InputError& e) {
    CHECK(std::string(e.what()).find("did you mean \"fp16\"") != std::string::npos);
  }
  try {
    find_format("bf61");
    FAIL("no exception");
  } catch (const numkit::InputError& e) {
    CHECK(std::string(e.what()).find("did you mean \"bf16\"") != std::string::npos);
  }
}
