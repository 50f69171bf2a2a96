// Values, bounds and the inverse problem for harmonic numbers, all from MPFR enclosures.
#include "enclosure.hpp"
#include "numkit/core/error.hpp"
#include "numkit/harmonic/harmonic.hpp"

#include <cfloat>
#include <cmath>
#include <stdexcept>
#include <string>

namespace numkit::harmonic {

using detail::Enclosure;
using detail::Real;
using Rational = boost::multiprecision::mpq_rational;

namespace {

std::string trimmed(std::string_view text) {
  std::size_t a = 0, b = text.size();
  while (a < b && std::isspace(static_cast<unsigned char>(text[a]))) ++a;
  while (b > a && std::isspace(static_cast<unsigned char>(text[b - 1]))) --b;
  return std::string(text.substr(a, b - a));
}

bool all_digits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (c < '0' || c > '9') return false;
  return true;
}

BigInt pow10(long k) {
  BigInt r;
  mpz_ui_pow_ui(r.backend().data(), 10, static_cast<unsigned long>(k));
  return r;
}

struct Decimal {
  bool negative = false;
  BigInt mantissa;  // value = mantissa * 10^shift
  long shift = 0;
};

// [+-]digits[.digits][(e|E)[+-]digits]; false if malformed.
bool parse_decimal(const std::string& t, Decimal& d) {
  std::size_t i = 0;
  if (i < t.size() && (t[i] == '+' || t[i] == '-')) d.negative = t[i++] == '-';
  std::string digits;
  std::size_t int_digits = 0, frac_digits = 0;
  while (i < t.size() && std::isdigit(static_cast<unsigned char>(t[i])))
    digits += t[i++], ++int_digits;
  if (i < t.size() && t[i] == '.') {
    ++i;
    while (i < t.size() && std::isdigit(static_cast<unsigned char>(t[i])))
      digits += t[i++], ++frac_digits;
  }
  if (int_digits + frac_digits == 0) return false;
  long exponent = 0;
  if (i < t.size() && (t[i] == 'e' || t[i] == 'E')) {
    ++i;
    bool neg = false;
    if (i < t.size() && (t[i] == '+' || t[i] == '-')) neg = t[i++] == '-';
    const std::string ex = t.substr(i);
    if (!all_digits(ex) || ex.size() > 6) return false;
    exponent = std::stol(ex) * (neg ? -1 : 1);
    i = t.size();
  }
  if (i != t.size()) return false;
  d.mantissa = BigInt(digits);
  d.shift = exponent - static_cast<long>(frac_digits);
  return true;
}

long decimal_digits(const BigInt& n) {
  return n == 0 ? 1 : static_cast<long>(n.str().size());
}

void check_count(const BigInt& n, std::string_view what) {
  if (n < 1) throw InputError(std::string(what) + ": must be an integer >= 1, got " + n.str());
  if (n > max_count())
    throw InputError(std::string(what) + ": must be <= 10^300, got a number with " +
                     std::to_string(decimal_digits(n)) + " digits");
}

// Rounding bound for a few correctly rounded operations on a value of size |v| (+1 for safety).
void side_error(Real& err, mpfr_srcptr v, mpfr_prec_t p) {
  mpfr_abs(err.get(), v, MPFR_RNDU);
  mpfr_add_ui(err.get(), err.get(), 1, MPFR_RNDU);
  mpfr_mul_ui(err.get(), err.get(), 8, MPFR_RNDU);
  mpfr_mul_2si(err.get(), err.get(), 1 - static_cast<long>(p), MPFR_RNDU);
}

double to_double(mpfr_srcptr x) {
  return mpfr_get_d(x, MPFR_RNDN);
}

}  // namespace

const BigInt& max_count() {
  static const BigInt m = pow10(300);
  return m;
}

void check_order(long long order, std::string_view what) {
  if (order < 1 || order > max_order)
    throw InputError(
        std::string(what) + ": must be an integer from 1 to " + std::to_string(max_order) +
        " (the sum of 1/k^s for s <= 0 grows without bound), got " + std::to_string(order));
}

std::string method_name(Method m) {
  return m == Method::summation ? "exact summation" : "asymptotic expansion";
}

BigInt parse_count(std::string_view text, std::string_view what) {
  const std::string t = trimmed(text);
  const std::string name(what);
  auto malformed = [&]() {
    return InputError(name + ": expected an integer >= 1 such as 1000, 1e18 or 10^100, found \"" +
                      std::string(text) + "\"");
  };
  auto too_large = [&]() { return InputError(name + ": must be <= 10^300, got " + t); };
  BigInt n;
  const auto caret = t.find('^');
  if (caret != std::string::npos) {
    const std::string base = t.substr(0, caret), ex = t.substr(caret + 1);
    if (!all_digits(base) || !all_digits(ex) || ex.size() > 9) throw malformed();
    const BigInt b(base);
    const unsigned long e = std::stoul(ex);
    if (b == 0 && e == 0) throw malformed();
    if (b >= 2 && static_cast<double>(e) * std::log10(b.convert_to<double>()) > 300.5)
      throw too_large();
    mpz_pow_ui(n.backend().data(), b.backend().data(), e);
  } else {
    Decimal d;
    if (!parse_decimal(t, d)) throw malformed();
    if (d.mantissa == 0) throw InputError(name + ": must be an integer >= 1, got " + t);
    if (d.shift >= 0) {
      if (decimal_digits(d.mantissa) + d.shift > 302) throw too_large();
      n = d.mantissa * pow10(d.shift);
    } else {
      const long drop = -d.shift;
      if (drop > decimal_digits(d.mantissa) || d.mantissa % pow10(drop) != 0)
        throw InputError(name + ": must be an integer >= 1, got " + t);
      n = d.mantissa / pow10(drop);
    }
    if (d.negative) throw InputError(name + ": must be an integer >= 1, got " + t);
  }
  if (n < 1) throw InputError(name + ": must be an integer >= 1, got " + t);
  if (n > max_count()) throw too_large();
  return n;
}

Value value(const BigInt& n, long long order) {
  check_count(n, "n");
  check_order(order, "--order");
  Value v;
  for (mpfr_prec_t p = 128; p <= 8192; p *= 2) {
    Enclosure e(p);
    detail::enclose(n, order, p, e);
    Real lo(p), hi(p), rel(64);
    detail::lower_end(e, lo);
    detail::upper_end(e, hi);
    mpfr_div(rel.get(), e.err.get(), e.mid.get(), MPFR_RNDU);
    v.value = to_double(e.mid.get());
    v.method = e.method;
    v.terms = e.terms;
    v.precision_bits = static_cast<int>(p);
    v.relative_error_bound = mpfr_get_d(rel.get(), MPFR_RNDU);
    const double a = to_double(lo.get()), b = to_double(hi.get());
    if (a == b) {
      v.value = a;
      v.correctly_rounded = true;
      return v;
    }
  }
  return v;
}

std::string value_digits(const BigInt& n, long long order, int digits) {
  check_count(n, "n");
  check_order(order, "--order");
  if (digits < 1 || digits > 100)
    throw InputError("--digits: must be from 1 to 100, got " + std::to_string(digits));
  std::string mantissa;
  long exponent = 0;
  detail::correctly_rounded_digits(n, order, digits, mantissa, exponent);
  return detail::positional(mantissa, exponent);
}

Bounds bounds(const BigInt& n) {
  check_count(n, "n");
  Bounds out;
  out.n = n;
  out.h = value(n, 1).value;
  const long bits = detail::bit_length(n);
  for (mpfr_prec_t p = 4 * bits + 128; p <= 64 * bits + 4096; p *= 2) {
    Enclosure h(p);
    detail::enclose(n, 1, p, h);
    Real x(p), ln1(p), up1(p), sharp(p), sharp_up(p), t(p);
    // n + 1, n and n + 1/2 are exact at this precision (p > bits + 2)
    mpfr_set_z(x.get(), n.backend().data(), MPFR_RNDN);
    mpfr_add_ui(t.get(), x.get(), 1, MPFR_RNDN);
    mpfr_log(ln1.get(), t.get(), MPFR_RNDN);
    mpfr_log(up1.get(), x.get(), MPFR_RNDN);
    mpfr_add_ui(up1.get(), up1.get(), 1, MPFR_RNDN);
    mpfr_mul_2ui(t.get(), x.get(), 1, MPFR_RNDN);
    mpfr_add_ui(t.get(), t.get(), 1, MPFR_RNDN);
    mpfr_div_2ui(t.get(), t.get(), 1, MPFR_RNDN);
    mpfr_log(sharp.get(), t.get(), MPFR_RNDN);
    mpfr_const_euler(t.get(), MPFR_RNDN);
    mpfr_add(sharp.get(), sharp.get(), t.get(), MPFR_RNDN);
    mpfr_sqr(t.get(), x.get(), MPFR_RNDN);
    mpfr_mul_ui(t.get(), t.get(), 24, MPFR_RNDN);
    mpfr_ui_div(t.get(), 1, t.get(), MPFR_RNDN);
    mpfr_add(sharp_up.get(), sharp.get(), t.get(), MPFR_RNDN);

    out.checks.clear();
    out.all_hold = true;
    auto check = [&](const char* text, mpfr_srcptr left, const Real* left_err, mpfr_srcptr right,
                     const Real* right_err, bool strict) {
      BoundCheck c;
      c.inequality = text;
      c.left_value = to_double(left);
      c.right_value = to_double(right);
      Real gap(p), tol(64), e1(64), e2(64);
      mpfr_sub(gap.get(), right, left, MPFR_RNDN);
      if (left_err)
        mpfr_set(e1.get(), left_err->get(), MPFR_RNDU);
      else
        side_error(e1, left, p);
      if (right_err)
        mpfr_set(e2.get(), right_err->get(), MPFR_RNDU);
      else
        side_error(e2, right, p);
      mpfr_add(tol.get(), e1.get(), e2.get(), MPFR_RNDU);
      mpfr_mul_2ui(tol.get(), tol.get(), 1, MPFR_RNDU);  // covers the rounding of the gap itself
      c.holds = mpfr_greater_p(gap.get(), tol.get()) != 0;
      if (!strict && n == 1 && mpfr_zero_p(gap.get())) c.holds = true;  // H(1) = 1 + ln 1 exactly
      const double g = to_double(gap.get());
      c.gap_value = std::fabs(g) >= DBL_MIN || g == 0 ? g : 0.0;
      c.gap = detail::scientific(gap.get(), 6);
      if (!c.holds) out.all_hold = false;
      out.checks.push_back(std::move(c));
    };
    check("ln(n+1) < H(n)", ln1.get(), nullptr, h.mid.get(), &h.err, true);
    check("H(n) <= 1 + ln(n)", h.mid.get(), &h.err, up1.get(), nullptr, false);
    check("ln(n+1/2) + gamma < H(n)", sharp.get(), nullptr, h.mid.get(), &h.err, true);
    check("H(n) < ln(n+1/2) + gamma + 1/(24n^2)", h.mid.get(), &h.err, sharp_up.get(), nullptr,
          true);
    if (out.all_hold) break;
  }
  return out;
}

namespace {

// +1: H(n) >= x proven, -1: H(n) < x proven, 0: undecided.
int compare_h(const BigInt& n, const Rational& x, Inverse& info) {
  if (n == 0) return x > 0 ? -1 : 1;
  if (n <= 10'000) {
    const Fraction f = exact(n.convert_to<std::uint64_t>(), 1);
    const BigInt lhs = f.numerator * boost::multiprecision::denominator(x);
    const BigInt rhs = boost::multiprecision::numerator(x) * f.denominator;
    info.exact_comparison = true;
    return lhs >= rhs ? 1 : -1;
  }
  for (mpfr_prec_t p = detail::bit_length(n) + 128; p <= (1L << 17); p *= 2) {
    Enclosure e(p);
    detail::enclose(n, 1, p, e);
    Real lo(p), hi(p);
    detail::lower_end(e, lo);
    detail::upper_end(e, hi);
    info.precision_bits = std::max(info.precision_bits, static_cast<int>(p));
    if (mpfr_cmp_q(lo.get(), x.backend().data()) >= 0) return 1;
    if (mpfr_cmp_q(hi.get(), x.backend().data()) < 0) return -1;
  }
  return 0;
}

std::string digits_of_h(const BigInt& n, int digits) {
  if (n == 0) return "0";
  std::string mantissa;
  long exponent = 0;
  detail::correctly_rounded_digits(n, 1, digits, mantissa, exponent);
  return detail::positional(mantissa, exponent);
}

}  // namespace

Inverse inverse(std::string_view x_text, std::string_view what) {
  const std::string t = trimmed(x_text);
  const std::string name(what);
  Decimal d;
  if (!parse_decimal(t, d))
    throw InputError(name + ": expected a number such as 10 or 2.5, found \"" +
                     std::string(x_text) + "\"");
  if (d.negative || d.mantissa == 0) throw InputError(name + ": must be > 0, got " + t);
  if (decimal_digits(d.mantissa) + d.shift > 6)
    throw InputError(name + ": must be <= 1000 (the answer would have more than 435 digits), got " +
                     t);
  Rational x =
      d.shift >= 0 ? Rational(d.mantissa * pow10(d.shift)) : Rational(d.mantissa, pow10(-d.shift));
  if (x > static_cast<long>(max_inverse_target))
    throw InputError(name + ": must be <= 1000 (the answer would have more than 435 digits), got " +
                     t);

  Inverse out;
  out.x = t;
  BigInt n = 1;
  if (x > 1) {
    // H(n) lies in (ln(n+1/2) + gamma, ln(n+1/2) + gamma + 1/(24n^2)), so n is within a step of
    // ceil(exp(x - gamma) - 1/2).
    const mpfr_prec_t p = static_cast<mpfr_prec_t>(x.convert_to<double>() * 1.45) + 64;
    Real a(p), g(p);
    mpfr_set_q(a.get(), x.backend().data(), MPFR_RNDN);
    mpfr_const_euler(g.get(), MPFR_RNDN);
    mpfr_sub(a.get(), a.get(), g.get(), MPFR_RNDN);
    mpfr_exp(a.get(), a.get(), MPFR_RNDN);
    mpfr_sub_d(a.get(), a.get(), 0.5, MPFR_RNDN);
    mpfr_get_z(n.backend().data(), a.get(), MPFR_RNDU);
    if (n < 1) n = 1;
  }
  bool decided = true;
  int steps = 0;
  int c = compare_h(n, x, out);
  while (c < 0) {
    if (++steps > 64) throw std::logic_error("harmonic inverse: estimate too far off");
    ++n;
    c = compare_h(n, x, out);
  }
  if (c == 0) decided = false;
  while (n > 1) {
    const int below = compare_h(n - 1, x, out);
    if (below == 0) decided = false;
    if (below < 0) break;
    if (++steps > 64) throw std::logic_error("harmonic inverse: estimate too far off");
    --n;
  }
  out.n = n;
  out.verified = decided;
  const int digits = static_cast<int>(decimal_digits(n)) + 10;
  out.h_before = digits_of_h(n - 1, digits);
  out.h_at = digits_of_h(n, digits);

  const mpfr_prec_t p = detail::bit_length(n) + 128;
  Real xr(p), gap(p);
  mpfr_set_q(xr.get(), x.backend().data(), MPFR_RNDN);
  auto gap_to = [&](const BigInt& m, bool above, double& value, std::string& text) {
    if (m == 0) {
      mpfr_set(gap.get(), xr.get(), MPFR_RNDN);
    } else {
      Enclosure e(p);
      detail::enclose(m, 1, p, e);
      if (above)
        mpfr_sub(gap.get(), e.mid.get(), xr.get(), MPFR_RNDN);
      else
        mpfr_sub(gap.get(), xr.get(), e.mid.get(), MPFR_RNDN);
    }
    value = to_double(gap.get());
    if (std::fabs(value) < DBL_MIN) value = 0;
    text = detail::scientific(gap.get(), 6);
  };
  gap_to(n - 1, false, out.gap_below, out.gap_below_text);
  gap_to(n, true, out.gap_above, out.gap_above_text);
  return out;
}

}  // namespace numkit::harmonic
