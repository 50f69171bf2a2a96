// The PETSc engine end to end: --precond amg and --backend petsc in one process, mpirun -n 2
// against one process (cg, pcg with amg, direct), --generate against quad generate, the faults
// (engine missing, more processes than rows, a file that lies or is cut short) and the start-up
// of commands that do not use PETSc.
#include <catch2/catch.hpp>
#include <chrono>
#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "e2e.hpp"
#include "run_numkit.hpp"

using numkit::test::fresh_dir;
using numkit::test::run_numkit;
using numkit::test::run_shell;
using numkit::test::write_file;
using Json = nlohmann::json;

namespace {

// mpirun as CI runs it: as root in a container with fewer cores than processes; a timeout
// turns a hang into a failure.
const std::string kMpirun = "timeout 120 mpirun -n 2 --oversubscribe --allow-run-as-root ";

std::vector<double> read_mtx_vector(const std::filesystem::path& p) {
  std::ifstream in(p);
  std::string line;
  std::vector<double> v;
  bool size_seen = false;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '%') continue;
    if (!size_seen) {
      size_seen = true;
      continue;
    }
    v.push_back(std::stod(line));
  }
  return v;
}

double max_relative_difference(const std::vector<double>& a, const std::vector<double>& b) {
  REQUIRE(a.size() == b.size());
  double num = 0, den = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    num = std::max(num, std::abs(a[i] - b[i]));
    den = std::max(den, std::abs(b[i]));
  }
  return num / den;
}

Json json_of(const numkit::test::RunResult& r) {
  INFO("stdout: " << r.out << "\nstderr: " << r.err);
  REQUIRE(r.exit_code == 0);
  return Json::parse(r.out);
}

// A 2-D Laplacian on a 12×12 grid and b = ones, written into dir.
void write_laplacian(const std::filesystem::path& dir) {
  auto r = run_shell("numkit quad generate laplace2d --n 12 -o lap.mtx --rhs ones.mtx", dir);
  REQUIRE(r.exit_code == 0);
}

}  // namespace

TEST_CASE("petsc_amg_pcg_in_one_process_matches_the_direct_solution") {
  const auto dir = fresh_dir();
  write_laplacian(dir);
  const Json amg = json_of(run_shell(
      "numkit quad minimize -A lap.mtx -b ones.mtx --half --method pcg --precond amg --tol 1e-12 "
      "--x-out amg.mtx --json",
      dir));
  const Json direct = json_of(run_shell(
      "numkit quad minimize -A lap.mtx -b ones.mtx --half --method direct --x-out direct.mtx "
      "--json",
      dir));
  CHECK(amg["backend"] == "petsc");
  CHECK(amg["processes"] == 1);
  CHECK(amg["method"] == "pcg-amg");
  CHECK(amg["status"] == "converged");
  CHECK(amg["iterations"].get<int>() < 15);  // multigrid: a handful, where CG needs about 40
  CHECK(amg["relative_residual"].get<double>() <= 1e-12);
  // cond(A) ≈ 60 here: the error is at most about cond·tol
  CHECK(max_relative_difference(read_mtx_vector(dir / "amg.mtx"),
                                read_mtx_vector(dir / "direct.mtx")) < 1e-9);
  CHECK(std::abs(amg["minimum"].get<double>() - direct["minimum"].get<double>()) <=
        1e-11 * std::abs(direct["minimum"].get<double>()));
}

TEST_CASE("petsc_gamg_and_jacobi_pcg_converge_to_the_same_minimizer") {
  const auto dir = fresh_dir();
  write_laplacian(dir);
  for (const std::string flags : {"--precond amg --amg gamg", "--precond jacobi --backend petsc",
                                  "--precond amg --amg-threshold 0.5 --amg-aggressive 1"}) {
    INFO(flags);
    const Json j = json_of(run_shell(
        "numkit quad minimize -A lap.mtx -b ones.mtx --half --method pcg --tol 1e-10 --json " +
            flags,
        dir));
    CHECK(j["status"] == "converged");
    CHECK(j["relative_residual"].get<double>() <= 1e-10);
    CHECK(j["backend"] == "petsc");
  }
}

TEST_CASE("petsc_amg_on_an_indefinite_matrix_reports_not_positive_definite_with_a_direction") {
  const auto dir = fresh_dir();
  // diagonal positive, but eigenvalues 3 and -1 in the first block: no certificate on the diagonal
  write_file(dir, "ind.mtx",
             "%%MatrixMarket matrix coordinate real symmetric\n4 4 6\n1 1 1\n2 1 2\n2 2 1\n"
             "3 3 2\n4 3 1\n4 4 2\n");
  const auto r = run_shell(
      "numkit quad minimize -A ind.mtx -b 1,1,1,1 --half --method pcg --precond amg --json", dir);
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 1);
  const Json j = Json::parse(r.out);
  CHECK(j["status"] == "not_positive_definite");
  REQUIRE(j.contains("descent_direction"));
  // the direction is a certificate: dᵀAd < 0 for A = [[1,2],[2,1]] ⊕ [[2,1],[1,2]]
  std::vector<double> d = j["descent_direction"];
  const double q = d[0] * d[0] + 4 * d[0] * d[1] + d[1] * d[1] + 2 * d[2] * d[2] + 2 * d[2] * d[3] +
                   2 * d[3] * d[3];
  CHECK(q < 0);
  CHECK(r.out.find("nan") == std::string::npos);
}

TEST_CASE("petsc_direct_reports_the_inertia_and_no_minimum_for_an_indefinite_matrix") {
  const auto dir = fresh_dir();
  write_file(dir, "ind.mtx",
             "%%MatrixMarket matrix coordinate real symmetric\n3 3 4\n1 1 1\n2 1 2\n2 2 1\n"
             "3 3 5\n");
  const auto r = run_shell(
      "numkit quad minimize -A ind.mtx -b 1,0,1 --half --method direct --backend petsc --json",
      dir);
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 1);
  const Json j = Json::parse(r.out);
  CHECK(j["status"] == "no_minimum");
  CHECK(j["negative_eigenvalues"] == 1);
  CHECK(j["positive_eigenvalues"] == 2);
  REQUIRE(j.contains("descent_direction"));
}

TEST_CASE("petsc_two_processes_give_the_single_process_results_for_cg_amg_and_direct") {
  const auto dir = fresh_dir();
  write_laplacian(dir);
  for (const std::string method : {"cg", "pcg --precond amg", "direct"}) {
    INFO(method);
    const std::string args =
        "quad minimize -A lap.mtx -b ones.mtx --half --tol 1e-12 --json --method " + method;
    const Json one = json_of(run_shell("numkit " + args + " --backend petsc --x-out one.mtx", dir));
    const Json two = json_of(run_shell(kMpirun + "numkit " + args + " --x-out two.mtx", dir));
    CHECK(two["processes"] == 2);
    CHECK(two["status"] == "converged");
    CHECK(two["relative_residual"].get<double>() <= 1e-12);
    CHECK(max_relative_difference(read_mtx_vector(dir / "two.mtx"),
                                  read_mtx_vector(dir / "one.mtx")) < 1e-10);
    if (method == "cg")
      CHECK(std::abs(two["iterations"].get<int>() - one["iterations"].get<int>()) <= 1);
  }
}

TEST_CASE("petsc_generate_under_mpirun_solves_the_matrix_of_quad_generate") {
  const auto dir = fresh_dir();
  REQUIRE(run_shell("numkit quad generate laplace3d --n 5 -o lap3.mtx --rhs ones3.mtx", dir)
              .exit_code == 0);
  const Json gen =
      json_of(run_shell(kMpirun + "numkit quad minimize --generate laplace3d --n 5 --half "
                                  "--method pcg --precond amg --tol 1e-12 --x-out g.mtx "
                                  "--json",
                        dir));
  const Json file = json_of(run_shell(
      "numkit quad minimize -A lap3.mtx -b ones3.mtx --half --method direct --x-out f.mtx --json",
      dir));
  (void)file;
  CHECK(gen["n"] == 125);
  CHECK(gen["processes"] == 2);
  CHECK(gen["status"] == "converged");
  CHECK(max_relative_difference(read_mtx_vector(dir / "g.mtx"), read_mtx_vector(dir / "f.mtx")) <
        1e-10);
}

TEST_CASE("petsc_analyze_under_mpirun_gives_the_native_class_inertia_and_minimizer") {
  const auto dir = fresh_dir();
  write_laplacian(dir);
  const std::string args = "numkit quad analyze -A lap.mtx -b ones.mtx --half --json";
  const Json native = json_of(run_shell(args + " --x-out native.mtx", dir));
  const Json two = json_of(run_shell(kMpirun + args + " --x-out two.mtx", dir));  // one report
  CHECK(two["backend"] == "petsc");
  CHECK(two["processes"] == 2);
  for (const char* key : {"n", "class", "rank", "positive_eigenvalues", "negative_eigenvalues",
                          "zero_eigenvalues", "stationary", "bounded_below", "bounded_above"}) {
    INFO(key);
    CHECK(two[key] == native[key]);
  }
  CHECK(std::abs(two["minimum"].get<double>() - native["minimum"].get<double>()) <=
        1e-12 * std::abs(native["minimum"].get<double>()));
  CHECK(max_relative_difference(read_mtx_vector(dir / "two.mtx"),
                                read_mtx_vector(dir / "native.mtx")) < 1e-12);
  CHECK(two["condition_number"] == "undetermined");  // eigenvalues are not computed there
  CHECK_FALSE(two.contains("rank_tolerance"));       // the rank comes from MUMPS's pivots
}

TEST_CASE("petsc_analyze_of_an_indefinite_form_gives_the_saddle_point_and_negative_curvature") {
  // ½xᵀAx + bᵀx with A = [[1,2],[2,1]] (eigenvalues 3, −1), b = (1,1): the saddle point solves
  // Ax = −b, x = (−1/3, −1/3) exactly, with value bᵀx/2 = −1/3
  const Json j = json_of(run_numkit({"quad", "analyze", "-A", "[[1,2],[2,1]]", "-b", "[1,1]",
                                     "--half", "--backend", "petsc", "--json"}));
  CHECK(j["class"] == "indefinite");
  CHECK(j["negative_eigenvalues"] == 1);
  CHECK(j["positive_eigenvalues"] == 1);
  CHECK(j["stationary"] == "saddle point");
  for (double x : j["saddle_point"]) CHECK(std::abs(x + 1.0 / 3) <= 1e-15);
  CHECK(std::abs(j["saddle_value"].get<double>() + 1.0 / 3) <= 1e-15);
  CHECK(j["bounded_below"] == false);
  CHECK(j["bounded_above"] == false);
  const double d0 = j["descent_direction"][0], d1 = j["descent_direction"][1];
  CHECK(d0 * d0 + 4 * d0 * d1 + d1 * d1 < 0);  // dᵀAd < 0
}

TEST_CASE("petsc_analyze_of_a_singular_form_states_rank_and_stationary_points_undetermined") {
  const auto r = run_numkit(
      {"quad", "analyze", "-A", "[[1,1],[1,1]]", "-b", "[1,-1]", "--backend", "petsc", "--json"});
  const Json j = json_of(r);
  CHECK(j["class"] == "positive semidefinite");
  CHECK(j["rank"] == "undetermined");
  CHECK(j["zero_eigenvalues"] == "undetermined");
  CHECK(j["stationary"] == "undetermined");
  CHECK(j["bounded_below"] == "undetermined");
  CHECK(j["bounded_above"] == false);
  CHECK_FALSE(j.contains("minimizer"));
  bool rank_reason = false;
  for (const auto& u : j["undetermined"])
    rank_reason =
        rank_reason || (u["what"] == "rank and inertia" &&
                        u["why"].get<std::string>().find("1 null pivot") != std::string::npos);
  CHECK(rank_reason);
}

TEST_CASE("petsc_analyze_refuses_native_under_mpirun_and_rank_tol_on_the_engine") {
  const auto dir = fresh_dir();
  write_laplacian(dir);
  const auto native = run_shell(kMpirun + "numkit quad analyze -A lap.mtx --backend native", dir);
  CHECK(native.exit_code == 2);
  CHECK(native.err.find("--backend native: under mpirun") != std::string::npos);
  const auto tol = run_numkit(
      {"quad", "analyze", "-A", "[[2,0],[0,1]]", "--backend", "petsc", "--rank-tol", "1e-3"});
  CHECK(tol.exit_code == 2);
  CHECK(tol.err ==
        "numkit: --rank-tol: not on the PETSc backend (its rank comes from MUMPS's "
        "pivots); use --backend native\n");
}

TEST_CASE("petsc_engine_that_cannot_be_loaded_is_one_line_and_exit_2") {
  const auto r = run_numkit({"quad", "minimize", "-A", "[[2,1],[1,2]]", "-b", "1,1", "--method",
                             "cg", "--backend", "petsc"},
                            "", {"NUMKIT_PETSC_ENGINE=/nonexistent/libnumkit_petsc_engine.so"});
  CHECK(r.exit_code == 2);
  CHECK(r.out.empty());
  CHECK(r.err.find("numkit: petsc engine: cannot load /nonexistent/libnumkit_petsc_engine.so") ==
        0);
  CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
}

TEST_CASE("petsc_more_processes_than_rows_is_one_error_from_rank_0") {
  const auto dir = fresh_dir();
  write_file(dir, "one.mtx", "%%MatrixMarket matrix coordinate real general\n1 1 1\n1 1 2\n");
  const auto r = run_shell(kMpirun + "numkit quad minimize -A one.mtx -b 1 --method cg", dir);
  INFO(r.err);
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("one.mtx: 1 rows for 2 processes; run with at most 1") != std::string::npos);
  CHECK(r.out.empty());
}

TEST_CASE("petsc_a_lying_or_truncated_file_is_one_error_and_every_rank_exits") {
  const auto dir = fresh_dir();
  write_laplacian(dir);
  // the size line promises more entries than the file has (cut short in the second half)
  std::ifstream in(dir / "lap.mtx");
  std::stringstream ss;
  ss << in.rdbuf();
  std::string text = ss.str();
  write_file(dir, "cut.mtx", text.substr(0, text.size() - 40));
  auto r = run_shell(kMpirun + "numkit quad minimize -A cut.mtx -b ones.mtx --method cg", dir);
  INFO(r.err);
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("cut.mtx") != std::string::npos);
  CHECK(r.out.empty());
  // an entry outside the declared size, in the part of the second rank
  const std::string lie = text.substr(0, text.size() - 1) + "\n200 1 -1\n";
  write_file(dir, "lie.mtx", lie);
  r = run_shell(kMpirun + "numkit quad minimize -A lie.mtx -b ones.mtx --method cg", dir);
  INFO(r.err);
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("lie.mtx:") != std::string::npos);
  CHECK(r.err.find("row index 200 is outside the 144×144 matrix") != std::string::npos);
}

TEST_CASE("petsc_is_not_loaded_by_commands_that_do_not_use_it") {
  // the start-up of an ordinary command maps neither PETSc nor MPI
  const auto dir = fresh_dir();
  const auto r = run_shell(
      "LD_DEBUG=files numkit poisson cdf 3 --mean 2 2>&1 >/dev/null | grep -c -E "
      "'libpetsc|libmpi' || true",
      dir);
  CHECK(r.out == "0\n");
}

// One vocabulary for --timing: both backends name the same fields, and the engine's total is the
// sum of its parts.
TEST_CASE("petsc_and_native_timing_reports_have_the_same_fields") {
  const auto dir = fresh_dir();
  write_laplacian(dir);
  const std::string common =
      "numkit quad minimize -A lap.mtx -b ones.mtx --half --method direct --timing --json ";
  const Json native = json_of(run_shell(common + "--backend native", dir));
  const Json petsc = json_of(run_shell(common + "--backend petsc", dir));
  for (const char* key :
       {"seconds", "setup_seconds", "solve_seconds", "peak_memory_bytes", "solver"}) {
    INFO(key);
    CHECK(native.contains(key));
    CHECK(petsc.contains(key));
  }
  CHECK(petsc["solver"] == "MUMPS LDLᵀ");
  CHECK(petsc["seconds"].get<double>() ==
        petsc["setup_seconds"].get<double>() + petsc["solve_seconds"].get<double>());
  CHECK_FALSE(petsc.contains("preconditioner"));
}
