// numkit quad generate: standard test matrices as Matrix Market
#include <iostream>
#include <sstream>

#include "numkit/core/reader.hpp"

#include "quad/quad.hpp"

namespace numkit::cli::quadcli {

using io::Json;
using quad::QuadForm;

int run_generate(const GenerateOptions& o) {
  const quad::TestProblem kind = quad::parse_problem(o.kind, "quad generate");
  if (kind != quad::TestProblem::random_spd && (o.cond != 1e3 || o.seed != 1))
    throw UsageError("--cond, --seed: only for random-spd");
  if (o.n <= 0) throw InputError("--n: must be >= 1, got " + std::to_string(o.n));
  if (o.seed < 0) throw InputError("--seed: must be >= 0, got " + std::to_string(o.seed));
  const std::string dest = o.output.empty() ? std::string() : o.output;
  io::Report rep;
  Json& d = rep.data;
  d["kind"] = o.kind;
  Eigen::Index n = 0;
  std::string text_for_stdout;
  if (kind != quad::TestProblem::random_spd) {
    const bool three = kind == quad::TestProblem::laplace3d;
    quad::SparseMatrix A = three ? quad::laplace3d(o.n) : quad::laplace2d(o.n);
    n = A.rows();
    const std::string comment = std::string("numkit quad generate ") + o.kind + " --n " +
                                std::to_string(o.n) + ": " + (three ? "7" : "5") +
                                "-point Laplacian, Dirichlet boundary, " + std::to_string(n) +
                                " unknowns";
    if (dest.empty()) {
      text_for_stdout = to_matrix_market(A, true);
    } else {
      quad::write_matrix_market(A, dest, true, comment);
    }
    d["nonzeros"] = A.nonZeros();
  } else {
    Eigen::MatrixXd A = quad::random_spd(o.n, o.cond, static_cast<std::uint64_t>(o.seed));
    n = A.rows();
    const std::string comment = "numkit quad generate random-spd --n " + std::to_string(o.n) +
                                " --cond " + io::shortest(o.cond) + " --seed " +
                                std::to_string(o.seed);
    if (dest.empty()) {
      std::ostringstream tmp;
      // to stdout: the array format, lower triangle
      tmp << "%%MatrixMarket matrix array real symmetric\n% " << comment << "\n"
          << n << " " << n << "\n";
      for (Eigen::Index j = 0; j < n; ++j)
        for (Eigen::Index i = j; i < n; ++i) tmp << io::shortest(A(i, j)) << "\n";
      text_for_stdout = tmp.str();
    } else {
      quad::write_matrix_market(A, dest, true, comment);
    }
    d["condition_number"] = o.cond;
    d["seed"] = o.seed;
  }
  if (!o.rhs.empty()) quad::write_vector(Eigen::VectorXd::Ones(n), o.rhs);
  if (dest.empty()) {
    std::cout << text_for_stdout;
    return 0;
  }
  d["n"] = n;
  d["matrix_file"] = dest;
  if (!o.rhs.empty()) d["rhs_file"] = o.rhs;
  return emit(rep, o.out);
}

void setup_generate(CLI::App& quad_cmd) {
  auto o = std::make_shared<GenerateOptions>();
  auto* cmd = quad_cmd.add_subcommand(
      "generate",
      "write a standard test matrix as Matrix Market: laplace2d (n×n grid, 5-point), laplace3d "
      "(n×n×n grid, 7-point) or random-spd (dense Q·diag(λ)·Qᵀ, λ geometric from 1 to --cond)");
  cmd->add_option("kind", o->kind, "laplace2d, laplace3d or random-spd")
      ->required()
      ->type_name("PROBLEM");
  cmd->add_option("--n", o->n, "grid side (Laplacians) or matrix size (random-spd)")
      ->required()
      ->type_name("N");
  cmd->add_option("--cond", o->cond, "random-spd: condition number (default 1000)")->type_name("K");
  cmd->add_option("--seed", o->seed, "random-spd: seed of the random orthogonal matrix (default 1)")
      ->type_name("S");
  cmd->add_option("-o,--output", o->output,
                  "write the matrix to FILE.mtx (atomically) and print a summary; default: the "
                  "matrix on stdout")
      ->type_name("FILE");
  cmd->add_option("--rhs", o->rhs, "also write b = (1, …, 1) to FILE (Matrix Market array)")
      ->type_name("FILE");
  add_output_options(*cmd, o->out);
  cmd->footer(
      "Examples:\n"
      "  numkit quad generate laplace2d --n 3\n"
      "  numkit quad generate laplace2d --n 100 -o lap.mtx --rhs ones.mtx\n"
      "  numkit quad generate laplace3d --n 10 -o lap3.mtx --json\n"
      "  numkit quad generate random-spd --n 50 --cond 1e6 --seed 7 -o spd.mtx");
  bind_run<GenerateOptions>(cmd, o, run_generate);
}

}  // namespace numkit::cli::quadcli
