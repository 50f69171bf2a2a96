#include "numkit/poisson/sample.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <thread>

#include "numkit/poisson/distribution.hpp"

namespace numkit::poisson {

namespace {

std::uint64_t splitmix64(std::uint64_t& x) {
  std::uint64_t z = (x += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

struct Xoshiro256pp {
  std::uint64_t s[4];
  Xoshiro256pp(std::uint64_t seed, std::uint64_t stream) {
    std::uint64_t x = seed ^ (stream * 0xd1b54a32d192ed03ULL);
    // Mix the block number in twice so that neighbouring (seed, block) pairs are unrelated.
    splitmix64(x);
    x ^= stream;
    for (auto& w : s) w = splitmix64(x);
  }
  static std::uint64_t rotl(std::uint64_t v, int k) { return (v << k) | (v >> (64 - k)); }
  std::uint64_t operator()() {
    const std::uint64_t result = rotl(s[0] + s[3], 23) + s[0];
    const std::uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return result;
  }
  double uniform() { return static_cast<double>((*this)() >> 11) * 0x1.0p-53; }
};

}  // namespace

void SampleOptions::validate() const {
  check_count_mean(mean, "--mean");
  if (n < 0) throw InputError("N: must be >= 0, got " + std::to_string(n));
  if (threads < 0) throw InputError("--threads: must be >= 0, got " + std::to_string(threads));
}

Sampler::Sampler(double mean) : mean_(mean) {
  check_count_mean(mean, "--mean");
  if (mean == 0) return;
  if (mean <= kTableMaxMean) {
    // Table from the first k whose cdf reaches 2^-64 to the first k whose sf drops below 2^-64.
    const double lo = quantile(0x1.0p-64, mean);
    const double hi = quantile(0x1.0p-64, mean, true);
    first_ = static_cast<std::int64_t>(lo);
    const std::size_t size = static_cast<std::size_t>(hi - lo) + 1;
    thresholds_.resize(size);
    for (std::size_t j = 0; j < size; ++j) {
      const Tails t = tails(lo + static_cast<double>(j), mean);
      const long double scaled = std::ldexp(t.lower, 64);
      thresholds_[j] = scaled >= 0x1.0p64L ? std::numeric_limits<std::uint64_t>::max()
                                           : static_cast<std::uint64_t>(scaled);
    }
    thresholds_.back() = std::numeric_limits<std::uint64_t>::max();
    int bits = 1;
    while ((std::size_t(1) << bits) < size && bits < 20) ++bits;
    guide_shift_ = 64 - bits;
    guide_.resize(std::size_t(1) << bits);
    std::size_t j = 0;
    for (std::size_t i = 0; i < guide_.size(); ++i) {
      const std::uint64_t u = static_cast<std::uint64_t>(i) << guide_shift_;
      while (j + 1 < size && u >= thresholds_[j]) ++j;
      guide_[i] = static_cast<std::uint32_t>(j);
    }
    return;
  }
  slam_ = std::sqrt(mean);
  loglam_ = std::log(mean);
  b_ = 0.931 + 2.53 * slam_;
  a_ = -0.059 + 0.02483 * b_;
  inv_alpha_ = 1.1239 + 1.1328 / (b_ - 3.4);
  vr_ = 0.9277 - 3.6224 / (b_ - 2);
}

void Sampler::fill(std::uint64_t seed, std::uint64_t block, std::span<std::int64_t> out) const {
  if (mean_ == 0) {
    std::fill(out.begin(), out.end(), 0);
    return;
  }
  Xoshiro256pp rng(seed, block);
  if (!thresholds_.empty()) {
    const std::uint64_t* t = thresholds_.data();
    const std::uint32_t* g = guide_.data();
    const int shift = guide_shift_;
    const std::int64_t first = first_;
    for (auto& x : out) {
      const std::uint64_t u = rng();
      std::uint32_t j = g[u >> shift];
      while (u >= t[j]) ++j;
      x = first + j;
    }
    return;
  }
  const double log_inv_alpha = std::log(inv_alpha_);
  for (auto& x : out) {
    for (;;) {
      const double U = rng.uniform() - 0.5;
      const double V = rng.uniform();
      const double us = 0.5 - std::fabs(U);
      const double k = std::floor((2 * a_ / us + b_) * U + mean_ + 0.43);
      if (us >= 0.07 && V <= vr_) {
        x = static_cast<std::int64_t>(k);
        break;
      }
      if (!(k >= 0) || k > kMaxK || (us < 0.013 && V > us)) continue;
      if (std::log(V) + log_inv_alpha - std::log(a_ / (us * us) + b_) <= log_pmf(k, mean_)) {
        x = static_cast<std::int64_t>(k);
        break;
      }
    }
  }
}

void sample(const SampleOptions& opts,
            const std::function<void(std::span<const std::int64_t>)>& sink,
            const ProgressFn& progress) {
  opts.validate();
  const Sampler sampler(opts.mean);
  const std::uint64_t n = static_cast<std::uint64_t>(opts.n);
  const std::uint64_t blocks = (n + kBlock - 1) / kBlock;
  unsigned threads = opts.threads > 0 ? static_cast<unsigned>(opts.threads)
                                      : std::max(1u, std::thread::hardware_concurrency());
  threads =
      static_cast<unsigned>(std::min<std::uint64_t>(threads, std::max<std::uint64_t>(blocks, 1)));
  constexpr std::uint64_t kBlocksPerThread = 4;
  const std::uint64_t per_round = threads * kBlocksPerThread;
  std::vector<std::int64_t> buffer(std::min<std::uint64_t>(per_round, blocks) * kBlock);
  auto block_len = [&](std::uint64_t b) {
    return static_cast<std::size_t>(std::min<std::uint64_t>(kBlock, n - b * kBlock));
  };
  for (std::uint64_t first = 0; first < blocks; first += per_round) {
    const std::uint64_t count = std::min(per_round, blocks - first);
    auto work = [&](unsigned w) {
      for (std::uint64_t i = w; i < count; i += threads) {
        const std::uint64_t b = first + i;
        sampler.fill(opts.seed, b,
                     std::span<std::int64_t>(buffer.data() + i * kBlock, block_len(b)));
      }
    };
    if (threads > 1 && count > 1) {
      std::vector<std::thread> pool;
      for (unsigned w = 1; w < threads; ++w) pool.emplace_back(work, w);
      work(0);
      for (auto& th : pool) th.join();
    } else {
      work(0);
    }
    for (std::uint64_t i = 0; i < count; ++i)
      sink(std::span<const std::int64_t>(buffer.data() + i * kBlock, block_len(first + i)));
    if (progress) progress(static_cast<double>(std::min(n, (first + count) * kBlock)) / n);
  }
}

}  // namespace numkit::poisson
