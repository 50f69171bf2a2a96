#include <boost/multiprecision/cpp_int.hpp>
#include <catch2/catch.hpp>
#include <cmath>
#include <random>
#include <vector>

#include "numkit/core/error.hpp"
#include "numkit/fp/scale.hpp"
#include "numkit/fp/sum.hpp"
#include "numkit/fp/update.hpp"

using namespace numkit::fp;
using boost::multiprecision::cpp_rational;

namespace {
cpp_rational exact(double x) {
  return cpp_rational(x);
}  // cpp_rational holds a double exactly
double to_double_rounded(const cpp_rational& q) {
  // correctly rounded: candidate from the float conversion, then fix by exact comparison
  double d = static_cast<double>(q);
  for (int i = 0; i < 3; ++i) {
    const double up = std::nextafter(d, INFINITY), dn = std::nextafter(d, -INFINITY);
    const cpp_rational e = abs(q - exact(d));
    if (abs(q - exact(up)) < e)
      d = up;
    else if (abs(q - exact(dn)) < e)
      d = dn;
  }
  return d;
}
}  // namespace

TEST_CASE("exact_sum_equals_rational_sum_of_ill_conditioned_data", "[fp]") {
  std::mt19937_64 rng(5);
  std::uniform_real_distribution<double> ue(-60, 60);
  for (int trial = 0; trial < 20; ++trial) {
    ExactSum s;
    cpp_rational q = 0;
    for (int i = 0; i < 500; ++i) {
      double x = std::exp2(ue(rng)) * (rng() & 1 ? 1 : -1);
      s.add(x);
      s.add(-x * 0.5);
      q += exact(x) - exact(x * 0.5);
    }
    s.add(1e-300);
    q += exact(1e-300);
    CHECK(s.value() == to_double_rounded(q));
  }
}

TEST_CASE("exact_sum_is_exact_when_partial_sums_overflow", "[fp]") {
  ExactSum s;
  for (double x : {1e308, 1e308, -1e308}) s.add(x);
  CHECK(s.value() == 1e308);
  CHECK_FALSE(s.overflowed());
  // values over the whole range, subnormals included, whose running sums leave the double range
  std::mt19937_64 rng(11);
  std::uniform_real_distribution<double> ue(-1074, 1023);
  for (int trial = 0; trial < 20; ++trial) {
    ExactSum t;
    cpp_rational q = 0;
    double previous = 0;
    for (int i = 0; i < 200; ++i) {
      const double big = std::ldexp(1.0 + static_cast<double>(rng() >> 12) * 0x1p-52, 1023);
      const double tiny = std::exp2(ue(rng)) * (rng() & 1 ? 1 : -1);
      t.add(big);
      t.add(tiny);
      q += exact(big) + exact(tiny);
      if (i % 2 == 1) {  // the running sum of the two bigs is beyond the range: take both back
        t.add(-previous);
        t.add(-big);
        q -= exact(previous) + exact(big);
      }
      previous = big;
    }
    t.add(1.5);
    q += exact(1.5);
    CHECK(t.value() == to_double_rounded(q));
    CHECK(t.minus(1.5) == to_double_rounded(q - exact(1.5)));
  }
}

TEST_CASE("exact_sum_beyond_the_double_range_is_inf_and_flagged", "[fp]") {
  ExactSum s;
  s.add(1e308);
  s.add(1e308);
  CHECK(s.value() == INFINITY);
  CHECK(s.overflowed());
  s.add(-1e308);
  CHECK(s.value() == 1e308);
  ExactSum n;
  n.add(-1.7e308);
  n.add(-1.7e308);
  CHECK(n.value() == -INFINITY);
  ExactSum f;
  f.add(1);
  f.add(INFINITY);
  CHECK(f.nonfinite());
  CHECK(std::isnan(f.value()));
}

TEST_CASE("fp16_sum_methods_report_errors_against_the_exact_sum", "[fp]") {
  const Format& f = format(FormatId::fp16);
  Summer s(f);
  cpp_rational q = 0;
  std::mt19937 rng(1);
  std::uniform_real_distribution<double> u(0, 10);
  const int n = 10000;  // true sum about 50000 < 65504
  for (int i = 0; i < n; ++i) {
    const double x = u(rng);
    s.add(x);
    q += exact(round_to(x, f));
  }
  const auto r = s.finish();
  CHECK(r.n == n);
  CHECK(r.exact_sum == to_double_rounded(q));
  REQUIRE(r.methods.size() == 4);
  for (const auto& m : r.methods) CHECK(m.error == to_double_rounded(exact(m.value) - q));
  // naive fp16 drifts and stalls: above 16384 only addends > 8 survive, above 32768 none does
  CHECK(r.methods[0].value <= 32768);
  CHECK(r.methods[0].ulps > 100);
  REQUIRE(r.naive_first_lost);
  CHECK(r.naive_lost_additions > 0);
  // pairwise and Kahan stay within a few ulps; fp32 accumulation is far better than F
  CHECK(r.methods[1].ulps <= 4);
  CHECK(r.methods[2].ulps <= 2);
  CHECK(r.methods[3].ulps < 0.01);
  REQUIRE(r.stall_n_for_mean);
}

TEST_CASE("naive_stall_of_a_constant_addend_is_where_half_an_ulp_exceeds_it", "[fp]") {
  double v = 0;
  // fp16, adding 1: the sum stalls at 2048 (ulp 2, 2048 + 1 is a tie to even 2048), after 2048
  // additions.
  const auto n = naive_stall_steps(1.0, format(FormatId::fp16), 100000, &v);
  REQUIRE(n);
  CHECK(*n == 2049);
  CHECK(v == 2048);
  const auto nb = naive_stall_steps(1.0, format(FormatId::bf16), 100000, &v);
  REQUIRE(nb);
  CHECK(v == 256);
}

TEST_CASE("update_of_1e-4_to_weight_1_is_lost_in_fp16_but_kept_by_fp32_master", "[fp]") {
  UpdateOptions o;
  o.format = &format(FormatId::fp16);
  o.weight = 1.0;
  o.update = 1e-4;
  o.steps = 1000;
  const auto r = analyze_update(o);
  CHECK(r.lost);
  CHECK(r.result == 1.0);
  CHECK(r.half_gap_up == std::ldexp(1.0, -11));
  // 2^-11 is a tie (1 has an even mantissa): the smallest survivor is the next fp16 value above it
  CHECK(r.smallest_up == std::ldexp(1.0, -11) + std::ldexp(1.0, -21));
  CHECK(r.smallest_down == std::ldexp(1.0, -12) + std::ldexp(1.0, -22));
  CHECK(r.after_steps_in_format == 1.0);
  CHECK(r.master_weight == Approx(1.1).epsilon(1e-4));
  CHECK(r.master_copy == round_to(r.master_weight, format(FormatId::fp16)));
  REQUIRE(r.steps_until_copy_changes);
  CHECK(*r.steps_until_copy_changes == 5);  // 1 + 5e-4 > 1 + 2^-11
}

TEST_CASE("smallest_surviving_update_is_minimal_for_many_weights", "[fp]") {
  const Format& f = format(FormatId::bf16);
  for (double w : {1.0, 3.0, 1e-3, 123.456, 65504.0, -2.0, 1e30}) {
    const double wf = round_to(w, f);
    for (int sign : {1, -1}) {
      const double u = smallest_surviving_update(wf, f, sign);
      CHECK(round_to(wf + sign * u, f) != wf);
      CHECK(round_to(wf + sign * next_down(u, f), f) == wf);
    }
  }
}

TEST_CASE("loss_scaler_backs_off_on_overflow_and_grows_after_clean_intervals", "[fp]") {
  ScaleOptions o;
  o.format = &format(FormatId::fp16);
  o.interval = 3;
  ScaleSimulator sim(o);
  const std::vector<double> big = {1.0, 2.0};  // 2 * 65536 overflows fp16
  CHECK_FALSE(sim.step(big));
  CHECK(sim.scale() == 32768);
  CHECK_FALSE(sim.step(big));  // 2 * 32768 = 65536 rounds beyond 65504: overflow again
  CHECK(sim.scale() == 16384);
  CHECK(sim.step(big));
  const auto r1 = sim.finish();
  CHECK(r1.skipped == 2);
  CHECK(r1.first_skip == 1);
  ScaleSimulator sim2(o);
  const std::vector<double> small = {1e-3};
  for (int i = 0; i < 6; ++i) CHECK(sim2.step(small));
  CHECK(sim2.scale() == 65536.0 * 4);
  const std::vector<double> withnan = {1e-3, NAN};
  CHECK_FALSE(sim2.step(withnan));
  const auto r2 = sim2.finish();
  CHECK(r2.nonfinite_inputs == 1);
  CHECK(r2.growths == 2);
  CHECK(r2.backoffs == 1);
  CHECK(r2.final_scale == 65536.0 * 2);
}

TEST_CASE("loss_scaler_counts_gradients_flushed_to_zero", "[fp]") {
  ScaleOptions o;
  o.format = &format(FormatId::fp16);
  o.initial = 1;
  ScaleSimulator sim(o);
  const std::vector<double> g = {1e-9, 1e-6, 1.0, 0.0};
  CHECK(sim.step(g));
  const auto r = sim.finish();
  CHECK(r.underflowed == 1);
  CHECK(r.became_subnormal == 1);
  CHECK(r.applied_nonzero == 3);
}

TEST_CASE("an_update_that_underflows_in_the_format_counts_as_lost", "[fp]") {
  UpdateOptions o;
  o.format = &format(FormatId::fp16);
  o.weight = 0;
  o.update = 1e-9;  // below half the smallest fp16 subnormal
  const auto r = analyze_update(o);
  CHECK(r.update_stored == 0);
  CHECK(r.lost);
  UpdateBatch b;
  b.add(1.0, 1e-9, format(FormatId::fp16), Overflow::infinity);
  b.add(1.0, 0.0, format(FormatId::fp16), Overflow::infinity);
  CHECK(b.lost == 1);
  CHECK(b.underflowed == 1);
  CHECK(b.zero_updates == 1);
}
