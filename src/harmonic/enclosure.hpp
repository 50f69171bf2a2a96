// Internal: multiprecision enclosures of H(n, s) with MPFR (not part of the public API).
#pragma once

#include "numkit/harmonic/harmonic.hpp"

#include <gmp.h>
#include <mpfr.h>

namespace numkit::harmonic::detail {

/// RAII owner of one MPFR number.
class Real {
 public:
  explicit Real(mpfr_prec_t precision) {
    mpfr_init2(v_, precision);
    mpfr_set_zero(v_, 1);
  }
  ~Real() { mpfr_clear(v_); }
  Real(const Real&) = delete;
  Real& operator=(const Real&) = delete;
  mpfr_ptr get() { return v_; }
  mpfr_srcptr get() const { return v_; }

 private:
  mpfr_t v_;
};

/// An enclosure |H - mid| <= err of a harmonic number at a given working precision.
struct Enclosure {
  Real mid, err;
  Method method = Method::summation;
  int terms = 0;
  explicit Enclosure(mpfr_prec_t precision) : mid(precision), err(64) {}
};

/// Direct summation is used up to this n; beyond it the Euler-Maclaurin expansion.
inline constexpr unsigned long direct_limit = 2000;

/// Computes an enclosure of H(n, order) at working precision `precision` bits.
void enclose(const BigInt& n, long long order, mpfr_prec_t precision, Enclosure& out);

/// Lower and upper ends of an enclosure (directed rounding), at the enclosure's precision.
void lower_end(const Enclosure& e, Real& lo);
void upper_end(const Enclosure& e, Real& hi);

/// Correctly rounded decimal digits of H(n, order): raises the precision until both ends of the
/// enclosure round to the same `digits` significant digits. Returns mantissa digits and the
/// decimal exponent as mpfr_get_str does (value = 0.d1d2... * 10^exp).
void correctly_rounded_digits(const BigInt& n, long long order, int digits, std::string& mantissa,
                              long& exponent);

/// Formats mpfr_get_str output (value = 0.DIGITS * 10^exp, value >= 0) in positional notation.
std::string positional(const std::string& mantissa, long exponent);

/// Short scientific rendering ("4.16667e-602") of an MPFR number with `digits` significant digits.
std::string scientific(mpfr_srcptr x, int digits);

/// Number of bits of |n|.
long bit_length(const BigInt& n);

}  // namespace numkit::harmonic::detail
