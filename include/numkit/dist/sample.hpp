#pragma once
// Variates of every family, fast and reproducible.
//
// As in the Poisson module, the stream is cut into blocks of kBlock variates; block b draws from
// its own xoshiro256++ generator seeded by SplitMix64 from (seed, b), so a seed gives the same
// numbers on any number of threads, across runs and machines of the same build.
// Methods: discrete families by inversion through a table of 64-bit cdf thresholds with a guide
// table when the range holding all but 2^-64 of the mass has at most 2^16 values (values beyond,
// of total probability below 2^-64, are not produced); otherwise the binomial by libstdc++'s
// rejection sampler, the negative binomial as a gamma-Poisson mixture and the geometric by
// inversion floor(log U / log(1 - prob)); Poisson through numkit::poisson's sampler (the same
// stream as `numkit poisson sample`); exponential by -log(U)/rate; normal by Box-Muller; gamma
// by Marsaglia and Tsang's method (shape < 1 through shape + 1 and U^(1/shape)).
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>

#include "numkit/core/error.hpp"
#include "numkit/dist/distribution.hpp"

namespace numkit::dist {

inline constexpr std::size_t kBlock = 1 << 16;

struct SampleOptions {
  long long n = 0;
  std::uint64_t seed = 0;
  int threads = 0;  // 0: all hardware threads
  void validate() const;
};

// Discrete families: integer variates; continuous: doubles. The sink receives consecutive chunks
// in order; progress (fraction done) after each.
void sample_discrete(const Distribution& d, const SampleOptions& opts,
                     const std::function<void(std::span<const std::int64_t>)>& sink,
                     const ProgressFn& progress = {});
void sample_continuous(const Distribution& d, const SampleOptions& opts,
                       const std::function<void(std::span<const double>)>& sink,
                       const ProgressFn& progress = {});

}  // namespace numkit::dist
