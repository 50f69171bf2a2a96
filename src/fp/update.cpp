#include "numkit/fp/update.hpp"

#include <cmath>
#include <cstdio>
#include <string>

#include "numkit/core/error.hpp"
#include "numkit/core/number.hpp"

namespace numkit::fp {

void UpdateOptions::validate() const {
  if (format == nullptr) throw UsageError("--format: required");
  if (!std::isfinite(weight))
    throw InputError("--weight: must be finite, got " + format_number(weight));
  if (!std::isfinite(update))
    throw InputError("--update: must be finite, got " + format_number(update));
  if (steps < 1 || steps > 100'000'000)
    throw InputError("--steps: must be in 1..100000000, got " + std::to_string(steps));
}

double smallest_surviving_update(double w, const Format& f, int sign) {
  if (w == 0.0) return f.min_subnormal;
  const double gap = sign > 0 ? next_up(w, f) - w : w - next_down(w, f);
  double u = std::isfinite(gap) ? round_to(gap / 2, f) : ulp(w, f) / 2;
  if (u == 0.0) u = f.min_subnormal;
  // step down while a smaller value still survives, then up until it survives
  for (int i = 0; i < 4 && u > f.min_subnormal; ++i) {
    const double smaller = next_down(u, f);
    if (round_to(w + sign * smaller, f) != w)
      u = smaller;
    else
      break;
  }
  while (round_to(w + sign * u, f) == w) u = next_up(u, f);
  return u;
}

UpdateResult analyze_update(const UpdateOptions& o) {
  o.validate();
  const Format& f = *o.format;
  UpdateResult r;
  r.weight_stored = round_to(o.weight, f, o.overflow);
  r.update_stored = round_to(o.update, f, o.overflow);
  if (!std::isfinite(r.weight_stored))
    throw InputError("--weight: " + format_number(o.weight) + " overflows " + std::string(f.name));
  if (!std::isfinite(r.update_stored))
    throw InputError("--update: " + format_number(o.update) + " overflows " + std::string(f.name));
  const double w = r.weight_stored, u = r.update_stored;
  r.result = round_to(w + u, f, o.overflow);
  r.effective_update = r.result - w;
  r.lost =
      o.update != 0.0 && r.result == w;  // includes an update that itself underflows to zero in F
  r.update_relative_error = u != 0.0 ? std::fabs(r.effective_update - u) / std::fabs(u) : 0.0;
  r.half_gap_up = (std::isfinite(next_up(w, f)) ? next_up(w, f) - w : ulp(w, f)) / 2;
  r.half_gap_down = (std::isfinite(next_down(w, f)) ? w - next_down(w, f) : ulp(w, f)) / 2;
  r.smallest_up = smallest_surviving_update(w, f, +1);
  r.smallest_down = smallest_surviving_update(w, f, -1);
  r.steps = o.steps;
  // master copy in fp32 (the update itself in fp32 too)
  const auto w32 = static_cast<float>(o.weight);
  const auto u32 = static_cast<float>(o.update);
  float m = w32;
  double inf_w = w;
  const double w0_copy = round_to(static_cast<double>(w32), f, o.overflow);
  for (std::uint64_t k = 1; k <= o.steps; ++k) {
    m = m + u32;
    inf_w = round_to(inf_w + u, f, o.overflow);
    if (!r.steps_until_copy_changes && round_to(static_cast<double>(m), f, o.overflow) != w0_copy)
      r.steps_until_copy_changes = k;
  }
  if (o.rounding == Rounding::stochastic) {
    r.stochastic = true;
    StochasticRounder sr(o.seed);
    double ws = w;
    for (std::uint64_t k = 1; k <= o.steps; ++k) ws = sr(ws + u, f, o.overflow);
    r.after_steps_stochastic = ws;
    const double s = w + u;  // exact for the narrow formats (both operands are in F)
    const double lo = round_to(s, f) <= s ? round_to(s, f) : next_down(round_to(s, f), f);
    const double hi = next_up(lo, f);
    r.stochastic_move_probability = round_to(s, f) == s || !std::isfinite(hi) ? (s != w ? 1.0 : 0.0)
                                    : lo == w                                 ? (s - lo) / (hi - lo)
                                    : hi == w                                 ? (hi - s) / (hi - lo)
                                                                              : 1.0;
  }
  r.master_weight = m;
  r.master_copy = round_to(static_cast<double>(m), f, o.overflow);
  r.after_steps_in_format = inf_w;
  r.exact_after_steps = o.weight + static_cast<double>(o.steps) * o.update;
  return r;
}

void UpdateBatch::add(double w, double u, const Format& f, Overflow mode) {
  if (!std::isfinite(w) || !std::isfinite(u)) {
    ++nonfinite;
    return;
  }
  ++n;
  const double wf = round_to(w, f, mode), uf = round_to(u, f, mode);
  if (u == 0.0) {
    ++zero_updates;
    return;
  }
  if (uf == 0.0) {  // the update itself underflows to zero in F
    ++lost;
    ++underflowed;
    if (static_cast<float>(static_cast<float>(w) + static_cast<float>(u)) == static_cast<float>(w))
      ++lost_fp32;
    return;
  }
  const double r = round_to(wf + uf, f, mode);
  const auto w32 = static_cast<float>(w), u32 = static_cast<float>(u);
  if (static_cast<float>(w32 + u32) == w32) ++lost_fp32;
  if (r == wf) {
    ++lost;
    return;
  }
  const double eff = r - wf;
  if (eff != uf) ++partly_lost;
  const double rel = std::fabs(eff - uf) / std::fabs(uf);
  if (std::isfinite(rel)) {
    sum_update_rel_error += rel;
    if (rel > max_update_rel_error) max_update_rel_error = rel;
  }
}

}  // namespace numkit::fp
