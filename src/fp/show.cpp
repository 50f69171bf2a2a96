#include "numkit/fp/show.hpp"

#include <algorithm>
#include <boost/multiprecision/cpp_int.hpp>
#include <cctype>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

#include "numkit/core/error.hpp"

namespace numkit::fp {
namespace {

using boost::multiprecision::cpp_int;
using boost::multiprecision::cpp_rational;

// ---- exact values of typed numbers, with bounded work -----------------------------------------
//
// A number is kept as its digit string in base 10 or 16: value = 0.d1 d2 ... dn * base^point, with
// no leading or trailing zero digits. The magnitude is known from `point` before any big integer
// is built, so 1e-1000000000 costs nothing: beyond the ranges below every format overflows or
// rounds to zero.
//
// Long digit strings are rounded from their first kKeepDigits digits plus a sticky digit 1 for the
// rest. This is exact: every rounding boundary of every format (a midpoint between neighbours or
// the overflow threshold) is a dyadic of at most 54 bits within the double range, which has at
// most 768 significant decimal digits (15 hex digits), so no boundary lies strictly between the
// truncated value and the true one, and the sticky digit keeps the truncated value off a
// boundary.
constexpr std::size_t kKeepDigits = 800;
constexpr std::size_t kExactDigits = 1000;  // up to this many digits all arithmetic is exact
constexpr long long kExponentCap = 1'000'000'000'000'000LL;  // exponents saturate here

struct Positional {
  int base = 10;
  bool negative = false;
  std::vector<unsigned char> digits;  // most significant first, values 0..base-1, none if zero
  long long point = 0;                // value = 0.digits * base^point
  bool zero() const { return digits.empty(); }
};

long long sat_add(long long a, long long b) {
  if (b > 0 && a > kExponentCap - b) return kExponentCap;
  if (b < 0 && a < -kExponentCap - b) return -kExponentCap;
  return a + b;
}

void trim(Positional& p) {
  std::size_t lead = 0;
  while (lead < p.digits.size() && p.digits[lead] == 0) ++lead;
  p.digits.erase(p.digits.begin(), p.digits.begin() + static_cast<std::ptrdiff_t>(lead));
  p.point = sat_add(p.point, -static_cast<long long>(std::min<std::size_t>(lead, kExponentCap)));
  while (!p.digits.empty() && p.digits.back() == 0) p.digits.pop_back();
  if (p.digits.empty()) p.point = 0;
}

int digit_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  const char l = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (l >= 'a' && l <= 'f') return l - 'a' + 10;
  return 99;
}

// Decimal ([+-]digits[.digits][e[+-]digits]) or hex float ([+-]0x hex[.hex][p[+-]digits]).
bool parse_positional(std::string_view s, Positional& out, bool allow_hex = true) {
  std::size_t i = 0;
  out = Positional{};
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) out.negative = s[i++] == '-';
  if (allow_hex && i + 1 < s.size() && s[i] == '0' && (s[i + 1] == 'x' || s[i + 1] == 'X')) {
    out.base = 16;
    i += 2;
  }
  const int base = out.base;
  bool any = false;
  long long int_digits = 0;
  while (i < s.size() && digit_value(s[i]) < base) {
    out.digits.push_back(static_cast<unsigned char>(digit_value(s[i++])));
    if (int_digits < kExponentCap) ++int_digits;
    any = true;
  }
  if (i < s.size() && s[i] == '.') {
    ++i;
    while (i < s.size() && digit_value(s[i]) < base) {
      out.digits.push_back(static_cast<unsigned char>(digit_value(s[i++])));
      any = true;
    }
  }
  if (!any) return false;
  long long exp = 0;  // power of 10 (decimal) or of 2 (hex)
  const char mark = base == 10 ? 'e' : 'p';
  if (i < s.size() && std::tolower(static_cast<unsigned char>(s[i])) == mark) {
    ++i;
    bool neg = false;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) neg = s[i++] == '-';
    bool edig = false;
    while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) {
      exp = std::min(kExponentCap, exp * 10 + (s[i++] - '0'));
      edig = true;
    }
    if (!edig) return false;
    if (neg) exp = -exp;
  }
  if (i != s.size()) return false;
  out.point = int_digits;
  if (base == 10) {
    out.point = sat_add(out.point, exp);
  } else if (exp != 0) {
    // 2^exp = 16^(exp/4) * 2^(exp mod 4): fold the remainder into the digits (multiply by 1, 2, 4
    // or 8)
    long long q = exp / 4, r = exp % 4;
    if (r < 0) {
      r += 4;
      --q;
    }
    unsigned carry = 0;
    for (std::size_t k = out.digits.size(); k-- > 0;) {
      const unsigned v = (static_cast<unsigned>(out.digits[k]) << r) + carry;
      out.digits[k] = static_cast<unsigned char>(v & 15u);
      carry = v >> 4;
    }
    if (carry != 0) {
      out.digits.insert(out.digits.begin(), static_cast<unsigned char>(carry));
      out.point = sat_add(out.point, 1);
    }
    out.point = sat_add(out.point, q);
  }
  trim(out);
  return true;
}

// The value range where rounding needs arithmetic; outside it every format overflows (above) or
// rounds to zero (below): 10^400 > 2^1024 and 10^-400 < 2^-1075, 16^276 > 2^1024, 16^-300 <
// 2^-1075.
enum class Magnitude { zero, in_range, huge, tiny };
Magnitude magnitude(const Positional& p) {
  if (p.zero()) return Magnitude::zero;
  const long long hi = p.base == 10 ? 400 : 276, lo = p.base == 10 ? -400 : -300;
  if (p.point > hi) return Magnitude::huge;
  if (p.point < lo) return Magnitude::tiny;
  return Magnitude::in_range;
}

cpp_int integer_of(const std::vector<unsigned char>& digits, std::size_t n, int base) {
  // in chunks of 18 decimal or 15 hex digits, so building is cheap
  const std::size_t chunk = base == 10 ? 18 : 15;
  cpp_int m = 0;
  for (std::size_t i = 0; i < n; i += chunk) {
    std::uint64_t part = 0, scale = 1;
    for (std::size_t k = i; k < std::min(n, i + chunk); ++k) {
      part = part * static_cast<unsigned>(base) + digits[k];
      scale *= static_cast<unsigned>(base);
    }
    m = m * scale + part;
  }
  return m;
}

cpp_rational power(int base, long long e) {
  const auto a = static_cast<unsigned>(e < 0 ? -e : e);
  const cpp_int p = base == 16 ? cpp_int(1) << (4 * a) : boost::multiprecision::pow(cpp_int(10), a);
  return e < 0 ? cpp_rational(cpp_int(1), p) : cpp_rational(p);
}

// |value| as a rational (in range only): exact up to keep digits, else the first keep digits
// followed by a sticky 1 (see above; enough to round and to classify).
cpp_rational magnitude_rational(const Positional& p, std::size_t keep, bool* exact = nullptr) {
  const std::size_t n = std::min(p.digits.size(), keep);
  cpp_int m = integer_of(p.digits, n, p.base);
  long long len = static_cast<long long>(n);
  if (exact) *exact = n == p.digits.size();
  if (n < p.digits.size()) {
    m = m * p.base + 1;
    ++len;
  }
  return cpp_rational(m) * power(p.base, p.point - len);
}

// Round q > 0 to mantissa_bits fraction bits (nearest, ties to even), with the exponent bounded
// below by emin and unbounded above. Returns the rounded magnitude as a double (inf beyond the
// double range) and whether it differs from q.
double round_rational(const cpp_rational& q, int mantissa_bits, int emin, bool* inexact) {
  const cpp_int& N = numerator(q);
  const cpp_int& D = denominator(q);
  long long e = static_cast<long long>(msb(N)) - static_cast<long long>(msb(D));
  if (e >= 0 ? N < (D << static_cast<unsigned>(e)) : (N << static_cast<unsigned>(-e)) < D) --e;
  const long long qe = std::max<long long>(e, emin) - mantissa_bits;
  cpp_int num = N, den = D;
  if (qe >= 0)
    den <<= static_cast<unsigned>(qe);
  else
    num <<= static_cast<unsigned>(-qe);
  cpp_int k, r;
  divide_qr(num, den, k, r);
  const cpp_int twice_r = r * 2;
  const int c = twice_r.compare(den);
  if (c > 0 || (c == 0 && bit_test(k, 0))) ++k;
  if (inexact) *inexact = r != 0;
  if (qe > 1100) return std::numeric_limits<double>::infinity();
  return std::ldexp(static_cast<double>(k.convert_to<std::uint64_t>()), static_cast<int>(qe));
}

// Correctly rounded double of a rational of either sign.
double to_double(const cpp_rational& q) {
  if (q == 0) return 0.0;
  const double m = round_rational(abs(q), 52, -1022, nullptr);
  const double r =
      m > std::numeric_limits<double>::max() ? std::numeric_limits<double>::infinity() : m;
  return q < 0 ? -r : r;
}

// The exact positional digits of a finite double, in base 10 or 16.
Positional positional_of(double v, int base) {
  Positional p;
  p.base = base;
  p.negative = std::signbit(v);
  if (v == 0) return p;
  if (base == 10) {
    const std::string s = exact_decimal(std::fabs(v));
    parse_positional(s, p, false);
    p.negative = std::signbit(v);
    return p;
  }
  int e = 0;
  const double m = std::frexp(std::fabs(v), &e);  // |v| = m 2^e, m in [0.5, 1)
  auto M = static_cast<std::uint64_t>(std::ldexp(m, 53));
  long long E = e - 53;  // |v| = M 2^E
  // M 2^E = (M 2^r) 16^q with r = E mod 4
  long long q = E / 4, r = E % 4;
  if (r < 0) {
    r += 4;
    --q;
  }
  const cpp_int big = cpp_int(M) << static_cast<unsigned>(r);
  const std::string hex = big.str(0, std::ios_base::hex);
  for (char c : hex) p.digits.push_back(static_cast<unsigned char>(digit_value(c)));
  p.point = static_cast<long long>(hex.size()) + q;
  trim(p);
  return p;
}

int compare_magnitude(const Positional& a, const Positional& b) {
  if (a.zero() || b.zero()) return a.zero() ? (b.zero() ? 0 : -1) : 1;
  if (a.point != b.point) return a.point < b.point ? -1 : 1;
  const std::size_t n = std::min(a.digits.size(), b.digits.size());
  for (std::size_t i = 0; i < n; ++i)
    if (a.digits[i] != b.digits[i]) return a.digits[i] < b.digits[i] ? -1 : 1;
  if (a.digits.size() == b.digits.size()) return 0;
  return a.digits.size() < b.digits.size() ? -1 : 1;
}

// a - b exactly, same base, both in range (their digit positions span a bounded window).
Positional subtract(const Positional& a, const Positional& b) {
  const int sa = a.negative ? -1 : 1, sb = b.negative ? -1 : 1;
  if (b.zero()) return a;
  Positional nb = b;
  nb.negative = !b.negative;
  if (a.zero()) return nb;
  if (sa != sb) {  // |a| + |b| with the sign of a
    // not needed by show (stored and input share their sign) and would need an adder
    throw std::logic_error("fp: subtract of opposite signs");
  }
  const int c = compare_magnitude(a, b);
  Positional out;
  out.base = a.base;
  if (c == 0) return out;
  const Positional& big = c > 0 ? a : b;
  const Positional& small = c > 0 ? b : a;
  out.negative = c > 0 ? a.negative : !a.negative;
  // positions: digit i of x has weight base^(x.point - 1 - i)
  const long long top = big.point;
  const long long bottom = std::min(big.point - static_cast<long long>(big.digits.size()),
                                    small.point - static_cast<long long>(small.digits.size()));
  const auto width = static_cast<std::size_t>(top - bottom);
  std::vector<int> d(width, 0);
  for (std::size_t i = 0; i < big.digits.size(); ++i) d[i] = big.digits[i];
  const auto shift = static_cast<std::size_t>(top - small.point);
  for (std::size_t i = 0; i < small.digits.size(); ++i) d[shift + i] -= small.digits[i];
  for (std::size_t k = width; k-- > 1;) {
    if (d[k] < 0) {
      d[k] += a.base;
      --d[k - 1];
    }
  }
  out.digits.assign(d.begin(), d.end());
  out.point = top;
  trim(out);
  return out;
}

// A typed number: decimal, hex float, rational A/B, inf or nan.
struct ExactInput {
  enum Kind { finite, infinite, not_a_number } kind = finite;
  bool negative = false;
  bool rational = false;
  Positional pos;  // decimal or hex (not rational)
  Magnitude mag = Magnitude::zero;
  cpp_rational q;  // |value| when in range (exact, or truncated + sticky)
  bool q_exact = true;
};

bool is_word(std::string_view s, std::string_view w) {
  if (s.size() != w.size()) return false;
  for (std::size_t i = 0; i < s.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(s[i])) != w[i]) return false;
  return true;
}

ExactInput parse_exact(std::string_view text, std::string_view what) {
  auto bad = [&](std::string_view why) {
    return InputError(std::string(what) + ": " + std::string(why) + ", found \"" +
                      std::string(text.substr(0, 80)) + (text.size() > 80 ? "...\"" : "\""));
  };
  constexpr std::string_view kExpected =
      "expected a number (decimal, hex float 0x1.8p-3, rational 1/3, inf or nan)";
  ExactInput in;
  std::string_view body = text;
  bool neg = false;
  if (!body.empty() && (body[0] == '+' || body[0] == '-')) {
    neg = body[0] == '-';
    body.remove_prefix(1);
  }
  if (is_word(body, "inf") || is_word(body, "infinity")) {
    in.kind = ExactInput::infinite;
    in.negative = neg;
    return in;
  }
  if (is_word(body, "nan")) {
    in.kind = ExactInput::not_a_number;
    in.negative = neg;
    return in;
  }
  if (const auto slash = text.find('/'); slash != std::string_view::npos) {
    Positional a, b;
    if (!parse_positional(text.substr(0, slash), a, false) ||
        !parse_positional(text.substr(slash + 1), b, false))
      throw bad(kExpected);
    if (b.zero()) throw bad("division by zero");
    if (a.digits.size() > 10 * kExactDigits || b.digits.size() > 10 * kExactDigits)
      throw bad("a rational's numerator and denominator are limited to 10000 digits each");
    in.rational = true;
    in.negative = a.negative != b.negative;
    if (a.zero()) {
      in.mag = Magnitude::zero;
      return in;
    }
    // |a/b| lies in (10^(pa-pb-1), 10^(pa-pb+1)); decide the far ranges before building integers
    const long long d = sat_add(a.point, -b.point);
    if (d > 401) {
      in.mag = Magnitude::huge;
      return in;
    }
    if (d < -401) {
      in.mag = Magnitude::tiny;
      return in;
    }
    in.mag = Magnitude::in_range;
    const cpp_int ma = integer_of(a.digits, a.digits.size(), 10);
    const cpp_int mb = integer_of(b.digits, b.digits.size(), 10);
    // a/b = (ma 10^(pa-na)) / (mb 10^(pb-nb))
    const long long e =
        d - static_cast<long long>(a.digits.size()) + static_cast<long long>(b.digits.size());
    in.q = cpp_rational(ma, mb) * power(10, e);
    return in;
  }
  if (!parse_positional(text, in.pos)) throw bad(kExpected);
  in.negative = in.pos.negative;
  in.mag = magnitude(in.pos);
  if (in.mag == Magnitude::in_range) {
    in.q_exact = in.pos.digits.size() <= kExactDigits;
    in.q = magnitude_rational(in.pos, in.q_exact ? kExactDigits : kKeepDigits);
  }
  return in;
}

std::string binary(std::uint64_t v, int width) {
  std::string s;
  for (int i = width - 1; i >= 0; --i) s.push_back(((v >> i) & 1) ? '1' : '0');
  return s;
}

void fill_fields(ShowResult& r, const Format& f) {
  const int p = f.mantissa_bits;
  r.sign_field = binary(r.bits >> (f.bits - 1), 1);
  r.exponent_field =
      binary((r.bits >> p) & ((std::uint64_t{1} << f.exponent_bits) - 1), f.exponent_bits);
  r.mantissa_field = binary(r.bits & ((std::uint64_t{1} << p) - 1), p);
  char buf[32];
  std::snprintf(buf, sizeof buf, "0x%0*llx", (f.bits + 3) / 4,
                static_cast<unsigned long long>(r.bits));
  r.hex = buf;
  const auto field = static_cast<int>((r.bits >> p) & ((std::uint64_t{1} << f.exponent_bits) - 1));
  r.exponent = field == 0 ? f.emin : field - f.bias;
  r.value_class = classify_bits(r.bits, f);
  if (std::isfinite(r.stored)) {
    r.stored_exact = exact_decimal(r.stored);
    r.ulp = ulp(r.stored, f);
    r.below = next_down(r.stored, f);
    r.above = next_up(r.stored, f);
  } else {
    r.stored_exact = std::isnan(r.stored) ? "nan" : (r.stored > 0 ? "inf" : "-inf");
  }
}

}  // namespace

std::string exact_decimal(double v) {
  if (!std::isfinite(v)) return std::isnan(v) ? "nan" : (v > 0 ? "inf" : "-inf");
  if (v == 0) return std::signbit(v) ? "-0" : "0";
  int e = 0;
  const double m = std::frexp(std::fabs(v), &e);  // |v| = m 2^e
  auto M = static_cast<std::uint64_t>(std::ldexp(m, 53));
  int E = e - 53;
  while (M % 2 == 0 && E < 0) {
    M /= 2;
    ++E;
  }
  std::string s;
  if (E >= 0) {
    s = (cpp_int(M) << E).str();
  } else {
    const cpp_int d =
        cpp_int(M) * boost::multiprecision::pow(cpp_int(5), static_cast<unsigned>(-E));
    std::string digits = d.str();
    const auto frac = static_cast<std::size_t>(-E);
    if (digits.size() <= frac) digits.insert(0, frac - digits.size() + 1, '0');
    s = digits.substr(0, digits.size() - frac) + "." + digits.substr(digits.size() - frac);
  }
  return v < 0 ? "-" + s : s;
}

ShowResult show_value(std::string_view text, const Format& f, Overflow mode,
                      std::string_view what) {
  ShowResult r;
  r.input = std::string(text);
  const ExactInput in = parse_exact(text, what);
  constexpr double inf = std::numeric_limits<double>::infinity();
  const double sign = in.negative ? -1.0 : 1.0;
  const char* overflow_outcome = mode == Overflow::saturate
                                     ? "saturated"
                                     : (f.has_infinity ? "overflowed" : "overflowed to nan");
  bool overflow = false, inexact = false;
  double stored = 0;
  if (in.kind == ExactInput::not_a_number) {
    r.input_value = std::copysign(std::numeric_limits<double>::quiet_NaN(), sign);
    stored = r.input_value;
    r.outcome = "nan";
  } else if (in.kind == ExactInput::infinite) {
    r.input_value = sign * inf;
    stored = round_to(r.input_value, f, mode);
    r.outcome = mode == Overflow::saturate ? "saturated (inf input)"
                                           : (f.has_infinity ? "inf" : "nan (no inf in format)");
  } else {
    switch (in.mag) {
      case Magnitude::zero:
        r.input_value = std::copysign(0.0, sign);
        break;
      case Magnitude::huge:
        r.input_value = sign * inf;
        overflow = true;
        break;
      case Magnitude::tiny:  // below 2^-1075: zero in every format, and as a double
        r.input_value = std::copysign(0.0, sign);
        inexact = true;
        break;
      case Magnitude::in_range: {
        r.input_value = sign * round_rational(in.q, 52, -1022, nullptr);
        if (std::fabs(r.input_value) > std::numeric_limits<double>::max())
          r.input_value = sign * inf;
        const double m = round_rational(in.q, f.mantissa_bits, f.emin, &inexact);
        overflow = m > f.max_finite;
        stored = sign * m;
        break;
      }
    }
    if (overflow) {
      stored =
          mode == Overflow::saturate
              ? sign * f.max_finite
              : (f.has_infinity ? sign * inf
                                : std::copysign(std::numeric_limits<double>::quiet_NaN(), sign));
      inexact = true;
    } else if (in.mag != Magnitude::in_range) {
      stored = std::copysign(0.0, sign);
    }
    if (overflow)
      r.outcome = overflow_outcome;
    else if (stored == 0 && in.mag != Magnitude::zero)
      r.outcome = "underflowed to zero";
    else if (inexact && std::fabs(stored) < f.min_normal)
      r.outcome = "became subnormal";
    else
      r.outcome = inexact ? "rounded" : "exact";
  }
  if (f.fnuz && stored == 0) stored = 0.0;  // fnuz formats have no negative zero
  r.stored = stored;
  r.bits = encode(stored, f, mode);
  fill_fields(r, f);
  if (in.kind == ExactInput::finite && std::isfinite(stored) && std::isfinite(r.input_value)) {
    r.has_error = true;
    if (in.mag == Magnitude::zero) {
      r.abs_error = r.rel_error = 0;
    } else if (in.mag == Magnitude::tiny) {  // stored 0: the error is -x, below every double
      r.abs_error = std::copysign(0.0, -sign);
      r.rel_error = 1;
    } else if (in.q_exact) {
      const cpp_rational x = in.negative ? cpp_rational(-in.q) : in.q;
      const cpp_rational err = cpp_rational(stored) - x;
      r.abs_error = to_double(err);
      r.rel_error = to_double(abs(err) / in.q);
    } else {
      // Thousands of digits: the exact difference digit by digit, then each double from its first
      // digits plus a sticky digit (correctly rounded, as above); the relative error is the
      // quotient of two such truncations (relative error below 10^-790 before its one rounding).
      Positional x = in.pos;
      const Positional err = subtract(positional_of(stored, x.base), x);
      const double esign = err.negative ? -1.0 : 1.0;
      if (err.zero()) {
        r.abs_error = r.rel_error = 0;
      } else {
        const cpp_rational e = magnitude_rational(err, kKeepDigits);
        r.abs_error =
            magnitude(err) == Magnitude::tiny ? std::copysign(0.0, esign) : esign * to_double(e);
        r.rel_error = err.point - x.point < (x.base == 10 ? -400 : -300)
                          ? 0.0
                          : to_double(e / magnitude_rational(x, kKeepDigits));
      }
    }
    r.error_ulps = std::fabs(r.abs_error) / (r.ulp > 0 ? r.ulp : f.min_subnormal);
  }
  return r;
}

ShowResult show_bits(std::string_view pattern, const Format& f, std::string_view what) {
  std::string s(pattern);
  std::uint64_t v = 0;
  auto bad = [&](const std::string& why) {
    return InputError(std::string(what) + ": " + why + ", found \"" + s + "\"");
  };
  std::size_t i = 0;
  int base = 10;
  if (s.size() > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
    base = 16, i = 2;
  else if (s.size() > 2 && s[0] == '0' && (s[1] == 'b' || s[1] == 'B'))
    base = 2, i = 2;
  if (i >= s.size()) throw bad("expected a bit pattern (0x3c00, 0b0011110000000000 or decimal)");
  for (; i < s.size(); ++i) {
    const char c = static_cast<char>(std::tolower(static_cast<unsigned char>(s[i])));
    int dgt;
    if (c == '_' || c == '\'') continue;
    if (c >= '0' && c <= '9')
      dgt = c - '0';
    else if (c >= 'a' && c <= 'f')
      dgt = c - 'a' + 10;
    else
      dgt = 99;
    if (dgt >= base) throw bad("expected a bit pattern (0x3c00, 0b0011110000000000 or decimal)");
    if (v > (std::numeric_limits<std::uint64_t>::max() - static_cast<unsigned>(dgt)) /
                static_cast<unsigned>(base))
      throw bad("does not fit in " + std::to_string(f.bits) + " bits");
    v = v * static_cast<unsigned>(base) + static_cast<unsigned>(dgt);
  }
  if ((v & ~f.bit_mask()) != 0)
    throw bad("does not fit in " + std::to_string(f.bits) + " bits of " + std::string(f.name));
  ShowResult r;
  r.input = s;
  r.from_bits = true;
  r.bits = v;
  r.stored = decode(v, f);
  r.input_value = r.stored;
  fill_fields(r, f);
  r.outcome = "exact";
  return r;
}

}  // namespace numkit::fp
