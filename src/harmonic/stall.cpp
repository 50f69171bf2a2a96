// Where a naive floating-point sum of 1/k stops changing, simulated step by step with round to
// nearest even (fp16, bf16, fp32) or predicted from the half-ulp argument (fp64).
#include "numkit/core/error.hpp"
#include "numkit/harmonic/harmonic.hpp"

#include <Eigen/Core>

#include <algorithm>
#include <cmath>
#include <sstream>
#include <string>

namespace numkit::harmonic {
namespace {

// Eigen::half / Eigen::bfloat16 add through float and round back to nearest even; float has at
// least 2p+2 significand bits for both, so that double rounding equals a single rounding.
template <class T>
T term(std::uint64_t k) {
  if constexpr (std::is_same_v<T, double>) {
    return 1.0 / static_cast<double>(k);
  } else if constexpr (std::is_same_v<T, float>) {
    return 1.0f / static_cast<float>(k);  // exact k: callers stay below 2^24
  } else {
    return T(1.0f / static_cast<float>(k));
  }
}

template <class T>
double as_double(T x) {
  return static_cast<double>(static_cast<float>(x));
}
template <>
double as_double<double>(double x) {
  return x;
}

template <class T>
T pairwise(std::uint64_t a, std::uint64_t b) {  // sum of term(k), a <= k < b
  if (b - a == 1) return term<T>(a);
  const std::uint64_t m = a + (b - a) / 2;
  return static_cast<T>(pairwise<T>(a, m) + pairwise<T>(m, b));
}

template <class T>
SumComparison compare(std::uint64_t n) {
  SumComparison c;
  c.terms = n;
  T naive = T(0), kahan = T(0), carry = T(0);
  for (std::uint64_t k = 1; k <= n; ++k) {
    const T t = term<T>(k);
    naive = static_cast<T>(naive + t);
    const T y = static_cast<T>(t - carry);
    const T s = static_cast<T>(kahan + y);
    carry = static_cast<T>(static_cast<T>(s - kahan) - y);
    kahan = s;
  }
  c.naive = as_double(naive);
  c.kahan = as_double(kahan);
  c.pairwise = as_double(pairwise<T>(1, n + 1));
  c.exact = value(BigInt(n), 1).value;
  c.naive_error = (c.naive - c.exact) / c.exact;
  c.pairwise_error = (c.pairwise - c.exact) / c.exact;
  c.kahan_error = (c.kahan - c.exact) / c.exact;
  return c;
}

template <class T>
void simulate(Stall& s) {
  T sum = T(0);
  for (std::uint64_t k = 1; k < (1u << 24); ++k) {
    const T next = static_cast<T>(sum + term<T>(k));
    if (next == sum) {
      s.stall_n = k;
      s.stall_value = as_double(sum);
      return;
    }
    sum = next;
  }
  throw std::logic_error("harmonic stall: no stall below 2^24");
}

// Exact naive summation in runs (see run_length_stall in the header). Within a run every term
// t = fl(1/i) satisfies (j - 1/2) u < t < (j + 1/2) u for the sum's ulp u, so s + t rounds to
// s + j u; the run is cut so that s + (j + 1) u stays below the top of the binade.
template <class T, int P>
RunLengthStall run_length(std::uint64_t k0) {
  RunLengthStall out;
  T s = 0;
  std::uint64_t k = 1;
  for (; k < k0; ++k) {
    const T next = s + T(1) / T(k);
    if (next == s) return {k, static_cast<double>(s), 0};
    s = next;
  }
  for (;;) {
    const T next = s + T(1) / T(k);  // one real step: handles ties and binade crossings
    if (next == s) {
      out.stall_n = k;
      out.stall_value = static_cast<double>(s);
      return out;
    }
    s = next;
    ++k;
    int e = 0;
    std::frexp(s, &e);  // s in [2^(e-1), 2^e)
    const T u = std::ldexp(T(1), e - P);
    const T r = (T(1) / T(k)) / u;              // exact: scaling by a power of two
    if (r - std::floor(r) == T(0.5)) continue;  // a tie: the next real step decides it
    const T j = std::nearbyint(r);
    if (j == 0) continue;
    const T lo = (j - T(0.5)) * u;
    std::uint64_t last = static_cast<std::uint64_t>(T(1) / lo);  // last i with fl(1/i) > lo
    while (last >= k && !(T(1) / T(last) > lo)) --last;
    while (T(1) / T(last + 1) > lo) ++last;
    if (last < k) continue;
    const T top = std::ldexp(T(1), e);
    const auto room = static_cast<std::uint64_t>((top - s) / u);  // exact integer
    const auto jj = static_cast<std::uint64_t>(j);
    if (room / jj < 3) continue;
    const std::uint64_t count = std::min<std::uint64_t>(last - k + 1, room / jj - 2);
    s += static_cast<T>(static_cast<double>(count * jj)) * u;  // exact: a multiple of u below top
    k += count;
    ++out.runs;
  }
}

// Smallest n with 1/n <= ulp(H(n))/2 = 2^(floor(log2 H(n)) - p): monotone in n, so bisect.
void predict(Stall& s) {
  const int p = significand_bits(s.format);
  auto holds = [p](std::uint64_t n) {
    const int e = std::ilogb(value(BigInt(n), 1).value);
    return p - e <= 63 && n >= (std::uint64_t{1} << (p - e));
  };
  std::uint64_t lo = 1, hi = std::uint64_t{1} << p;  // holds(2^p) since H >= 1
  while (lo < hi) {
    const std::uint64_t mid = lo + (hi - lo) / 2;
    if (holds(mid))
      hi = mid;
    else
      lo = mid + 1;
  }
  s.predicted_n = lo;
  s.predicted_value = value(BigInt(lo), 1).value;
  s.predicted_binade = std::ilogb(s.predicted_value);
}

std::string explain(const Stall& s) {
  const int p = significand_bits(s.format), e = s.predicted_binade;
  std::ostringstream o;
  o.precision(10);
  o << "with " << p << "-bit significands a running sum S in [2^" << e << ", 2^" << e + 1
    << ") has ulp(S)/2 = 2^" << e - p << "; adding 1/n changes S only while 1/n > 2^" << e - p
    << " (a tie at equality rounds to even). Taking S ~ H(n) gives the first n with 1/n <= "
       "ulp(H(n))/2: n = "
    << s.predicted_n << ", where H(n) = " << s.predicted_value
    << ". The naive sum runs a little above H(n) because terms just above half an ulp round up to "
       "a whole ulp,"
    << " so the true stall can differ by the tie step or move earlier if S crosses into the next "
       "binade.";
  if (!s.simulated)
    o << " Simulating fp64 would take about " << static_cast<double>(s.predicted_n)
      << " additions, so this is a prediction, checked by the same argument against the simulated "
         "fp16, bf16 and fp32 stalls.";
  return o.str();
}

}  // namespace

Format parse_format(std::string_view text, std::string_view what) {
  if (text == "fp16" || text == "half" || text == "float16") return Format::fp16;
  if (text == "bf16" || text == "bfloat16") return Format::bf16;
  if (text == "fp32" || text == "float" || text == "float32" || text == "single")
    return Format::fp32;
  if (text == "fp64" || text == "double" || text == "float64") return Format::fp64;
  throw InputError(std::string(what) + ": expected fp16, bf16, fp32 or fp64, found \"" +
                   std::string(text) + "\"");
}

std::string format_name(Format f) {
  switch (f) {
    case Format::fp16:
      return "fp16";
    case Format::bf16:
      return "bf16";
    case Format::fp32:
      return "fp32";
    case Format::fp64:
      return "fp64";
  }
  return "?";
}

int significand_bits(Format f) {
  switch (f) {
    case Format::fp16:
      return 11;
    case Format::bf16:
      return 8;
    case Format::fp32:
      return 24;
    case Format::fp64:
      return 53;
  }
  return 0;
}

RunLengthStall run_length_stall(Format format, std::uint64_t direct_terms) {
  if (direct_terms < 1) direct_terms = 1;
  switch (format) {
    case Format::fp32:
      return run_length<float, 24>(std::min<std::uint64_t>(direct_terms, 1u << 23));
    case Format::fp64:
      return run_length<double, 53>(direct_terms);
    default:
      break;
  }
  throw InputError("--format: the run-length simulation is for fp32 and fp64, got " +
                   format_name(format));
}

SumComparison compare_sums(Format format, std::uint64_t terms) {
  if (terms < 1 || terms > 1'000'000'000)
    throw InputError("--terms: must be from 1 to 10^9, got " + std::to_string(terms));
  switch (format) {
    case Format::fp16:
      return compare<Eigen::half>(terms);
    case Format::bf16:
      return compare<Eigen::bfloat16>(terms);
    case Format::fp32:
      if (terms >= (1u << 24))
        throw InputError("--terms: must be below 2^24 for fp32, got " + std::to_string(terms));
      return compare<float>(terms);
    case Format::fp64:
      return compare<double>(terms);
  }
  return {};
}

Stall stall(Format format, std::uint64_t comparison_terms, bool run_length) {
  Stall s;
  s.format = format;
  predict(s);
  switch (format) {
    case Format::fp16:
      simulate<Eigen::half>(s);
      break;
    case Format::bf16:
      simulate<Eigen::bfloat16>(s);
      break;
    case Format::fp32:
      simulate<float>(s);
      break;
    case Format::fp64:
      s.stall_n = s.predicted_n;
      s.stall_value = s.predicted_value;
      break;
  }
  s.simulated = format != Format::fp64;
  s.exact_at_stall = value(BigInt(s.stall_n), 1).value;
  s.reasoning = explain(s);
  if (run_length && format == Format::fp64) {
    const RunLengthStall r = run_length_stall(format);
    s.run_length_checked = true;
    s.run_length_n = r.stall_n;
    s.run_length_value = r.stall_value;
    std::ostringstream o;
    o.precision(17);
    o << " Checked by an exact run-length simulation (terms that round to the same multiple of the"
      << " sum's ulp added in bulk, " << r.runs
      << " runs): the sum stops changing at n = " << r.stall_n << " and sticks at " << r.stall_value
      << ".";
    s.reasoning += o.str();
  }
  if (comparison_terms == 0) comparison_terms = s.simulated ? s.stall_n : 10'000'000;
  s.comparison = compare_sums(format, comparison_terms);
  return s;
}

}  // namespace numkit::harmonic
