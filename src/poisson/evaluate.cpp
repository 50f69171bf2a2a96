// Many k at one mean: `numkit poisson cdf - --mean M` reads a million counts.
#include <algorithm>
#include <exception>
#include <stdexcept>
#include <thread>
#include <vector>

#include "numkit/poisson/distribution.hpp"

namespace numkit::poisson {

double evaluate(Function f, double k, double mean) {
  switch (f) {
    case Function::pmf:
      return pmf(k, mean);
    case Function::log_pmf:
      return log_pmf(k, mean);
    case Function::cdf:
      return cdf(k, mean);
    case Function::sf:
      return sf(k, mean);
    case Function::log_cdf:
      return log_cdf(k, mean);
    case Function::log_sf:
      return log_sf(k, mean);
  }
  throw std::invalid_argument("poisson::evaluate: unknown function");
}

namespace {

void evaluate_each(Function f, std::span<const double> ks, double mean, std::span<double> values) {
  auto run = [&](std::size_t begin, std::size_t end) {
    for (std::size_t i = begin; i < end; ++i) values[i] = evaluate(f, ks[i], mean);
  };
  // A thread pays for itself from a few thousand values (a tail costs up to a microsecond).
  constexpr std::size_t kPerThread = 4096;
  const std::size_t threads = std::clamp<std::size_t>(
      ks.size() / kPerThread, 1, std::max(1u, std::thread::hardware_concurrency()));
  if (threads == 1) {
    run(0, ks.size());
    return;
  }
  // A value outside a function's domain throws: the first error reaches the caller.
  std::vector<std::exception_ptr> errors(threads);
  std::vector<std::thread> pool;
  const std::size_t chunk = (ks.size() + threads - 1) / threads;
  auto guarded = [&](std::size_t t) {
    try {
      run(std::min(ks.size(), t * chunk), std::min(ks.size(), (t + 1) * chunk));
    } catch (...) {
      errors[t] = std::current_exception();
    }
  };
  for (std::size_t t = 1; t < threads; ++t) pool.emplace_back(guarded, t);
  guarded(0);
  for (auto& thread : pool) thread.join();
  for (const auto& error : errors)
    if (error) std::rethrow_exception(error);
}

}  // namespace

void evaluate(Function f, std::span<const double> ks, double mean, std::span<double> values) {
  if (values.size() != ks.size())
    throw std::invalid_argument("poisson::evaluate: values and ks differ in size");
  // Observed counts repeat: a million of them around a mean of 500000 take about 7000 distinct
  // values. When whole-number ks span fewer values than there are ks, each distinct k is
  // evaluated once (the same value evaluate(f, k, mean) gives) and looked up.
  const std::size_t n = ks.size();
  if (n >= 4096) {
    auto [lo, hi] = std::minmax_element(ks.begin(), ks.end());
    const bool whole = std::all_of(ks.begin(), ks.end(), [](double k) { return valid_k(k); });
    if (whole && *hi - *lo < static_cast<double>(n)) {
      const double first = *lo;
      const auto span = static_cast<std::size_t>(*hi - first) + 1;
      std::vector<unsigned char> present(span, 0);
      for (double k : ks) present[static_cast<std::size_t>(k - first)] = 1;
      std::vector<double> distinct;
      for (std::size_t j = 0; j < span; ++j)
        if (present[j]) distinct.push_back(first + static_cast<double>(j));
      std::vector<double> distinct_values(distinct.size());
      evaluate_each(f, distinct, mean, distinct_values);
      std::vector<double> by_offset(span);
      for (std::size_t j = 0; j < distinct.size(); ++j)
        by_offset[static_cast<std::size_t>(distinct[j] - first)] = distinct_values[j];
      for (std::size_t i = 0; i < n; ++i)
        values[i] = by_offset[static_cast<std::size_t>(ks[i] - first)];
      return;
    }
  }
  evaluate_each(f, ks, mean, values);
}

}  // namespace numkit::poisson
