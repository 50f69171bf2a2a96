#include "numkit/dist/sample.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "numkit/poisson/sample.hpp"

namespace numkit::dist {

namespace {

std::uint64_t splitmix64(std::uint64_t& x) {
  std::uint64_t z = (x += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

// xoshiro256++, usable as a UniformRandomBitGenerator.
struct Xoshiro {
  using result_type = std::uint64_t;
  std::uint64_t s[4];
  Xoshiro(std::uint64_t seed, std::uint64_t stream) {
    std::uint64_t x = seed ^ (stream * 0xd1b54a32d192ed03ULL);
    splitmix64(x);
    x ^= stream;
    for (auto& w : s) w = splitmix64(x);
  }
  static constexpr result_type min() { return 0; }
  static constexpr result_type max() { return std::numeric_limits<result_type>::max(); }
  static std::uint64_t rotl(std::uint64_t v, int k) { return (v << k) | (v >> (64 - k)); }
  result_type operator()() {
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
  // Uniform in (0, 1], so that log(U) is finite.
  double open_uniform() { return static_cast<double>(((*this)() >> 11) + 1) * 0x1.0p-53; }
};

// Standard normals by Box-Muller, one pair at a time.
struct Normals {
  double spare = 0;
  bool has_spare = false;
  double next(Xoshiro& rng) {
    if (has_spare) {
      has_spare = false;
      return spare;
    }
    const double r = std::sqrt(-2 * std::log(rng.open_uniform()));
    const double t = 2 * M_PI * (static_cast<double>(rng() >> 11) * 0x1.0p-53);
    spare = r * std::sin(t);
    has_spare = true;
    return r * std::cos(t);
  }
};

// Gamma(shape, 1) by Marsaglia and Tsang (2000).
double gamma_variate(double shape, Xoshiro& rng, Normals& normals) {
  double boost = 1;
  if (shape < 1) {
    boost = std::pow(rng.open_uniform(), 1 / shape);
    shape += 1;
  }
  const double d = shape - 1.0 / 3, c = 1 / std::sqrt(9 * d);
  for (;;) {
    double x, v;
    do {
      x = normals.next(rng);
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const double u = rng.open_uniform();
    if (u < 1 - 0.0331 * x * x * x * x) return d * v * boost;
    if (std::log(u) < 0.5 * x * x + d * (1 - v + std::log(v))) return d * v * boost;
  }
}

class DiscreteSampler {
 public:
  explicit DiscreteSampler(const Distribution& d) : d_(d) {
    if (d.family() == Family::poisson) {
      poisson_ = std::make_unique<poisson::Sampler>(d.a());
      return;
    }
    if (d.support_hi() == 0) {
      constant_ = true;
      return;
    }
    const double lo = d.quantile(0x1.0p-64), hi = d.quantile(0x1.0p-64, true);
    if (std::isfinite(hi) && hi - lo < 65536) build_table(lo, hi);
  }
  void fill(std::uint64_t seed, std::uint64_t block, std::span<std::int64_t> out) const {
    if (poisson_) {
      poisson_->fill(seed, block, out);
      return;
    }
    if (constant_) {
      std::fill(out.begin(), out.end(), 0);
      return;
    }
    Xoshiro rng(seed, block);
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
    switch (d_.family()) {
      case Family::binomial: {
        std::binomial_distribution<long long> bin(static_cast<long long>(d_.a()), d_.b());
        for (auto& x : out) x = bin(rng);
        return;
      }
      case Family::geometric: {
        const double lq = std::log1p(-d_.a());
        for (auto& x : out)
          x = static_cast<std::int64_t>(std::floor(std::log(rng.open_uniform()) / lq));
        return;
      }
      case Family::negbin: {
        // Poisson(lambda) with lambda ~ Gamma(size, scale (1 - p) / p) = Gamma(size, mu / size).
        const double scale = d_.mean() / d_.a();
        Normals normals;
        for (auto& x : out) {
          const double lambda = gamma_variate(d_.a(), rng, normals) * scale;
          if (!(lambda > 0)) {
            x = 0;
            continue;
          }
          std::poisson_distribution<long long> pois(lambda);
          x = pois(rng);
        }
        return;
      }
      default:
        return;
    }
  }

 private:
  void build_table(double lo, double hi) {
    first_ = static_cast<std::int64_t>(lo);
    const std::size_t size = static_cast<std::size_t>(hi - lo) + 1;
    thresholds_.resize(size);
    // Cumulative masses in long double from the lower end (the first value from the tails).
    long double c = d_.tails(lo).lower;
    for (std::size_t j = 0; j < size; ++j) {
      if (j > 0) c += std::exp(static_cast<long double>(d_.log_pdf(lo + static_cast<double>(j))));
      const long double scaled = std::ldexp(c, 64);
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
  }

  Distribution d_;
  std::unique_ptr<poisson::Sampler> poisson_;
  bool constant_ = false;
  std::int64_t first_ = 0;
  std::vector<std::uint64_t> thresholds_;
  std::vector<std::uint32_t> guide_;
  int guide_shift_ = 0;
};

void fill_continuous(const Distribution& d, std::uint64_t seed, std::uint64_t block,
                     std::span<double> out) {
  Xoshiro rng(seed, block);
  switch (d.family()) {
    case Family::exponential: {
      const double inv = 1 / d.a();
      for (auto& x : out) x = -std::log(rng.open_uniform()) * inv;
      return;
    }
    case Family::normal: {
      Normals normals;
      const double m = d.a(), s = d.b();
      for (auto& x : out) x = m + s * normals.next(rng);
      return;
    }
    case Family::gamma: {
      Normals normals;
      const double shape = d.a(), inv = 1 / d.b();
      for (auto& x : out) x = gamma_variate(shape, rng, normals) * inv;
      return;
    }
    default:
      return;
  }
}

// Runs fill(block, span) over the blocks on the worker threads, handing blocks to the sink in
// order.
template <class T, class Fill>
void run_blocks(const SampleOptions& opts, Fill fill,
                const std::function<void(std::span<const T>)>& sink, const ProgressFn& progress) {
  const std::uint64_t n = static_cast<std::uint64_t>(opts.n);
  const std::uint64_t blocks = (n + kBlock - 1) / kBlock;
  unsigned threads = opts.threads > 0 ? static_cast<unsigned>(opts.threads)
                                      : std::max(1u, std::thread::hardware_concurrency());
  threads =
      static_cast<unsigned>(std::min<std::uint64_t>(threads, std::max<std::uint64_t>(blocks, 1)));
  constexpr std::uint64_t kBlocksPerThread = 4;
  const std::uint64_t per_round = threads * kBlocksPerThread;
  std::vector<T> buffer(std::min<std::uint64_t>(per_round, blocks) * kBlock);
  auto block_len = [&](std::uint64_t b) {
    return static_cast<std::size_t>(std::min<std::uint64_t>(kBlock, n - b * kBlock));
  };
  for (std::uint64_t first = 0; first < blocks; first += per_round) {
    const std::uint64_t count = std::min(per_round, blocks - first);
    auto work = [&](unsigned w) {
      for (std::uint64_t i = w; i < count; i += threads) {
        const std::uint64_t b = first + i;
        fill(b, std::span<T>(buffer.data() + i * kBlock, block_len(b)));
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
      sink(std::span<const T>(buffer.data() + i * kBlock, block_len(first + i)));
    if (progress) progress(static_cast<double>(std::min(n, (first + count) * kBlock)) / n);
  }
}

}  // namespace

void SampleOptions::validate() const {
  if (n < 0) throw InputError("N: must be >= 0, got " + std::to_string(n));
  if (threads < 0) throw InputError("--threads: must be >= 0, got " + std::to_string(threads));
}

void sample_discrete(const Distribution& d, const SampleOptions& opts,
                     const std::function<void(std::span<const std::int64_t>)>& sink,
                     const ProgressFn& progress) {
  opts.validate();
  if (!d.discrete()) throw InputError(d.name() + ": a continuous family has no integer variates");
  const DiscreteSampler sampler(d);
  run_blocks<std::int64_t>(
      opts, [&](std::uint64_t b, std::span<std::int64_t> out) { sampler.fill(opts.seed, b, out); },
      sink, progress);
}

void sample_continuous(const Distribution& d, const SampleOptions& opts,
                       const std::function<void(std::span<const double>)>& sink,
                       const ProgressFn& progress) {
  opts.validate();
  if (d.discrete()) throw InputError(d.name() + ": a discrete family has integer variates");
  run_blocks<double>(
      opts, [&](std::uint64_t b, std::span<double> out) { fill_continuous(d, opts.seed, b, out); },
      sink, progress);
}

}  // namespace numkit::dist
