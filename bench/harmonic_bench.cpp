// Harmonic numbers: exact fractions (binary splitting on GMP), correctly rounded doubles, the
// inverse and the stall simulations.
#include <benchmark/benchmark.h>

#include "numkit/harmonic/harmonic.hpp"

namespace h = numkit::harmonic;

// The yardstick: the exact fraction H(10^5) and H(10^6) in lowest terms.
static void BM_HarmonicExactFraction(benchmark::State& state) {
  const auto n = static_cast<std::uint64_t>(state.range(0));
  std::size_t digits = 0;
  for (auto _ : state) {
    const h::Fraction f = h::exact(n);
    digits = mpz_sizeinbase(f.numerator.backend().data(), 10);
    benchmark::DoNotOptimize(digits);
  }
  state.counters["numerator_digits"] = static_cast<double>(digits);
}
BENCHMARK(BM_HarmonicExactFraction)->Arg(100'000)->Arg(1'000'000)->Unit(benchmark::kMillisecond);

static void BM_HarmonicExactOrder2(benchmark::State& state) {
  for (auto _ : state)
    benchmark::DoNotOptimize(h::exact(static_cast<std::uint64_t>(state.range(0)), 2));
}
BENCHMARK(BM_HarmonicExactOrder2)->Arg(100'000)->Unit(benchmark::kMillisecond);

// Correctly rounded double: direct summation (n = 1000), asymptotic (10^18, 10^300).
static void BM_HarmonicValue(benchmark::State& state, const char* n_text) {
  const h::BigInt n = h::parse_count(n_text, "n");
  for (auto _ : state) benchmark::DoNotOptimize(h::value(n).value);
}
BENCHMARK_CAPTURE(BM_HarmonicValue, n_1000, "1000")->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_HarmonicValue, n_1e18, "1e18")->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_HarmonicValue, n_1e300, "10^300")->Unit(benchmark::kMicrosecond);

static void BM_HarmonicDigits100(benchmark::State& state) {
  const h::BigInt n = h::parse_count("1e18", "n");
  for (auto _ : state) benchmark::DoNotOptimize(h::value_digits(n, 1, 100));
}
BENCHMARK(BM_HarmonicDigits100)->Unit(benchmark::kMicrosecond);

static void BM_HarmonicInverse100(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(h::inverse("100").n);
}
BENCHMARK(BM_HarmonicInverse100)->Unit(benchmark::kMillisecond);

static void BM_HarmonicStall(benchmark::State& state, h::Format f) {
  for (auto _ : state) benchmark::DoNotOptimize(h::stall(f, 1000).stall_n);
}
BENCHMARK_CAPTURE(BM_HarmonicStall, fp16, h::Format::fp16)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_HarmonicStall, fp32, h::Format::fp32)->Unit(benchmark::kMillisecond);

BENCHMARK_MAIN();
