#include "numkit/fp/scale.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>

#include "numkit/core/error.hpp"
#include "numkit/core/number.hpp"

namespace numkit::fp {

void ScaleOptions::validate() const {
  if (format == nullptr) throw UsageError("--format: required");
  if (!(std::isfinite(initial) && initial > 0))
    throw InputError("--initial: must be finite and > 0, got " + format_number(initial));
  if (!(std::isfinite(growth) && growth >= 1))
    throw InputError("--growth: must be finite and >= 1, got " + format_number(growth));
  if (!(backoff > 0 && backoff <= 1))
    throw InputError("--backoff: must be in (0, 1], got " + format_number(backoff));
  if (interval < 1) throw InputError("--interval: must be >= 1, got " + std::to_string(interval));
  if (!(std::isfinite(min_scale) && min_scale >= 0))
    throw InputError("--min-scale: must be finite and >= 0, got " + format_number(min_scale));
  if (!(std::isfinite(max_scale) && max_scale >= 0))
    throw InputError("--max-scale: must be finite and >= 0, got " + format_number(max_scale));
  if (max_scale > 0 && min_scale > max_scale)
    throw InputError("--min-scale: must not exceed --max-scale, got " + format_number(min_scale) +
                     " > " + format_number(max_scale));
}

ScaleSimulator::ScaleSimulator(const ScaleOptions& options, std::size_t max_events)
    : opt_(options), f_(*options.format), max_events_(max_events), scale_(options.initial) {
  options.validate();
  r_.min_scale_seen = r_.max_scale_seen = scale_;
}

bool ScaleSimulator::step(std::span<const double> g) {
  ++r_.steps;
  r_.values += g.size();
  if (r_.trace_steps.size() >= 4096) {  // decimate: keep every other point, double the stride
    std::size_t k = 0;
    for (std::size_t i = 0; i < r_.trace_steps.size(); i += 2, ++k) {
      r_.trace_steps[k] = r_.trace_steps[i];
      r_.scale_trace[k] = r_.scale_trace[i];
    }
    r_.trace_steps.resize(k);
    r_.scale_trace.resize(k);
    trace_every_ *= 2;
  }
  if ((r_.steps - 1) % trace_every_ == 0) {
    r_.trace_steps.push_back(r_.steps);
    r_.scale_trace.push_back(scale_);
  }
  bool overflow = false;
  std::uint64_t under = 0, sub = 0, nonzero = 0;
  for (double x : g) {
    if (!std::isfinite(x)) {
      ++r_.nonfinite_inputs;
      overflow = true;
      continue;
    }
    if (x == 0.0) continue;
    ++nonzero;
    const double s = round_to(x * scale_, f_, Overflow::infinity);
    if (!std::isfinite(s)) {
      overflow = true;
    } else if (s == 0.0) {
      ++under;
    } else if (std::fabs(s) < f_.min_normal) {
      ++sub;
    }
  }
  auto clamp = [&](double v) {
    if (opt_.min_scale > 0) v = std::max(v, opt_.min_scale);
    if (opt_.max_scale > 0) v = std::min(v, opt_.max_scale);
    return v;
  };
  if (overflow) {
    ++r_.skipped;
    ++r_.backoffs;
    if (r_.first_skip == 0) r_.first_skip = r_.steps;
    clean_ = 0;
    const double before = scale_;
    scale_ = clamp(scale_ * opt_.backoff);
    if (r_.events.size() < max_events_) r_.events.push_back({r_.steps, before, scale_, true});
  } else {
    r_.underflowed += under;
    r_.became_subnormal += sub;
    r_.applied_nonzero += nonzero;
    ++clean_;
    r_.longest_clean_run = std::max(r_.longest_clean_run, clean_);
    if (clean_ % opt_.interval == 0 && opt_.growth > 1) {
      const double next = clamp(scale_ * opt_.growth);
      if (std::isfinite(next) && next != scale_) {
        const double before = scale_;
        scale_ = next;
        ++r_.growths;
        if (r_.events.size() < max_events_) r_.events.push_back({r_.steps, before, scale_, false});
      }
    }
  }
  r_.min_scale_seen = std::min(r_.min_scale_seen, scale_);
  r_.max_scale_seen = std::max(r_.max_scale_seen, scale_);
  return !overflow;
}

ScaleResult ScaleSimulator::finish() const {
  ScaleResult r = r_;
  r.final_scale = scale_;
  return r;
}

}  // namespace numkit::fp
