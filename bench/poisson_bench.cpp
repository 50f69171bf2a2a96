// Poisson throughput: cdf/pmf evaluations and sampling (single thread and both cores).
// bench/poisson_vs_peers.py runs the same work in NumPy/SciPy/R and prints the ratios.
#include <benchmark/benchmark.h>

#include <cmath>
#include <cstdint>
#include <vector>

#include "numkit/poisson/distribution.hpp"
#include "numkit/poisson/sample.hpp"

namespace np = numkit::poisson;

namespace {

// cdf at k spread over mean +- 3 sd (the same points the peer script gives SciPy).
void BM_cdf(benchmark::State& state) {
  const double mean = static_cast<double>(state.range(0));
  std::vector<double> ks(1024);
  for (std::size_t i = 0; i < ks.size(); ++i)
    ks[i] = std::max(0.0, std::floor(mean + std::sqrt(mean) * (6.0 * i / ks.size() - 3)));
  double sink = 0;
  for (auto _ : state) {
    for (double k : ks) sink += np::cdf(k, mean);
  }
  benchmark::DoNotOptimize(sink);
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(ks.size()));
}
BENCHMARK(BM_cdf)->Arg(3)->Arg(1000)->Arg(1000000)->Arg(1000000000000);

void BM_pmf(benchmark::State& state) {
  const double mean = static_cast<double>(state.range(0));
  std::vector<double> ks(1024);
  for (std::size_t i = 0; i < ks.size(); ++i)
    ks[i] = std::max(0.0, std::floor(mean + std::sqrt(mean) * (6.0 * i / ks.size() - 3)));
  double sink = 0;
  for (auto _ : state)
    for (double k : ks) sink += np::pmf(k, mean);
  benchmark::DoNotOptimize(sink);
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(ks.size()));
}
BENCHMARK(BM_pmf)->Arg(3)->Arg(1000)->Arg(1000000000000);

// Single-threaded sampling kernel: one block of 65536 variates per iteration.
void BM_sample_1thread(benchmark::State& state) {
  const double mean = static_cast<double>(state.range(0));
  const np::Sampler sampler(mean);
  std::vector<std::int64_t> buf(np::kBlock);
  std::uint64_t block = 0;
  for (auto _ : state) {
    sampler.fill(42, block++, buf);
    benchmark::DoNotOptimize(buf.data());
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(buf.size()));
}
BENCHMARK(BM_sample_1thread)->Arg(3)->Arg(1000)->Arg(1000000);

// The library's streaming sampler, 10^7 variates, all cores (the stream is the same as 1 thread).
void BM_sample_stream(benchmark::State& state) {
  np::SampleOptions o;
  o.mean = static_cast<double>(state.range(0));
  o.n = 10'000'000;
  o.seed = 42;
  o.threads = static_cast<int>(state.range(1));
  std::int64_t sum = 0;
  for (auto _ : state) {
    np::sample(o, [&](std::span<const std::int64_t> b) { sum += b[0]; });
  }
  benchmark::DoNotOptimize(sum);
  state.SetItemsProcessed(state.iterations() * o.n);
}
BENCHMARK(BM_sample_stream)
    ->Args({3, 1})
    ->Args({3, 2})
    ->Args({1000, 2})
    ->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
