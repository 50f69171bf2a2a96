// Inline rounding kernel shared by the conversions and the analysis loops (internal).
#pragma once

#include <bit>
#include <cmath>
#include <cstdint>

#include "numkit/fp/format.hpp"

namespace numkit::fp::detail {

// Round a finite a > 0 to f's precision (nearest, ties to even) with an unbounded exponent above
// emin: the caller compares the result with f.max_finite to detect overflow.
inline double round_magnitude(double a, const Format& f) {
  if (a < f.min_normal) {
    // Subnormal range: multiples of min_subnormal. Adding c = min_subnormal * 2^52 makes the double
    // addition round at exactly that quantum, ties to even; the subtraction is exact. (No
    // -ffast-math: not folded.)
    const double c = f.min_subnormal * 4503599627370496.0;
    const double t = a + c;
    return t - c;
  }
  const int shift = 52 - f.mantissa_bits;
  std::uint64_t u = std::bit_cast<std::uint64_t>(a);
  const std::uint64_t half = (std::uint64_t{1} << (shift - 1)) - 1;
  u += half + ((u >> shift) & 1);
  u &= ~((std::uint64_t{1} << shift) - 1);
  return std::bit_cast<double>(u);
}

}  // namespace numkit::fp::detail
