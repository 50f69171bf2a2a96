// What one value becomes in a format: bits, exact stored value, rounding error, neighbours, class.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "numkit/fp/format.hpp"

namespace numkit::fp {

struct ShowResult {
  std::string input;  // as typed (or the bit pattern)
  bool from_bits = false;
  double input_value = 0;  // the input rounded to double (exact for hex floats and bit patterns)
  std::uint64_t bits = 0;
  std::string sign_field, exponent_field, mantissa_field;  // binary digits
  std::string hex;                                         // 0x3c00
  double stored = 0;
  std::string stored_exact;  // exact decimal expansion of the stored value
  ValueClass value_class = ValueClass::zero;
  std::string outcome;     // exact, rounded, overflowed, saturated, underflowed to zero, became
                           // subnormal, nan, inf
  int exponent = 0;        // unbiased exponent (normal: field - bias; subnormal: emin)
  bool has_error = false;  // false for nan/inf/overflow results
  double abs_error = 0;    // stored - input, exact difference rounded to double
  double rel_error = 0;    // |stored - input| / |input|
  double error_ulps = 0;   // |stored - input| / ulp at stored
  double ulp = 0;
  double below = 0, above = 0;  // neighbours (next toward -inf / +inf); +-inf means none
};

// Correctly rounded from the exact decimal (or hex-float) text, not via an intermediate double
// rounding.
ShowResult show_value(std::string_view text, const Format& f, Overflow mode, std::string_view what);
ShowResult show_bits(std::string_view pattern, const Format& f, std::string_view what);
// Exact decimal expansion of a finite double ("0.0999755859375").
std::string exact_decimal(double v);

}  // namespace numkit::fp
