// End-to-end: the numeric edges of issue 10 (classes 3, 4, 5 and 7), run as a user would: huge
// Poisson means, expression sizes, overflow in intermediate steps, and stationary points that
// are not minima. Each answer is either right (checked against a closed form) or a status or
// message that says why not.
#include <catch2/catch.hpp>
#include <cmath>
#include <string>
#include <vector>

#include "e2e.hpp"
#include "run_numkit.hpp"

using numkit::test::expect_input_error;
using numkit::test::run_json;
using numkit::test::run_numkit;

namespace {

std::string sum_of_squares(int n) {
  std::string text;
  for (int i = 0; i < n; ++i) text += (i ? "+x" : "x") + std::to_string(i) + "^2";
  return text;
}

std::string ones(int n) {
  std::string s;
  for (int i = 0; i < n; ++i) s += i ? ",1" : "1";
  return s;
}

}  // namespace

// ---- class 7: stationary points that are not minima ---------------------------------------------

TEST_CASE("minimize_x_cubed_is_not_reported_as_a_minimum", "[e2e][edge]") {
  for (const char* method : {"lbfgs", "newton", "cg", "gd"}) {
    INFO(method);
    const auto r = run_numkit({"minimize", "x^3", "--x0", "1", "--method", method, "--json"});
    INFO(r.out << r.err);
    CHECK(r.exit_code == 1);
    CHECK(r.out.find("\"converged\"") == std::string::npos);
  }
}

TEST_CASE("minimize_reports_a_saddle_with_its_status_and_exit_1", "[e2e][edge]") {
  const auto j = run_json({"minimize", "x^2-y^2", "--x0", "1,0"}, 1);
  CHECK(j["status"] == "saddle_point");
}

TEST_CASE("minimize_still_converges_on_a_true_minimum", "[e2e][edge]") {
  const auto j = run_json({"minimize", "(x-1)^2+(y+2)^2", "--x0", "0,0"});
  CHECK(j["status"] == "converged");
}

// ---- class 4: expression memory and limits ----------------------------------------------------

TEST_CASE("gradient_of_a_sum_of_10000_squares_runs_in_small_memory", "[e2e][edge]") {
  const auto j = run_json({"grad", sum_of_squares(10000), "--at", ones(10000)});
  REQUIRE(j["gradient"].size() == 10000);
  CHECK(j["gradient"][0] == 2.0);
  CHECK(j["gradient"][9999] == 2.0);
  CHECK(j["value"] == 10000.0);
}

TEST_CASE("hessian_beyond_2000_variables_says_the_limit", "[e2e][edge]") {
  expect_input_error({"hessian", sum_of_squares(2001), "--at", ones(2001)}, "at most 2000");
}

// (the node limit, 10^6, is beyond what one command-line argument can hold, 128 KB: it is pinned
// by tests/unit/expr_memory_test.cpp)

// ---- class 5: overflow in intermediate steps ------------------------------------------------

TEST_CASE("fp_sum_is_exact_when_the_running_sum_overflows", "[e2e][edge]") {
  const auto j = run_json({"fp", "sum", "--values", "1e308,1e308,-1e308", "--format", "fp64"});
  CHECK(j["exact_sum_of_inputs"] == 1e308);
  CHECK(j["exact_sum_in_format"] == 1e308);
}

TEST_CASE("quad_analyze_of_entries_near_the_largest_double_has_finite_eigenvalues", "[e2e][edge]") {
  const auto j =
      run_json({"quad", "analyze", "-A", "[[1e308,1.5e308],[1.4e308,-1e308]]", "--half"});
  INFO(j.dump());
  for (const auto& v : j["eigenvalues"]) CHECK(v.is_number());
  const auto r = run_numkit({"quad", "analyze", "-A", "[[1e308,0],[0,1]]"});
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("overflows") != std::string::npos);
}

TEST_CASE("quad_minimize_from_a_start_point_whose_gradient_overflows_says_so", "[e2e][edge]") {
  for (const char* method : {"cg", "sd", "newton"}) {
    INFO(method);
    expect_input_error({"quad", "minimize", "-A", "[[3,2],[2,6]]", "-b", "[-2,8]", "--half",
                        "--method", method, "--x0", "1e308,1e308"},
                       "overflows at the start point");
  }
  // f(x0) overflowing is refused the same way: the curvatures pᵀAp would overflow
  expect_input_error({"quad", "minimize", "-A", "[[3,2],[2,6]]", "-b", "[-2,8]", "--half",
                      "--method", "cg", "--x0", "1e300,1e300"},
                     "f(x0) overflows at the start point");
}

TEST_CASE("quad_minimize_from_a_far_start_point_finds_the_minimizer", "[e2e][edge]") {
  // From 1e150 the first step loses b entirely (A x0 + b rounds to A x0): a direct or Newton
  // solve must keep refining, and the iterations must not overflow; the answer is (2, -2).
  for (const char* method : {"direct", "newton", "cg", "pcg", "sd"})
    for (const char* x0 : {"1e150,-1e150", "1e100,1e100", "-3e20,7e19"}) {
      INFO(method << " from " << x0);
      const auto r = run_numkit({"quad", "minimize", "-A", "[[3,2],[2,6]]", "-b", "[-2,8]",
                                 "--half", "--method", method, "--x0", x0, "--json"});
      INFO(r.out << r.err);
      REQUIRE(r.exit_code == 0);
      const auto j = nlohmann::json::parse(r.out);
      CHECK(j["status"] == "converged");
      CHECK(std::abs(j["minimizer"][0].get<double>() - 2) < 1e-8);
      CHECK(std::abs(j["minimizer"][1].get<double>() + 2) < 1e-8);
    }
  // The same form as a sparse Matrix Market file: the sparse CG kernel.
  const auto mtx = numkit::test::write_file(
      numkit::test::fresh_dir(), "A.mtx",
      "%%MatrixMarket matrix coordinate real symmetric\n2 2 3\n1 1 3\n2 1 2\n2 2 6\n");
  for (const char* method : {"cg", "pcg"})
    for (const char* x0 : {"1e150,-1e150", "1e100,1e100"}) {
      INFO("sparse " << method << " from " << x0);
      const auto r = run_numkit({"quad", "minimize", "-A", mtx.string(), "-b", "[-2,8]", "--half",
                                 "--method", method, "--x0", x0, "--json"});
      INFO(r.out << r.err);
      REQUIRE(r.exit_code == 0);
      const auto j = nlohmann::json::parse(r.out);
      CHECK(std::abs(j["minimizer"][0].get<double>() - 2) < 1e-8);
      CHECK(std::abs(j["minimizer"][1].get<double>() + 2) < 1e-8);
    }
}

// ---- class 3: Poisson means beyond 2^53 -------------------------------------------------------

TEST_CASE("poisson_probabilities_answer_at_means_beyond_2_to_the_53", "[e2e][edge]") {
  const auto j = run_json({"poisson", "sf", "3", "--mean", "1e16"});
  CHECK(j["sf"] == 1.0);
  const auto c = run_json({"poisson", "cdf", "3", "--rate", "1e10", "--time", "1e6"});
  CHECK(c["cdf"] == 0.0);
  const auto l = run_json({"poisson", "logpmf", "0", "--mean", "1e300"});
  CHECK(l["logpmf"] == -1e300);
}

TEST_CASE("poisson_counts_refuse_means_above_1e15_with_the_limit", "[e2e][edge]") {
  for (const auto& args : std::vector<std::vector<std::string>>{
           {"poisson", "quantile", "0.5", "--mean", "1e16"},
           {"poisson", "quantile", "0.5", "--rate", "1e10", "--time", "1e6"},
           {"poisson", "interval", "0.95", "--mean", "1e16"},
           {"poisson", "stats", "--mean", "1e300"},
           {"poisson", "table", "--mean", "1e16"},
           {"poisson", "sample", "3", "--mean", "1e300", "--seed", "1"},
           {"poisson", "test", "3", "--rate", "1e16"},
           {"poisson", "sf", "3", "--mean", "1e16", "--plot", "-"},
       })
    expect_input_error(args, "must be <= 1e15");
}

TEST_CASE("poisson_table_with_a_window_works_at_any_mean", "[e2e][edge]") {
  const auto j = run_json({"poisson", "table", "--mean", "1e16", "--from", "0", "--to", "2"});
  REQUIRE(j["rows"].size() == 3);
  CHECK(j["rows"][2]["sf"] == 1.0);
}

TEST_CASE("poisson_at_the_count_limit_gives_exact_integers", "[e2e][edge]") {
  const auto j = run_json({"poisson", "quantile", "0.5", "--mean", "1e15"});
  CHECK(j["k"] == 1000000000000000LL);  // mean - ln 2 <= median < mean + 1/3
  const auto t = run_json({"poisson", "test", "3", "--rate", "1e16", "--alternative", "less"});
  CHECK(t["p_value"] == 0.0);
}

TEST_CASE("poisson_wait_refuses_a_wait_beyond_the_double_range", "[e2e][edge]") {
  expect_input_error({"poisson", "wait", "--rate", "1e-300", "--events", "1e15"}, "1e300");
  const auto j = run_json({"poisson", "wait", "--rate", "1e300", "--at", "1e300"});
  CHECK(j["at"][0]["cdf"] == 1.0);
  CHECK(j["at"][0]["pdf"] == 0.0);
}

// ---- class 5: gradient norms -------------------------------------------------------------------

TEST_CASE("gradient_norm_of_exp_at_400_is_finite_with_a_unit_steepest_ascent", "[e2e][edge]") {
  const auto j = run_json({"grad", "exp(x)", "--at", "400"});
  const double e400 = std::exp(400.0);
  CHECK(j["gradient_norm"].get<double>() == Approx(e400).epsilon(1e-15));
  CHECK(j["steepest_ascent"][0] == 1.0);
  const auto d = run_json({"grad", "exp(x)+exp(y)", "--at", "400,400", "--dir", "1e300,1e300"});
  CHECK(d["directional_derivative"].get<double>() == Approx(std::sqrt(2.0) * e400).epsilon(1e-15));
  CHECK(d["unit_direction"][0].get<double>() == Approx(std::sqrt(0.5)).epsilon(1e-15));
}
