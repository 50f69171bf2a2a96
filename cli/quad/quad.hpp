#pragma once
// The `numkit quad` commands: each has an options struct, a setup function that binds its flags
// (cli/quad/<command>.cpp) and a run function that can be called without argv.
#include <Eigen/Core>
#include <optional>
#include <string>
#include <vector>

#include "common/command.hpp"
#include "numkit/core/reader.hpp"
#include "numkit/io/report.hpp"
#include "numkit/petsc/distributed.hpp"
#include "numkit/plot/plot.hpp"
#include "numkit/quad/quadratic.hpp"

namespace numkit::cli::quadcli {

inline constexpr Eigen::Index kMaxPrintedVector = 1000;  // longer vectors: --x-out FILE

// ---- input and report pieces shared by the quad commands (cli/quad/common.cpp) -----------------

struct FormInput {
  std::string A, b, c, expr, vars;
  bool half = false;
};

void add_form_options(CLI::App* cmd, FormInput& in);

// --generate PROBLEM --n N (--cond, --seed): a generated matrix instead of -A, as quad generate
// writes it, built in memory (on the PETSc engine, each process builds its own rows).
struct GenerateInput {
  std::string kind;  // empty: no --generate
  std::optional<long> n;
  double cond = 1e3;
  long long seed = 1;
};
void add_generate_options(CLI::App* cmd, GenerateInput& gen);
quad::TestProblemSpec problem_spec(const GenerateInput& gen, const FormInput& in);
void require_generate_flags_used(const GenerateInput& gen);  // --n etc. without --generate
std::vector<std::string> split_names(const std::string& text);
std::string input_name(const MatrixInput& m, const std::string& flag);
quad::QuadForm load_form(const FormInput& in);
quad::QuadForm load_form(const FormInput& in, const GenerateInput& gen);

io::Json vec_json(const Eigen::VectorXd& v);
std::string convention_text(const quad::QuadForm& f);
void describe_form(io::Json& d, io::Report& rep, const quad::QuadForm& form);
// the same for a form known by its size and convention (the PETSc engine's distributed forms)
void describe_form(io::Json& d, io::Report& rep, long long n, quad::Convention conv,
                   const std::vector<std::string>& variables, bool symmetrized, double asymmetry);
std::string point_text(const Eigen::VectorXd& x, const std::vector<std::string>& vars, int digits);
void put_vector(io::Json& d, const std::string& key, const Eigen::VectorXd& v, io::Report& rep,
                bool& omitted);

// ---- the commands ------------------------------------------------------------------------------

// The PETSc engine's flags (cli/quad/petsc_backend.cpp): --backend and --petsc-options (quad
// analyze and minimize), the AMG settings (minimize).
struct PetscOptions {
  std::string backend = "auto";
  std::string amg = "hypre";
  std::string amg_threshold, amg_aggressive, amg_coarsen, amg_interp, amg_smoother;
  std::string petsc_options;
};
void add_backend_options(CLI::App* cmd, PetscOptions& p, const std::string& auto_rule);
void add_petsc_options(CLI::App* cmd, PetscOptions& p);
// The engine's form for the input: generated, read in parallel from a Matrix Market file, or
// handed over from `loaded` or from a small input every process reads (collective).
petsc::DistributedForm distributed_form(const FormInput& in, const GenerateInput& gen,
                                        const quad::QuadForm* loaded);
// quad analyze and minimize on the engine: auto picks it under mpirun (true), native refuses
// mpirun (UsageError); petsc always.
bool engine_selected(const PetscOptions& p, bool auto_prefers_engine);

struct AnalyzeOptions {
  FormInput in;
  GenerateInput gen;
  PetscOptions petsc;
  double rank_tol = 0;
  std::string x_out;
  OutputOptions out;
};
void setup_analyze(CLI::App& quad_cmd);
int run_analyze(const AnalyzeOptions& o);

struct MinimizeOptions {
  FormInput in;
  GenerateInput gen;
  PetscOptions petsc;
  std::string methods = "direct";
  std::string precond;  // empty: jacobi, or amg for a large sparse A (kAmgByDefault)
  std::string x0;
  double tol = 1e-10;
  std::optional<long> max_iter;
  std::string lr;
  double rank_tol = 0;
  int threads = 0;
  std::string trace;
  std::string x_out;
  bool timing = false;
  std::string factor_format;  // --factor-format: mixed-precision direct solve
  OutputOptions out;
};
void setup_minimize(CLI::App& quad_cmd);
int run_minimize(const MinimizeOptions& o);
// Reused by the tour.
bool succeeded(const quad::MinimizeResult& r);
io::Report minimize_report(const quad::QuadForm& form, const std::vector<quad::MinimizeResult>& rs,
                           int digits, bool timing);
plot::Figure minimize_figure(const quad::QuadForm& form,
                             const std::vector<quad::MinimizeResult>& rs);

struct GenerateOptions {
  std::string kind;
  long n = 0;
  double cond = 1e3;
  long long seed = 1;
  std::string output;
  std::string rhs;
  OutputOptions out;
};
void setup_generate(CLI::App& quad_cmd);
int run_generate(const GenerateOptions& o);

// `numkit quad` and its tour section (cli/quad/quad.cpp).
void setup_quad(CLI::App& root);
int tour_quad(TourContext& t);

}  // namespace numkit::cli::quadcli
