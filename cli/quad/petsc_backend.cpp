// The flags of quad minimize that select and tune the PETSc engine (numkit/petsc/): which backend
// runs, the algebraic multigrid and its settings and extra PETSc options.
#include "quad/quad.hpp"

#include "numkit/core/error.hpp"
#include "numkit/core/number.hpp"
#include "numkit/petsc/engine.hpp"

namespace numkit::cli::quadcli {

void add_backend_options(CLI::App* cmd, PetscOptions& p, const std::string& auto_rule) {
  cmd->add_option("--backend", p.backend,
                  "native (in process), petsc (the PETSc engine, loaded on demand) or auto "
                  "(default: " +
                      auto_rule + ")")
      ->type_name("NAME");
  cmd->add_option("--petsc-options", p.petsc_options,
                  "extra PETSc options for the PETSc engine, e.g. "
                  "\"-pc_hypre_boomeramg_max_levels 20\"")
      ->type_name("TEXT");
}

void add_petsc_options(CLI::App* cmd, PetscOptions& p) {
  add_backend_options(cmd, p,
                      "petsc under mpirun, for --precond amg, for --generate and for pcg on a "
                      "sparse A with n >= 1e5; native otherwise");
  cmd->add_option("--amg", p.amg,
                  "the multigrid of --precond amg: hypre (BoomerAMG, default) or gamg")
      ->type_name("NAME");
  cmd->add_option("--amg-threshold", p.amg_threshold,
                  "amg strong threshold (default: hypre 0.25 for 2-D-like stencils with at most "
                  "6 entries a row, 0.5 otherwise; gamg 0.02)")
      ->type_name("X");
  cmd->add_option("--amg-aggressive", p.amg_aggressive,
                  "levels of aggressive coarsening (default: 0 in 2-D, 1 in 3-D)")
      ->type_name("N");
  cmd->add_option("--amg-coarsen", p.amg_coarsen,
                  "hypre coarsening (default Falgout in 2-D, HMIS in 3-D)")
      ->type_name("NAME");
  cmd->add_option("--amg-interp", p.amg_interp,
                  "hypre interpolation (default classical in 2-D, ext+i in 3-D)")
      ->type_name("NAME");
  cmd->add_option("--amg-smoother", p.amg_smoother, "hypre smoother (default symmetric-SOR/Jacobi)")
      ->type_name("NAME");
}

bool engine_selected(const PetscOptions& p, bool auto_prefers_engine) {
  const auto backend = petsc::parse_backend(p.backend);
  const bool mpi = petsc::launched_by_mpi();
  if (backend == petsc::Backend::native && mpi)
    throw UsageError(
        "--backend native: under mpirun every process would work alone; use --backend petsc or "
        "auto");
  return backend == petsc::Backend::petsc ||
         (backend == petsc::Backend::automatic && (mpi || auto_prefers_engine));
}

namespace {
bool is_mtx_file(const std::string& spec) {
  return spec.size() > 4 && spec.compare(spec.size() - 4, 4, ".mtx") == 0;
}
}  // namespace

petsc::DistributedForm distributed_form(const FormInput& in, const GenerateInput& gen,
                                        const quad::QuadForm* loaded) {
  const auto conv = in.half ? quad::Convention::half : quad::Convention::full;
  if (!gen.kind.empty()) {
    const quad::TestProblemSpec spec = problem_spec(gen, in);
    const double c = in.c.empty() ? 0.0 : parse_double(in.c, "-c");
    return petsc::DistributedForm::generate(spec, in.b, c, conv);
  }
  if (loaded) return petsc::DistributedForm::from_form(*loaded);
  if (in.expr.empty() && is_mtx_file(in.A)) {
    if (!in.vars.empty()) throw UsageError("--vars: only with --expr");
    const double c = in.c.empty() ? 0.0 : parse_double(in.c, "-c");
    return petsc::DistributedForm::from_matrix_market(in.A, in.b, c, conv);
  }
  const quad::QuadForm small = load_form(in);  // every process reads the (small) input
  return petsc::DistributedForm::from_form(small);
}

}  // namespace numkit::cli::quadcli
