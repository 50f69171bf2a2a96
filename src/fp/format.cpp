#include "numkit/fp/format.hpp"

#include <Eigen/Core>
#include <algorithm>
#include <bit>
#include <cctype>
#include <cerrno>
#include <cfenv>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <stdexcept>

#include "numkit/core/error.hpp"
#include "numkit/fp/detail/round.hpp"

#if defined(__F16C__) || defined(__AVX512F__)
#include <immintrin.h>
#endif

namespace numkit::fp {
namespace {

// fnuz (the fp8 variants of AMD/Graphcore): no inf, no negative zero, 0x80 is the only NaN, every
// other pattern is finite and the bias is one more than IEEE's.
Format make(FormatId id, std::string_view name, std::string_view description, int bits, int ebits,
            int mbits, bool has_inf, bool fnuz = false) {
  Format f{};
  f.id = id;
  f.name = name;
  f.description = description;
  f.bits = bits;
  f.exponent_bits = ebits;
  f.mantissa_bits = mbits;
  f.bias = (1 << (ebits - 1)) - 1 + (fnuz ? 1 : 0);
  f.has_infinity = has_inf;
  f.fnuz = fnuz;
  f.emin = 1 - f.bias;
  const int all_ones = (1 << ebits) - 1;
  f.emax = (has_inf ? all_ones - 1 : all_ones) - f.bias;
  // e4m3fn: at the top exponent the all-ones mantissa is NaN, so the largest mantissa is all-ones
  // minus one. fnuz: the top pattern is finite.
  const double top_fraction =
      has_inf || fnuz ? 2.0 - std::ldexp(1.0, -mbits) : 2.0 - std::ldexp(2.0, -mbits);
  f.max_finite = std::ldexp(top_fraction, f.emax);
  f.min_normal = std::ldexp(1.0, f.emin);
  f.min_subnormal = std::ldexp(1.0, f.emin - mbits);
  f.epsilon = std::ldexp(1.0, -mbits);
  f.unit_roundoff = std::ldexp(1.0, -mbits - 1);
  f.decimal_digits = (mbits + 1) * std::log10(2.0);
  return f;
}

const std::vector<Format>& table() {
  static const std::vector<Format> t = {
      make(FormatId::fp64, "fp64", "IEEE 754 binary64 (double)", 64, 11, 52, true),
      make(FormatId::fp32, "fp32", "IEEE 754 binary32 (float)", 32, 8, 23, true),
      make(FormatId::tf32, "tf32",
           "NVIDIA TensorFloat-32 (fp32 range, fp16 precision; 19 bits used of 32)", 19, 8, 10,
           true),
      make(FormatId::fp16, "fp16", "IEEE 754 binary16 (half)", 16, 5, 10, true),
      make(FormatId::bf16, "bf16", "bfloat16 (fp32 range, 8-bit precision)", 16, 8, 7, true),
      make(FormatId::e5m2, "e5m2", "OCP FP8 E5M2 (IEEE-like: inf and NaN)", 8, 5, 2, true),
      make(FormatId::e4m3, "e4m3", "OCP FP8 E4M3FN (no inf; NaN = S.1111.111; max 448)", 8, 4, 3,
           false),
      make(FormatId::e5m2fnuz, "e5m2fnuz",
           "FP8 E5M2FNUZ (AMD/Graphcore: bias 16, no inf, no -0, NaN = 0x80; max 57344)", 8, 5, 2,
           false, true),
      make(FormatId::e4m3fnuz, "e4m3fnuz",
           "FP8 E4M3FNUZ (AMD/Graphcore: bias 8, no inf, no -0, NaN = 0x80; max 240)", 8, 4, 3,
           false, true),
  };
  return t;
}

struct Alias {
  std::string_view alias;
  FormatId id;
};
// Compared after lower-casing and removing '-', '_' and ' '.
constexpr Alias kAliases[] = {
    {"fp64", FormatId::fp64},
    {"f64", FormatId::fp64},
    {"float64", FormatId::fp64},
    {"double", FormatId::fp64},
    {"binary64", FormatId::fp64},
    {"fp32", FormatId::fp32},
    {"f32", FormatId::fp32},
    {"float32", FormatId::fp32},
    {"float", FormatId::fp32},
    {"single", FormatId::fp32},
    {"binary32", FormatId::fp32},
    {"tf32", FormatId::tf32},
    {"tensorfloat32", FormatId::tf32},
    {"fp16", FormatId::fp16},
    {"f16", FormatId::fp16},
    {"float16", FormatId::fp16},
    {"half", FormatId::fp16},
    {"binary16", FormatId::fp16},
    {"bf16", FormatId::bf16},
    {"bfloat16", FormatId::bf16},
    {"e5m2", FormatId::e5m2},
    {"fp8e5m2", FormatId::e5m2},
    {"float8e5m2", FormatId::e5m2},
    {"e4m3", FormatId::e4m3},
    {"e4m3fn", FormatId::e4m3},
    {"fp8e4m3", FormatId::e4m3},
    {"fp8e4m3fn", FormatId::e4m3},
    {"float8e4m3fn", FormatId::e4m3},
    {"float8e4m3", FormatId::e4m3},
    {"e5m2fnuz", FormatId::e5m2fnuz},
    {"fp8e5m2fnuz", FormatId::e5m2fnuz},
    {"float8e5m2fnuz", FormatId::e5m2fnuz},
    {"e4m3fnuz", FormatId::e4m3fnuz},
    {"fp8e4m3fnuz", FormatId::e4m3fnuz},
    {"float8e4m3fnuz", FormatId::e4m3fnuz},
};

std::string normalize(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c == '-' || c == '_' || c == ' ') continue;
    out.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  }
  return out;
}

std::size_t edit_distance(std::string_view a, std::string_view b) {
  // Damerau-Levenshtein (optimal string alignment): "bf61" is one transposition from "bf16".
  std::vector<std::vector<std::size_t>> d(a.size() + 1, std::vector<std::size_t>(b.size() + 1));
  for (std::size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
  for (std::size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i)
    for (std::size_t j = 1; j <= b.size(); ++j) {
      d[i][j] = std::min(
          {d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
    }
  return d[a.size()][b.size()];
}

inline std::uint64_t bits_of(double x) {
  return std::bit_cast<std::uint64_t>(x);
}
inline double from_bits(std::uint64_t u) {
  return std::bit_cast<double>(u);
}

double overflow_result(double x, const Format& f, Overflow mode) {
  if (mode == Overflow::saturate) return std::copysign(f.max_finite, x);
  if (f.has_infinity) return std::copysign(std::numeric_limits<double>::infinity(), x);
  return std::copysign(std::numeric_limits<double>::quiet_NaN(), x);
}

}  // namespace

const std::vector<Format>& all_formats() {
  return table();
}

const Format& format(FormatId id) {
  for (const auto& f : table())
    if (f.id == id) return f;
  throw std::logic_error("fp: unknown format id");
}

std::string format_names() {
  std::string s;
  for (const auto& f : table()) {
    if (!s.empty()) s += ", ";
    s += f.name;
  }
  return s;
}

const Format& find_format(std::string_view name, std::string_view what) {
  const std::string key = normalize(name);
  for (const auto& a : kAliases)
    if (a.alias == key) return format(a.id);
  std::size_t best = std::numeric_limits<std::size_t>::max();
  FormatId best_id = FormatId::fp16;
  for (const auto& a : kAliases) {
    const std::size_t d = edit_distance(key, a.alias);
    if (d < best) {
      best = d;
      best_id = a.id;
    }
  }
  throw InputError(std::string(what) + ": unknown format \"" + std::string(name) +
                   "\"; did you mean \"" + std::string(format(best_id).name) +
                   "\"? (known: " + format_names() + ")");
}

double round_to(double x, const Format& f, Overflow mode) {
  if (std::isnan(x)) return x;
  if (std::isinf(x)) {
    if (f.id == FormatId::fp64 && mode == Overflow::infinity) return x;
    return (mode == Overflow::saturate || !f.has_infinity) ? overflow_result(x, f, mode) : x;
  }
  if (x == 0.0) return f.fnuz ? 0.0 : x;
  if (f.id == FormatId::fp64) return x;
  if (f.id == FormatId::fp32) {
    const double r = static_cast<float>(x);
    return std::isinf(r) ? overflow_result(x, f, mode) : r;
  }
  const double r = detail::round_magnitude(std::fabs(x), f);
  if (r > f.max_finite) return overflow_result(x, f, mode);
  if (r == 0.0 && f.fnuz) return 0.0;
  return std::copysign(r, x);
}

double round_stochastic(double x, const Format& f, std::uint64_t random53, Overflow mode) {
  if (!std::isfinite(x) || x == 0.0 || f.id == FormatId::fp64) return round_to(x, f, mode);
  const double a = std::fabs(x);
  // the quantum of F at |x|: 2^(max(e, emin) - mantissa_bits)
  const int e = std::ilogb(a);
  const int qe = std::max(e, f.emin) - f.mantissa_bits;
  const double scaled = std::ldexp(a, -qe);  // exact (a power-of-two scaling)
  const double m = std::floor(scaled);
  const double frac = scaled - m;  // exact, in [0, 1)
  const double u = std::ldexp(static_cast<double>(random53 & ((std::uint64_t{1} << 53) - 1)), -53);
  const double r = std::ldexp(u < frac ? m + 1 : m, qe);
  if (r > f.max_finite) return overflow_result(x, f, mode);
  if (r == 0.0 && f.fnuz) return 0.0;
  return std::copysign(r, x);
}

Rounding parse_rounding(std::string_view name, std::string_view what) {
  if (name == "nearest") return Rounding::nearest;
  if (name == "stochastic") return Rounding::stochastic;
  throw InputError(std::string(what) + ": expected nearest or stochastic, found \"" +
                   std::string(name) + "\"");
}

float round_to(float x, const Format& f, Overflow mode) {
  switch (f.id) {
    case FormatId::fp64:
    case FormatId::fp32:
      if (std::isinf(x) && mode == Overflow::saturate)
        return std::copysign(std::numeric_limits<float>::max(), x);
      return x;
    case FormatId::fp16: {
      const float r = static_cast<float>(Eigen::half(x));
      if (std::isinf(r) && mode == Overflow::saturate && !std::isnan(x))
        return std::copysign(static_cast<float>(f.max_finite), x);
      return r;
    }
    case FormatId::bf16: {
      const float r = static_cast<float>(Eigen::bfloat16(x));
      if (std::isinf(r) && mode == Overflow::saturate && !std::isnan(x))
        return std::copysign(static_cast<float>(f.max_finite), x);
      return r;
    }
    default:
      return static_cast<float>(round_to(static_cast<double>(x), f, mode));
  }
}

// GCC 12 reports its own _mm512_undefined_* placeholders inside the conversion intrinsics as
// uninitialized.
#pragma GCC diagnostic push
#if !defined(__clang__)  // clang has no -Wmaybe-uninitialized (and no such false positive)
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
#pragma GCC diagnostic ignored "-Wuninitialized"
void round_array(std::span<const float> in, std::span<float> out, const Format& f, Overflow mode) {
  if (out.size() < in.size())
    throw std::invalid_argument("fp::round_array: output shorter than input");
  const std::size_t n = in.size();
  std::size_t i = 0;
  if (f.id == FormatId::fp16) {
#if defined(__AVX512F__)
    for (; i + 16 <= n; i += 16) {
      const __m512 x = _mm512_loadu_ps(in.data() + i);
      const __m256i h = _mm512_cvtps_ph(x, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
      _mm512_storeu_ps(out.data() + i, _mm512_cvtph_ps(h));
    }
#elif defined(__F16C__)
    for (; i + 8 <= n; i += 8) {
      const __m256 x = _mm256_loadu_ps(in.data() + i);
      const __m128i h = _mm256_cvtps_ph(x, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
      _mm256_storeu_ps(out.data() + i, _mm256_cvtph_ps(h));
    }
#endif
    for (; i < n; ++i) out[i] = static_cast<float>(Eigen::half(in[i]));
    if (mode == Overflow::saturate) {
      const float mx = static_cast<float>(f.max_finite);
      for (std::size_t k = 0; k < n; ++k)
        if (std::isinf(out[k])) out[k] = std::copysign(mx, out[k]);
    }
    return;
  }
  if (f.id == FormatId::bf16) {
    // Same rounding as Eigen::bfloat16 (ties to even on the fp32 bits), written so the compiler
    // vectorizes it.
    for (; i < n; ++i) {
      std::uint32_t u = std::bit_cast<std::uint32_t>(in[i]);
      const bool nan = (u & 0x7FFFFFFFu) > 0x7F800000u;
      const std::uint32_t r = (u + 0x7FFFu + ((u >> 16) & 1u)) & 0xFFFF0000u;
      const std::uint32_t q = (u | 0x00400000u) & 0xFFFF0000u;
      out[i] = std::bit_cast<float>(nan ? q : r);
    }
    if (mode == Overflow::saturate) {
      const float mx = static_cast<float>(f.max_finite);
      for (std::size_t k = 0; k < n; ++k)
        if (std::isinf(out[k])) out[k] = std::copysign(mx, out[k]);
    }
    return;
  }
  for (; i < n; ++i) out[i] = round_to(in[i], f, mode);
}
#pragma GCC diagnostic pop

std::uint64_t encode(double x, const Format& f, Overflow mode) {
  if (f.id == FormatId::fp64) return bits_of(round_to(x, f, mode));
  if (f.id == FormatId::fp32) {
    const double r = round_to(x, f, mode);
    return std::bit_cast<std::uint32_t>(static_cast<float>(r));
  }
  const double r = round_to(x, f, mode);
  if (f.fnuz) {
    if (std::isnan(r)) return f.sign_mask();  // 0x80, the only NaN
    if (r == 0.0) return 0;                   // no negative zero
  }
  const int p = f.mantissa_bits;
  const std::uint64_t sign = std::signbit(r) ? f.sign_mask() : 0;
  const std::uint64_t exp_all = ((std::uint64_t{1} << f.exponent_bits) - 1) << p;
  if (std::isnan(r)) {
    if (!f.has_infinity) return sign | exp_all | ((std::uint64_t{1} << p) - 1);
    std::uint64_t payload = (bits_of(r) & ((std::uint64_t{1} << 52) - 1)) >> (52 - p);
    payload |= std::uint64_t{1} << (p - 1);  // quiet
    return sign | exp_all | payload;
  }
  if (std::isinf(r)) return sign | exp_all;
  const double a = std::fabs(r);
  if (a == 0.0) return sign;
  if (a < f.min_normal) return sign | static_cast<std::uint64_t>(a / f.min_subnormal);
  int e = 0;
  const double m = std::frexp(a, &e);  // a = m 2^e, m in [0.5, 1)
  const int E = e - 1;
  const auto mant = static_cast<std::uint64_t>(std::ldexp(2.0 * m - 1.0, p));
  return sign | (static_cast<std::uint64_t>(E + f.bias) << p) | mant;
}

double decode(std::uint64_t bits, const Format& f) {
  bits &= f.bit_mask();
  if (f.id == FormatId::fp64) return from_bits(bits);
  if (f.id == FormatId::fp32)
    return static_cast<double>(std::bit_cast<float>(static_cast<std::uint32_t>(bits)));
  const int p = f.mantissa_bits;
  const bool neg = (bits & f.sign_mask()) != 0;
  const std::uint64_t all_ones = (std::uint64_t{1} << f.exponent_bits) - 1;
  const std::uint64_t field = (bits >> p) & all_ones;
  const std::uint64_t mant = bits & ((std::uint64_t{1} << p) - 1);
  if (f.fnuz && bits == f.sign_mask()) return std::numeric_limits<double>::quiet_NaN();
  if (field == all_ones && !f.fnuz) {
    const bool nan = f.has_infinity ? mant != 0 : mant == (std::uint64_t{1} << p) - 1;
    if (f.has_infinity && mant == 0)
      return neg ? -std::numeric_limits<double>::infinity()
                 : std::numeric_limits<double>::infinity();
    if (nan) {
      std::uint64_t u = 0x7FF8000000000000ull | (f.has_infinity ? (mant << (52 - p)) : 0);
      if (neg) u |= 0x8000000000000000ull;
      return from_bits(u);
    }
  }
  double v = field == 0 ? std::ldexp(static_cast<double>(mant), f.emin - p)
                        : std::ldexp(static_cast<double>((std::uint64_t{1} << p) | mant),
                                     static_cast<int>(field) - f.bias - p);
  return neg ? -v : v;
}

std::string_view to_string(ValueClass c) {
  switch (c) {
    case ValueClass::zero:
      return "zero";
    case ValueClass::subnormal:
      return "subnormal";
    case ValueClass::normal:
      return "normal";
    case ValueClass::infinity:
      return "infinity";
    case ValueClass::nan:
      return "nan";
  }
  return "?";
}

ValueClass classify_value(double v, const Format& f) {
  if (std::isnan(v)) return ValueClass::nan;
  if (std::isinf(v)) return ValueClass::infinity;
  if (v == 0.0) return ValueClass::zero;
  return std::fabs(v) < f.min_normal ? ValueClass::subnormal : ValueClass::normal;
}

ValueClass classify_bits(std::uint64_t bits, const Format& f) {
  return classify_value(decode(bits, f), f);
}

double next_up(double v, const Format& f) {
  if (std::isnan(v)) return v;
  constexpr double inf = std::numeric_limits<double>::infinity();
  if (v == inf) return inf;
  if (v == -inf) return -f.max_finite;
  if (v >= f.max_finite) return inf;
  if (v == 0.0) return f.min_subnormal;
  if (f.id == FormatId::fp64) return std::nextafter(v, inf);
  const std::uint64_t b = encode(v, f);
  if (f.fnuz && v < 0 && b - 1 == f.sign_mask()) return 0.0;  // -min_subnormal -> 0 (0x80 is NaN)
  return v > 0 ? decode(b + 1, f) : decode(b - 1, f);
}

double next_down(double v, const Format& f) {
  return -next_up(-v, f);
}

double ulp(double v, const Format& f) {
  const double a = std::fabs(v);
  if (std::isnan(a)) return a;
  if (a >= f.max_finite) return std::ldexp(1.0, f.emax - f.mantissa_bits);
  return next_up(a, f) - a;
}

double parse_value(std::string_view text, std::string_view what) {
  std::string s(text);
  auto bad = [&]() {
    return InputError(std::string(what) +
                      ": expected a number (decimal, hex float 0x1.8p-3, inf or nan), found \"" +
                      s + "\"");
  };
  if (s.empty() || std::isspace(static_cast<unsigned char>(s.front()))) throw bad();
  errno = 0;
  char* end = nullptr;
  const double v = std::strtod(s.c_str(), &end);
  if (end != s.c_str() + s.size()) throw bad();
  return v;
}

}  // namespace numkit::fp
