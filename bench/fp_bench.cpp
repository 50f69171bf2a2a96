// Google Benchmark: fp conversions and the one-pass analysis (in memory, one thread).
#include <benchmark/benchmark.h>

#include <random>
#include <vector>

#include "numkit/fp/analyze.hpp"
#include "numkit/fp/format.hpp"
#include "numkit/fp/sum.hpp"

using namespace numkit::fp;

namespace {

const std::vector<float>& data() {
  static const std::vector<float> xs = [] {
    std::vector<float> v(1 << 24);
    std::mt19937 rng(42);
    std::lognormal_distribution<float> ln(-6.0f, 3.0f);  // gradient-like: many decades of magnitude
    for (std::size_t i = 0; i < v.size(); ++i) v[i] = (i & 1 ? -1.0f : 1.0f) * ln(rng);
    return v;
  }();
  return xs;
}

void BM_round_array(benchmark::State& state, FormatId id) {
  const auto& xs = data();
  std::vector<float> out(xs.size());
  for (auto _ : state) {
    round_array(xs, out, format(id));
    benchmark::DoNotOptimize(out.data());
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * xs.size()));
}

void BM_analyze(benchmark::State& state, FormatId id) {
  const auto& xs = data();
  AnalyzeOptions o;
  o.format = &format(id);
  for (auto _ : state) {
    Analyzer a(o);
    a.add(std::span<const float>(xs));
    benchmark::DoNotOptimize(a.stats().rounded);
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * xs.size()));
}

void BM_sum_all_methods(benchmark::State& state) {
  const auto& xs = data();
  const std::size_t n = 1 << 20;
  for (auto _ : state) {
    Summer s(format(FormatId::fp16));
    for (std::size_t i = 0; i < n; ++i) s.add(static_cast<double>(xs[i]));
    benchmark::DoNotOptimize(s.finish().exact_sum);
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * n));
}

}  // namespace

BENCHMARK_CAPTURE(BM_round_array, fp16, FormatId::fp16)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_round_array, bf16, FormatId::bf16)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_round_array, e4m3, FormatId::e4m3)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_analyze, fp16, FormatId::fp16)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_analyze, bf16, FormatId::bf16)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_analyze, e4m3, FormatId::e4m3)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_sum_all_methods)->Unit(benchmark::kMillisecond);

BENCHMARK_MAIN();
