// Summation in a format: naive, pairwise, Kahan, and fp32 accumulation, against the exact sum.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "numkit/fp/format.hpp"

namespace numkit::fp {

// Exact running sum of doubles (Shewchuk's non-overlapping partials, as in Python's math.fsum),
// safe from intermediate overflow: values with |x| >= 2^-958 are accumulated scaled by 2^-64
// (exact for them), the rest unscaled, so no partial can overflow before 2^64 additions; value()
// joins both exactly. value() is the exact sum correctly rounded to double (ties to even), +-inf
// only when the exact sum itself is beyond the double range (then overflowed() is true), NaN
// after a non-finite addend (nonfinite() is true). Memory: a few dozen partials.
class ExactSum {
 public:
  void add(double x);
  double value() const;
  // exact (this - x), correctly rounded
  double minus(double x) const;
  // the exact sum is beyond the largest double (value() is +-inf)
  bool overflowed() const;
  // a non-finite value was added (value() is NaN)
  bool nonfinite() const { return nonfinite_; }

 private:
  std::vector<double> big_;    // partials of the addends >= 2^-958 in magnitude, times 2^-64
  std::vector<double> small_;  // partials of the smaller addends, unscaled
  bool nonfinite_ = false;
};

struct SumMethod {
  std::string name;  // naive, pairwise, kahan, fp32_accumulate
  double value;      // the computed sum (in F; fp32_accumulate: the fp32 accumulator)
  double error;      // value - exact (exact difference, correctly rounded)
  double relative_error;
  double ulps;  // |error| in ulps of F at the exact sum
};

struct SumResult {
  std::uint64_t n = 0;                  // finite values summed
  std::uint64_t nan = 0, inf = 0;       // non-finite inputs: counted and excluded from every sum
  std::uint64_t inputs_rounded = 0;     // inputs changed by rounding to F
  std::uint64_t inputs_overflowed = 0;  // finite inputs beyond F's range: counted and excluded
  double exact_input_sum = 0;  // exact sum of the inputs as given (correctly rounded to double)
  double exact_sum = 0;  // exact sum of the inputs rounded to F: the reference for every method
  double exact_in_format = 0;  // exact_sum rounded to F: the best any method can return
  std::vector<SumMethod> methods;
  std::optional<std::uint64_t>
      naive_first_lost;  // 1-based index of the first nonzero addend absorbed entirely
  double naive_sum_at_first_lost = 0;
  std::uint64_t naive_lost_additions = 0;
  std::uint64_t naive_last_change =
      0;  // 1-based index of the last addend that changed the naive sum
  // For a constant addend equal to the mean (rounded to F): n at which the naive sum stops growing.
  std::optional<std::uint64_t> stall_n_for_mean;
  double stall_value_for_mean = 0;
  double mean = 0;
};

// Streaming: bounded memory (pairwise uses a binary-counter stack of log2(n) partial sums).
class Summer {
 public:
  Summer(const Format& f, Overflow mode = Overflow::infinity);
  // Adds the method "naive_stochastic": the naive sum with every addition rounded stochastically
  // (seeded, reproducible), whose expected value is the exact sum.
  void enable_stochastic(std::uint64_t seed) { sr_.emplace(seed); }
  void add(double x);
  void add(std::span<const double> xs) {
    for (double x : xs) add(x);
  }
  SumResult finish() const;

 private:
  double rf(double x) const { return round_to(x, f_, mode_); }
  const Format& f_;
  Overflow mode_;
  SumResult r_;
  ExactSum exact_in_, exact_f_;
  double naive_ = 0, kahan_s_ = 0, kahan_c_ = 0;
  float acc32_ = 0;
  std::vector<std::optional<double>> levels_;  // pairwise binary counter
  std::optional<StochasticRounder> sr_;
  double naive_sr_ = 0;
};

// n at which s += m (in F, s starting at 0) stops changing; nullopt if not within max_steps.
std::optional<std::uint64_t> naive_stall_steps(double m, const Format& f, std::uint64_t max_steps,
                                               double* stall_value);

}  // namespace numkit::fp
