// Quadratic forms f(x) = xᵀAx + bᵀx + c (or ½xᵀAx + bᵀx + c with --half): analysis and
// minimization, dense and sparse.
//
// Internally every form is stored as f(x) = ½xᵀHx + bᵀx + c with H the Hessian (H = 2A in the
// full convention, H = A in the ½ convention; doubling is exact in floating point), so the
// gradient is Hx + b and every stationary point solves Hx = −b.
#pragma once

#include <Eigen/Dense>
#include <Eigen/SparseCore>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace numkit::quad {

enum class Convention { full, half };  // xᵀAx + bᵀx + c  |  ½xᵀAx + bᵀx + c

using SparseMatrix = Eigen::SparseMatrix<double, Eigen::ColMajor, int>;

class QuadForm {
 public:
  // A must be square, b of matching size (empty: zero). A non-symmetric A is replaced by its
  // symmetric part (A + Aᵀ)/2 and symmetrized() says so. Throws InputError naming
  // `what_A`/`what_b`.
  QuadForm(Eigen::MatrixXd A, Eigen::VectorXd b, double c, Convention conv,
           const std::string& what_A = "A", const std::string& what_b = "b");
  QuadForm(SparseMatrix A, Eigen::VectorXd b, double c, Convention conv,
           const std::string& what_A = "A", const std::string& what_b = "b");

  Eigen::Index size() const { return b_.size(); }
  bool is_sparse() const { return sparse_; }
  Convention convention() const { return conv_; }
  // the scale s with H = s·A (2 for the full convention, 1 for ½)
  double hessian_scale() const { return conv_ == Convention::full ? 2.0 : 1.0; }
  bool symmetrized() const { return symmetrized_; }
  double asymmetry() const { return asymmetry_; }  // max |A − Aᵀ| / 2 of the input

  const Eigen::MatrixXd& dense_hessian() const { return H_; }  // only if !is_sparse()
  const SparseMatrix& sparse_hessian() const { return Hs_; }   // only if is_sparse()
  const Eigen::VectorXd& b() const { return b_; }
  double c() const { return c_; }

  std::vector<std::string> variables;  // names (from --expr); empty: x1..xn

  void hess_mul(const Eigen::VectorXd& x, Eigen::VectorXd& y) const;  // y = Hx
  Eigen::VectorXd gradient(const Eigen::VectorXd& x) const;           // Hx + b
  double value(const Eigen::VectorXd& x) const;                       // f(x)
  Eigen::VectorXd hessian_diagonal() const;

 private:
  void check_shape_b_and_c(Eigen::Index rows, Eigen::Index cols, const std::string& what_A,
                           const std::string& what_b);
  bool sparse_ = false;
  Convention conv_;
  Eigen::MatrixXd H_;
  SparseMatrix Hs_;
  Eigen::VectorXd b_;
  double c_ = 0;
  bool symmetrized_ = false;
  double asymmetry_ = 0;
};

// ---------------------------------------------------------------------------------------------
// analysis

enum class FormClass {
  positive_definite,
  negative_definite,
  positive_semidefinite,
  negative_semidefinite,
  indefinite,
  zero,
  undetermined  // no factorization decided it (Analysis::undetermined says why)
};
std::string to_string(FormClass);

enum class Stationary {
  unique_minimum,
  unique_maximum,
  saddle,          // unique stationary point, neither min nor max
  affine_minimum,  // semidefinite, b in range: an affine set of minimizers
  affine_maximum,
  affine_saddle,  // singular indefinite, b in range
  none,           // b not in the range: no stationary point
  undetermined    // the analysis could not decide (Analysis::undetermined says why)
};
std::string to_string(Stationary);

// Dense analysis (every eigenvalue, LAPACK dsyevd) is used for n up to this size, sparse input
// included: it costs O(n³) time and 8n² bytes (about 1 s and 32 MB at n = 2000 on the project's
// machine) and decides rank, range and least-norm point exactly at the stated tolerance. Larger
// sparse input is analysed by sparse Cholesky/LDLᵀ factorizations and Lanczos.
inline constexpr long dense_analysis_max_n = 2000;

struct AnalyzeOptions {
  // eigenvalues λ of A with |λ| <= rank_tol·max|λ| count as zero; 0 selects n·ε
  double rank_tol = 0;
  bool want_point = true;  // compute the stationary point / minimizer
  void validate() const;
};

// A yes/no fact the analysis may fail to decide (not std::optional<bool>, whose truth test asks
// whether it is known rather than what it says).
enum class Answer { no, yes, undetermined };
std::string to_string(Answer);  // "false", "true", "undetermined"

// What the analysis could not decide, and why ("inertia", "the LDLᵀ factorization without
// pivoting met a zero pivot ...").
struct Undetermined {
  std::string what, why;
};

// Every quantity the analysis may fail to decide is optional (or has an `undetermined` state):
// an empty field was not determined, never a default read as a fact.
struct Analysis {
  Eigen::Index n = 0;
  FormClass cls = FormClass::zero;
  // inertia of A: positive + negative + zero = n, rank = positive + negative
  std::optional<Eigen::Index> rank, positive, negative, zero;
  bool all_eigenvalues = false;     // dense: every eigenvalue; sparse: the extreme ones
  std::vector<double> eigenvalues;  // of A (user's matrix), ascending (dense)
  std::optional<double> largest_magnitude, smallest_magnitude;  // of A's eigenvalues
  std::optional<double> lambda_min, lambda_max;                 // algebraic, when known
  // |λ|max / |λ|min (infinity if singular)
  std::optional<double> condition;
  // |λ|max / (smallest nonzero |λ|) when A is singular and both are known
  std::optional<double> condition_on_range;
  double rank_tol_relative = 0;  // the relative tolerance used
  double rank_threshold = 0;     // absolute threshold on |λ(A)|
  // false: rank and inertia come from a factorization's pivots (see method), not from the
  // threshold above
  bool rank_by_threshold = true;
  // ‖component of b in the numerical null space‖ / ‖b‖ (singular A)
  std::optional<double> range_residual;
  Stationary stationary = Stationary::undetermined;
  Answer bounded_below = Answer::undetermined, bounded_above = Answer::undetermined;
  std::optional<Eigen::VectorXd> point;  // unique stationary point or min-norm one of the set
  std::optional<double> value;           // f at point
  Eigen::Index set_dimension = 0;        // dimension of the stationary set
  std::optional<Eigen::VectorXd> descent_direction;  // unit d with f(x + t d) → −∞ as t → ∞
  std::string descent_kind;  // "negative curvature" or "linear (b outside the range of A)"
  std::string method;        // how it was decided ("dense eigen-decomposition", ...)
  std::vector<Undetermined> undetermined;
  std::vector<std::string> warnings;
};

Analysis analyze(const QuadForm& form, const AnalyzeOptions& opts = {});

// The class of a nonzero A from its inertia (counts of positive, negative and zero eigenvalues).
FormClass classify(Eigen::Index positive, Eigen::Index negative, Eigen::Index zero);
// a.rank, a.stationary, a.set_dimension and the boundedness answers from a's inertia (which must
// be set) and whether b lies in the range of A. Shared by every analysis that knows the inertia.
void fill_stationary(Analysis& a, bool b_in_range);

// ---------------------------------------------------------------------------------------------
// minimization

enum class Method { direct, cg, pcg, sd, newton, gd };
enum class Precond { none, jacobi, ichol, amg };  // amg: on the PETSc engine (numkit/petsc)
std::string to_string(Method);
Method parse_method(const std::string& name);  // throws UsageError
std::string to_string(Precond);

// undetermined: the analysis of a singular or indefinite sparse form could not decide whether f
// has a minimum (MinimizeResult::analysis says what and why)
enum class Status {
  converged,
  max_iterations,
  no_minimum,
  not_positive_definite,
  diverged,
  undetermined
};
std::string to_string(Status);

struct MinimizeOptions {
  Method method = Method::direct;
  Precond precond = Precond::jacobi;  // for pcg
  double tol = 1e-10;                 // ‖∇f(x)‖ <= tol·‖b‖ (‖∇f(x0)‖ if b = 0)
  std::optional<long> max_iter;       // default: 10n+1000 for cg/pcg, 100000 for sd/gd
  std::optional<double> lr;           // step of gd (required, > 0)
  std::optional<Eigen::VectorXd> x0;  // default 0
  double rank_tol = 0;                // as in AnalyzeOptions
  int threads = 0;                    // sparse CG threads; 0: hardware concurrency
  bool record_path = false;           // keep every iterate (for plots; small n only)
  bool record_gradients = false;      // keep ‖∇f‖ per iteration (for plots)
  // fraction done of an iterative method, estimated as log(‖∇f₀‖/‖∇f‖) / log(‖∇f₀‖/target)
  std::function<void(double)> progress;
  void validate(Eigen::Index n) const;  // throws InputError/UsageError naming the option
};

struct TraceRow {
  long k;
  double f, grad_norm, step;
};
using TraceFn = std::function<void(const TraceRow&)>;

struct MinimizeResult {
  Method method = Method::direct;
  Precond precond = Precond::none;
  Status status = Status::converged;
  Eigen::VectorXd x;  // minimizer (or the last/best iterate; never NaN)
  double f = 0;       // f(x)
  long iterations = 0;
  double relative_residual = 0;  // ‖b + Hx‖ / ref recomputed from x (ref = ‖b‖, or ‖∇f(x0)‖)
  double recursive_residual = -1;            // the iteration's own residual estimate (-1: none)
  std::string reason;                        // why there is no minimum / why it stopped
  std::optional<Eigen::VectorXd> direction;  // unit direction of unbounded descent
  Eigen::Index set_dimension = 0;            // > 0: the minimizers form an affine set
  std::vector<Eigen::VectorXd> path;         // iterates, if record_path
  std::vector<double> grad_norms;            // ‖∇f‖ per iteration, if record_gradients
  std::vector<std::string> warnings;
  // gd that diverged: x is the iterate with the smallest gradient, and largest_curvature the
  // largest |eigenvalue| of the Hessian (dense: Eigen's symmetric eigenvalues, to a few ulps;
  // sparse: Lanczos by Spectra, to 1e-10 relative); gradient descent is stable for steps below 2 /
  // it.
  bool x_is_best_iterate = false;
  std::optional<double> largest_curvature;
  std::optional<Analysis>
      analysis;                // when the verdict (no minimum, affine set) came from analyze()
  double seconds = 0;          // wall time of the whole method
  double setup_seconds = 0;    // ordering, factorization or preconditioner set-up (in seconds)
  double solve_seconds = 0;    // iterations or triangular solves (in seconds)
  long peak_memory_bytes = 0;  // the process's peak resident memory so far (getrusage)
  std::string solver;          // what did the work, e.g. "CHOLMOD supernodal LLᵀ (AMD)"
};

MinimizeResult minimize(const QuadForm& form, const MinimizeOptions& opts,
                        const TraceFn& trace = {});

// ---------------------------------------------------------------------------------------------
// test problems (generate.cpp)

SparseMatrix laplace2d(long n);  // 5-point Laplacian on an n×n grid (Dirichlet), n² unknowns
SparseMatrix laplace3d(long n);  // 7-point Laplacian on an n×n×n grid, n³ unknowns
// dense Q·diag(λ)·Qᵀ, Q a random orthogonal matrix (seeded), λ geometric from 1 to cond
Eigen::MatrixXd random_spd(long n, double cond, std::uint64_t seed);

// The problems of `quad generate`, by name, for `--generate` on analyze and minimize.
enum class TestProblem { laplace2d, laplace3d, random_spd };
std::string_view to_string(TestProblem p);  // "laplace2d", "laplace3d", "random-spd"
// UsageError naming `what` if unknown
TestProblem parse_problem(std::string_view name, std::string_view what = "--generate");

struct TestProblemSpec {
  TestProblem kind = TestProblem::laplace2d;
  long n = 0;              // grid side (the Laplacians) or matrix size (random-spd)
  double cond = 1e3;       // random-spd only
  std::uint64_t seed = 1;  // random-spd only
};

// The form of a generated matrix, exactly as reading the files `quad generate` writes would give
// it (random-spd is stored as its lower triangle, so the form uses that triangle mirrored). An
// empty b is the generator's right-hand side, ones (what `quad generate --rhs` writes).
QuadForm generate_form(const TestProblemSpec& spec, Eigen::VectorXd b, double c, Convention conv);

// Matrix Market writers (atomic: temp file + rename). symmetric: store the lower triangle.
void write_matrix_market(const SparseMatrix& A, const std::string& path, bool symmetric,
                         const std::string& comment);
void write_matrix_market(const Eigen::MatrixXd& A, const std::string& path, bool symmetric,
                         const std::string& comment);
void write_vector(const Eigen::VectorXd& v, const std::string& path);  // Matrix Market array

// ---------------------------------------------------------------------------------------------
// kernels exposed for the benchmarks

struct CgStats {
  long iterations = 0;
  bool converged = false, indefinite = false;
  bool overflow = false;          // pᵀHp or the residual left the double range (not indefinite)
  double recursive_residual = 0;  // ‖r‖ of the recursion at exit
  int restarts = 0;               // residual replacements after a drifted recursive residual
};
struct CgKernelOptions {
  double tol_abs = 0;  // stop when ‖rhs − Hx‖ <= tol_abs (checked on the true residual)
  long max_iter = 1000;
  int threads = 0;                            // 0: all cores
  const Eigen::VectorXd* inv_diag = nullptr;  // Jacobi preconditioner D⁻¹ (nullptr: plain CG)
  // after each iteration: k, ‖r‖, step length α‖p‖, xᵀr and xᵀrhs (the last two only when
  // want_dots; they give f without another product with H)
  std::function<void(long k, double rnorm, double step, double xr, double xrhs)> per_iter;
  bool want_dots = false;
  Eigen::VectorXd* direction = nullptr;  // receives p when pᵀHp <= 0
};
// CG on the CSC storage of a symmetric sparse H (read as CSR), solving Hx = rhs; x holds x0 on
// entry. Parallel over a fixed row partition with fixed-order reductions: the iterates do not
// depend on the number of threads.
CgStats sparse_cg(const SparseMatrix& H, const Eigen::VectorXd& rhs, Eigen::VectorXd& x,
                  const CgKernelOptions& opts);
// bytes one iteration of sparse_cg moves between memory and the cores
double sparse_cg_bytes_per_iteration(const SparseMatrix& H, bool jacobi = false);

// Cholesky solve of a dense SPD H (LAPACK dpotrf/dpotrs when available and n is large).
// Returns false if H is not positive definite. rcond: reciprocal condition estimate (1-norm).
bool dense_cholesky_solve(Eigen::MatrixXd& H_factor_in_place, Eigen::VectorXd& rhs_to_x,
                          double* rcond = nullptr);
bool have_lapack();

}  // namespace numkit::quad
