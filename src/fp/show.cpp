#include "numkit/fp/show.hpp"

#include <boost/multiprecision/cpp_int.hpp>
#include <cctype>
#include <cmath>
#include <limits>

#include "numkit/core/error.hpp"

namespace numkit::fp {
namespace {

using boost::multiprecision::cpp_int;
using boost::multiprecision::cpp_rational;

// Exact rational of a decimal literal; false if the text is not a plain decimal.
bool parse_decimal_exact(std::string_view s, cpp_rational& out) {
  std::size_t i = 0;
  bool neg = false;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) neg = s[i++] == '-';
  cpp_int mant = 0;
  long long scale = 0;
  bool digits = false;
  while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) {
    mant = mant * 10 + (s[i++] - '0');
    digits = true;
  }
  if (i < s.size() && s[i] == '.') {
    ++i;
    while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) {
      mant = mant * 10 + (s[i++] - '0');
      --scale;
      digits = true;
    }
  }
  if (!digits) return false;
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    bool eneg = false;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) eneg = s[i++] == '-';
    long long e = 0;
    bool edig = false;
    while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) {
      if (e < 100000) e = e * 10 + (s[i] - '0');
      ++i;
      edig = true;
    }
    if (!edig) return false;
    scale += eneg ? -e : e;
  }
  if (i != s.size()) return false;
  if (scale > 5000 || scale < -5000) {
    if (mant == 0) {
      out = 0;
      return true;
    }
    return false;  // leave huge exponents to strtod (result: inf or 0)
  }
  cpp_int p =
      boost::multiprecision::pow(cpp_int(10), static_cast<unsigned>(scale < 0 ? -scale : scale));
  out = scale < 0 ? cpp_rational(mant, p) : cpp_rational(mant * p);
  if (neg) out = -out;
  return true;
}

bool text_is_inf(std::string_view s) {
  for (std::size_t i = 0; i + 2 < s.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(s[i])) == 'i' &&
        std::tolower(static_cast<unsigned char>(s[i + 1])) == 'n' &&
        std::tolower(static_cast<unsigned char>(s[i + 2])) == 'f')
      return true;
  return false;
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
  const double d = parse_value(text, what);
  r.input_value = d;
  cpp_rational q;
  const bool exact = std::isfinite(d) && parse_decimal_exact(text, q);
  if (!exact && std::isfinite(d)) q = cpp_rational(d);  // hex floats are exact doubles
  double stored = round_to(d, f, mode);
  if (std::isfinite(d) && f.id != FormatId::fp64) {  // fp64: strtod already rounded the text once
    // Double rounding guard: the double nearest the input may sit exactly on a rounding boundary of
    // F.
    const double up = std::nextafter(d, INFINITY), dn = std::nextafter(d, -INFINITY);
    const double rup = round_to(up, f, mode), rdn = round_to(dn, f, mode);
    const bool boundary = !(rup == rdn || (std::isnan(rup) && std::isnan(rdn)));
    if (boundary && exact) {
      const cpp_rational qd(d);
      if (q > qd)
        stored = rup;
      else if (q < qd)
        stored = rdn;
    }
  }
  r.stored = stored;
  r.bits = encode(stored, f, mode);
  fill_fields(r, f);
  const double unsat = std::isfinite(d) ? round_to(d, f, Overflow::infinity) : d;
  if (std::isnan(d))
    r.outcome = "nan";
  else if (std::isinf(d) &&
           !text_is_inf(text))  // a finite decimal beyond the double range, e.g. 1e400
    r.outcome = mode == Overflow::saturate ? "saturated"
                                           : (f.has_infinity ? "overflowed" : "overflowed to nan");
  else if (std::isinf(d))
    r.outcome = mode == Overflow::saturate ? "saturated (inf input)"
                                           : (f.has_infinity ? "inf" : "nan (no inf in format)");
  else if (!std::isfinite(unsat) || std::fabs(unsat) > f.max_finite)
    r.outcome = mode == Overflow::saturate ? "saturated"
                                           : (f.has_infinity ? "overflowed" : "overflowed to nan");
  else if (stored == 0 && q != 0)
    r.outcome = "underflowed to zero";
  else if (stored != 0 && std::fabs(stored) < f.min_normal && cpp_rational(stored) != q)
    r.outcome = "became subnormal";
  else if (cpp_rational(stored) != q)
    r.outcome = "rounded";
  else
    r.outcome = "exact";
  if (std::isfinite(stored) && std::isfinite(d)) {
    r.has_error = true;
    const cpp_rational err = cpp_rational(stored) - q;
    r.abs_error = static_cast<double>(err);
    r.rel_error = q != 0 ? std::fabs(static_cast<double>(err / q)) : 0.0;
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
