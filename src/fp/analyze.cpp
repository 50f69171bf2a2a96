#include "numkit/fp/analyze.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <bit>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <exception>
#include <thread>

#include "numkit/core/number.hpp"
#include "numkit/core/number_stream.hpp"
#include "numkit/fp/detail/round.hpp"

#if defined(__AVX512F__) || (defined(__AVX2__) && defined(__F16C__))
#include <immintrin.h>
#endif

static_assert(std::endian::native == std::endian::little, "raw input is read as little-endian");

namespace numkit::fp {
namespace {

constexpr std::uint32_t kRelBase = (63u << 23) >> 17;  // key of 2^-64

#if !defined(__AVX512F__) && defined(__AVX2__) && defined(__F16C__)
// The AVX2 kernel counts the two histograms in four interleaved 32-bit copies (lane k into
// copy k % 4), so that increments of the same bin by neighbouring lanes do not wait on one
// another through memory; the touched bins are added into the 64-bit totals at the end of each
// call. One spare bin per copy takes the lanes that do not count, so the loop over the lanes has
// no branch.
struct LaneHistograms {
  static constexpr int kCopies = 4;
  static constexpr int kExpStride = AnalyzeStats::kExpBins + 1;
  static constexpr int kRelStride = AnalyzeStats::kRelBins + 1;
  std::vector<std::uint32_t> exp = std::vector<std::uint32_t>(kCopies * kExpStride);
  std::vector<std::uint32_t> rel = std::vector<std::uint32_t>(kCopies * kRelStride);
};

// Adds bins [lo, hi] of the copies (stride apart) into total and zeroes them.
inline void flush_lanes(std::uint32_t* h, int stride, std::vector<std::uint64_t>& total, int lo,
                        int hi) {
  const int bins = static_cast<int>(total.size());
  for (int c = 0; c < LaneHistograms::kCopies; ++c)
    for (int bin = std::max(lo, 0); bin <= std::min(hi, bins - 1); ++bin) {
      total[static_cast<std::size_t>(bin)] += h[c * stride + bin];
      h[c * stride + bin] = 0;
    }
}

// The AVX2 + F16C kernel (machines without AVX-512): eight floats per step.

inline __m256 abs256(__m256 v) {
  return _mm256_and_ps(v, _mm256_castsi256_ps(_mm256_set1_epi32(0x7FFFFFFF)));
}
inline unsigned mask256(__m256 cmp) {
  return static_cast<unsigned>(_mm256_movemask_ps(cmp));
}

template <class Round, class Scalar>
void add_floats_avx2(AnalyzeStats& s, const Format& f, float scale, bool saturate, const float* x,
                     std::size_t n, Round round, Scalar scalar) {
  thread_local LaneHistograms lanes;
  constexpr int kC = LaneHistograms::kCopies;
  const __m256 vinf = _mm256_set1_ps(INFINITY);
  const __m256 vscale = _mm256_set1_ps(scale);
  const __m256 vflt_min = _mm256_set1_ps(std::numeric_limits<float>::min());
  const __m256 vzero = _mm256_setzero_ps();
  const __m256 vmin_normal = _mm256_set1_ps(static_cast<float>(f.min_normal));
  const __m256 vmax_finite = _mm256_set1_ps(static_cast<float>(f.max_finite));
  const __m256i exp_field = _mm256_set1_epi32(0xFF);
  const __m256i exp_shift = _mm256_set1_epi32(AnalyzeStats::kExpOffset - 127);
  const __m256i rel_base = _mm256_set1_epi32(static_cast<int>(kRelBase));
  const __m256i rel_top = _mm256_set1_epi32(AnalyzeStats::kRelBins - 1);
  __m256 vmaxabs = vzero, vminabs = vinf;
  __m256d sum_lo = _mm256_setzero_pd(), sum_hi = _mm256_setzero_pd();
  __m256i exp_lo = _mm256_set1_epi32(AnalyzeStats::kExpBins), exp_hi = _mm256_set1_epi32(-1);
  __m256i rel_lo = _mm256_set1_epi32(AnalyzeStats::kRelBins), rel_hi = _mm256_set1_epi32(-1);
  std::uint64_t c_zero = 0, c_ovf = 0, c_flush = 0, c_sub = 0, c_round = 0, c_err = 0, c_exact = 0,
                c_count = 0;
  alignas(32) float rel_buf[8];
  alignas(32) std::int32_t idx[8], rel_idx[8];
  const __m256i exp_spare = _mm256_set1_epi32(AnalyzeStats::kExpBins);
  const __m256i rel_spare = _mm256_set1_epi32(AnalyzeStats::kRelBins);
  std::uint32_t* exp_h = lanes.exp.data();
  std::uint32_t* rel_h = lanes.rel.data();
  float max_rel = static_cast<float>(s.max_rel);
  std::size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    const __m256 xv = _mm256_loadu_ps(x + i);
    const __m256 xs = _mm256_mul_ps(xv, vscale);
    const __m256 axs = abs256(xs);
    const __m256 axv = abs256(xv);
    // NaN/inf inputs, or scaling that is not exact in float: the scalar path
    const unsigned nonfinite = mask256(_mm256_cmp_ps(axv, vinf, _CMP_NLT_UQ)) |
                               mask256(_mm256_cmp_ps(axs, vinf, _CMP_EQ_OQ));
    const unsigned tiny = mask256(_mm256_cmp_ps(axs, vflt_min, _CMP_LT_OQ)) &
                          mask256(_mm256_cmp_ps(axv, vzero, _CMP_NEQ_UQ));
    if ((nonfinite | tiny) != 0) {
      for (int k = 0; k < 8; ++k) scalar(static_cast<double>(x[i + k]));
      max_rel = static_cast<float>(s.max_rel);  // the scalar path may have raised it
      continue;
    }
    const __m256 r = round(xs);
    const __m256 ar = abs256(r);
    const unsigned ovf = mask256(_mm256_cmp_ps(ar, vmax_finite, _CMP_GT_OQ));
    if (saturate && ovf != 0) {
      for (int k = 0; k < 8; ++k) scalar(static_cast<double>(x[i + k]));
      max_rel = static_cast<float>(s.max_rel);
      continue;
    }
    c_count += 8;
    const __m256 zero_v = _mm256_cmp_ps(axs, vzero, _CMP_EQ_OQ);
    const unsigned zero = mask256(zero_v);
    const unsigned nz = ~zero & 0xFFu;
    c_zero += static_cast<unsigned>(std::popcount(zero));
    const unsigned n_ovf = static_cast<unsigned>(std::popcount(ovf));
    c_ovf += n_ovf;
    c_round += n_ovf;
    const unsigned pop = nz & ~ovf;
    c_err += static_cast<unsigned>(std::popcount(pop));
    const unsigned r_zero = mask256(_mm256_cmp_ps(ar, vzero, _CMP_EQ_OQ));
    c_flush += static_cast<unsigned>(std::popcount(pop & r_zero));
    c_sub += static_cast<unsigned>(
        std::popcount(pop & ~r_zero & mask256(_mm256_cmp_ps(ar, vmin_normal, _CMP_LT_OQ))));
    const unsigned ne = pop & mask256(_mm256_cmp_ps(r, xs, _CMP_NEQ_UQ));
    c_round += static_cast<unsigned>(std::popcount(ne));
    c_exact += static_cast<unsigned>(std::popcount(pop & ~ne));
    vmaxabs = _mm256_max_ps(vmaxabs, axs);
    vminabs = _mm256_min_ps(vminabs, _mm256_blendv_ps(axs, vinf, zero_v));
    // The histogram indices of all 8 lanes; lanes that do not count go to the spare bin, so the
    // increments below run without a branch (the mask loops they replace mispredicted).
    // Exponents: xs is zero or a normal float here. Relative errors: only the inexact lanes.
    const __m256i e = _mm256_add_epi32(
        _mm256_and_si256(_mm256_srli_epi32(_mm256_castps_si256(axs), 23), exp_field), exp_shift);
    const __m256i zero_i = _mm256_castps_si256(zero_v);
    const __m256i e_nz = _mm256_andnot_si256(zero_i, e);
    exp_lo = _mm256_min_epi32(exp_lo, _mm256_blendv_epi8(e, exp_lo, zero_i));
    exp_hi = _mm256_max_epi32(exp_hi, e_nz);
    _mm256_store_si256(reinterpret_cast<__m256i*>(idx), _mm256_blendv_epi8(e, exp_spare, zero_i));
    const __m256 ne_v = _mm256_castsi256_ps(
        _mm256_cmpgt_epi32(_mm256_and_si256(_mm256_set1_epi32(static_cast<int>(ne)),
                                            _mm256_setr_epi32(1, 2, 4, 8, 16, 32, 64, 128)),
                           _mm256_setzero_si256()));
    const __m256 rel = _mm256_and_ps(ne_v, _mm256_div_ps(abs256(_mm256_sub_ps(r, xs)), axs));
    __m256i key = _mm256_srli_epi32(_mm256_castps_si256(rel), 17);
    key = _mm256_min_epi32(
        _mm256_max_epi32(_mm256_sub_epi32(key, rel_base), _mm256_setzero_si256()), rel_top);
    const __m256i ne_i = _mm256_castps_si256(ne_v);
    rel_lo = _mm256_min_epi32(rel_lo, _mm256_blendv_epi8(rel_lo, key, ne_i));
    rel_hi = _mm256_max_epi32(rel_hi, _mm256_and_si256(key, ne_i));
    _mm256_store_si256(reinterpret_cast<__m256i*>(rel_idx),
                       _mm256_blendv_epi8(rel_spare, key, ne_i));
#pragma GCC unroll 8
    for (int k = 0; k < 8; ++k) {
      ++exp_h[(k % kC) * LaneHistograms::kExpStride + idx[k]];
      ++rel_h[(k % kC) * LaneHistograms::kRelStride + rel_idx[k]];
    }
    if (ne == 0) continue;
    sum_lo = _mm256_add_pd(sum_lo, _mm256_cvtps_pd(_mm256_castps256_ps128(rel)));
    sum_hi = _mm256_add_pd(sum_hi, _mm256_cvtps_pd(_mm256_extractf128_ps(rel, 1)));
    // the running maximum rarely grows: one compare per step, the search only when it does
    if (mask256(_mm256_cmp_ps(rel, _mm256_set1_ps(max_rel), _CMP_GT_OQ)) != 0) {
      _mm256_store_ps(rel_buf, rel);
      for (int k = 0; k < 8; ++k)
        if (rel_buf[k] > max_rel && rel_buf[k] > s.max_rel) {
          max_rel = rel_buf[k];
          s.max_rel = max_rel;
          s.max_rel_input = static_cast<double>(x[i + k]);
        }
    }
  }
  s.count += c_count;
  s.zero += c_zero;
  s.overflow += c_ovf;
  s.flushed_to_zero += c_flush;
  s.became_subnormal += c_sub;
  s.rounded += c_round;
  s.error_count += c_err;
  s.exact_nonzero += c_exact;
  alignas(32) double sums[4];
  _mm256_store_pd(sums, _mm256_add_pd(sum_lo, sum_hi));
  s.sum_rel += (sums[0] + sums[1]) + (sums[2] + sums[3]);
  if (c_count > 0) {
    alignas(32) float v[8];
    _mm256_store_ps(v, vmaxabs);
    float mx = 0, mn = INFINITY;
    for (float a : v) mx = std::max(mx, a);
    _mm256_store_ps(v, vminabs);
    for (float a : v) mn = std::min(mn, a);
    s.max_abs = std::max(s.max_abs, static_cast<double>(mx));
    s.min_abs = std::min(s.min_abs, static_cast<double>(mn));
  }
  // the touched bins of the lane copies into the totals, leaving the copies zero
  auto flush = [](std::uint32_t* h, int stride, std::vector<std::uint64_t>& total, __m256i lo_v,
                  __m256i hi_v) {
    alignas(32) std::int32_t lo[8], hi[8];
    _mm256_store_si256(reinterpret_cast<__m256i*>(lo), lo_v);
    _mm256_store_si256(reinterpret_cast<__m256i*>(hi), hi_v);
    flush_lanes(h, stride, total, *std::min_element(lo, lo + 8), *std::max_element(hi, hi + 8));
  };
  flush(exp_h, LaneHistograms::kExpStride, s.exp_hist, exp_lo, exp_hi);
  flush(rel_h, LaneHistograms::kRelStride, s.rel_hist, rel_lo, rel_hi);
  for (int c = 0; c < kC; ++c) {  // the spare bins count nothing
    exp_h[c * LaneHistograms::kExpStride + AnalyzeStats::kExpBins] = 0;
    rel_h[c * LaneHistograms::kRelStride + AnalyzeStats::kRelBins] = 0;
  }
  for (; i < n; ++i) scalar(static_cast<double>(x[i]));
}
#endif
}  // namespace

void AnalyzeOptions::validate() const {
  if (format == nullptr) throw UsageError("--format: required");
  if (!(std::isfinite(scale) && scale > 0))
    throw InputError("--scale: must be finite and > 0, got " + format_number(scale));
  if (!(std::isfinite(margin) && margin >= 1))
    throw InputError("--margin: must be finite and >= 1, got " + format_number(margin));
  if (threads < 1 || threads > 64)
    throw InputError("--threads: must be in 1..64, got " + std::to_string(threads));
}

int AnalyzeStats::rel_bin(float rel) {
  const std::uint32_t key = std::bit_cast<std::uint32_t>(rel) >> 17;
  if (key <= kRelBase) return 0;
  const std::uint32_t idx = key - kRelBase;
  return idx >= static_cast<std::uint32_t>(kRelBins) ? kRelBins - 1 : static_cast<int>(idx);
}

double AnalyzeStats::rel_bin_upper(int bin) {
  const std::uint32_t key = static_cast<std::uint32_t>(bin) + kRelBase + 1;
  return static_cast<double>(std::bit_cast<float>(key << 17));
}

void AnalyzeStats::merge(const AnalyzeStats& o) {
  count += o.count;
  nan += o.nan;
  pos_inf += o.pos_inf;
  neg_inf += o.neg_inf;
  zero += o.zero;
  overflow += o.overflow;
  flushed_to_zero += o.flushed_to_zero;
  became_subnormal += o.became_subnormal;
  rounded += o.rounded;
  error_count += o.error_count;
  exact_nonzero += o.exact_nonzero;
  sum_rel += o.sum_rel;
  if (o.max_rel > max_rel) {
    max_rel = o.max_rel;
    max_rel_input = o.max_rel_input;
  }
  max_abs = std::max(max_abs, o.max_abs);
  min_abs = std::min(min_abs, o.min_abs);
  for (std::size_t i = 0; i < rel_hist.size(); ++i) rel_hist[i] += o.rel_hist[i];
  for (std::size_t i = 0; i < exp_hist.size(); ++i) exp_hist[i] += o.exp_hist[i];
}

Analyzer::Analyzer(const AnalyzeOptions& options) : opt_(options), f_(*options.format) {
  options.validate();
  int e = 0;
  const double m = std::frexp(options.scale, &e);
  const bool pow2 = m == 0.5 && e > -100 && e < 100;
  if (pow2 && f_.id == FormatId::fp16)
    fast_kind_ = 1;
  else if (pow2 && f_.id != FormatId::fp32 && f_.id != FormatId::fp64)
    fast_kind_ = 2;
  fast_scale_ = static_cast<float>(options.scale);
  if (options.rounding == Rounding::stochastic) {
    fast_kind_ = 0;
    sr_.emplace(options.seed);
  }
}

void Analyzer::add_one(double x) {
  AnalyzeStats& s = stats_;
  ++s.count;
  if (std::isnan(x)) {
    ++s.nan;
    return;
  }
  if (std::isinf(x)) {
    ++(x > 0 ? s.pos_inf : s.neg_inf);
    return;
  }
  const double xs = x * opt_.scale;
  if (xs == 0.0) {
    ++s.zero;
    return;
  }
  const double a = std::fabs(xs);
  if (std::isinf(a)) {  // the scaling itself left the double range
    ++s.overflow;
    ++s.rounded;
    s.max_abs = a;
    return;
  }
  s.max_abs = std::max(s.max_abs, a);
  s.min_abs = std::min(s.min_abs, a);
  const auto field = static_cast<int>(std::bit_cast<std::uint64_t>(a) >> 52);
  ++s.exp_hist[static_cast<std::size_t>((field != 0 ? field - 1023 : std::ilogb(a)) +
                                        AnalyzeStats::kExpOffset)];
  double r;
  if (sr_)
    r = (*sr_)(xs, f_, Overflow::infinity);
  else if (f_.id == FormatId::fp64)
    r = xs;
  else if (f_.id == FormatId::fp32)
    r = static_cast<float>(xs);
  else
    r = std::copysign(detail::round_magnitude(a, f_), xs);
  const bool ovf = !std::isfinite(r) || std::fabs(r) > f_.max_finite;
  if (ovf) {
    ++s.overflow;
    ++s.rounded;
    if (opt_.overflow != Overflow::saturate) return;
    r = std::copysign(f_.max_finite, xs);
  }
  ++s.error_count;
  if (r == 0.0)
    ++s.flushed_to_zero;
  else if (std::fabs(r) < f_.min_normal)
    ++s.became_subnormal;
  if (r == xs) {
    ++s.exact_nonzero;
    return;
  }
  if (!ovf) ++s.rounded;
  const float rel = static_cast<float>(std::fabs(r - xs) / a);
  s.sum_rel += rel;
  ++s.rel_hist[static_cast<std::size_t>(AnalyzeStats::rel_bin(rel))];
  if (rel > s.max_rel) {
    s.max_rel = rel;
    s.max_rel_input = x;
  }
}

void Analyzer::add(std::span<const double> values) {
  for (double x : values) add_one(x);
}

void Analyzer::add(std::span<const float> values) {
  // the vector kernels count in 32-bit lane copies: at most 2^24 values a call
  constexpr std::size_t kBlock = std::size_t{1} << 24;
  if (values.size() > kBlock) {
    for (std::size_t at = 0; at < values.size(); at += kBlock)
      add(values.subspan(at, std::min(kBlock, values.size() - at)));
    return;
  }
#if defined(__AVX512F__)
  if (fast_kind_ == 1) {
    add_float_fast(values.data(), values.size(), [](__m512 xs) {
      return _mm512_cvtph_ps(_mm512_cvtps_ph(xs, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC));
    });
    return;
  }
  if (fast_kind_ == 2) {
    // Round to nearest even on the float bits (normal range of F), or by adding and subtracting
    // C = min_subnormal * 2^23 (subnormal range of F: the float addition rounds at F's quantum).
    const int sh = 23 - f_.mantissa_bits;
    const __m512i half = _mm512_set1_epi32((1 << (sh - 1)) - 1);
    const __m512i keep = _mm512_set1_epi32(~((1 << (sh - 1)) * 2 - 1));
    const __m512i one = _mm512_set1_epi32(1);
    const __m512 c = _mm512_set1_ps(static_cast<float>(f_.min_subnormal * 8388608.0));
    const __m512 min_normal = _mm512_set1_ps(static_cast<float>(f_.min_normal));
    const __m512 sign = _mm512_set1_ps(-0.0f);
    add_float_fast(values.data(), values.size(), [=](__m512 xs) {
      const __m512 ax = _mm512_abs_ps(xs);
      __m512i u = _mm512_castps_si512(ax);
      const __m512i lsb = _mm512_and_si512(_mm512_srli_epi32(u, static_cast<unsigned>(sh)), one);
      u = _mm512_and_si512(_mm512_add_epi32(u, _mm512_add_epi32(half, lsb)), keep);
      const __m512 sub = _mm512_sub_ps(_mm512_add_ps(ax, c), c);
      const __m512 r = _mm512_mask_blend_ps(_mm512_cmp_ps_mask(ax, min_normal, _CMP_LT_OQ),
                                            _mm512_castsi512_ps(u), sub);
      return _mm512_or_ps(r, _mm512_and_ps(xs, sign));
    });
    return;
  }
#elif defined(__AVX2__) && defined(__F16C__)
  auto scalar = [this](double v) { add_one(v); };
  const bool saturate = opt_.overflow == Overflow::saturate;
  if (fast_kind_ == 1) {
    add_floats_avx2(
        stats_, f_, fast_scale_, saturate, values.data(), values.size(),
        [](__m256 xs) {
          return _mm256_cvtph_ps(
              _mm256_cvtps_ph(xs, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC));
        },
        scalar);
    return;
  }
  if (fast_kind_ == 2) {
    // as in the AVX-512 kernel: nearest even on the float bits (normal range of F), or by adding
    // and subtracting C = min_subnormal * 2^23 (subnormal range of F)
    const int sh = 23 - f_.mantissa_bits;
    const __m256i half = _mm256_set1_epi32((1 << (sh - 1)) - 1);
    const __m256i keep = _mm256_set1_epi32(~((1 << (sh - 1)) * 2 - 1));
    const __m256i one = _mm256_set1_epi32(1);
    const __m256 c = _mm256_set1_ps(static_cast<float>(f_.min_subnormal * 8388608.0));
    const __m256 min_normal = _mm256_set1_ps(static_cast<float>(f_.min_normal));
    const __m256 sign = _mm256_set1_ps(-0.0f);
    add_floats_avx2(
        stats_, f_, fast_scale_, saturate, values.data(), values.size(),
        [=](__m256 xs) {
          const __m256 ax = abs256(xs);
          __m256i u = _mm256_castps_si256(ax);
          const __m256i lsb = _mm256_and_si256(_mm256_srli_epi32(u, sh), one);
          u = _mm256_and_si256(_mm256_add_epi32(u, _mm256_add_epi32(half, lsb)), keep);
          const __m256 sub = _mm256_sub_ps(_mm256_add_ps(ax, c), c);
          const __m256 r = _mm256_blendv_ps(_mm256_castsi256_ps(u), sub,
                                            _mm256_cmp_ps(ax, min_normal, _CMP_LT_OQ));
          return _mm256_or_ps(r, _mm256_and_ps(xs, sign));
        },
        scalar);
    return;
  }
#endif
  for (float x : values) add_one(static_cast<double>(x));
}

#if defined(__AVX512F__)
#pragma GCC diagnostic push
#if !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
#pragma GCC diagnostic ignored "-Wuninitialized"
template <class Round>
void Analyzer::add_float_fast(const float* x, std::size_t n, Round round) {
  AnalyzeStats& s = stats_;
  const __m512 vinf = _mm512_set1_ps(INFINITY);
  const __m512 vscale = _mm512_set1_ps(fast_scale_);
  const __m512 vflt_min = _mm512_set1_ps(std::numeric_limits<float>::min());
  const __m512 vzero = _mm512_setzero_ps();
  const __m512 vmin_normal = _mm512_set1_ps(static_cast<float>(f_.min_normal));
  const __m512 vmax_finite = _mm512_set1_ps(static_cast<float>(f_.max_finite));
  const bool saturate = opt_.overflow == Overflow::saturate;
  __m512 vmaxabs = _mm512_setzero_ps(), vminabs = vinf;
  __m512d sum_lo = _mm512_setzero_pd(), sum_hi = _mm512_setzero_pd();
  std::uint64_t c_zero = 0, c_ovf = 0, c_flush = 0, c_sub = 0, c_round = 0, c_err = 0, c_exact = 0,
                c_count = 0;
  alignas(64) float rel_buf[16];
  alignas(64) std::uint32_t xs_bits[16];
  std::uint64_t* exp_hist = s.exp_hist.data();
  std::uint64_t* rel_hist = s.rel_hist.data();
  std::size_t i = 0;
  for (; i + 16 <= n; i += 16) {
    const __m512 xv = _mm512_loadu_ps(x + i);
    const __m512 xs = _mm512_mul_ps(xv, vscale);
    const __m512 axs = _mm512_abs_ps(xs);
    const __m512 axv = _mm512_abs_ps(xv);
    // Blocks with NaN/inf inputs, or where scaling in float is not exact, go through the scalar
    // path.
    const __mmask16 nonfinite =
        _mm512_cmp_ps_mask(axv, vinf, _CMP_NLT_UQ) | _mm512_cmp_ps_mask(axs, vinf, _CMP_EQ_OQ);
    const __mmask16 tiny =
        _mm512_cmp_ps_mask(axs, vflt_min, _CMP_LT_OQ) & _mm512_cmp_ps_mask(axv, vzero, _CMP_NEQ_UQ);
    if ((nonfinite | tiny) != 0) {
      for (int k = 0; k < 16; ++k) add_one(static_cast<double>(x[i + k]));
      continue;
    }
    const __m512 r = round(xs);
    const __m512 ar = _mm512_abs_ps(r);
    const __mmask16 ovf =
        _mm512_cmp_ps_mask(ar, vmax_finite, _CMP_GT_OQ);  // inf, or beyond max before overflow
    if (saturate && ovf != 0) {  // saturated errors |x| - max are not exact in float: scalar path
      for (int k = 0; k < 16; ++k) add_one(static_cast<double>(x[i + k]));
      continue;
    }
    c_count += 16;
    const __mmask16 zero = _mm512_cmp_ps_mask(axs, vzero, _CMP_EQ_OQ);
    const __mmask16 nz = static_cast<__mmask16>(~zero);
    c_zero += static_cast<unsigned>(std::popcount(static_cast<unsigned>(zero)));
    const unsigned n_ovf = static_cast<unsigned>(std::popcount(static_cast<unsigned>(ovf)));
    c_ovf += n_ovf;
    c_round += n_ovf;
    const auto pop = static_cast<__mmask16>(nz & ~ovf);
    c_err += static_cast<unsigned>(std::popcount(static_cast<unsigned>(pop)));
    c_flush += static_cast<unsigned>(
        std::popcount(static_cast<unsigned>(pop & _mm512_cmp_ps_mask(ar, vzero, _CMP_EQ_OQ))));
    c_sub += static_cast<unsigned>(
        std::popcount(static_cast<unsigned>(pop & _mm512_cmp_ps_mask(ar, vzero, _CMP_NEQ_UQ) &
                                            _mm512_cmp_ps_mask(ar, vmin_normal, _CMP_LT_OQ))));
    const __mmask16 ne = pop & _mm512_cmp_ps_mask(r, xs, _CMP_NEQ_UQ);
    c_round += static_cast<unsigned>(std::popcount(static_cast<unsigned>(ne)));
    c_exact += static_cast<unsigned>(std::popcount(static_cast<unsigned>(pop & ~ne)));
    vmaxabs = _mm512_max_ps(vmaxabs, axs);
    vminabs = _mm512_min_ps(vminabs, _mm512_mask_blend_ps(nz, vinf, axs));
    // exponent histogram (xs is zero or a normal float here)
    _mm512_store_si512(reinterpret_cast<__m512i*>(xs_bits), _mm512_castps_si512(xs));
    for (unsigned m = nz; m != 0; m &= m - 1) {
      const int k = std::countr_zero(m);
      ++exp_hist[((xs_bits[k] >> 23) & 0xFFu) - 127 + AnalyzeStats::kExpOffset];
    }
    if (ne == 0) continue;
    const __m512 rel = _mm512_maskz_div_ps(ne, _mm512_abs_ps(_mm512_sub_ps(r, xs)), axs);
    sum_lo = _mm512_add_pd(sum_lo, _mm512_cvtps_pd(_mm512_castps512_ps256(rel)));
    sum_hi = _mm512_add_pd(
        sum_hi,
        _mm512_cvtps_pd(_mm256_castpd_ps(_mm512_extractf64x4_pd(_mm512_castps_pd(rel), 1))));
    _mm512_store_ps(rel_buf, rel);
    // the running maximum rarely grows: one compare per block, the reduction only when it does
    if (_mm512_cmp_ps_mask(rel, _mm512_set1_ps(static_cast<float>(s.max_rel)), _CMP_GT_OQ) != 0) {
      const float bmax = _mm512_reduce_max_ps(rel);
      for (int k = 0; k < 16; ++k)
        if (rel_buf[k] == bmax) {
          s.max_rel = bmax;
          s.max_rel_input = static_cast<double>(x[i + k]);
          break;
        }
    }
    for (unsigned m = ne; m != 0; m &= m - 1) {
      const int k = std::countr_zero(m);
      const std::uint32_t key = std::bit_cast<std::uint32_t>(rel_buf[k]) >> 17;
      const std::uint32_t idx = key <= kRelBase ? 0 : key - kRelBase;
      ++rel_hist[idx >= static_cast<std::uint32_t>(AnalyzeStats::kRelBins)
                     ? AnalyzeStats::kRelBins - 1
                     : idx];
    }
  }
  s.count += c_count;
  s.zero += c_zero;
  s.overflow += c_ovf;
  s.flushed_to_zero += c_flush;
  s.became_subnormal += c_sub;
  s.rounded += c_round;
  s.error_count += c_err;
  s.exact_nonzero += c_exact;
  s.sum_rel += _mm512_reduce_add_pd(_mm512_add_pd(sum_lo, sum_hi));
  if (c_count > 0) {
    s.max_abs = std::max(s.max_abs, static_cast<double>(_mm512_reduce_max_ps(vmaxabs)));
    s.min_abs = std::min(s.min_abs, static_cast<double>(_mm512_reduce_min_ps(vminabs)));
  }
  for (; i < n; ++i) add_one(static_cast<double>(x[i]));
}
#pragma GCC diagnostic pop
#endif

const char* exponent_region(int e, const Format& f) {
  if (e > f.emax) return "overflow";
  if (e >= f.emin) return "normal";
  // One binade below the smallest subnormal s still rounds (to nearest) up to s: everything in
  // (s/2, s) does; only s/2 itself ties to even, to zero. Its values became subnormal.
  if (e >= f.emin - f.mantissa_bits - 1) return "subnormal";
  return "flushed to zero";
}

AnalyzeResult finish(const AnalyzeStats& stats, const AnalyzeOptions& options) {
  const Format& f = *options.format;
  AnalyzeResult res;
  res.stats = stats;
  const AnalyzeStats& s = res.stats;
  res.mean_rel = s.error_count ? s.sum_rel / static_cast<double>(s.error_count) : 0.0;
  // percentiles over the error population; exact ones have error 0
  for (double p : {50.0, 90.0, 99.0, 99.9, 99.99}) {
    Percentile pc{p, 0.0};
    if (s.error_count > 0) {
      const auto target =
          static_cast<std::uint64_t>(std::ceil(p / 100.0 * static_cast<double>(s.error_count)));
      std::uint64_t cum = s.exact_nonzero;
      if (cum < target) {
        for (int b = 0; b < AnalyzeStats::kRelBins; ++b) {
          cum += s.rel_hist[static_cast<std::size_t>(b)];
          if (cum >= target) {
            pc.value = std::min(AnalyzeStats::rel_bin_upper(b), s.max_rel);
            break;
          }
        }
      }
    }
    res.percentiles.push_back(pc);
  }
  int lo = AnalyzeStats::kExpBins, hi = -1;
  for (int i = 0; i < AnalyzeStats::kExpBins; ++i) {
    if (s.exp_hist[static_cast<std::size_t>(i)] == 0) continue;
    lo = std::min(lo, i);
    hi = std::max(hi, i);
    const int e = i - AnalyzeStats::kExpOffset;
    res.exponents.push_back({e, s.exp_hist[static_cast<std::size_t>(i)], exponent_region(e, f)});
  }
  // Loss scale: the largest 2^k keeping max|x| 2^k <= max_finite / margin; then the smallest k
  // reaching the same number of values lifted into the normal range (less scaling, same benefit,
  // more headroom).
  LossScaleAdvice& adv = res.advice;
  if (hi >= 0 && s.max_abs > 0 && std::isfinite(s.max_abs)) {
    adv.has_data = true;
    const int kmax =
        static_cast<int>(std::floor(std::log2(f.max_finite / options.margin / s.max_abs)));
    auto low_at = [&](int k) {
      std::uint64_t c = 0;
      for (int i = lo; i <= hi; ++i)
        if (i - AnalyzeStats::kExpOffset + k < f.emin) c += s.exp_hist[static_cast<std::size_t>(i)];
      return c;
    };
    const std::uint64_t best = low_at(kmax);
    // Scaling down (kmax < 0): as little as needed. Scaling up: the least scale that lifts as many
    // values.
    int k = kmax;
    if (kmax > 0) {
      k = 0;
      while (k < kmax && low_at(k) != best) ++k;
    }
    int e0 = 0;
    std::frexp(options.scale, &e0);
    const bool pow2 = std::ldexp(1.0, e0 - 1) == options.scale;
    adv.log2_scale = pow2 ? e0 - 1 + k : k;
    adv.scale = pow2 ? std::ldexp(1.0, adv.log2_scale) : std::ldexp(options.scale, k);
    adv.low_before = low_at(0);
    adv.low_after = best;
    adv.max_after = std::ldexp(s.max_abs, k);
  }
  return res;
}

AnalyzeResult analyze_values(std::span<const double> values, const AnalyzeOptions& options) {
  Analyzer a(options);
  a.add(values);
  return finish(a.stats(), options);
}

AnalyzeResult analyze_text(NumberStream& in, const AnalyzeOptions& options) {
  Analyzer a(options);
  std::vector<double> chunk;
  while (in.next_chunk(chunk, 1 << 16) > 0) a.add(std::span<const double>(chunk));
  return finish(a.stats(), options);
}

namespace {

template <class T>
void feed(Analyzer& a, const std::vector<char>& buf, std::size_t bytes, std::vector<T>& tmp) {
  const std::size_t n = bytes / sizeof(T);
  tmp.resize(n);
  std::memcpy(tmp.data(), buf.data(), n * sizeof(T));
  a.add(std::span<const T>(tmp.data(), n));
}

}  // namespace

AnalyzeResult analyze_raw(const std::string& spec, RawType type, const AnalyzeOptions& options) {
  options.validate();
  const std::size_t esz = type == RawType::f32 ? 4 : 8;
  const char* tname = type == RawType::f32 ? "f32" : "f64";
  constexpr std::size_t kChunk = 1 << 20;        // stdin
  constexpr std::size_t kFileChunk = 256 << 10;  // files, per thread
  auto not_multiple = [&](std::uint64_t bytes) {
    return InputError(spec + ": raw " + tname + " input has " + std::to_string(bytes) +
                      " bytes, not a multiple of " + std::to_string(esz));
  };
  std::vector<float> tmpf;
  std::vector<double> tmpd;
  if (spec == "-") {
    Analyzer a(options);
    std::vector<char> buf(kChunk);
    std::size_t have = 0;
    std::uint64_t total = 0;
    while (true) {
      const std::size_t got = std::fread(buf.data() + have, 1, buf.size() - have, stdin);
      total += got;
      have += got;
      const std::size_t whole = have / esz * esz;
      if (got == 0) break;
      if (type == RawType::f32)
        feed<float>(a, buf, whole, tmpf);
      else
        feed<double>(a, buf, whole, tmpd);
      std::memmove(buf.data(), buf.data() + whole, have - whole);
      have -= whole;
    }
    if (have != 0) throw not_multiple(total);
    return finish(a.stats(), options);
  }
  const int fd = ::open(spec.c_str(), O_RDONLY);
  if (fd < 0) throw InputError(spec + ": cannot open: " + std::strerror(errno));
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    throw InputError(spec + ": not a regular file");
  }
  const auto size = static_cast<std::uint64_t>(st.st_size);
  if (size % esz != 0) {
    ::close(fd);
    throw not_multiple(size);
  }
  const std::uint64_t n = size / esz;
  const int nthreads = n >= (std::uint64_t{1} << 20) ? options.threads : 1;
  std::vector<Analyzer> parts;
  parts.reserve(static_cast<std::size_t>(nthreads));
  for (int t = 0; t < nthreads; ++t) parts.emplace_back(options);
  std::atomic<std::uint64_t> done{0};
  std::vector<std::exception_ptr> errors(static_cast<std::size_t>(nthreads));
  // The file is mapped, not copied: the analysis reads the page cache in place (the copy of
  // pread cost a third of the time). Each thread touches only its own part; pread if the file
  // cannot be mapped.
  const void* mapped = size > 0 ? ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd, 0) : MAP_FAILED;
  if (mapped != MAP_FAILED) ::madvise(const_cast<void*>(mapped), size, MADV_SEQUENTIAL);
  auto work_mapped = [&](int t) {
    try {
      const std::uint64_t first =
          n * static_cast<std::uint64_t>(t) / static_cast<std::uint64_t>(nthreads);
      const std::uint64_t last =
          n * static_cast<std::uint64_t>(t + 1) / static_cast<std::uint64_t>(nthreads);
      Analyzer& part = parts[static_cast<std::size_t>(t)];
      const std::uint64_t step = kFileChunk / esz;  // values between progress reports
      for (std::uint64_t at = first; at < last; at += step) {
        const std::size_t count = static_cast<std::size_t>(std::min(step, last - at));
        if (type == RawType::f32)
          part.add(std::span<const float>(static_cast<const float*>(mapped) + at, count));
        else
          part.add(std::span<const double>(static_cast<const double*>(mapped) + at, count));
        const std::uint64_t d = done.fetch_add(count * esz) + count * esz;
        if (t == 0 && options.progress)
          options.progress(static_cast<double>(d) / static_cast<double>(size));
      }
    } catch (...) {
      errors[static_cast<std::size_t>(t)] = std::current_exception();
    }
  };
  auto work = [&](int t) {
    if (mapped != MAP_FAILED) return work_mapped(t);
    try {
      const std::uint64_t first =
          n * static_cast<std::uint64_t>(t) / static_cast<std::uint64_t>(nthreads);
      const std::uint64_t last =
          n * static_cast<std::uint64_t>(t + 1) / static_cast<std::uint64_t>(nthreads);
      // read straight into the values' buffer, small enough to stay in the L2 cache between
      // the kernel's copy out of the page cache and the analysis
      std::vector<float> buf32(type == RawType::f32 ? kFileChunk / sizeof(float) : 0);
      std::vector<double> buf64(type == RawType::f64 ? kFileChunk / sizeof(double) : 0);
      char* const dest = type == RawType::f32 ? reinterpret_cast<char*>(buf32.data())
                                              : reinterpret_cast<char*>(buf64.data());
      std::uint64_t off = first * esz;
      const std::uint64_t end = last * esz;
      while (off < end) {
        const std::size_t want =
            static_cast<std::size_t>(std::min<std::uint64_t>(kFileChunk, end - off));
        std::size_t got = 0;
        while (got < want) {
          const ssize_t r = ::pread(fd, dest + got, want - got, static_cast<off_t>(off + got));
          if (r < 0 && errno == EINTR) continue;
          if (r <= 0) throw InputError(spec + ": read error at byte " + std::to_string(off + got));
          got += static_cast<std::size_t>(r);
        }
        Analyzer& part = parts[static_cast<std::size_t>(t)];
        if (type == RawType::f32)
          part.add(std::span<const float>(buf32.data(), got / sizeof(float)));
        else
          part.add(std::span<const double>(buf64.data(), got / sizeof(double)));
        off += got;
        const std::uint64_t d = done.fetch_add(got) + got;
        if (t == 0 && options.progress)
          options.progress(static_cast<double>(d) / static_cast<double>(size));
      }
    } catch (...) {
      errors[static_cast<std::size_t>(t)] = std::current_exception();
    }
  };
  std::vector<std::thread> pool;
  for (int t = 1; t < nthreads; ++t) pool.emplace_back(work, t);
  work(0);
  for (auto& th : pool) th.join();
  if (mapped != MAP_FAILED) ::munmap(const_cast<void*>(mapped), size);
  ::close(fd);
  for (auto& e : errors)
    if (e) std::rethrow_exception(e);
  AnalyzeStats total = parts[0].stats();
  for (std::size_t t = 1; t < parts.size(); ++t) total.merge(parts[t].stats());
  if (options.progress) options.progress(1.0);
  return finish(total, options);
}

}  // namespace numkit::fp
