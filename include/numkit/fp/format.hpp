// Floating-point format descriptors and correctly rounded conversions (round to nearest, ties to
// even).
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace numkit::fp {

// How a finite value too large for the format is treated.
//   infinity: IEEE 754 / OCP "non-saturating": overflow gives +-inf (NaN for fp8 e4m3fn, which has
//   no inf). saturate: overflow and +-inf inputs give +-largest finite (OCP "saturating" mode). NaN
//   stays NaN.
enum class Overflow { infinity, saturate };

enum class FormatId { fp64, fp32, tf32, fp16, bf16, e5m2, e4m3, e5m2fnuz, e4m3fnuz };

// A binary floating-point format: 1 sign bit, exponent_bits, mantissa_bits (stored fraction bits).
struct Format {
  FormatId id;
  std::string_view name;  // canonical name: fp64 fp32 tf32 fp16 bf16 e5m2 e4m3 e5m2fnuz e4m3fnuz
  std::string_view description;  // e.g. "IEEE 754 binary16"
  int bits;                      // total width in bits
  int exponent_bits;
  int mantissa_bits;  // p - 1, the stored fraction bits
  int bias;
  bool has_infinity;  // e4m3fn: false (exponent all-ones is used for normals, S.1111.111 is NaN)
  bool fnuz = false;  // e4m3fnuz/e5m2fnuz: no inf, no -0, NaN = 1.000...0 (0x80), bias + 1
  int emin;           // exponent of the smallest normal, 1 - bias
  int emax;           // exponent of the largest finite value
  double max_finite;
  double min_normal;
  double min_subnormal;
  double epsilon;         // 2^-mantissa_bits: distance from 1 to the next larger value
  double unit_roundoff;   // epsilon / 2: bound on the relative rounding error in the normal range
  double decimal_digits;  // (mantissa_bits + 1) * log10(2)
  std::uint64_t bit_mask() const {
    return bits == 64 ? ~std::uint64_t{0} : (std::uint64_t{1} << bits) - 1;
  }
  std::uint64_t sign_mask() const { return std::uint64_t{1} << (bits - 1); }
};

const std::vector<Format>& all_formats();
const Format& format(FormatId);
// Accepts canonical names and aliases (float16, half, binary16, bfloat16, float32, single, double,
// fp8_e4m3, e4m3fn, fp8-e5m2, ...), case-insensitively. Unknown names throw InputError naming the
// nearest known name.
const Format& find_format(std::string_view name, std::string_view what = "--format");
// The known names, comma separated, for help texts.
std::string format_names();

// Correctly rounded conversion of a double to the format (round to nearest, ties to even), returned
// as the double holding the stored value. NaN -> NaN (sign kept); +-0 -> +-0; inf per Overflow.
double round_to(double x, const Format& f, Overflow mode = Overflow::infinity);
// Same as round_to for a float input (uses Eigen::half / Eigen::bfloat16 / F16C where they exist).
float round_to(float x, const Format& f, Overflow mode = Overflow::infinity);

// Stochastic rounding: a finite x goes to the representable magnitude just above |x| with
// probability (|x| - lo) / (hi - lo), lo and hi the neighbours around |x|, else to lo, so the
// expected result is x (the probability is resolved to 2^-53 by the 53 random bits given, uniform
// in [0, 2^53)). Representable values are returned unchanged. NaN, inf and overflow as round_to.
double round_stochastic(double x, const Format& f, std::uint64_t random53,
                        Overflow mode = Overflow::infinity);

enum class Rounding { nearest, stochastic };
// "nearest" or "stochastic"; throws InputError naming `what` otherwise.
Rounding parse_rounding(std::string_view name, std::string_view what);

// A seeded stream of stochastic roundings (reproducible for a given seed).
class StochasticRounder {
 public:
  explicit StochasticRounder(std::uint64_t seed) : state_(seed) {}
  double operator()(double x, const Format& f, Overflow mode = Overflow::infinity) {
    return round_stochastic(x, f, next() >> 11, mode);
  }
  std::uint64_t next() {  // splitmix64
    std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }

 private:
  std::uint64_t state_;
};

// Batched conversion float -> format -> float (F16C/AVX-512 for fp16). out may alias in.
void round_array(std::span<const float> in, std::span<float> out, const Format& f,
                 Overflow mode = Overflow::infinity);

// Bit patterns (the low f.bits bits of the integer).
// encode: correctly rounded; NaN payload is kept in its top bits and made quiet (e4m3: the single
// NaN S.1111.111).
std::uint64_t encode(double x, const Format& f, Overflow mode = Overflow::infinity);
// decode: exact value of a pattern (NaN patterns give a quiet NaN carrying the payload).
double decode(std::uint64_t bits, const Format& f);

enum class ValueClass { zero, subnormal, normal, infinity, nan };
std::string_view to_string(ValueClass);
ValueClass classify_bits(std::uint64_t bits, const Format& f);
// Class of a value already representable in f (a result of round_to).
ValueClass classify_value(double v, const Format& f);

// Neighbours of a representable finite value: next toward +inf / -inf. Beyond the largest finite
// value they return +-inf (also for e4m3, meaning "no finite neighbour").
double next_up(double v, const Format& f);
double next_down(double v, const Format& f);
// Spacing of the format at |v|: the gap between |v| and the next larger representable magnitude
// (for v at the top of the range, the gap to the would-be next value 2^(emax+1)).
double ulp(double v, const Format& f);

// Parse a value for `fp show`: decimals and hex floats (0x1.8p-3), inf/nan accepted.
double parse_value(std::string_view text, std::string_view what);

}  // namespace numkit::fp
