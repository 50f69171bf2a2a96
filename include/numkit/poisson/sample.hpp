#pragma once
// Poisson variates, fast and reproducible.
//
// The stream is cut into blocks of kBlock variates; block b draws from its own xoshiro256++
// generator seeded by SplitMix64 from (seed, b). The output for a given (mean, seed) is therefore
// identical whatever the number of threads, across runs and machines of the same build.
// Method: inversion through a table of 64-bit cdf thresholds with a guide table for
// mean <= kTableMaxMean (exact up to 2^-64 per cell; values with total probability below 2^-64
// beyond either end of the table are not produced), Hormann's PTRS transformed rejection (with
// the saddle-point log pmf in the acceptance test) above.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <span>
#include <vector>

#include "numkit/core/error.hpp"

namespace numkit::poisson {

inline constexpr std::size_t kBlock = 1 << 16;
inline constexpr double kTableMaxMean = 1e5;

struct SampleOptions {
  double mean = 1;
  long long n = 0;
  std::uint64_t seed = 0;
  int threads = 0;  // 0: all hardware threads
  void validate() const;
};

// Immutable per-mean state (tables), shareable between threads.
class Sampler {
 public:
  explicit Sampler(double mean);
  // Fills `out` with the first out.size() variates of block `block` of the stream for `seed`.
  void fill(std::uint64_t seed, std::uint64_t block, std::span<std::int64_t> out) const;
  double mean() const { return mean_; }
  bool uses_table() const { return !thresholds_.empty(); }

 private:
  double mean_;
  std::int64_t first_ = 0;                 // value of thresholds_[0]
  std::vector<std::uint64_t> thresholds_;  // T_j = floor(2^64 P(N <= first_ + j)), last = max
  std::vector<std::uint32_t> guide_;
  int guide_shift_ = 0;
  // PTRS constants
  double slam_ = 0, loglam_ = 0, a_ = 0, b_ = 0, inv_alpha_ = 0, vr_ = 0;
};

// Generates opts.n variates and hands them to `sink` in order, in consecutive chunks.
// Progress (fraction done) is reported after each chunk.
void sample(const SampleOptions& opts,
            const std::function<void(std::span<const std::int64_t>)>& sink,
            const ProgressFn& progress = {});

}  // namespace numkit::poisson
