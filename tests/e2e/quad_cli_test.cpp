// numkit quad analyze / minimize / generate, run as a user would: answers against exact
// rationals, output formats, traces, plots, warnings and every documented bad input.
#include <boost/multiprecision/cpp_int.hpp>
#include <catch2/catch.hpp>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "run_numkit.hpp"

using numkit::test::run_numkit;
using numkit::test::run_shell;
using numkit::test::write_file;
using Q = boost::multiprecision::cpp_rational;
using Json = nlohmann::json;

namespace {

Json json_of(const numkit::test::RunResult& r) {
  INFO("stdout: " << r.out << "\nstderr: " << r.err);
  return Json::parse(r.out);
}

double rel(double got, const Q& want) {
  const Q scale = abs(want) > 1 ? abs(want) : Q(1);
  return static_cast<double>(abs(Q(got) - want) / scale);
}

// exact solution of the 2×2 system M x = r
std::pair<Q, Q> solve2(Q a, Q b, Q c, Q d, Q r1, Q r2) {
  const Q det = a * d - b * c;
  return {(d * r1 - b * r2) / det, (a * r2 - c * r1) / det};
}

std::vector<std::string> split_lines(const std::string& s) {
  std::vector<std::string> out;
  std::istringstream in(s);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

}  // namespace

TEST_CASE("quad_minimize_solves_the_classic_cg_example_in_the_half_convention", "[quad][e2e]") {
  auto r =
      run_numkit({"quad", "minimize", "-A", "[[3,2],[2,6]]", "-b", "[-2,8]", "--half", "--json"});
  REQUIRE(r.exit_code == 0);
  Json j = json_of(r);
  CHECK(j["status"] == "converged");
  CHECK(rel(j["minimizer"][0].get<double>(), Q(2)) < 1e-15);
  CHECK(rel(j["minimizer"][1].get<double>(), Q(-2)) < 1e-15);
  CHECK(rel(j["minimum"].get<double>(), Q(-10)) < 1e-15);
  // the same numbers in the full convention: 2Ax = -b
  auto f = run_numkit({"quad", "minimize", "-A", "[[3,2],[2,6]]", "-b", "[-2,8]", "--json"});
  REQUIRE(f.exit_code == 0);
  Json k = json_of(f);
  CHECK(rel(k["minimizer"][0].get<double>(), Q(1)) < 1e-15);
  CHECK(rel(k["minimizer"][1].get<double>(), Q(-1)) < 1e-15);
  CHECK(rel(k["minimum"].get<double>(), Q(-5)) < 1e-15);
}

TEST_CASE("quad_expression_input_gives_the_exact_minimum", "[quad][e2e]") {
  // 3x² + 2xy + 6y² − 2x + 8y + 1: A = [[3,1],[1,6]], b = (−2, 8), c = 1; 2Ax = −b
  auto [x, y] = solve2(6, 2, 2, 12, 2, -8);
  const Q fmin = Q(1) + Q(1, 2) * (Q(-2) * x + Q(8) * y);
  for (const char* method : {"direct", "newton", "cg", "sd"}) {
    auto r = run_numkit({"quad", "minimize", "--expr", "3*x^2+2*x*y+6*y^2-2*x+8*y+1", "--method",
                         method, "--json"});
    INFO(method);
    REQUIRE(r.exit_code == 0);
    Json j = json_of(r);
    CHECK(j["variables"] == Json::array({"x", "y"}));
    const double tol = std::string(method) == "sd" ? 1e-9 : 1e-14;
    CHECK(rel(j["minimizer"][0].get<double>(), x) < tol);
    CHECK(rel(j["minimizer"][1].get<double>(), y) < tol);
    CHECK(rel(j["minimum"].get<double>(), fmin) < 1e-14);
  }
  auto a = run_numkit({"quad", "analyze", "--expr", "3*x^2+2*x*y+6*y^2-2*x+8*y+1", "--json"});
  REQUIRE(a.exit_code == 0);
  CHECK(json_of(a)["class"] == "positive definite");
  // --vars fixes the order
  auto v = run_numkit(
      {"quad", "minimize", "--expr", "3*x^2+2*x*y+6*y^2-2*x+8*y+1", "--vars", "y,x", "--json"});
  REQUIRE(v.exit_code == 0);
  CHECK(rel(json_of(v)["minimizer"][0].get<double>(), y) < 1e-14);
}

TEST_CASE("quad_classifies_every_kind_of_form_through_the_binary", "[quad][e2e]") {
  SECTION("indefinite: a saddle with its exact value, and minimize refuses with a direction") {
    // x² + 4xy + y² + 2x − 4y: A = [[1,2],[2,1]], b = (2,−4); 2Ax = −b
    auto [x, y] = solve2(2, 4, 4, 2, -2, 4);
    const Q value = Q(1, 2) * (Q(2) * x - Q(4) * y);
    auto a = run_numkit({"quad", "analyze", "-A", "[[1,2],[2,1]]", "-b", "[2,-4]", "--json"});
    REQUIRE(a.exit_code == 0);
    Json j = json_of(a);
    CHECK(j["class"] == "indefinite");
    CHECK(j["stationary"] == "saddle point");
    CHECK(rel(j["saddle_point"][0].get<double>(), x) < 1e-15);
    CHECK(rel(j["saddle_point"][1].get<double>(), y) < 1e-15);
    CHECK(rel(j["saddle_value"].get<double>(), value) < 1e-15);
    CHECK(j["eigenvalues"] == Json::array({-1.0, 3.0}));
    auto m = run_numkit({"quad", "minimize", "-A", "[[1,2],[2,1]]", "-b", "[2,-4]", "--json"});
    CHECK(m.exit_code == 1);
    Json k = json_of(m);
    CHECK(k["status"] == "no_minimum");
    CHECK(k["reason"].get<std::string>().find("indefinite") != std::string::npos);
    const double d0 = k["descent_direction"][0], d1 = k["descent_direction"][1];
    CHECK(d0 * d0 + 4 * d0 * d1 + d1 * d1 < 0);  // dᵀAd < 0
  }
  SECTION("negative definite: a unique maximum") {
    auto a = run_numkit({"quad", "analyze", "-A", "[[-2,1],[1,-3]]", "-b", "[1,1]", "--json"});
    REQUIRE(a.exit_code == 0);
    Json j = json_of(a);
    auto [x, y] = solve2(-4, 2, 2, -6, -1, -1);
    CHECK(j["class"] == "negative definite");
    CHECK(rel(j["maximizer"][0].get<double>(), x) < 1e-15);
    CHECK(rel(j["maximizer"][1].get<double>(), y) < 1e-15);
    CHECK(rel(j["maximum"].get<double>(), Q(1, 2) * (x + y)) < 1e-15);
  }
  SECTION("semidefinite with b in the range: the least-norm minimizer of an affine set") {
    // A = [[1,1],[1,1]], b = (2,2): f = s² + 2s with s = x + y: least norm (−1/2, −1/2), f = −1
    auto m = run_numkit({"quad", "minimize", "-A", "[[1,1],[1,1]]", "-b", "[2,2]", "--json"});
    REQUIRE(m.exit_code == 0);
    Json j = json_of(m);
    CHECK(j["status"] == "converged");
    CHECK(j["set_dimension"] == 1);
    CHECK(rel(j["minimizer"][0].get<double>(), Q(-1, 2)) < 1e-15);
    CHECK(rel(j["minimizer"][1].get<double>(), Q(-1, 2)) < 1e-15);
    CHECK(rel(j["minimum"].get<double>(), Q(-1)) < 1e-15);
    auto a = run_numkit({"quad", "analyze", "-A", "[[1,1],[1,1]]", "-b", "[2,2]", "--json"});
    Json k = json_of(a);
    CHECK(k["class"] == "positive semidefinite");
    CHECK(k["rank"] == 1);
    CHECK(k["stationary"] == "affine set of minimizers");
  }
  SECTION("semidefinite with b outside the range: unbounded along the null part of b") {
    auto m = run_numkit({"quad", "minimize", "-A", "[[1,1],[1,1]]", "-b", "[1,-1]", "--json"});
    CHECK(m.exit_code == 1);
    Json j = json_of(m);
    CHECK(j["status"] == "no_minimum");
    const double s = std::sqrt(0.5);
    CHECK(std::abs(j["descent_direction"][0].get<double>() + s) < 1e-15);
    CHECK(std::abs(j["descent_direction"][1].get<double>() - s) < 1e-15);
  }
  SECTION("zero matrix: a constant has every point as minimizer") {
    auto a = run_numkit({"quad", "analyze", "-A", "[[0,0],[0,0]]", "-c", "3", "--json"});
    REQUIRE(a.exit_code == 0);
    Json j = json_of(a);
    CHECK(j["class"] == "zero");
    CHECK(j["set_dimension"] == 2);
    CHECK(j["minimum"] == 3.0);
  }
  SECTION("a non-symmetric A is symmetrized and the result says so") {
    auto m = run_numkit({"quad", "minimize", "-A", "[[3,1],[3,6]]", "-b", "[-2,8]", "--half"});
    REQUIRE(m.exit_code == 0);
    CHECK(m.out.find("symmetrized") != std::string::npos);
    CHECK(m.out.find("(A + Aᵀ)/2") != std::string::npos);
  }
}

TEST_CASE("quad_methods_compare_side_by_side_and_csv_lists_them", "[quad][e2e]") {
  auto r = run_numkit({"quad", "minimize", "-A", "[[3,2],[2,6]]", "-b", "[-2,8]", "--half",
                       "--method", "sd,cg,pcg,newton", "--x0", "[-2,-2]", "--csv"});
  REQUIRE(r.exit_code == 0);
  auto lines = split_lines(r.out);
  REQUIRE(lines.size() == 5);
  CHECK(lines[0] == "n,convention,method,status,iterations,f,relative_residual,x");
  const std::string form = "2,f(x) = 1/2 x'Ax + b'x + c,";
  CHECK(lines[1].rfind(form + "sd,converged,", 0) == 0);
  CHECK(lines[2].rfind(form + "cg,converged,2,", 0) == 0);
  CHECK(lines[3].rfind(form + "pcg-jacobi,converged,", 0) == 0);
  CHECK(lines[4].rfind(form + "newton,converged,1,", 0) == 0);
}

TEST_CASE("quad_trace_streams_one_row_per_iteration_as_csv_or_json_lines", "[quad][e2e]") {
  auto r = run_numkit({"quad", "minimize", "-A", "[[3,2],[2,6]]", "-b", "[-2,8]", "--half",
                       "--method", "sd", "--trace", "-", "--x0", "[-2,-2]", "--tol", "1e-6"});
  REQUIRE(r.exit_code == 0);
  auto lines = split_lines(r.out);
  REQUIRE(lines.size() > 3);
  CHECK(lines[0] == "method,k,f,grad_norm,step");
  CHECK(lines[1].rfind("sd,0,", 0) == 0);
  // f decreases along the trace
  double last = 1e300;
  std::size_t rows = 0;
  for (std::size_t i = 1; i < lines.size() && lines[i].rfind("sd,", 0) == 0; ++i, ++rows) {
    std::vector<std::string> cells;
    std::stringstream ss(lines[i]);
    for (std::string c; std::getline(ss, c, ',');) cells.push_back(c);
    REQUIRE(cells.size() == 5);
    CHECK(std::stol(cells[1]) == static_cast<long>(rows));
    const double f = std::stod(cells[2]);
    CHECK(f <= last);
    last = f;
  }
  CHECK(std::abs(last + 10) < 1e-9);

  auto j = run_numkit({"quad", "minimize", "-A", "[[3,2],[2,6]]", "-b", "[-2,8]", "--half",
                       "--method", "cg", "--trace", "t.jsonl", "--json"});
  REQUIRE(j.exit_code == 0);
  std::ifstream in(j.dir / "t.jsonl");
  std::vector<Json> rows_j;
  for (std::string line; std::getline(in, line);) rows_j.push_back(Json::parse(line));
  REQUIRE(rows_j.size() == 3);  // k = 0, 1, 2
  CHECK(rows_j[2]["k"] == 2);
  CHECK(rows_j[2]["method"] == "cg");
  CHECK(std::abs(rows_j[2]["f"].get<double>() + 10) < 1e-14);
  CHECK(rows_j[2]["grad_norm"].get<double>() < 1e-12);
}

TEST_CASE("quad_plot_draws_contours_with_paths_or_gradient_norms", "[quad][e2e]") {
  auto r = run_numkit({"quad", "minimize", "-A", "[[3,2],[2,6]]", "-b", "[-2,8]", "--half",
                       "--method", "sd,cg", "--x0", "[-2,-2]", "--plot", "paths.svg"});
  REQUIRE(r.exit_code == 0);
  CHECK(std::filesystem::file_size(r.dir / "paths.svg") > 1000);
  auto g = run_numkit({"quad", "minimize", "-A", "[[4,1,0],[1,3,1],[0,1,2]]", "-b", "[1,2,3]",
                       "--method", "sd,cg", "--plot", "-"});
  REQUIRE(g.exit_code == 0);
  CHECK(g.out.find("gradient norm") != std::string::npos);
}

TEST_CASE("quad_generate_writes_a_laplacian_that_cg_and_direct_solve_alike", "[quad][e2e]") {
  auto dir = numkit::test::fresh_dir();
  auto g = run_shell("numkit quad generate laplace2d --n 30 -o lap.mtx --rhs ones.mtx --json", dir);
  REQUIRE(g.exit_code == 0);
  Json j = Json::parse(g.out);
  CHECK(j["n"] == 900);
  CHECK(j["nonzeros"] == 900 * 5 - 4 * 30);
  auto d = run_shell(
      "numkit quad minimize -A lap.mtx -b ones.mtx --half --method direct,cg,pcg --tol 1e-12 "
      "--json",
      dir);
  REQUIRE(d.exit_code == 0);
  Json k = Json::parse(d.out);
  const double f_direct = k["methods"][0]["f"];
  for (int i = 1; i < 3; ++i) {
    CHECK(k["methods"][i]["status"] == "converged");
    CHECK(std::abs(k["methods"][i]["f"].get<double>() - f_direct) <= 1e-12 * std::abs(f_direct));
  }
  auto a = run_shell("numkit quad generate random-spd --n 12 --cond 100 --seed 2 -o s.mtx", dir);
  REQUIRE(a.exit_code == 0);
  auto c = run_shell("numkit quad analyze -A s.mtx --json", dir);
  REQUIRE(c.exit_code == 0);
  CHECK(std::abs(Json::parse(c.out)["condition_number"].get<double>() - 100) < 1e-9);
}

// --generate builds in memory exactly the form that reading quad generate's files gives: the
// whole report is the same, on the dense path, the sparse path (n above the dense cutoff) and for
// minimize in process.
TEST_CASE("quad_generate_in_memory_answers_exactly_as_the_generated_files", "[quad][e2e]") {
  auto dir = numkit::test::fresh_dir();
  struct Case {
    std::string problem, gen_flags;
  };
  for (const Case& c :
       {Case{"laplace2d", "--n 7"}, Case{"laplace2d", "--n 50"}, Case{"laplace3d", "--n 6"},
        Case{"random-spd", "--n 12 --cond 100 --seed 2"}}) {
    INFO(c.problem << " " << c.gen_flags);
    REQUIRE(run_shell("numkit quad generate " + c.problem + " " + c.gen_flags +
                          " -o g.mtx --rhs g_rhs.mtx",
                      dir)
                .exit_code == 0);
    auto from_file = run_shell("numkit quad analyze -A g.mtx -b g_rhs.mtx --half --json", dir);
    auto in_memory = run_shell(
        "numkit quad analyze --generate " + c.problem + " " + c.gen_flags + " --half --json", dir);
    REQUIRE(from_file.exit_code == 0);
    REQUIRE(in_memory.exit_code == 0);
    CHECK(json_of(in_memory) == json_of(from_file));
    const std::string m = " --half --method direct,cg --tol 1e-12 --backend native --json";
    auto min_file = run_shell("numkit quad minimize -A g.mtx -b g_rhs.mtx" + m, dir);
    auto min_memory =
        run_shell("numkit quad minimize --generate " + c.problem + " " + c.gen_flags + m, dir);
    REQUIRE(min_memory.exit_code == 0);
    Json a = json_of(min_file), b = json_of(min_memory);
    for (auto& j : {&a, &b})
      for (auto& row : (*j)["methods"]) row.erase("seconds");
    CHECK(a == b);
  }
  // b from -b replaces the generator's ones; c is added
  auto z = json_of(run_shell(
      "numkit quad analyze --generate laplace2d --n 2 -b \"[0,0,0,0]\" -c 5 --half --json", dir));
  CHECK(z["minimum"] == 5);
}

// MATLAB's and Octave's matrix syntax reads as the JSON and inline forms do
TEST_CASE("quad_reads_matlab_matrices_like_the_json_form", "[quad][e2e]") {
  auto dir = numkit::test::fresh_dir();
  const auto json_form = json_of(
      run_shell("numkit quad analyze -A \"[[3,2],[2,6]]\" -b \"[-2,8]\" --half --json", dir));
  for (const char* matlab :
       {"-A \"[3 2; 2 6]\" -b \"[-2 8]\"", "-A \"[3, 2; 2, 6]\" -b \"[-2; 8]\"",
        "-A \" [3 2\n 2 6] \" -b \"-2 8\""}) {
    INFO(matlab);
    CHECK(json_of(run_shell(std::string("numkit quad analyze ") + matlab + " --half --json",
                            dir)) == json_form);
  }
  auto bad = run_shell("numkit quad analyze -A \"[3 2; 2]\"", dir);
  CHECK(bad.exit_code == 2);
  CHECK(bad.err.find("row 2 has 1 entries but row 1") != std::string::npos);
}

TEST_CASE("quad_warns_about_ill_conditioned_input", "[quad][e2e]") {
  auto dir = numkit::test::fresh_dir();
  std::string hilbert;
  for (int i = 1; i <= 12; ++i) {
    for (int j = 1; j <= 12; ++j) {
      std::ostringstream v;
      v.precision(17);
      v << 1.0 / (i + j - 1);
      hilbert += (j > 1 ? "," : "") + v.str();
    }
    hilbert += "\n";
  }
  write_file(dir, "h12.csv", hilbert);
  auto m = run_shell("numkit quad minimize -A h12.csv -b \"[1,1,1,1,1,1,1,1,1,1,1,1]\"", dir);
  REQUIRE(m.exit_code == 0);
  CHECK(m.err.find("warning") != std::string::npos);
  auto g = run_shell(
      "numkit quad generate random-spd --n 10 --cond 1e12 -o c.mtx && "
      "numkit quad minimize -A c.mtx -b \"[1,1,1,1,1,1,1,1,1,1]\"",
      dir);
  REQUIRE(g.exit_code == 0);
  CHECK(g.err.find("ill-conditioned") != std::string::npos);
}

TEST_CASE("quad_refuses_bad_input_with_one_line_and_exit_2", "[quad][e2e]") {
  auto dir = numkit::test::fresh_dir();
  write_file(dir, "ns.csv", "1,2,3\n4,5,6\n");
  write_file(dir, "nan.csv", "1,nan\nnan,1\n");
  write_file(dir, "inf.csv", "1,0\n0,inf\n");
  write_file(dir, "empty.csv", "");
  write_file(dir, "lie.mtx",
             "%%MatrixMarket matrix coordinate real general\n3 3 4\n1 1 1\n2 2 1\n3 3 1\n");
  write_file(dir, "big.mtx",
             "%%MatrixMarket matrix coordinate real general\n2 2 2\n1 1 1\n3 3 1\n");
  struct Bad {
    std::string cmd, needle;
  };
  const std::vector<Bad> cases = {
      {"quad analyze -A ns.csv", "square"},
      {"quad minimize -A \"[[1,2],[2,1]]\" -b \"[1,2,3]\"", "-b has 3 entries"},
      {"quad analyze -A nan.csv", "nan"},
      {"quad analyze -A inf.csv", "inf"},
      {"quad analyze -A \"[[1,0],[0,1]]\" -b \"[1,nan]\"", "nan"},
      {"quad analyze -A empty.csv", "empty"},
      {"quad analyze -A lie.mtx", "lie.mtx"},
      {"quad analyze -A big.mtx", "big.mtx"},
      {"quad analyze --expr \"x^3+y\"", "degree"},
      {"quad analyze --expr \"x*y*z\"", "degree"},
      {"quad minimize --expr \"sin(x)\"", "not a polynomial"},
      {"quad minimize -A \"[[2,0],[0,2]]\" --method gd --lr 0", "--lr: must be finite and > 0"},
      {"quad minimize -A \"[[2,0],[0,2]]\" --method gd --lr -1", "--lr: must be finite and > 0"},
      {"quad minimize -A \"[[2,0],[0,2]]\" --method gd", "--lr: required"},
      {"quad minimize -A \"[[2,0],[0,2]]\" --lr 0.1", "--lr: only with --method gd"},
      {"quad minimize -A \"[[2,0],[0,2]]\" --tol 0", "--tol: must be finite and > 0"},
      {"quad minimize -A \"[[2,0],[0,2]]\" --tol -1", "--tol: must be finite and > 0"},
      {"quad minimize -A \"[[2,0],[0,2]]\" --method foo", "--method: unknown method"},
      {"quad minimize -A \"[[2,0],[0,2]]\" --method pcg --precond bar", "--precond"},
      {"quad minimize -A \"[[2,0],[0,2]]\" --x0 \"[1,2,3]\" --method cg", "--x0: has 3 entries"},
      {"quad minimize -A \"[[2,0],[0,2]]\" --max-iter -3 --method cg", "--max-iter"},
      {"quad minimize --expr \"x^2\" --half", "--half: cannot be combined with --expr"},
      {"quad minimize --expr \"x^2\" -A \"[[1]]\"", "--expr: cannot be combined"},
      {"quad minimize", "give the matrix"},
      {"quad analyze -A \"[[1,0],[0,1]]\" --rank-tol 2", "--rank-tol"},
      {"quad generate foo --n 3", "unknown problem"},
      {"quad generate laplace2d --n 0", "--n: must be"},
      {"quad generate random-spd --n 4 --cond 0.5", "--cond"},
      {"quad generate laplace2d --n 3 --cond 10", "--cond, --seed: only for random-spd"},
      {"quad analyze --generate foo --n 3", "--generate: unknown problem \"foo\""},
      {"quad analyze --generate laplace2d", "--generate: needs --n N"},
      {"quad analyze --generate laplace2d --n 0", "--n: must be between 1 and"},
      {"quad analyze --generate laplace3d --n 5000", "--n: must be between 1 and 1000"},
      {"quad analyze -A \"[[1]]\" --n 3", "--n, --cond, --seed: only with --generate"},
      {"quad analyze --generate laplace2d --n 3 -A \"[[1]]\"", "cannot be combined with -A"},
      {"quad analyze --generate laplace2d --n 3 --seed 4", "only with --generate random-spd"},
      {"quad analyze --generate laplace2d --n 3 -b \"[1,2]\"", "-b"},
      {"quad analyze --generate random-spd --n 4 --cond 0.5", "--cond"},
      {"quad minimize --generate laplace2d --n 3 --backend native --vars x", "--vars"},
      {"quad minimize -A \"[[1]]\" --seed 3", "--n, --cond, --seed: only with --generate"},
  };
  for (const auto& c : cases) {
    auto r = run_shell("numkit " + c.cmd, dir);
    INFO(c.cmd << "\nstdout: " << r.out << "\nstderr: " << r.err);
    CHECK(r.exit_code == 2);
    CHECK(r.err.find(c.needle) != std::string::npos);
    CHECK(r.out.empty());
  }
}

TEST_CASE("quad_help_examples_all_exit_0", "[quad][e2e]") {
  for (std::string sub : {"analyze", "minimize", "generate"}) {
    auto h = run_numkit({"quad", sub, "--help"});
    REQUIRE(h.exit_code == 0);
    auto pos = h.out.find("Examples:");
    REQUIRE(pos != std::string::npos);
    auto dir = numkit::test::fresh_dir();
    int count = 0;
    for (const auto& line : split_lines(h.out.substr(pos))) {
      if (line.rfind("  numkit ", 0) != 0) continue;
      auto r = run_shell(line.substr(2), dir);
      INFO(line << "\n" << r.err);
      CHECK(r.exit_code == 0);
      ++count;
    }
    CHECK(count >= 3);
  }
}

TEST_CASE("quad_cli_refuses_stdin_for_both_the_matrix_and_the_vector", "[e2e][quad]") {
  auto r = run_numkit({"quad", "minimize", "-A", "-", "-b", "-"}, "[[2,0],[0,2]]\n[1,1]\n");
  CHECK(r.exit_code == 2);
  CHECK(r.out.empty());
  CHECK(r.err == "numkit: -A and -b: only one input can be - (stdin); give the other as a file\n");
}

// --trace - --json is JSON Lines throughout: the rows, then the summary as the last line, so one
// json.loads per line reads it (quad minimize and numkit minimize alike).
TEST_CASE("trace_on_stdout_with_json_is_one_json_value_per_line", "[quad][e2e]") {
  auto dir = numkit::test::fresh_dir();
  for (const std::string cmd :
       {"numkit quad minimize -A \"[[3,2],[2,6]]\" -b \"[-2,8]\" --half --method cg,sd "
        "--x0 \"[-2,-2]\" --trace - --json",
        "numkit minimize \"(1-x)^2+100*(y-x^2)^2\" --x0 -1,1 --trace - --json"}) {
    INFO(cmd);
    auto r = run_shell(cmd, dir);
    REQUIRE(r.exit_code == 0);
    const auto lines = split_lines(r.out);
    REQUIRE(lines.size() > 3);
    for (const auto& line : lines) CHECK_NOTHROW(Json::parse(line));
    const Json summary = Json::parse(lines.back());
    CHECK((summary.contains("status") || summary.contains("methods")));
  }
  // to a file, stdout keeps the indented document
  auto f = run_shell(
      "numkit quad minimize -A \"[[3,2],[2,6]]\" -b \"[-2,8]\" --method cg --trace t.jsonl --json",
      dir);
  REQUIRE(f.exit_code == 0);
  CHECK(f.out.rfind("{\n", 0) == 0);
}
