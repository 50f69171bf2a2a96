// Mixed-precision dense SPD solves (see include/numkit/quad/mixed_precision.hpp).
#include "numkit/quad/mixed_precision.hpp"

#include <cblas.h>
#include <lapacke.h>
#include <sys/mman.h>

#include <algorithm>
#include <bit>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <limits>
#include <memory>
#include <new>
#include <optional>
#include <vector>

#include "numkit/core/error.hpp"
#include "numkit/fp/format.hpp"
#include "numkit/quad/quadratic.hpp"
#include "quad_detail.hpp"

namespace numkit::quad {

std::string to_string(FactorFormat f) {
  switch (f) {
    case FactorFormat::fp64:
      return "fp64";
    case FactorFormat::fp32:
      return "fp32";
    case FactorFormat::tf32:
      return "tf32";
    case FactorFormat::fp16:
      return "fp16";
    case FactorFormat::bf16:
      return "bf16";
    case FactorFormat::automatic:
      return "auto";
  }
  return "?";
}

FactorFormat parse_factor_format(std::string_view name, std::string_view what) {
  for (FactorFormat f : {FactorFormat::fp64, FactorFormat::fp32, FactorFormat::tf32,
                         FactorFormat::fp16, FactorFormat::bf16, FactorFormat::automatic})
    if (name == to_string(f)) return f;
  throw UsageError(std::string(what) + ": unknown format \"" + std::string(name) +
                   "\" (fp64, fp32, tf32, fp16, bf16 or auto)");
}

std::string to_string(MixedStatus s) {
  switch (s) {
    case MixedStatus::converged:
      return "converged";
    case MixedStatus::fell_back:
      return "fell_back";
    case MixedStatus::not_positive_definite:
      return "not_positive_definite";
  }
  return "?";
}

double refinement_condition_limit(FactorFormat format) {
  // Classical refinement contracts the error by about cond·u_f per step, so it needs cond·u_f
  // well below 1; GMRES-IR tolerates a rougher preconditioner, up to the point where the factor
  // itself breaks down (the scaled matrix is no longer positive definite in the format). The
  // values are checked by tests/unit/quad_mixed_precision_test.cpp at a tenth of and ten times
  // each limit.
  switch (format) {
    case FactorFormat::fp64:
      return 1.0 / std::numeric_limits<double>::epsilon();  // 4.5e15
    case FactorFormat::fp32:
      return 1e6;  // u = 6e-8
    case FactorFormat::tf32:
    case FactorFormat::fp16:
      return 1e4;  // u = 4.9e-4
    case FactorFormat::bf16:
      return 1e3;  // u = 3.9e-3
    case FactorFormat::automatic:
      return 1e6;
  }
  return 0;
}

void MixedSolveOptions::validate() const {
  if (max_refinements < 1 || max_refinements > 1000)
    throw InputError("max_refinements: must be in 1..1000, got " + std::to_string(max_refinements));
  if (max_gmres < 1 || max_gmres > 1000)
    throw InputError("max_gmres: must be in 1..1000, got " + std::to_string(max_gmres));
  if (block < 8 || block > 4096)
    throw InputError("block: must be in 8..4096, got " + std::to_string(block));
}

namespace {

using Clock = std::chrono::steady_clock;
double since(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

// A buffer on transparent huge pages: fresh 4 KiB pages cost about 11 µs each on this machine.
template <class T>
class HugeBuffer {
 public:
  explicit HugeBuffer(std::size_t count) {
    constexpr std::size_t huge = std::size_t{2} << 20;
    std::size_t bytes = std::max<std::size_t>(count * sizeof(T), 1);
    bytes = (bytes + huge - 1) / huge * huge;
    data_ = static_cast<T*>(std::aligned_alloc(huge, bytes));
    if (!data_) throw std::bad_alloc();
    ::madvise(data_, bytes, MADV_HUGEPAGE);
  }
  HugeBuffer(const HugeBuffer&) = delete;
  HugeBuffer& operator=(const HugeBuffer&) = delete;
  ~HugeBuffer() { std::free(data_); }
  T* data() const { return data_; }

 private:
  T* data_ = nullptr;
};

const fp::Format* format_of(FactorFormat f) {
  switch (f) {
    case FactorFormat::tf32:
      return &fp::format(fp::FormatId::tf32);
    case FactorFormat::fp16:
      return &fp::format(fp::FormatId::fp16);
    case FactorFormat::bf16:
      return &fp::format(fp::FormatId::bf16);
    default:
      return nullptr;
  }
}

// Rounds to tf32 (10 stored bits, fp32's exponent), ties to even, on the fp32 bits; written so
// the compiler vectorizes it. NaN stays NaN; overflow goes to inf as in fp32.
void round_tf32(float* data, std::size_t count) {
  for (std::size_t i = 0; i < count; ++i) {
    std::uint32_t u = std::bit_cast<std::uint32_t>(data[i]);
    const bool special = (u & 0x7F800000u) == 0x7F800000u;
    const std::uint32_t r = (u + 0xFFFu + ((u >> 13) & 1u)) & 0xFFFFE000u;
    data[i] = std::bit_cast<float>(special ? u : r);
  }
}

void round_in_place(float* data, std::size_t count, const fp::Format& f,
                    const RoundArrayFn& round) {
  if (round) {
    round(data, count);
  } else if (f.id == fp::FormatId::tf32) {
    round_tf32(data, count);
  } else {
    fp::round_array({data, count}, {data, count}, f);
  }
}

// Rounds the lower triangle of the m×m block at a (leading dimension lda), column by column.
void round_lower(float* a, long m, long lda, const fp::Format& f, const RoundArrayFn& round) {
#pragma omp parallel for schedule(dynamic, 16) if (m > 512 && !round)
  for (long j = 0; j < m; ++j)
    round_in_place(a + j * lda + j, static_cast<std::size_t>(m - j), f, round);
}
void round_block(float* a, long rows, long cols, long lda, const fp::Format& f,
                 const RoundArrayFn& round) {
#pragma omp parallel for schedule(static) if (rows * cols > (1 << 18) && !round)
  for (long j = 0; j < cols; ++j)
    round_in_place(a + j * lda, static_cast<std::size_t>(rows), f, round);
}

// Right-looking blocked Cholesky on the lower triangle of the n×n column-major a, every stored
// result rounded to the format: the diagonal block's factor, the panel, the trailing update.
bool blocked_cholesky(float* a, long n, long lda, const fp::Format& f, int block,
                      const RoundArrayFn& round) {
  for (long k = 0; k < n; k += block) {
    const long kb = std::min<long>(block, n - k);
    float* akk = a + k * lda + k;
    if (LAPACKE_spotrf(LAPACK_COL_MAJOR, 'L', static_cast<lapack_int>(kb), akk,
                       static_cast<lapack_int>(lda)) != 0)
      return false;
    round_lower(akk, kb, lda, f, round);
    const long rest = n - k - kb;
    if (rest == 0) break;
    float* panel = akk + kb;  // rows k+kb.., columns k..k+kb
    // panel := panel · L_kk^-T
    cblas_strsm(CblasColMajor, CblasRight, CblasLower, CblasTrans, CblasNonUnit,
                static_cast<int>(rest), static_cast<int>(kb), 1.0f, akk, static_cast<int>(lda),
                panel, static_cast<int>(lda));
    round_block(panel, rest, kb, lda, f, round);
    // trailing := trailing − panel · panelᵀ (lower triangle)
    float* trailing = a + (k + kb) * lda + (k + kb);
    cblas_ssyrk(CblasColMajor, CblasLower, CblasNoTrans, static_cast<int>(rest),
                static_cast<int>(kb), -1.0f, panel, static_cast<int>(lda), 1.0f, trailing,
                static_cast<int>(lda));
    round_lower(trailing, rest, lda, f, round);
  }
  return true;
}

struct Problem {
  const Eigen::MatrixXd& H;
  const Eigen::VectorXd& b;
  long n;
  Eigen::VectorXd d;      // scaling: S = D H D, D = diag(d)
  double norm_H_inf = 0;  // ‖H‖∞ (= ‖H‖₁, symmetric)
  double norm_S_1 = 0;    // ‖S‖₁
  double norm_b_inf = 0, norm_b_2 = 0;
};

// Writes the lower triangle of S = D H D into s (column-major, leading dimension n) as T.
template <class T>
void write_scaled(const Problem& p, T* s) {
  const long n = p.n;
#pragma omp parallel for schedule(static)
  for (long j = 0; j < n; ++j) {
    const double* h = p.H.data() + j * n;
    const double dj = p.d[j];
    T* out = s + j * n;
    for (long i = j; i < n; ++i) out[i] = static_cast<T>(h[i] * p.d[i] * dj);
  }
}

// r = b − Hx in fp64 (OpenBLAS dsymv on the lower triangle).
void residual(const Problem& p, const Eigen::VectorXd& x, Eigen::VectorXd& r) {
  r = p.b;
  cblas_dsymv(CblasColMajor, CblasLower, static_cast<int>(p.n), -1.0, p.H.data(),
              static_cast<int>(p.n), x.data(), 1, 1.0, r.data(), 1);
}

// A factor of S in some precision and the solve with it: v := D S⁻¹ D v.
class Factor {
 public:
  virtual ~Factor() = default;
  virtual void apply(const Problem& p, Eigen::VectorXd& v) const = 0;
};

class FloatFactor final : public Factor {
 public:
  explicit FloatFactor(long n) : n_(n), buf_(static_cast<std::size_t>(n) * n), w_(n) {}
  float* data() const { return buf_.data(); }
  void apply(const Problem& p, Eigen::VectorXd& v) const override {
    for (long i = 0; i < n_; ++i) w_[i] = static_cast<float>(v[i] * p.d[i]);
    LAPACKE_spotrs(LAPACK_COL_MAJOR, 'L', static_cast<lapack_int>(n_), 1, buf_.data(),
                   static_cast<lapack_int>(n_), w_.data(), static_cast<lapack_int>(n_));
    for (long i = 0; i < n_; ++i) v[i] = static_cast<double>(w_[i]) * p.d[i];
  }

 private:
  long n_;
  HugeBuffer<float> buf_;
  mutable Eigen::VectorXf w_;
};

class DoubleFactor final : public Factor {
 public:
  explicit DoubleFactor(long n) : n_(n), buf_(static_cast<std::size_t>(n) * n) {}
  double* data() const { return buf_.data(); }
  void apply(const Problem& p, Eigen::VectorXd& v) const override {
    v.array() *= p.d.array();
    LAPACKE_dpotrs(LAPACK_COL_MAJOR, 'L', static_cast<lapack_int>(n_), 1, buf_.data(),
                   static_cast<lapack_int>(n_), v.data(), static_cast<lapack_int>(n_));
    v.array() *= p.d.array();
  }

 private:
  long n_;
  HugeBuffer<double> buf_;
};

struct Refinement {
  bool converged = false;
  int steps = 0, inner = 0;
  Eigen::VectorXd x;
  Eigen::VectorXd r;  // b - Hx at the x returned (every exit has just computed it)
};

double inf_norm(const Eigen::VectorXd& v) {
  return v.size() ? v.cwiseAbs().maxCoeff() : 0.0;
}

// Where refinement stops: ‖r‖∞ <= ‖x‖∞ ‖H‖∞ u (u the unit roundoff of fp64: the level of the
// residual's own rounding), or once it stops contracting below dsposv's test (the same with a
// factor √n).
double residual_scale(const Problem& p, const Eigen::VectorXd& x) {
  return inf_norm(x) * p.norm_H_inf * (std::numeric_limits<double>::epsilon() / 2);
}
bool small_enough(const Problem& p, const Eigen::VectorXd& x, const Eigen::VectorXd& r) {
  return inf_norm(r) <= residual_scale(p, x);
}
bool small_enough_loose(const Problem& p, const Eigen::VectorXd& x, const Eigen::VectorXd& r) {
  return inf_norm(r) <= residual_scale(p, x) * std::sqrt(static_cast<double>(p.n));
}

// Classical refinement: x += M⁻¹(b − Hx).
Refinement refine_classical(const Problem& p, const Factor& m, int max_steps) {
  Refinement out;
  out.x = p.b;
  m.apply(p, out.x);
  Eigen::VectorXd& r = out.r;
  r.resize(p.n);
  double previous = std::numeric_limits<double>::infinity();
  int stalled = 0;
  for (int step = 0; step <= max_steps; ++step) {
    residual(p, out.x, r);
    if (small_enough(p, out.x, r)) {
      out.converged = true;
      return out;
    }
    const double rn = inf_norm(r);
    const bool contracting = rn < 0.5 * previous;
    if (!contracting && small_enough_loose(p, out.x, r)) {
      out.converged = true;
      return out;
    }
    if (step == max_steps) break;
    if (!contracting && ++stalled >= 2) break;  // not contracting: give up
    previous = std::min(previous, rn);
    m.apply(p, r);
    out.x += r;
    ++out.steps;
  }
  return out;
}

// Flexible GMRES (right-preconditioned by M, fp64 arithmetic) for H c = r, to a relative
// residual of `tol` or max_it iterations; returns the iterations used.
int fgmres(const Problem& p, const Factor& m, const Eigen::VectorXd& rhs, Eigen::VectorXd& c,
           double tol, int max_it) {
  const long n = p.n;
  const double beta = rhs.norm();
  c = Eigen::VectorXd::Zero(n);
  if (!(beta > 0)) return 0;
  Eigen::MatrixXd V(n, max_it + 1), Z(n, max_it);
  Eigen::MatrixXd Hh = Eigen::MatrixXd::Zero(max_it + 1, max_it);
  Eigen::VectorXd cs(max_it), sn(max_it), g = Eigen::VectorXd::Zero(max_it + 1);
  V.col(0) = rhs / beta;
  g[0] = beta;
  Eigen::VectorXd w(n), z(n);
  int k = 0;
  for (; k < max_it; ++k) {
    z = V.col(k);
    m.apply(p, z);
    Z.col(k) = z;
    w.setZero();
    cblas_dsymv(CblasColMajor, CblasLower, static_cast<int>(n), 1.0, p.H.data(),
                static_cast<int>(n), z.data(), 1, 0.0, w.data(), 1);
    for (int i = 0; i <= k; ++i) {  // modified Gram–Schmidt
      Hh(i, k) = V.col(i).dot(w);
      w -= Hh(i, k) * V.col(i);
    }
    Hh(k + 1, k) = w.norm();
    if (Hh(k + 1, k) > 0) V.col(k + 1) = w / Hh(k + 1, k);
    for (int i = 0; i < k; ++i) {  // previous rotations
      const double t = cs[i] * Hh(i, k) + sn[i] * Hh(i + 1, k);
      Hh(i + 1, k) = -sn[i] * Hh(i, k) + cs[i] * Hh(i + 1, k);
      Hh(i, k) = t;
    }
    const double rr = std::hypot(Hh(k, k), Hh(k + 1, k));
    cs[k] = rr > 0 ? Hh(k, k) / rr : 1;
    sn[k] = rr > 0 ? Hh(k + 1, k) / rr : 0;
    Hh(k, k) = rr;
    Hh(k + 1, k) = 0;
    g[k + 1] = -sn[k] * g[k];
    g[k] = cs[k] * g[k];
    if (std::abs(g[k + 1]) <= tol * beta || !(Hh(k, k) > 0)) {
      ++k;
      break;
    }
  }
  if (k == 0) return 0;
  Eigen::VectorXd y = Hh.topLeftCorner(k, k).triangularView<Eigen::Upper>().solve(g.head(k));
  c = Z.leftCols(k) * y;
  return k;
}

// GMRES-based refinement: each correction solves H c = r by FGMRES preconditioned by M.
Refinement refine_gmres(const Problem& p, const Factor& m, int max_steps, int max_gmres) {
  Refinement out;
  out.x = p.b;
  m.apply(p, out.x);
  Eigen::VectorXd& r = out.r;
  r.resize(p.n);
  Eigen::VectorXd c(p.n);
  double previous = std::numeric_limits<double>::infinity();
  int stalled = 0;
  for (int step = 0; step <= max_steps; ++step) {
    residual(p, out.x, r);
    if (small_enough(p, out.x, r)) {
      out.converged = true;
      return out;
    }
    const double rn = inf_norm(r);
    const bool contracting = rn < 0.5 * previous;
    if (!contracting && small_enough_loose(p, out.x, r)) {
      out.converged = true;
      return out;
    }
    if (step == max_steps) break;
    if (!contracting && ++stalled >= 2) break;  // not contracting: give up
    previous = std::min(previous, rn);
    out.inner += fgmres(p, m, r, c, 1e-6, max_gmres);
    out.x += c;
    ++out.steps;
  }
  return out;
}

std::string sci(double v) {
  return detail::sci(v, 2);
}

}  // namespace

bool emulated_cholesky(Eigen::MatrixXf& A, const fp::Format& format, int block,
                       const RoundArrayFn& round) {
  if (A.rows() != A.cols()) throw InputError("emulated_cholesky: the matrix must be square");
  return blocked_cholesky(A.data(), A.rows(), A.rows(), format, block, round);
}

MixedSolveResult solve_mixed(const Eigen::MatrixXd& H, const Eigen::VectorXd& rhs,
                             const MixedSolveOptions& options) {
  options.validate();
  if (H.rows() != H.cols() || H.rows() != rhs.size())
    throw InputError("solve_mixed: H must be square and match the right-hand side");
  MixedSolveResult res;
  res.requested = options.format;
  const long n = H.rows();
  Problem p{H, rhs, n, Eigen::VectorXd(n)};
  auto t0 = Clock::now();

  // Scaling to unit diagonal, and the norms, in one pass over H.
  bool diagonal_positive = true;
  for (long i = 0; i < n; ++i) {
    const double h = H(i, i);
    if (!(h > 0) || !std::isfinite(h)) {
      diagonal_positive = false;
      p.d[i] = 1;
    } else {
      p.d[i] = 1 / std::sqrt(h);
    }
  }
  const FactorFormat want =
      options.format == FactorFormat::automatic ? FactorFormat::fp32 : options.format;
  // The low-precision copy of S = D H D is written in the same pass (H is 128 MB at n = 4000:
  // each pass over it costs about as much as a tenth of the fp32 factorization).
  std::optional<FloatFactor> low;
  if (want != FactorFormat::fp64 && n > 0 && diagonal_positive) low.emplace(n);
  float* low_data = low ? low->data() : nullptr;
  Eigen::VectorXd colsum_H(n), colsum_S(n);
#pragma omp parallel for schedule(static)
  for (long j = 0; j < n; ++j) {
    const double* h = H.data() + j * n;
    double sh = 0, ss = 0;
    for (long i = 0; i < n; ++i) {
      const double a = std::abs(h[i]);
      sh += a;
      ss += a * p.d[i];
    }
    colsum_H[j] = sh;
    colsum_S[j] = ss * p.d[j];
    if (low_data) {
      const double dj = p.d[j];
      float* out = low_data + j * n;
      for (long i = j; i < n; ++i) out[i] = static_cast<float>(h[i] * p.d[i] * dj);
    }
  }
  p.norm_H_inf = n ? colsum_H.maxCoeff() : 0;
  p.norm_S_1 = n ? colsum_S.maxCoeff() : 0;
  p.norm_b_inf = inf_norm(rhs);
  p.norm_b_2 = rhs.norm();

  auto finish = [&](const Refinement& ref) {
    res.x = ref.x;
    res.refinement_converged = ref.converged;
    res.refinement_steps = ref.steps;
    res.gmres_iterations = ref.inner;
    const Eigen::VectorXd& r = ref.r;  // the residual at ref.x: not one more pass over H
    const double denom = p.norm_H_inf * inf_norm(res.x) + p.norm_b_inf;
    res.backward_error = denom > 0 ? inf_norm(r) / denom : 0;
    res.relative_residual = p.norm_b_2 > 0 ? r.norm() / p.norm_b_2 : r.norm();
  };

  // The fp64 Cholesky: the requested format, or the fall-back.
  auto solve_fp64 = [&](std::string reason, bool fell_back) {
    auto tf = Clock::now();
    res.used = FactorFormat::fp64;
    res.reason = std::move(reason);
    res.status = fell_back ? MixedStatus::fell_back : MixedStatus::converged;
    DoubleFactor f(n);
    write_scaled(p, f.data());
    const bool ok =
        diagonal_positive && LAPACKE_dpotrf(LAPACK_COL_MAJOR, 'L', static_cast<lapack_int>(n),
                                            f.data(), static_cast<lapack_int>(n)) == 0;
    if (!ok) {
      res.status = MixedStatus::not_positive_definite;
      res.reason = (res.reason.empty() ? "" : res.reason + "; ") +
                   "the fp64 Cholesky factorization failed: A is not positive definite";
      res.x = Eigen::VectorXd::Zero(n);
      res.backward_error = res.relative_residual = std::numeric_limits<double>::infinity();
      res.factor_seconds += since(tf);
      return;
    }
    double rc = 0;
    if (LAPACKE_dpocon(LAPACK_COL_MAJOR, 'L', static_cast<lapack_int>(n), f.data(),
                       static_cast<lapack_int>(n), p.norm_S_1, &rc) == 0 &&
        rc > 0)
      res.condition_estimate = 1 / rc;
    res.factor_seconds += since(tf);
    auto tr = Clock::now();
    Refinement ref = refine_classical(p, f, options.max_refinements);
    finish(ref);
    res.refine_seconds += since(tr);
  };

  if (want == FactorFormat::fp64 || n == 0) {
    solve_fp64("", false);
    return res;
  }
  const bool automatic = options.format == FactorFormat::automatic;
  const std::string name = to_string(want);
  if (!diagonal_positive) {
    solve_fp64("A has a diagonal entry that is not positive, so it is not positive definite", true);
    return res;
  }

  // The low-precision factor of S = D H D.
  FloatFactor& f = *low;
  const fp::Format* fmt = format_of(want);
  bool factored = false;
  if (!fmt) {
    // The _work entry points skip LAPACKE's NaN scan of the matrix, a pass over it: a NaN in S
    // shows as a failed pivot (spotrf tests each with SISNAN), and the fp64 path then decides.
    factored = LAPACKE_spotrf_work(LAPACK_COL_MAJOR, 'L', static_cast<lapack_int>(n), f.data(),
                                   static_cast<lapack_int>(n)) == 0;
  } else {
    round_lower(f.data(), n, n, *fmt, {});
    factored = blocked_cholesky(f.data(), n, n, *fmt, options.block, {});
  }
  double rc = 0;
  {
    float rcf = 0;
    std::vector<float> work(factored ? 3 * static_cast<std::size_t>(n) : 0);
    std::vector<lapack_int> iwork(factored ? static_cast<std::size_t>(n) : 0);
    if (factored && LAPACKE_spocon_work(LAPACK_COL_MAJOR, 'L', static_cast<lapack_int>(n), f.data(),
                                        static_cast<lapack_int>(n), static_cast<float>(p.norm_S_1),
                                        &rcf, work.data(), iwork.data()) == 0)
      rc = rcf;
  }
  res.factor_seconds = since(t0);
  const double limit = refinement_condition_limit(want);
  if (!factored) {
    res.factor_seconds = since(t0);
    solve_fp64("the " + name +
                   " Cholesky factor broke down (a pivot was not positive): cond(A) is "
                   "too large for " +
                   name + ", or A is not positive definite; factored in fp64",
               !automatic);
    return res;
  }
  const double cond = rc > 0 ? 1 / rc : std::numeric_limits<double>::infinity();
  res.condition_estimate = cond;
  if (!(cond <= limit)) {
    solve_fp64("the condition estimate " + sci(cond) + " exceeds " + name + "'s refinement limit " +
                   sci(limit) + "; factored in fp64",
               !automatic);
    res.condition_estimate = cond;
    return res;
  }
  res.used = want;
  auto tr = Clock::now();
  Refinement ref = fmt ? refine_gmres(p, f, options.max_refinements, options.max_gmres)
                       : refine_classical(p, f, options.max_refinements);
  res.refine_seconds = since(tr);
  if (!ref.converged) {
    const int steps = ref.steps;
    solve_fp64("refinement from the " + name + " factor did not reach fp64 accuracy in " +
                   std::to_string(steps) + " steps; factored in fp64",
               true);
    res.condition_estimate = cond;
    return res;
  }
  finish(ref);
  res.status = MixedStatus::converged;
  if (automatic)
    res.reason =
        "auto: the condition estimate " + sci(cond) + " is within fp32's limit " + sci(limit);
  return res;
}

MinimizeResult minimize_mixed(const QuadForm& form, const MixedSolveOptions& options,
                              MixedSolveResult& details) {
  if (form.is_sparse())
    throw UsageError(
        "--factor-format: only for dense A (a Matrix Market coordinate file is sparse)");
  auto t0 = Clock::now();
  details = solve_mixed(form.dense_hessian(), -form.b(), options);
  MinimizeResult res;
  res.method = Method::direct;
  res.iterations = 1 + details.refinement_steps;
  res.x = details.x;
  res.status = details.status == MixedStatus::not_positive_definite ? Status::not_positive_definite
                                                                    : Status::converged;
  res.f = form.value(res.x);
  const double ref = form.b().norm();
  const double g = form.gradient(res.x).norm();
  res.relative_residual = ref > 0 ? g / ref : g;
  if (!details.reason.empty()) res.reason = details.reason;
  res.seconds = since(t0);
  return res;
}

}  // namespace numkit::quad
