#include <algorithm>
#include <bit>
#include <catch2/catch.hpp>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <vector>

#include "numkit/core/error.hpp"
#include "numkit/fp/analyze.hpp"

using namespace numkit::fp;

namespace {

AnalyzeOptions opts(FormatId id, Overflow ov = Overflow::infinity, double scale = 1.0) {
  AnalyzeOptions o;
  o.format = &format(id);
  o.overflow = ov;
  o.scale = scale;
  return o;
}

std::vector<float> mixed_floats(std::size_t n, unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<double> ue(-34.0, 18.0);
  std::vector<float> xs(n);
  for (std::size_t i = 0; i < n; ++i) {
    const std::uint32_t r = rng();
    if (i % 97 == 0)
      xs[i] = std::bit_cast<float>(r);  // any pattern: NaN, inf, float subnormals
    else if (i % 31 == 0)
      xs[i] = 0.0f;
    else
      xs[i] = static_cast<float>((r & 1 ? -1 : 1) * std::exp2(ue(rng)));
  }
  return xs;
}

void require_same_counts(const AnalyzeStats& a, const AnalyzeStats& b) {
  CHECK(a.count == b.count);
  CHECK(a.nan == b.nan);
  CHECK(a.pos_inf == b.pos_inf);
  CHECK(a.neg_inf == b.neg_inf);
  CHECK(a.zero == b.zero);
  CHECK(a.overflow == b.overflow);
  CHECK(a.flushed_to_zero == b.flushed_to_zero);
  CHECK(a.became_subnormal == b.became_subnormal);
  CHECK(a.rounded == b.rounded);
  CHECK(a.error_count == b.error_count);
  CHECK(a.exact_nonzero == b.exact_nonzero);
  CHECK(a.max_rel == b.max_rel);
  CHECK(a.max_abs == b.max_abs);
  CHECK(a.min_abs == b.min_abs);
  CHECK(a.sum_rel == Approx(b.sum_rel).epsilon(1e-12));
  CHECK(a.rel_hist == b.rel_hist);
  CHECK(a.exp_hist == b.exp_hist);
}

}  // namespace

TEST_CASE("analyze_counts_each_outcome_of_hand_checked_fp16_inputs", "[fp]") {
  const std::vector<double> xs = {
      1e5, 65520, -65520, 65504,    1e-8,      1e-6, 0.1,
      0.0, -0.0,  NAN,    INFINITY, -INFINITY, 1.0,  3.0517578125e-05 /* 2^-15 */};
  const auto r = analyze_values(xs, opts(FormatId::fp16));
  const auto& s = r.stats;
  CHECK(s.count == 14);
  CHECK(s.nan == 1);
  CHECK(s.pos_inf == 1);
  CHECK(s.neg_inf == 1);
  CHECK(s.zero == 2);
  CHECK(s.overflow == 3);          // 1e5, +-65520
  CHECK(s.flushed_to_zero == 1);   // 1e-8 < 2^-25
  CHECK(s.became_subnormal == 2);  // 1e-6 and 2^-15
  CHECK(s.exact_nonzero == 3);     // 65504, 1, 2^-15
  CHECK(s.rounded == 3 + 3);       // overflows + 1e-8, 1e-6, 0.1
  CHECK(s.error_count == 6);
  CHECK(s.max_rel == 1.0f);  // the flushed value
  CHECK(s.max_rel_input == 1e-8);
  // saturating: the overflows are stored as +-65504 and join the error population
  const auto sat = analyze_values(xs, opts(FormatId::fp16, Overflow::saturate));
  CHECK(sat.stats.overflow == 3);
  CHECK(sat.stats.error_count == 9);
}

TEST_CASE("analyze_vector_paths_agree_with_the_scalar_double_path", "[fp]") {
  const auto xs = mixed_floats(200'000, 7);
  const std::vector<double> xd(xs.begin(), xs.end());
  for (auto id : {FormatId::fp16, FormatId::bf16, FormatId::tf32, FormatId::e5m2, FormatId::e4m3})
    for (auto ov : {Overflow::infinity, Overflow::saturate})
      for (double scale : {1.0, 1024.0, 1.0 / 65536}) {
        INFO("format " << format(id).name << " scale " << scale);
        Analyzer fast(opts(id, ov, scale)), slow(opts(id, ov, scale));
        fast.add(std::span<const float>(xs));
        slow.add(std::span<const double>(xd));
        require_same_counts(fast.stats(), slow.stats());
      }
}

TEST_CASE("analyze_percentiles_bound_the_sorted_relative_errors_within_a_bin", "[fp]") {
  std::mt19937 rng(3);
  std::uniform_real_distribution<double> ue(-20.0, 10.0);
  std::vector<double> xs(50'000);
  for (auto& x : xs) x = std::exp2(ue(rng));
  const auto r = analyze_values(xs, opts(FormatId::bf16));
  std::vector<long double> rel;
  for (double x : xs) {
    const double q = round_to(x, format(FormatId::bf16));
    rel.push_back(std::fabs(static_cast<long double>(q) - x) / x);
  }
  std::sort(rel.begin(), rel.end());
  for (const auto& p : r.percentiles) {
    const auto idx =
        static_cast<std::size_t>(std::ceil(p.p / 100 * static_cast<double>(rel.size()))) - 1;
    const double truth = static_cast<double>(rel[idx]);
    CHECK(p.value >= truth * (1 - 1e-6));
    CHECK(p.value <= truth * (1 + 1.0 / 64) + 1e-300);
  }
  long double mean = 0;
  for (auto v : rel) mean += v;
  mean /= static_cast<long double>(rel.size());
  CHECK(r.mean_rel == Approx(static_cast<double>(mean)).epsilon(1e-6));
  CHECK(r.stats.max_rel == Approx(static_cast<double>(rel.back())).epsilon(1e-7));
}

TEST_CASE("analyze_recommends_the_least_power_of_two_lifting_values_out_of_underflow", "[fp]") {
  std::vector<double> xs(1000, 1e-6);  // 2^-19.93: subnormal in fp16
  xs.push_back(3e-6);
  const auto r = analyze_values(xs, opts(FormatId::fp16));
  REQUIRE(r.advice.has_data);
  CHECK(r.advice.log2_scale == 6);  // 1e-6 * 64 > 2^-14
  CHECK(r.advice.low_before == 1001);
  CHECK(r.advice.low_after == 0);
  // data that overflows: scale down just enough
  const std::vector<double> big = {1e6, 1.0};
  const auto rb = analyze_values(big, opts(FormatId::fp16));
  CHECK(rb.advice.log2_scale == -5);  // 1e6 / 32 = 31250 <= 65504 / 2
  // already fine: no scaling
  const auto rf = analyze_values(std::vector<double>{1.0, 2.0}, opts(FormatId::fp16));
  CHECK(rf.advice.log2_scale == 0);
}

TEST_CASE("analyze_raw_file_in_two_threads_matches_in_memory_analysis", "[fp]") {
  const auto xs = mixed_floats((1 << 20) + 123, 11);
  const auto path = std::filesystem::temp_directory_path() / "numkit_fp_analyze_test.f32";
  {
    std::ofstream out(path, std::ios::binary);
    out.write(reinterpret_cast<const char*>(xs.data()),
              static_cast<std::streamsize>(xs.size() * 4));
  }
  auto o = opts(FormatId::fp16);
  double last_progress = 0;
  o.progress = [&](double f) { last_progress = f; };
  const auto r = analyze_raw(path.string(), RawType::f32, o);
  Analyzer ref(opts(FormatId::fp16));
  ref.add(std::span<const float>(xs));
  require_same_counts(r.stats, ref.stats());
  CHECK(last_progress == 1.0);
  {
    std::ofstream out(path, std::ios::binary | std::ios::app);
    out.write("ab", 2);
  }
  CHECK_THROWS_WITH(analyze_raw(path.string(), RawType::f32, o),
                    Catch::Contains("not a multiple of 4"));
  std::filesystem::remove(path);
}

TEST_CASE("the_exponent_regions_agree_with_the_outcomes_of_their_values", "[fp]") {
  // In fp16 the smallest subnormal is 2^-24: the binade of 2^-25 rounds up to it (except 2^-25,
  // the tie, which goes to zero), and everything below flushes.
  const Format& f = format(FormatId::fp16);
  CHECK(std::string(exponent_region(-26, f)) == "flushed to zero");
  CHECK(std::string(exponent_region(-25, f)) == "subnormal");
  CHECK(std::string(exponent_region(-24, f)) == "subnormal");
  CHECK(std::string(exponent_region(-15, f)) == "subnormal");
  CHECK(std::string(exponent_region(-14, f)) == "normal");
  CHECK(std::string(exponent_region(15, f)) == "normal");
  CHECK(std::string(exponent_region(16, f)) == "overflow");
  const double below = std::ldexp(1.0, -25);
  const std::vector<double> xs = {below * 1.5, below * 1.0000001, std::ldexp(1.0, -26) * 1.9};
  const auto r = analyze_values(xs, opts(FormatId::fp16));
  CHECK(r.stats.became_subnormal == 2);  // the two values in binade -25 (above the tie)
  CHECK(r.stats.flushed_to_zero == 1);   // binade -26
}
