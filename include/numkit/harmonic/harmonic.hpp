// Harmonic numbers H(n) = 1 + 1/2 + ... + 1/n and the generalized H(n, s) = sum 1/k^s:
// exact fractions, correctly rounded values for n up to 10^300, proven bounds, the inverse
// problem, and the point where a naive floating-point sum stalls.
#pragma once

#include "numkit/core/error.hpp"

#include <boost/multiprecision/gmp.hpp>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace numkit::harmonic {

using BigInt = boost::multiprecision::mpz_int;
using Progress = numkit::ProgressFn;  // fraction done in [0, 1]

/// Largest n accepted by the floating-point and bounds routines: 10^300.
const BigInt& max_count();

/// Parses a term count n >= 1 exactly: "123", "1e18", "2.5e3", "10^100", "2^64".
/// Throws InputError ("<what>: ...") for non-integers, n <= 0, n > 10^300 or malformed text.
BigInt parse_count(std::string_view text, std::string_view what);

/// Validates an order s (1 <= s <= max_order); throws InputError naming `what`.
inline constexpr long long max_order = 1000;
void check_order(long long order, std::string_view what);

// ---------------------------------------------------------------- exact fractions

/// n * order may not exceed this for exact fractions (the denominator has about n*order*1.44 bits).
inline constexpr std::uint64_t max_exact_work = 10'000'000;

struct Fraction {
  BigInt numerator, denominator;  // lowest terms, denominator > 0
};

/// H(n, order) exactly, by binary splitting on GMP integers and one final gcd.
/// Throws InputError if n < 1, the order is invalid or n*order > max_exact_work.
Fraction exact(std::uint64_t n, long long order = 1, const Progress& progress = {});

// ---------------------------------------------------------------- values

enum class Method { summation, asymptotic };
std::string method_name(Method m);

struct Value {
  double value = 0;                // H(n, s) rounded to nearest double
  bool correctly_rounded = false;  // proven by an enclosure that rounds to one double
  Method method = Method::summation;
  int terms = 0;                    // Bernoulli terms used by the asymptotic expansion
  int precision_bits = 0;           // working precision of the enclosure
  double relative_error_bound = 0;  // bound on |enclosure midpoint - H| / H before rounding
};

/// H(n, order) in double, correctly rounded (the loop raises the working precision until the
/// enclosure rounds to a single double; it gives up at 8192 bits and then is within 1 ulp).
Value value(const BigInt& n, long long order = 1);

/// H(n, order) to `digits` significant decimal digits (1..100), correctly rounded, in plain
/// positional notation ("2.928968253968253968").
std::string value_digits(const BigInt& n, long long order, int digits);

// ---------------------------------------------------------------- bounds

struct BoundCheck {
  std::string inequality;   // e.g. "ln(n+1) < H(n)"
  std::string left, right;  // decimal values of both sides (20 significant digits)
  double left_value = 0, right_value = 0;
  std::string gap;       // right - left, 6 significant digits (may be far below 1e-308)
  double gap_value = 0;  // the same in double (0 if it underflows)
  bool holds = false;    // proven with an enclosure, or exact equality where allowed
};

struct Bounds {
  BigInt n;
  double h = 0;                    // H(n) correctly rounded
  std::vector<BoundCheck> checks;  // classic pair, then the sharper pair with Euler's gamma
  bool all_hold = false;
};

/// ln(n+1) < H(n) <= 1 + ln n (equality only at n = 1) and
/// ln(n+1/2) + gamma < H(n) < ln(n+1/2) + gamma + 1/(24 n^2), each checked in enough precision.
Bounds bounds(const BigInt& n);

// ---------------------------------------------------------------- inverse

/// Largest accepted target for inverse(): n has about 0.4343*(x - 0.5772) digits (435 at 1000).
inline constexpr double max_inverse_target = 1000;

struct Inverse {
  std::string x;                               // the target as parsed (normalized decimal)
  BigInt n;                                    // smallest n with H(n) >= x
  std::string h_before;                        // H(n-1), enough digits to show H(n-1) < x
  std::string h_at;                            // H(n),   enough digits to show x <= H(n)
  double gap_below = 0;                        // x - H(n-1) > 0 (0 if it is below the double range)
  double gap_above = 0;                        // H(n) - x >= 0 (0 if it is below the double range)
  std::string gap_below_text, gap_above_text;  // the same, 6 significant digits, any size
  bool verified =
      false;  // both comparisons proven (exact rationals for n <= 10^4, else enclosures)
  bool exact_comparison = false;
  int precision_bits = 0;
};

/// Smallest n with H(n) >= x for a decimal x (e.g. "100", "2.5", "1e2"), exact for any size of n.
/// Throws InputError for malformed x, x <= 0 or x > max_inverse_target.
Inverse inverse(std::string_view x_text, std::string_view what = "x");

// ---------------------------------------------------------------- stall

enum class Format { fp16, bf16, fp32, fp64 };
Format parse_format(std::string_view text, std::string_view what);
std::string format_name(Format f);
int significand_bits(Format f);  // including the implicit bit: 11, 8, 24, 53

struct SumComparison {
  std::uint64_t terms = 0;
  double exact = 0;                           // H(terms) correctly rounded to double
  double naive = 0, pairwise = 0, kahan = 0;  // sums of fl(1/k) computed in the format
  double naive_error = 0, pairwise_error = 0, kahan_error = 0;  // relative to exact
};

struct Stall {
  Format format = Format::fp16;
  bool simulated = false;           // false: fp64, stall_n/stall_value are the analysis' prediction
  std::uint64_t stall_n = 0;        // first n whose term leaves the naive running sum unchanged
  double stall_value = 0;           // the value the naive sum sticks at (simulated formats)
  double exact_at_stall = 0;        // H(stall_n)
  std::uint64_t predicted_n = 0;    // half-ulp analysis: first n with 1/n <= ulp(H(n))/2
  int predicted_binade = 0;         // e with H(predicted_n) in [2^e, 2^(e+1))
  double predicted_value = 0;       // H(predicted_n) (the naive sum drifts above it)
  std::string reasoning;            // the analysis in one paragraph
  bool run_length_checked = false;  // fp64 with run_length: the exact run-length simulation ran
  std::uint64_t run_length_n = 0;   // its stall point
  double run_length_value = 0;      // and the value the sum sticks at
  SumComparison comparison;
};

struct RunLengthStall {
  std::uint64_t stall_n = 0;
  double stall_value = 0;
  std::uint64_t runs = 0;  // bulk additions made
};

/// The naive sum of fl(1/k) in fp32 or fp64, simulated exactly but fast: after `direct_terms`
/// single steps, consecutive terms that all round to the same multiple j of the sum's ulp (no tie,
/// sum staying inside its binade) are added at once as an exact multiple of j*ulp; ties and binade
/// crossings are taken as single steps. fp64 reaches its stall at n ~ 2^48 in about a second.
/// Throws InputError for fp16/bf16 (simulate those directly).
RunLengthStall run_length_stall(Format format, std::uint64_t direct_terms = std::uint64_t{1} << 26);

/// Finds where the naive left-to-right sum of fl(1/k) stops changing in `format` (round to nearest
/// even at every step; simulated for fp16/bf16/fp32, predicted for fp64) and compares naive,
/// pairwise and Kahan summation in that format over `comparison_terms` terms (0: the stall point,
/// or 10^7 for fp64). With `run_length` the fp64 prediction is also checked by run_length_stall().
/// Throws InputError if comparison_terms > 10^9.
Stall stall(Format format, std::uint64_t comparison_terms = 0, bool run_length = false);

/// The sums of fl(1/k), k = 1..terms, in `format` (exposed for tests and benchmarks).
SumComparison compare_sums(Format format, std::uint64_t terms);

}  // namespace numkit::harmonic
