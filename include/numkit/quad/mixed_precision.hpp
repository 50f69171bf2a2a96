// Mixed-precision dense SPD solves: factor the (scaled) Hessian in a low format, recover fp64
// accuracy by iterative refinement in fp64.
//
//  - fp32: LAPACK spotrf, then classical refinement (the approach of LAPACK's dsposv): residual in
//    fp64, correction from the fp32 factor.
//  - tf32, fp16, bf16: no such arithmetic on the CPU, so the factorization is emulated: a blocked
//    Cholesky whose stored factor and every block update are rounded to the format (the
//    arithmetic inside a block is fp32, as on hardware that stores 16-bit values and accumulates
//    in fp32). The correction is then found by GMRES in fp64 preconditioned by the low-precision
//    factor (GMRES-IR, Carson & Higham 2017/2018), which converges where classical refinement
//    with so rough a factor would not.
//
// The matrix is first scaled to unit diagonal (D H D, D = diag(h_ii^-1/2)) so it fits the range
// of every format. When the condition estimate of the scaled matrix is beyond what the format's
// factor can be refined from, or refinement does not converge, the solve falls back to an fp64
// Cholesky and the result says so and why: a low-precision solve never returns a less accurate
// answer silently.
#pragma once

#include <Eigen/Dense>
#include <cstddef>
#include <functional>
#include <string>
#include <string_view>

namespace numkit::fp {
struct Format;
}

namespace numkit::quad {

enum class FactorFormat { fp64, fp32, tf32, fp16, bf16, automatic };
std::string to_string(FactorFormat);
// fp64|fp32|tf32|fp16|bf16|auto; throws UsageError naming `what` otherwise.
FactorFormat parse_factor_format(std::string_view name, std::string_view what = "--factor-format");

// The condition number (of the unit-diagonal scaling of the matrix, estimated in the 1-norm) up
// to which a factor in this format is refined to fp64 accuracy: the bound the solver checks
// before refining, and the one docs/quad.md and docs/fp.md state (checked by the tests).
double refinement_condition_limit(FactorFormat format);

struct MixedSolveOptions {
  FactorFormat format = FactorFormat::fp32;
  int max_refinements = 30;  // outer steps (dsposv's ITERMAX)
  int max_gmres = 40;        // inner GMRES iterations per step (tf32, fp16, bf16)
  int block = 128;           // block size of the emulated factorization
  void validate() const;     // throws InputError naming the field
};

enum class MixedStatus {
  converged,              // refined to fp64 accuracy from the low-precision factor
  fell_back,              // solved with an fp64 factor instead; `reason` says why
  not_positive_definite,  // even the fp64 Cholesky failed; x is not a solution
};
std::string to_string(MixedStatus);

struct MixedSolveResult {
  FactorFormat requested = FactorFormat::fp32;
  FactorFormat used = FactorFormat::fp32;  // the factor x was computed from
  MixedStatus status = MixedStatus::converged;
  std::string reason;  // why it fell back, or what `auto` chose
  bool refinement_converged = false;
  int refinement_steps = 0;       // outer steps taken with the factor used
  int gmres_iterations = 0;       // inner iterations in total (GMRES-IR)
  double condition_estimate = 0;  // 1-norm estimate of the scaled matrix (xPOCON); 0: none
  double backward_error = 0;  // ‖b − Hx‖∞ / (‖H‖∞‖x‖∞ + ‖b‖∞), recomputed in fp64
  double relative_residual = 0;  // ‖b − Hx‖₂ / ‖b‖₂
  Eigen::VectorXd x;
  double factor_seconds = 0, refine_seconds = 0;
};

// Solves Hx = rhs for a symmetric positive definite H (only its lower triangle is read).
MixedSolveResult solve_mixed(const Eigen::MatrixXd& H, const Eigen::VectorXd& rhs,
                             const MixedSolveOptions& options);

class QuadForm;
struct MinimizeResult;
// `quad minimize --method direct --factor-format F` for a dense form: the stationary point
// Hx = −b by solve_mixed, as a MinimizeResult (method direct; status converged unless H is not
// positive definite, in which case the caller runs the ordinary analysis to say why). `details`
// receives the mixed-precision result (format used, refinement steps, errors, reason).
MinimizeResult minimize_mixed(const QuadForm& form, const MixedSolveOptions& options,
                              MixedSolveResult& details);

// The emulated blocked Cholesky, exposed for the tests: A holds a symmetric matrix whose lower
// triangle is already representable in `format`; on success its lower triangle is L (A = LLᵀ in
// the format's arithmetic model above), every stored value representable in the format.
// `round` rounds an array in place to the format; empty: the library's (F16C / bit operations).
// Returns false if a pivot is not positive.
using RoundArrayFn = std::function<void(float* data, std::size_t count)>;
bool emulated_cholesky(Eigen::MatrixXf& A, const fp::Format& format, int block,
                       const RoundArrayFn& round = {});

}  // namespace numkit::quad
