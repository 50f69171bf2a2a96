// One-pass, bounded-memory analysis of what happens to a stream of numbers when stored in a format.
#pragma once

#include <array>
#include <cstdint>
#include <limits>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "numkit/core/error.hpp"
#include "numkit/fp/format.hpp"

namespace numkit {
class NumberStream;
}

namespace numkit::fp {

struct AnalyzeOptions {
  const Format* format = nullptr;  // required
  Overflow overflow = Overflow::infinity;
  double scale = 1.0;   // each value is multiplied by scale (in double; exact for powers of two)
                        // before rounding
  double margin = 2.0;  // loss-scale recommendation keeps max|x| * S <= largest finite / margin
  int threads = 2;      // raw files are split between this many threads
  // stochastic: each value is rounded stochastically (scalar path; seeded, reproducible for one
  // thread), so the counts are those of one random draw
  Rounding rounding = Rounding::nearest;
  std::uint64_t seed = 0;
  ProgressFn progress;  // called with the fraction done (raw files only), from one thread
  void validate() const;
};

// Mergeable accumulator. Relative errors are binned on a log scale with 64 bins per binade
// (bin width 1/64 relative), so percentiles are upper bounds within 1.6 %.
struct AnalyzeStats {
  static constexpr int kRelBinsPerOctave = 64;
  static constexpr int kRelOctaves = 64;  // 2^-64 .. 1
  static constexpr int kRelBins = kRelOctaves * kRelBinsPerOctave + 1;
  static constexpr int kExpOffset = 1074;  // exponent histogram index = floor(log2|x|) + kExpOffset
  static constexpr int kExpBins = 1074 + 1024;

  std::uint64_t count = 0, nan = 0, pos_inf = 0, neg_inf = 0, zero = 0;
  std::uint64_t overflow = 0;  // finite input, out of range (inf, NaN or saturated per Overflow)
  std::uint64_t flushed_to_zero = 0;   // nonzero input stored as zero
  std::uint64_t became_subnormal = 0;  // nonzero input stored as a subnormal
  std::uint64_t rounded =
      0;  // finite input stored inexactly (includes flushed and subnormal losses)
  std::uint64_t error_count =
      0;  // finite nonzero inputs with a finite stored value (the error population)
  std::uint64_t exact_nonzero = 0;  // ... of which stored exactly
  double sum_rel = 0;               // sum of relative errors over error_count
  double max_rel = 0, max_rel_input = 0;
  double max_abs = 0;                                        // over finite nonzero scaled inputs
  double min_abs = std::numeric_limits<double>::infinity();  // inf if there is none
  std::vector<std::uint64_t> rel_hist =
      std::vector<std::uint64_t>(kRelBins);  // nonzero relative errors
  std::vector<std::uint64_t> exp_hist = std::vector<std::uint64_t>(kExpBins);

  void merge(const AnalyzeStats& other);
  static int rel_bin(float rel);         // index for a relative error > 0
  static double rel_bin_upper(int bin);  // upper edge of a bin
};

// Feeds chunks; keeps only the accumulator (bounded memory).
class Analyzer {
 public:
  explicit Analyzer(const AnalyzeOptions& options);
  void add(std::span<const float> values);
  void add(std::span<const double> values);
  const AnalyzeStats& stats() const { return stats_; }
  AnalyzeStats& stats() { return stats_; }

 private:
  void add_one(double x);
  template <class Round>
  void add_float_fast(const float* x, std::size_t n, Round round);
  AnalyzeOptions opt_;
  const Format& f_;
  AnalyzeStats stats_;
  int fast_kind_ = 0;  // 0: scalar, 1: fp16 (F16C), 2: bit-level rounding in float lanes
  float fast_scale_ = 1.0f;
  std::vector<double> scratch_;
  std::optional<StochasticRounder> sr_;
};

struct Percentile {
  double p;      // in percent, e.g. 99
  double value;  // upper bound on the relative error at that percentile
};

struct LossScaleAdvice {
  int log2_scale =
      0;  // recommended total scale = 2^log2_scale (includes the --scale already applied)
  double scale = 1;
  std::uint64_t low_before =
      0;  // nonzero values below the normal range (subnormal or zero) at the applied scale
  std::uint64_t low_after = 0;  // ... at the recommended scale
  double max_after = 0;         // largest magnitude at the recommended scale
  bool has_data = false;        // false when there is no finite nonzero value
};

struct ExponentBin {
  int exponent;  // values in [2^e, 2^(e+1))
  std::uint64_t count;
  const char* region;  // "overflow", "normal", "subnormal", "underflow"
};

struct AnalyzeResult {
  AnalyzeStats stats;
  std::vector<Percentile> percentiles;  // 50, 90, 99, 99.9, 99.99
  LossScaleAdvice advice;
  std::vector<ExponentBin> exponents;  // non-empty bins, ascending
  double mean_rel = 0;
};

AnalyzeResult finish(const AnalyzeStats& stats, const AnalyzeOptions& options);
const char* exponent_region(int exponent, const Format& f);

enum class RawType { f32, f64 };
// Raw little-endian input from a path or "-". Throws InputError if the byte length is not a
// multiple of the element size. Files are split between options.threads threads and read in 1 MiB
// chunks per thread.
AnalyzeResult analyze_raw(const std::string& spec, RawType type, const AnalyzeOptions& options);
// Text input: NumberStream (nan/inf accepted and counted).
AnalyzeResult analyze_text(NumberStream& in, const AnalyzeOptions& options);
AnalyzeResult analyze_values(std::span<const double> values, const AnalyzeOptions& options);

}  // namespace numkit::fp
