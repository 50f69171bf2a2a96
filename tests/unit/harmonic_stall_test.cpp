// Stall points of the naive sum against straightforward simulations written here: GCC's
// _Float16 for fp16, a bit-level round-to-nearest-even for bf16, plain float for fp32.
#include <catch2/catch.hpp>

#include "numkit/core/error.hpp"
#include "numkit/harmonic/harmonic.hpp"

#include <cstdint>
#include <cstring>

namespace h = numkit::harmonic;

namespace {

struct Found {
  std::uint64_t n;
  double value;
};

float bf16_round(float x) {  // round a float to bfloat16, nearest even
  std::uint32_t u;
  std::memcpy(&u, &x, 4);
  u += 0x7FFFu + ((u >> 16) & 1u);
  u &= 0xFFFF0000u;
  std::memcpy(&x, &u, 4);
  return x;
}

Found fp16_stall() {
  _Float16 s = 0;
  for (std::uint64_t k = 1;; ++k) {
    const _Float16 t = static_cast<_Float16>(1.0f / static_cast<float>(k));
    const _Float16 next = static_cast<_Float16>(s + t);
    if (next == s) return {k, static_cast<double>(s)};
    s = next;
  }
}

Found bf16_stall() {
  float s = 0;
  for (std::uint64_t k = 1;; ++k) {
    const float next = bf16_round(s + bf16_round(1.0f / static_cast<float>(k)));
    if (next == s) return {k, s};
    s = next;
  }
}

Found fp32_stall() {
  volatile float s = 0;
  for (std::uint64_t k = 1;; ++k) {
    const float next = s + 1.0f / static_cast<float>(k);
    if (next == s) return {k, s};
    s = next;
  }
}

}  // namespace

TEST_CASE("harmonic_stall_fp16_matches_float16_simulation", "[harmonic]") {
  const Found ref = fp16_stall();
  const h::Stall s = h::stall(h::Format::fp16);
  REQUIRE(s.simulated);
  REQUIRE(s.stall_n == ref.n);
  REQUIRE(s.stall_value == ref.value);
  REQUIRE(ref.n == 513);  // the well-known fp16 stall
}

TEST_CASE("harmonic_stall_bf16_matches_bit_level_simulation", "[harmonic]") {
  const Found ref = bf16_stall();
  const h::Stall s = h::stall(h::Format::bf16);
  REQUIRE(s.stall_n == ref.n);
  REQUIRE(s.stall_value == ref.value);
}

TEST_CASE("harmonic_stall_fp32_matches_float_simulation", "[harmonic]") {
  const Found ref = fp32_stall();
  const h::Stall s = h::stall(h::Format::fp32, 1000);
  REQUIRE(s.stall_n == ref.n);
  REQUIRE(s.stall_value == ref.value);
  REQUIRE(ref.n == 2097152);
}

TEST_CASE("harmonic_stall_half_ulp_analysis_predicts_the_simulated_stalls", "[harmonic]") {
  for (h::Format f : {h::Format::fp16, h::Format::bf16, h::Format::fp32}) {
    const h::Stall s = h::stall(f, 100);
    INFO(h::format_name(f));
    REQUIRE(s.predicted_n <= s.stall_n);
    REQUIRE(s.stall_n - s.predicted_n <= 1);
  }
  const h::Stall d = h::stall(h::Format::fp64, 1000);
  REQUIRE_FALSE(d.simulated);
  REQUIRE(d.predicted_n == (std::uint64_t{1} << 48));  // 1/n = 2^-48 = ulp/2 for H in [32, 64)
  REQUIRE(d.predicted_binade == 5);
  REQUIRE(d.reasoning.find("prediction") != std::string::npos);
}

TEST_CASE("harmonic_stall_pairwise_and_kahan_beat_naive_in_fp16", "[harmonic]") {
  const h::SumComparison c = h::compare_sums(h::Format::fp16, 2000);
  // independent Kahan and naive in _Float16
  _Float16 naive = 0, sum = 0, carry = 0;
  for (int k = 1; k <= 2000; ++k) {
    const _Float16 t = static_cast<_Float16>(1.0f / static_cast<float>(k));
    naive = static_cast<_Float16>(naive + t);
    const _Float16 y = static_cast<_Float16>(t - carry);
    const _Float16 s = static_cast<_Float16>(sum + y);
    carry = static_cast<_Float16>(static_cast<_Float16>(s - sum) - y);
    sum = s;
  }
  REQUIRE(c.naive == static_cast<double>(naive));
  REQUIRE(c.kahan == static_cast<double>(sum));
  REQUIRE(c.exact == Approx(8.178368103610282).epsilon(1e-15));
  REQUIRE(std::abs(c.pairwise_error) < std::abs(c.naive_error));
  REQUIRE(std::abs(c.kahan_error) < std::abs(c.naive_error));
  REQUIRE(std::abs(c.kahan_error) < 1e-3);  // a few fp16 ulps
}

TEST_CASE("harmonic_stall_rejects_oversized_comparisons", "[harmonic]") {
  REQUIRE_THROWS_AS(h::compare_sums(h::Format::fp64, 2'000'000'000), numkit::InputError);
  REQUIRE_THROWS_AS(h::compare_sums(h::Format::fp32, 1u << 25), numkit::InputError);
  REQUIRE_THROWS_AS(h::parse_format("fp8", "--format"), numkit::InputError);
}

TEST_CASE("harmonic_run_length_simulation_reproduces_the_plain_fp32_simulation", "[harmonic]") {
  const Found ref = fp32_stall();
  for (std::uint64_t direct :
       {std::uint64_t{1}, std::uint64_t{100}, std::uint64_t{1000}, std::uint64_t{1} << 16}) {
    const h::RunLengthStall r = h::run_length_stall(h::Format::fp32, direct);
    INFO("direct terms = " << direct);
    REQUIRE(r.stall_n == ref.n);
    REQUIRE(r.stall_value == ref.value);
  }
  REQUIRE(h::run_length_stall(h::Format::fp32, 1).runs > 1000);  // the bulk path did the work
  REQUIRE_THROWS_AS(h::run_length_stall(h::Format::fp16, 10), numkit::InputError);
}
