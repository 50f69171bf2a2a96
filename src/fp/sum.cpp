#include "numkit/fp/sum.hpp"

#include <cmath>
#include <limits>

namespace numkit::fp {

namespace {

constexpr double kScaleDown = 0x1p-64;  // exact for |x| >= kBigThreshold
constexpr double kScaleUp = 0x1p64;
constexpr double kBigThreshold = 0x1p-958;

// Shewchuk / Python math.fsum: partials are non-overlapping, increasing in magnitude. The
// callers keep every addend and every partial far below the overflow threshold.
void add_partial(std::vector<double>& partials, double x) {
  std::size_t i = 0;
  for (double y : partials) {
    if (std::fabs(x) < std::fabs(y)) std::swap(x, y);
    const double hi = x + y;
    const double lo = y - (hi - x);
    if (lo != 0.0) partials[i++] = lo;
    x = hi;
  }
  partials.resize(i);
  partials.push_back(x);
}

// The sum of non-overlapping partials (increasing in magnitude), correctly rounded.
double round_partials(const std::vector<double>& partials) {
  if (partials.empty()) return 0.0;
  std::size_t n = partials.size();
  double hi = partials[--n];
  double lo = 0.0;
  while (n > 0) {
    const double x = hi;
    const double y = partials[--n];
    hi = x + y;
    const double yr = hi - x;
    lo = y - yr;
    if (lo != 0.0) break;
  }
  // Round half-way cases correctly: if the remaining partials push in the same direction as lo.
  if (n > 0 && ((lo < 0.0 && partials[n - 1] < 0.0) || (lo > 0.0 && partials[n - 1] > 0.0))) {
    const double y = lo * 2.0;
    const double x = hi + y;
    const double yr = x - hi;
    if (y == yr) hi = x;
  }
  return hi;
}

}  // namespace

void ExactSum::add(double x) {
  if (!std::isfinite(x)) {
    nonfinite_ = true;
    return;
  }
  if (std::fabs(x) >= kBigThreshold)
    add_partial(big_, x * kScaleDown);
  else
    add_partial(small_, x);
}

double ExactSum::value() const {
  if (nonfinite_) return std::numeric_limits<double>::quiet_NaN();
  if (big_.empty()) return round_partials(small_);
  // The scaled partials times 2^64 are exact; once the largest of them is beyond the double
  // range, so is the exact sum (the rest is below its last bit).
  const double top = big_.back() * kScaleUp;
  if (!std::isfinite(top)) return top;
  std::vector<double> all = small_;
  for (double p : big_) add_partial(all, p * kScaleUp);
  // Joining can only overflow when the exact sum rounds beyond the range.
  for (double p : all)
    if (!std::isfinite(p)) return std::copysign(std::numeric_limits<double>::infinity(), top);
  return round_partials(all);
}

bool ExactSum::overflowed() const {
  return !nonfinite_ && std::isinf(value());
}

double ExactSum::minus(double x) const {
  ExactSum copy = *this;
  copy.add(-x);
  return copy.value();
}

Summer::Summer(const Format& f, Overflow mode) : f_(f), mode_(mode) {}

void Summer::add(double x) {
  if (std::isnan(x)) {
    ++r_.nan;
    return;
  }
  if (std::isinf(x)) {
    ++r_.inf;
    return;
  }
  const double xf = rf(x);
  if (!std::isfinite(xf) ||
      std::fabs(xf) >
          f_.max_finite) {  // overflow to inf/NaN: excluded (saturating mode clamps and keeps it)
    ++r_.inputs_overflowed;
    return;
  }
  ++r_.n;
  exact_in_.add(x);
  if (xf != x) ++r_.inputs_rounded;
  exact_f_.add(xf);
  // naive
  const double before = naive_;
  naive_ =
      rf(naive_ + xf);  // exact in double for the small formats; correctly rounded for fp32/fp64
  if (naive_ == before && xf != 0.0) {
    ++r_.naive_lost_additions;
    if (!r_.naive_first_lost) {
      r_.naive_first_lost = r_.n;
      r_.naive_sum_at_first_lost = before;
    }
  }
  if (naive_ != before) r_.naive_last_change = r_.n;
  if (sr_) naive_sr_ = (*sr_)(naive_sr_ + xf, f_, mode_);
  // Kahan, every operation rounded to F
  const double y = rf(xf - kahan_c_);
  const double t = rf(kahan_s_ + y);
  kahan_c_ = rf(rf(t - kahan_s_) - y);
  kahan_s_ = t;
  // F inputs, fp32 accumulator
  acc32_ = acc32_ + static_cast<float>(xf);
  // pairwise: binary counter
  double carry = xf;
  std::size_t level = 0;
  while (true) {
    if (level == levels_.size()) levels_.emplace_back();
    if (!levels_[level]) {
      levels_[level] = carry;
      break;
    }
    carry = rf(*levels_[level] + carry);
    levels_[level].reset();
    ++level;
  }
}

std::optional<std::uint64_t> naive_stall_steps(double m, const Format& f, std::uint64_t max_steps,
                                               double* stall_value) {
  const double mf = round_to(m, f);
  if (mf == 0.0 || !std::isfinite(mf)) return std::nullopt;
  double s = 0.0;
  for (std::uint64_t k = 1; k <= max_steps; ++k) {
    const double next = round_to(s + mf, f);
    if (next == s || !std::isfinite(next)) {
      if (stall_value) *stall_value = s;
      return k;
    }
    s = next;
  }
  return std::nullopt;
}

SumResult Summer::finish() const {
  SumResult r = r_;
  r.exact_input_sum = exact_in_.value();
  r.exact_sum = exact_f_.value();
  r.exact_in_format = round_to(r.exact_sum, f_, mode_);
  double pair = 0.0;
  bool first = true;
  for (const auto& l : levels_)
    if (l) {
      pair = first ? *l : rf(pair + *l);
      first = false;
    }
  const double u = ulp(std::isfinite(r.exact_in_format) ? r.exact_in_format : f_.max_finite, f_);
  auto method = [&](const char* name, double v) {
    SumMethod m{name, v, 0, 0, 0};
    m.error =
        std::isfinite(v) ? 0.0 - exact_f_.minus(v) : v;  // value - exact, exactly then rounded
    m.relative_error =
        r.exact_sum != 0 ? std::fabs(m.error) / std::fabs(r.exact_sum) : std::fabs(m.error);
    m.ulps = std::fabs(m.error) / u;
    return m;
  };
  r.methods.push_back(method("naive", naive_));
  r.methods.push_back(method("pairwise", pair));
  r.methods.push_back(method("kahan", kahan_s_));
  r.methods.push_back(method("fp32_accumulate", static_cast<double>(acc32_)));
  if (sr_) r.methods.push_back(method("naive_stochastic", naive_sr_));
  r.mean = r.n ? r.exact_input_sum / static_cast<double>(r.n) : 0.0;
  if (f_.id != FormatId::fp64 && r.n > 0) {
    double sv = 0;
    r.stall_n_for_mean = naive_stall_steps(r.mean, f_, std::uint64_t{1} << 27, &sv);
    r.stall_value_for_mean = sv;
  }
  return r;
}

}  // namespace numkit::fp
