// End-to-end: numkit grad / hessian / minimize run as a user would, for normal use and for every
// documented bad input (exit code 2 and the message).
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "e2e.hpp"

using numkit::test::expect_input_error;
using numkit::test::run_json;
using numkit::test::run_numkit;
using Json = nlohmann::json;

TEST_CASE("grad_prints_value_gradient_norm_and_steepest_ascent", "[e2e][calculus]") {
  const Json j = run_json({"grad", "x^2+y^2", "--at", "1,2"});
  CHECK(j["variables"] == Json::array({"x", "y"}));
  CHECK(j["value"] == 5.0);
  CHECK(j["gradient"] == Json::array({2.0, 4.0}));
  CHECK(j["gradient_norm"].get<double>() == std::sqrt(20.0));
  CHECK(j["steepest_ascent"][0].get<double>() == 2 / std::sqrt(20.0));
  CHECK(!j.contains("directional_derivative"));
}

TEST_CASE("grad_dir_prints_the_unit_directional_derivative_and_the_raw_product",
          "[e2e][calculus]") {
  const Json j = run_json({"grad", "x^2+y^2", "--at", "1,2", "--dir", "3,4"});
  CHECK(j["directional_derivative"] == 4.4);
  CHECK(j["raw_gradient_dot_v"] == 22.0);
  CHECK(j["unit_direction"] == Json::array({0.6, 0.8}));
  CHECK(run_json({"grad", "x^2+y^2", "--at", "1,2", "--dir", "1,0"})["directional_derivative"] ==
        2.0);
  // the table labels both numbers
  const auto r = run_numkit({"grad", "x^2+y^2", "--at", "1,2", "--dir", "3,4"});
  CHECK(r.exit_code == 0);
  CHECK(r.out.find("directional derivative") != std::string::npos);
  CHECK(r.out.find("4.4") != std::string::npos);
  CHECK(r.out.find("raw gradient dot v") != std::string::npos);
  CHECK(r.out.find("22") != std::string::npos);
}

TEST_CASE("grad_accepts_named_points_constants_vars_and_stdin", "[e2e][calculus]") {
  const Json j = run_json({"grad", "x*exp(-y)", "--at", "y=0,x=2", "--vars", "y,x"});
  CHECK(j["variables"] == Json::array({"y", "x"}));
  CHECK(j["gradient"] == Json::array({-2.0, 1.0}));
  const auto r = run_numkit({"grad", "-", "--at", "pi/2", "--json"}, "sin(t)\n");
  REQUIRE(r.exit_code == 0);
  const Json k = Json::parse(r.out);
  CHECK(k["value"] == 1.0);
  CHECK(std::abs(k["gradient"][0].get<double>()) < 1e-16);
  // a critical point has no steepest ascent direction
  CHECK(run_json({"grad", "x^2+y^2", "--at", "0,0"})["steepest_ascent"].is_null());
}

// A point is read the same way as every other vector: "1 2", MATLAB's [1 -2], NumPy's savetxt
// layout (one number per line) from @FILE or stdin; spaces inside an expression stay one value.
TEST_CASE("grad_reads_points_separated_by_blanks_lines_or_commas", "[e2e][calculus]") {
  const Json spaced = run_json({"grad", "x^2+y^2", "--at", "1 -2"});
  CHECK(spaced["point"] == Json::array({1.0, -2.0}));
  CHECK(spaced["gradient"] == Json::array({2.0, -4.0}));
  CHECK(run_json({"grad", "x^2+y^2", "--at", "[1 -2]"})["point"] == Json::array({1.0, -2.0}));
  const auto dir = numkit::test::fresh_dir();
  const auto path = numkit::test::write_file(dir, "x0.txt", "1.000000000000000000e+00\n-2.5e+00\n");
  CHECK(run_json({"grad", "x^2+y^2", "--at", "@" + path.string()})["point"] ==
        Json::array({1.0, -2.5}));
  CHECK(run_json({"grad", "x^2+y^2", "--at", "-"}, 0, "3\n4\n")["gradient"] ==
        Json::array({6.0, 8.0}));
  CHECK(run_json({"grad", "x^2+y^2", "--at", "x=1 y=3"})["point"] == Json::array({1.0, 3.0}));
  // "pi / 2" is an expression, not three values
  CHECK(std::abs(run_json({"grad", "sin(t)", "--at", "pi / 2"})["value"].get<double>() - 1) <
        1e-15);
  expect_input_error({"grad", "x^2+y^2", "--at", "1 2 3"}, "--at: expected 2 values (x, y), got 3");
}

// The default variable order is by name (x2 before x10), never how the expression is written,
// and the table echoes the point with its names.
TEST_CASE("grad_orders_variables_by_name_and_echoes_the_named_point", "[e2e][calculus]") {
  const Json j = run_json({"grad", "z^2+y*x", "--at", "1,2,3"});
  CHECK(j["variables"] == Json::array({"x", "y", "z"}));
  CHECK(j["gradient"] == Json::array({2.0, 1.0, 6.0}));
  CHECK(run_json({"grad", "x10+x2", "--at", "1,2"})["variables"] == Json::array({"x2", "x10"}));
  const auto r = run_numkit({"hessian", "y^2*x", "--at", "3,4"});
  REQUIRE(r.exit_code == 0);
  CHECK(r.out.find("at x=3, y=4") != std::string::npos);
}

TEST_CASE("grad_from_a_file_with_at_sign", "[e2e][calculus]") {
  const auto dir = numkit::test::fresh_dir();
  const auto path = numkit::test::write_file(dir, "f.txt", "x^3 + y\n");
  const Json j = run_json({"grad", "@" + path.string(), "--at", "2,5"});
  CHECK(j["gradient"] == Json::array({12.0, 1.0}));
}

TEST_CASE("grad_check_agrees_with_richardson_differences", "[e2e][calculus]") {
  const Json j = run_json({"grad", "x*exp(-y)+sin(x*y)", "--at", "0.7,0.3", "--check"});
  CHECK(j["check"]["max_abs_difference"].get<double>() < 1e-9);
  const Json h = run_json({"hessian", "x*exp(-y)+sin(x*y)", "--at", "0.7,0.3", "--check"});
  CHECK(h["check"]["max_abs_difference"].get<double>() < 1e-6);
}

TEST_CASE("grad_plot_writes_a_file_for_two_variables", "[e2e][calculus]") {
  const auto r = run_numkit({"grad", "x^2+y^2", "--at", "1,2", "--dir", "3,4", "--plot", "g.svg"});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(std::filesystem::file_size(r.dir / "g.svg") > 1000);
  expect_input_error({"grad", "x^2+y^2+z", "--at", "1,2,3", "--plot", "g.svg"},
                     "--plot: needs exactly 2 variables, the expression has 3");
}

TEST_CASE("hessian_classifies_critical_points", "[e2e][calculus]") {
  const Json s = run_json({"hessian", "x^2-y^2", "--at", "0,0"});
  CHECK(s["hessian"] == Json::array({Json::array({2.0, 0.0}), Json::array({0.0, -2.0})}));
  CHECK(s["eigenvalues"] == Json::array({-2.0, 2.0}));
  CHECK(s["critical_point"] == "saddle");
  CHECK(run_json({"hessian", "(1-x)^2+100*(y-x^2)^2", "--at", "1,1", "--vars",
                  "x,y"})["critical_point"] == "minimum");
  CHECK(run_json({"hessian", "-x^2-y^2", "--at", "0,0"})["critical_point"] == "maximum");
  CHECK(run_json({"hessian", "x^4+y^2", "--at", "0,0"})["critical_point"] == "degenerate");
  const Json n = run_json({"hessian", "x^2+y^2", "--at", "1,2"});
  CHECK(n["critical_point"] == "not a critical point");
  CHECK(n["definiteness"] == "positive definite");
}

TEST_CASE("minimize_rosenbrock_converges_by_lbfgs_and_newton", "[e2e][calculus]") {
  for (const char* m : {"lbfgs", "newton", "cg"}) {
    INFO(m);
    const Json j = run_json({"minimize", "(1-x)^2+100*(y-x^2)^2", "--x0=-1.2,1", "--method", m});
    CHECK(j["status"] == "converged");
    CHECK(std::abs(j["minimizer"][0].get<double>() - 1) < 1e-7);
    CHECK(std::abs(j["minimizer"][1].get<double>() - 1) < 1e-7);
  }
}

TEST_CASE("minimize_matches_the_quadratic_module_on_a_convex_quadratic", "[e2e][calculus]") {
  const std::string f = "3*x^2+2*x*y+6*y^2-x+y";  // exact minimizer (7/34, -2/17)
  const Json q = run_json({"quad", "minimize", "--expr", f});
  for (const char* m : {"newton", "lbfgs", "cg"}) {
    INFO(m);
    const Json j = run_json({"minimize", f, "--x0", "0,0", "--method", m});
    CHECK(j["status"] == "converged");
    for (int i = 0; i < 2; ++i)
      CHECK(std::abs(j["minimizer"][i].get<double>() - q["minimizer"][i].get<double>()) < 1e-9);
    CHECK(std::abs(j["value"].get<double>() - q["minimum"].get<double>()) < 1e-15);
  }
  CHECK(std::abs(q["minimizer"][0].get<double>() - 7.0 / 34) < 1e-16);
}

TEST_CASE("minimize_compares_several_methods_side_by_side", "[e2e][calculus]") {
  const Json j =
      run_json({"minimize", "(1-x)^2+100*(y-x^2)^2", "--x0=-1.2,1", "--method", "lbfgs,newton,cg"});
  REQUIRE(j["runs"].size() == 3);
  CHECK(j["runs"][0]["method"] == "lbfgs");
  CHECK(j["runs"][1]["method"] == "newton");
  for (const auto& run : j["runs"]) {
    CHECK(run["status"] == "converged");
    CHECK(std::abs(run["x"].get<double>() - 1) < 1e-7);
    CHECK(std::abs(run["y"].get<double>() - 1) < 1e-7);
  }
  const auto csv =
      run_numkit({"minimize", "x^2+y^2", "--x0", "1,1", "--method", "lbfgs,newton", "--csv"});
  REQUIRE(csv.exit_code == 0);
  CHECK(csv.out.rfind("expression,variables[0],variables[1],x0[0],x0[1],method,status,x,y,value,"
                      "gradient_norm,iterations,evaluations\nx^2+y^2,x,y,1,1,lbfgs,converged,",
                      0) == 0);
  const auto trace = run_numkit(
      {"minimize", "x^2+y^2", "--x0", "1,1", "--method", "lbfgs,cg", "--trace", "t.csv"});
  REQUIRE(trace.exit_code == 0);
  std::ifstream in(trace.dir / "t.csv");
  std::string header;
  std::getline(in, header);
  CHECK(header == "method,k,x,y,f,grad_norm,step,evaluations");
  // one run that does not converge makes the exit code 1
  CHECK(run_json({"minimize", "(1-x)^2+100*(y-x^2)^2", "--x0=-1.2,1", "--method", "newton,gd",
                  "--max-iter", "50"},
                 1)["runs"][1]["status"] == "max_iterations");
  expect_input_error({"minimize", "x^2", "--x0", "1", "--method", "lbfgs,lbfgs"},
                     "--method: lbfgs is listed twice");
  const auto plot = run_numkit({"minimize", "(1-x)^2+100*(y-x^2)^2", "--x0=-1.2,1", "--method",
                                "lbfgs,newton", "--plot", "p.png"});
  REQUIRE(plot.exit_code == 0);
  CHECK(std::filesystem::file_size(plot.dir / "p.png") > 1000);
}

TEST_CASE("minimize_reports_non_convergence_with_exit_1", "[e2e][calculus]") {
  const Json j = run_json({"minimize", "(1-x)^2+100*(y-x^2)^2", "--x0", "x=-1.2,y=1", "--method",
                           "gd", "--max-iter", "100"},
                          1);
  CHECK(j["status"] == "max_iterations");
  CHECK(j["iterations"] == 100);
  const Json s = run_json({"minimize", "x^4/4-x^2/2+y^2/2", "--x0", "0,0.5"}, 1);
  CHECK(s["status"] == "saddle_point");
  const Json n = run_json({"minimize", "x^4/4-x^2/2+y^2/2", "--x0", "0,0.5", "--method", "newton"});
  CHECK(n["status"] == "converged");
  CHECK(run_json({"minimize", "x-y^2", "--x0", "0,1"}, 1)["status"] == "diverged");
}

TEST_CASE("minimize_max_iter_0_reports_the_start_and_negative_is_refused", "[e2e][calculus]") {
  const Json j = run_json({"minimize", "x^2+y^2", "--x0", "1,2", "--max-iter", "0"}, 1);
  CHECK(j["status"] == "max_iterations");
  CHECK(j["iterations"] == 0);
  CHECK(j["last_iterate"] == Json::array({1, 2}));  // not called a minimizer
  CHECK(!j.contains("minimizer"));
  CHECK(j["value"] == 5);
  CHECK(run_json({"minimize", "x^2+y^2", "--x0", "0,0", "--max-iter", "0"})["status"] ==
        "converged");
  expect_input_error({"minimize", "x^2+y^2", "--x0", "1,2", "--max-iter", "-1"},
                     "--max-iter: must be >= 0, got -1");
}

TEST_CASE("quad_minimize_max_iter_0_reports_the_start_and_negative_is_refused", "[e2e][calculus]") {
  const Json j = run_json(
      {"quad", "minimize", "-A", "4 1; 1 3", "-b", "1,2", "--method", "cg", "--max-iter", "0"}, 1);
  CHECK(j["status"] == "max_iterations");
  expect_input_error(
      {"quad", "minimize", "-A", "4 1; 1 3", "-b", "1,2", "--method", "cg", "--max-iter", "-1"},
      "--max-iter: must be >= 0, got -1");
}

TEST_CASE("minimize_trace_streams_csv_and_json_lines", "[e2e][calculus]") {
  const auto r =
      run_numkit({"minimize", "x^2+3*y^2", "--x0", "1,1", "--trace", "t.csv", "--method", "cg"});
  REQUIRE(r.exit_code == 0);
  std::ifstream in(r.dir / "t.csv");
  std::string header;
  std::getline(in, header);
  CHECK(header == "k,x,y,f,grad_norm,step,evaluations");
  std::string first;
  std::getline(in, first);
  CHECK(first.rfind("0,1,1,4,", 0) == 0);
  const auto jl = run_numkit({"minimize", "x^2+3*y^2", "--x0", "1,1", "--trace", "-", "--json"});
  REQUIRE(jl.exit_code == 0);
  std::istringstream lines(jl.out);
  std::string line;
  std::getline(lines, line);
  const Json row = Json::parse(line);
  CHECK(row["k"] == 0);
  CHECK(row["f"] == 4.0);
  const auto p = run_numkit({"minimize", "x^2+3*y^2", "--x0", "1,1", "--plot", "p.svg"});
  REQUIRE(p.exit_code == 0);
  CHECK(std::filesystem::exists(p.dir / "p.svg"));
  const auto p3 = run_numkit({"minimize", "x^2+3*y^2+z^2", "--x0", "1,1,1", "--plot", "p.svg"});
  REQUIRE(p3.exit_code == 0);
  CHECK(std::filesystem::exists(p3.dir / "p.svg"));
}

TEST_CASE("bad_inputs_exit_2_with_a_message", "[e2e][calculus]") {
  expect_input_error({"grad", "x^2+", "--at", "1"}, "expression, column 5: expected a number");
  expect_input_error({"grad", "sn(x)", "--at", "1"},
                     "unknown function \"sn\" (did you mean \"sin\"?)");
  expect_input_error({"grad", "x^2+y^2", "--at", "1"}, "--at: expected 2 values (x, y), got 1");
  expect_input_error({"grad", "x^2+y^2", "--at", "1,2", "--dir", "0,0"},
                     "--dir: the zero vector has no direction");
  expect_input_error({"grad", "log(x)", "--at", "0"},
                     "log(x): argument must be > 0, got 0, at x=0");
  expect_input_error({"grad", "sqrt(x)", "--at", "-1"},
                     "sqrt(x): argument must be >= 0, got -1, at x=-1");
  expect_input_error({"grad", "1/x", "--at", "0"}, "1/x: division by zero, at x=0");
  expect_input_error({"grad", "abs(x)", "--at", "0"},
                     "abs(x): not differentiable where its argument is 0, at x=0");
  expect_input_error({"grad", "asin(x)", "--at", "2"},
                     "asin(x): argument must be in [-1, 1], got 2, at x=2");
  expect_input_error({"grad", "(-x)^0.5", "--at", "1"},
                     "(-x)^0.5: negative base -1 with the non-integer exponent 0.5, at x=1");
  expect_input_error({"grad", "exp(x)", "--at", "1000"},
                     "exp(x): the result is not finite (overflow), got inf, at x=1000");
  expect_input_error(
      {"grad", "max(x,y)", "--at", "1,1"},
      "max(x,y): not differentiable where its arguments are equal (1) with different derivatives");
  expect_input_error({"hessian", "x^1.5", "--at", "0"},
                     "x^1.5: not twice differentiable where the base is 0");
  expect_input_error({"hessian", "sqrt(x^2+y^2)", "--at", "0,0"},
                     "sqrt(x^2+y^2): not differentiable where its argument is 0, at x=0, y=0");
  expect_input_error({"grad", "x+y", "--at", "1,2", "--vars", "x"},
                     "unknown variable \"y\" (the variables are x)");
  expect_input_error({"grad", "x+y", "--at", "1,2", "--vars", "x,pi"},
                     "--vars: \"pi\" is a constant");
  expect_input_error({"grad", "x", "--at", "z=1"},
                     "--at: \"z\" is not a variable of the expression (x)");
  expect_input_error({"grad", "2+3", "--at", "1"}, "has no variables");
  expect_input_error({"grad", "-", "--at", "1"}, "EXPR: empty expression", "");
  expect_input_error({"grad", "@/nonexistent/f.txt", "--at", "1"}, "/nonexistent/f.txt");
  expect_input_error({"minimize", "x^2", "--x0", "1", "--method", "bfgs"},
                     "--method: unknown method \"bfgs\"");
  expect_input_error({"minimize", "x^2", "--x0", "1", "--gtol", "0"},
                     "--gtol: must be finite and > 0, got 0");
  expect_input_error({"minimize", "x^2", "--x0", "1", "--step", "-1"},
                     "--step: must be finite and > 0, got -1");
  expect_input_error({"minimize", "x^2", "--x0", "1", "--memory", "0"},
                     "--memory: must be in 1..1000, got 0");
  expect_input_error({"minimize", "log(x)", "--x0", "-1"},
                     "log(x): argument must be > 0, got -1, at x=-1");
  expect_input_error({"minimize", "x^2", "--x0", "1", "--trace", "/nonexistent/t.csv"},
                     "--trace /nonexistent/t.csv");
  expect_input_error({"grad", "x^2", "--at", "1", "--dri", "3"}, "unexpected argument \"--dri\"");
  expect_input_error({"grad", "--at", "1"}, "grad: missing EXPR");
  const auto missing = run_numkit({"grad", "x^2"});
  CHECK(missing.exit_code == 2);
  CHECK(missing.err.find("--at") != std::string::npos);
}

// One vocabulary with quad minimize: the fixed gd step is --step or --lr in both, and a run that
// stops early says why in "reason".
TEST_CASE("minimize_and_quad_minimize_share_step_names_and_reason", "[e2e][calculus]") {
  const Json a = run_json(
      {"minimize", "x-log(x)", "--x0", "3", "--method", "gd", "--lr", "0.5", "--max-iter", "3"}, 1);
  CHECK(a["status"] == "max_iterations");
  CHECK(a["reason"] == "iteration limit 3 reached");
  const Json b = run_json({"quad", "minimize", "-A", "[[2]]", "--method", "gd", "--step", "0.1"});
  CHECK(b["status"] == "converged");
  const Json c = run_json({"quad", "minimize", "-A", "[[2]]", "--method", "gd", "--lr", "0.1"});
  CHECK(c["minimizer"] == b["minimizer"]);
}

TEST_CASE("grad_points_streams_a_row_per_point_from_stdin_or_a_file", "[e2e][calculus]") {
  // ∇(x²+y²) = (2x, 2y): exact; along v = (3,4) at (1,2) the derivative is 22/5
  const auto r = run_numkit({"grad", "x^2+y^2", "--points", "-", "--dir", "3,4", "--csv"},
                            "1 2\n# a comment\n\n3,4\n");
  REQUIRE(r.exit_code == 0);
  CHECK(r.out ==
        "x,y,value,grad_x,grad_y,gradient_norm,directional_derivative\n"
        "1,2,5,2,4,4.47213595499958,4.4\n3,4,25,6,8,10,10\n");  // (6·3 + 8·4)/5 = 10
  const auto dir = numkit::test::fresh_dir();
  numkit::test::write_file(dir, "pts.txt", "1.000000000000000000e+00 2.000000000000000000e+00\n");
  const auto f = numkit::test::run_shell("numkit grad \"x^2+y^2\" --points pts.txt --json", dir);
  REQUIRE(f.exit_code == 0);
  CHECK(Json::parse(f.out)["grad_y"] == 4.0);
  // a bad line names its source and line; --at and --points exclude each other
  const auto bad = run_numkit({"grad", "x^2+y^2", "--points", "-"}, "1 2\n1 2 3\n");
  CHECK(bad.exit_code == 2);
  CHECK(bad.err == "numkit: stdin:2: expected 2 values (x, y), got 3\n");
  CHECK(run_numkit({"grad", "x^2+y^2", "--at", "1,2", "--points", "-"}).exit_code == 2);
  CHECK(run_numkit({"grad", "x^2+y^2"}).err ==
        "numkit: --at POINT or --points FILE: neither was given\n");
  CHECK(run_numkit({"grad", "x^2", "--points", "-", "--check"}, "1\n").exit_code == 2);
}

TEST_CASE("hessian_points_gives_each_point_its_hessian_and_class", "[e2e][calculus]") {
  const auto r = run_numkit({"hessian", "x^2-y^2", "--points", "-", "--csv"}, "0 0\n1 1\n");
  REQUIRE(r.exit_code == 0);
  CHECK(r.out ==
        "x,y,value,grad_x,grad_y,h_x_x,h_x_y,h_y_y,definiteness,critical_point\n"
        "0,0,0,0,0,2,0,-2,indefinite,saddle\n"
        "1,1,0,2,-2,2,0,-2,indefinite,not a critical point\n");
}
