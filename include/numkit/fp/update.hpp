// The lost-update problem: does w + u change w when stored in a format, and what an fp32 master
// copy changes.
#pragma once

#include <cstdint>
#include <optional>

#include "numkit/fp/format.hpp"

namespace numkit::fp {

struct UpdateOptions {
  const Format* format = nullptr;
  Overflow overflow = Overflow::infinity;
  double weight = 0, update = 0;
  std::uint64_t steps = 1;  // the same update applied this many times
  // stochastic: the repeated steps are also run with stochastic rounding (seeded, reproducible)
  Rounding rounding = Rounding::nearest;
  std::uint64_t seed = 0;
  void validate() const;
};

struct UpdateResult {
  double weight_stored = 0;                   // w rounded to F
  double update_stored = 0;                   // u rounded to F
  double result = 0;                          // w + u rounded to F (both stored in F)
  double effective_update = 0;                // result - weight_stored (exact)
  bool lost = false;                          // u != 0 but w did not change
  double update_relative_error = 0;           // |effective - u_F| / |u_F|
  double half_gap_up = 0, half_gap_down = 0;  // half the distance to the neighbours of w in F
  double smallest_up = 0;                     // smallest positive F value u with w + u != w in F
  double smallest_down = 0;                   // smallest positive F value u with w - u != w in F
  // fp32 master weights: w and u held in fp32, the F copy rounded from the master
  double master_weight = 0;  // fp32(w) + fp32(u) in fp32, after `steps` steps
  double master_copy = 0;    // master_weight rounded to F (what the forward pass sees)
  // after `steps` repeated updates
  std::uint64_t steps = 1;
  double after_steps_in_format = 0;  // w updated in F each step
  double exact_after_steps = 0;      // w + steps * u (in double)
  std::optional<std::uint64_t>
      steps_until_copy_changes;  // first step at which the F copy of the master moves
  // with Rounding::stochastic: w updated in F each step with stochastic rounding, and the
  // probability that one step moves w (|u| over the gap it falls in, for w + u not representable)
  bool stochastic = false;
  double after_steps_stochastic = 0;
  double stochastic_move_probability = 0;
};

UpdateResult analyze_update(const UpdateOptions& options);
// Smallest positive F value u with round_F(w + sign*u) != w (w representable in F).
double smallest_surviving_update(double w, const Format& f, int sign);

// Batch form: many (w, u) pairs.
struct UpdateBatch {
  std::uint64_t n = 0, nonfinite = 0;
  std::uint64_t zero_updates = 0;
  std::uint64_t lost = 0;  // u != 0 and w unchanged in F (including updates that underflow in F)
  std::uint64_t underflowed = 0;  // u != 0 but u itself rounds to zero in F
  std::uint64_t partly_lost = 0;  // changed, but the applied update differs from u_F
  std::uint64_t lost_fp32 = 0;    // lost even in an fp32 master copy
  double max_update_rel_error = 0, sum_update_rel_error = 0;  // over nonzero, non-lost updates
  void add(double w, double u, const Format& f, Overflow mode);
};

}  // namespace numkit::fp
