// Stochastic rounding: the expected value of the rounded result is the input, tested
// statistically with a fixed seed (deterministic), and the lost-update cure it provides.
#include <catch2/catch.hpp>
#include <cmath>
#include <random>
#include <vector>

#include "numkit/core/error.hpp"
#include "numkit/fp/analyze.hpp"
#include "numkit/fp/format.hpp"
#include "numkit/fp/sum.hpp"
#include "numkit/fp/update.hpp"

using namespace numkit::fp;

// ---- stochastic rounding
// -------------------------------------------------------------------------

TEST_CASE("stochastic_rounding_has_the_value_as_its_expectation", "[fp]") {
  // For each x, N roundings: the count rounded up is Binomial(N, p) with p = (x - lo) / (hi - lo);
  // it must lie within 5 standard deviations (a fixed seed: the test is deterministic).
  StochasticRounder sr(42);
  std::mt19937_64 rng(5);
  constexpr int N = 20000;
  int bad = 0;
  for (auto id :
       {FormatId::fp16, FormatId::bf16, FormatId::e4m3, FormatId::e5m2fnuz, FormatId::fp32}) {
    const Format& f = format(id);
    for (int t = 0; t < 40; ++t) {
      std::uniform_real_distribution<double> ue(std::log2(f.min_subnormal),
                                                std::log2(f.max_finite) - 1);
      const double x = std::exp2(ue(rng)) * (t % 2 ? -1 : 1);
      const double a = std::fabs(x);
      double lo = std::fabs(round_to(a, f));
      if (lo > a) lo = next_down(lo, f);
      const double hi = next_up(lo, f);
      const double p = (a - lo) / (hi - lo);
      int up = 0;
      double sum = 0;
      for (int k = 0; k < N; ++k) {
        const double r = sr(x, f);
        if (std::fabs(r) == hi)
          ++up;
        else if (std::fabs(r) != lo)
          ++bad;  // only the two neighbours may come out
        sum += r;
      }
      const double sd = std::sqrt(N * p * (1 - p));
      if (std::fabs(up - N * p) > 5 * sd + 1e-9 && bad++ < 5)
        FAIL_CHECK(f.name << ": x=" << x << " up " << up << " of " << N << ", p=" << p);
      // the mean of the roundings estimates x: within 5 standard errors
      const double se = (hi - lo) * sd / N;
      if (std::fabs(sum / N - x) > 5 * se + 1e-300 && bad++ < 5)
        FAIL_CHECK(f.name << ": mean " << sum / N << " for x=" << x);
    }
  }
  CHECK(bad == 0);
  const Format& h = format(FormatId::fp16);
  CHECK(sr(1.0, h) == 1.0);  // representable: unchanged
  CHECK(sr(70000.0, h) == INFINITY);
  CHECK(round_stochastic(1 + std::ldexp(1.0, -12), h, 0) == 1.0 + std::ldexp(1.0, -10));
  CHECK(round_stochastic(1 + std::ldexp(1.0, -12), h, (std::uint64_t{1} << 53) - 1) == 1.0);
}

TEST_CASE("stochastic_rounding_keeps_small_updates_alive_on_average", "[fp]") {
  // w = 1, u = 1e-4 in fp16: round to nearest loses every update; stochastic rounding moves w up
  // by 2^-10 with probability u / 2^-10, so after 1000 steps w is about 1.1.
  UpdateOptions o;
  o.format = &format(FormatId::fp16);
  o.weight = 1;
  o.update = 1e-4;
  o.steps = 1000;
  o.rounding = Rounding::stochastic;
  o.seed = 1;
  const auto r = analyze_update(o);
  CHECK(r.after_steps_in_format == 1);
  REQUIRE(r.stochastic);
  const double u = round_to(1e-4, format(FormatId::fp16));
  CHECK(r.stochastic_move_probability == u / std::ldexp(1.0, -10));
  // 1000 steps: the number of moves is Binomial(1000, p), p ~ 0.1024; 5 sd ~ 48 moves
  const double moves = (r.after_steps_stochastic - 1) / std::ldexp(1.0, -10);
  CHECK(std::fabs(moves - 1000 * r.stochastic_move_probability) <
        5 * std::sqrt(1000 * 0.1024 * 0.8976));
  CHECK_THROWS_AS(parse_rounding("up", "--rounding"), numkit::InputError);
}

TEST_CASE("a_stochastically_rounded_naive_sum_does_not_stall", "[fp]") {
  // 0.1 ten thousand times in fp16: the round-to-nearest naive sum stalls at 256; the stochastic
  // one is unbiased, so it ends near the exact 999.76 (standard deviation about 16: 5 sd < 100).
  Summer s(format(FormatId::fp16));
  s.enable_stochastic(3);
  for (int i = 0; i < 10000; ++i) s.add(0.1);
  const auto r = s.finish();
  REQUIRE(r.methods.size() == 5);
  CHECK(r.methods[0].value == 256);
  CHECK(r.methods[4].name == "naive_stochastic");
  CHECK(std::fabs(r.methods[4].value - r.exact_sum) < 100);
}

TEST_CASE("analyze_with_stochastic_rounding_draws_each_value_once", "[fp]") {
  // x = 1 + 2^-12 in fp16 (gap 2^-10): down to 1 with probability 3/4 (error 2^-12), up with 1/4
  // (error 3 2^-12); the mean relative error estimates 1.5 2^-12 / x.
  AnalyzeOptions o;
  o.format = &format(FormatId::fp16);
  o.rounding = Rounding::stochastic;
  o.seed = 9;
  const double x = 1 + std::ldexp(1.0, -12);
  const std::vector<double> xs(40000, x);
  const auto r = analyze_values(xs, o);
  CHECK(r.stats.rounded == xs.size());
  const double e = std::ldexp(1.0, -12) / x;
  CHECK(r.stats.max_rel == Approx(3 * e).epsilon(1e-6));
  // per value: e with p = 3/4, 3e with p = 1/4: mean 1.5e, sd sqrt(3)/2 e
  const double se = std::sqrt(3.0) / 2 * e / std::sqrt(static_cast<double>(xs.size()));
  CHECK(std::fabs(r.mean_rel - 1.5 * e) < 5 * se + 1e-6 * e);
}
