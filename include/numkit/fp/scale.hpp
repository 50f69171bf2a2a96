// Dynamic loss scaling simulated over a stream of gradient steps (as torch.cuda.amp.GradScaler
// does).
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "numkit/fp/format.hpp"

namespace numkit::fp {

struct ScaleOptions {
  const Format* format = nullptr;  // gradients are stored as g * scale in this format
  double initial = 65536;          // 2^16
  double growth = 2;               // multiply after `interval` consecutive clean steps
  double backoff = 0.5;            // multiply on an overflowing step (which is skipped)
  std::uint64_t interval = 2000;
  double min_scale = 0;  // clamp (0: none)
  double max_scale = 0;  // clamp (0: none)
  void validate() const;
};

struct ScaleEvent {
  std::uint64_t step;   // 1-based
  double scale_before;  // the scale used at that step
  double scale;         // the scale after the event
  bool skipped;         // true: overflow, step skipped and scale backed off; false: growth
};

struct ScaleResult {
  std::uint64_t steps = 0, skipped = 0, values = 0;
  std::uint64_t nonfinite_inputs =
      0;                          // NaN/inf gradients in the data (their steps are always skipped)
  std::uint64_t underflowed = 0;  // nonzero gradients flushed to zero on applied steps
  std::uint64_t became_subnormal = 0;  // ... stored as subnormals on applied steps
  std::uint64_t applied_nonzero = 0;   // nonzero gradients on applied steps
  std::uint64_t growths = 0, backoffs = 0;
  std::uint64_t first_skip = 0;  // 0: none
  std::uint64_t longest_clean_run = 0;
  double final_scale = 0, min_scale_seen = 0, max_scale_seen = 0;
  std::vector<ScaleEvent> events;   // at most max_events kept (the counts above are complete)
  std::vector<double> scale_trace;  // scale used at each step, decimated to at most 4096 points
  std::vector<std::uint64_t> trace_steps;
};

class ScaleSimulator {
 public:
  explicit ScaleSimulator(const ScaleOptions& options, std::size_t max_events = 1000);
  // One training step with these gradients. Returns true if the step was applied (no overflow).
  bool step(std::span<const double> gradients);
  ScaleResult finish() const;
  double scale() const { return scale_; }

 private:
  ScaleOptions opt_;
  const Format& f_;
  std::size_t max_events_;
  double scale_;
  std::uint64_t clean_ = 0;
  ScaleResult r_;
  std::uint64_t trace_every_ = 1;
};

}  // namespace numkit::fp
