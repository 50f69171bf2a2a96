#pragma once
// Quadratic forms solved by the PETSc engine, on one process or on many under mpirun: the matrix
// distributed by rows (read in parallel from a Matrix Market file, generated in place, or handed
// over from an in-memory QuadForm), CG, PCG (Jacobi, hypre BoomerAMG, GAMG) and MUMPS's sparse
// LDLᵀ. Results come back as numkit::quad::MinimizeResult on rank 0, with the same statuses and
// fields as the native methods.
#include <Eigen/Dense>
#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "numkit/quad/quadratic.hpp"

namespace numkit::petsc {

enum class Backend { automatic, native, petsc };
Backend parse_backend(const std::string& name);  // auto|native|petsc; throws UsageError

enum class AmgKind { hypre, gamg };
AmgKind parse_amg(const std::string& name);  // hypre|gamg; throws UsageError

// AMG settings; unset values keep the engine's measured defaults (docs/quad.md).
struct AmgOptions {
  AmgKind kind = AmgKind::hypre;
  std::optional<double> strong_threshold;  // in [0, 1)
  std::optional<int> aggressive_levels;    // >= 0
  std::string coarsen, interp, smoother;   // hypre names; empty: default
  void validate() const;
};

struct EngineOptions {
  quad::Method method = quad::Method::pcg;  // cg, pcg or direct
  quad::Precond precond = quad::Precond::amg;
  AmgOptions amg;
  double tol = 1e-10;
  std::optional<long> max_iter;       // default 10n + 1000
  std::optional<Eigen::VectorXd> x0;  // the whole vector, on every rank
  std::string petsc_options;  // extra PETSc options, e.g. "-pc_hypre_boomeramg_max_levels 20"
  bool gather_x = true;       // bring x to rank 0 (for printing or --x-out)
  quad::TraceFn trace;        // rows on rank 0
  void validate(Eigen::Index n) const;
};

struct EngineReport {
  quad::MinimizeResult result;  // x and direction are whole on rank 0 when gathered
  int processes = 1;
  std::string petsc_version;
  std::string preconditioner;  // what ran, with its settings
  double setup_seconds = 0, solve_seconds = 0;
  double peak_bytes_all = 0, peak_bytes_max_rank = 0;  // resident memory high-water marks
  std::optional<std::array<int64_t, 3>> inertia;       // direct: negative, zero, positive
};

// quad analyze on the engine: the inertia of A from MUMPS's LDLᵀ factorization (exact where the
// factorization meets no null pivot), the stationary point from its solve, and everything it
// cannot decide (extreme eigenvalues, condition number; rank, range and the stationary set of a
// singular A) stated as undetermined with the reason.
struct EngineAnalysis {
  quad::Analysis analysis;  // point and descent direction whole on rank 0
  int processes = 1;
  std::string petsc_version;
  std::string solver;  // what ran
  double setup_seconds = 0, solve_seconds = 0;
  double peak_bytes_all = 0, peak_bytes_max_rank = 0;
};

// The form ½xᵀHx + bᵀx + c with H distributed by rows over the engine's processes. Every
// constructor is collective; errors (bad input on any rank) are thrown on every rank with the
// same message.
class DistributedForm {
 public:
  ~DistributedForm();
  DistributedForm(DistributedForm&&) noexcept;
  DistributedForm& operator=(DistributedForm&&) noexcept;

  // A form every process already holds (inline, dense or small input): rank 0 contributes it.
  static DistributedForm from_form(const quad::QuadForm& form);
  // A Matrix Market file read by all processes, each its own byte range; b from a Matrix Market
  // file likewise, or any other spec read by rank 0 (empty: 0).
  static DistributedForm from_matrix_market(const std::string& A_path, const std::string& b_spec,
                                            double c, quad::Convention conv);
  // laplace2d, laplace3d (grid side n) or random-spd (size n); each process builds its own rows.
  // b defaults to the generator's right-hand side, ones; b_spec overrides it.
  static DistributedForm generate(const quad::TestProblemSpec& spec, const std::string& b_spec,
                                  double c, quad::Convention conv);

  int64_t size() const { return n_; }
  quad::Convention convention() const { return conv_; }
  double c() const { return c_; }
  bool symmetrized() const { return symmetrized_; }
  double asymmetry() const { return asymmetry_; }
  const std::string& source() const { return source_; }

  EngineReport minimize(const EngineOptions& opts) const;
  // collective; petsc_options as in EngineOptions; the point is gathered to rank 0
  EngineAnalysis analyze(const std::string& petsc_options) const;

  struct Impl;

 private:
  DistributedForm();
  std::unique_ptr<Impl> impl_;
  int64_t n_ = 0;
  quad::Convention conv_ = quad::Convention::full;
  double c_ = 0;
  bool symmetrized_ = false;
  double asymmetry_ = 0;
  std::string source_;
};

// The rows [begin, end) of the Laplacians of numkit::quad::laplace2d/laplace3d, as (row, column,
// value) triplets in row order: the generator each process runs for its own block.
void laplacian_rows(int dims, long n, int64_t begin, int64_t end, std::vector<int64_t>& rows,
                    std::vector<int64_t>& cols, std::vector<double>& values);

}  // namespace numkit::petsc
