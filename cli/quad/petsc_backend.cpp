// The flags of quad minimize that select and tune the PETSc engine (numkit/petsc/): which backend
// runs, the algebraic multigrid and its settings and extra PETSc options.
#include "quad/quad.hpp"

namespace numkit::cli::quadcli {

void add_petsc_options(CLI::App* cmd, PetscOptions& p) {
  cmd->add_option("--backend", p.backend,
                  "native (in process), petsc (the PETSc engine, loaded on demand) or auto "
                  "(default: petsc under mpirun, for --precond amg, for --generate and for pcg "
                  "on a sparse A with n >= 1e5; native otherwise)")
      ->type_name("NAME");
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
  cmd->add_option("--petsc-options", p.petsc_options,
                  "extra PETSc options for the PETSc engine, e.g. "
                  "\"-pc_hypre_boomeramg_max_levels 20\"")
      ->type_name("TEXT");
}

}  // namespace numkit::cli::quadcli
