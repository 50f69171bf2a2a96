// End-to-end: numkit dist run as a user would: every verb of the families, compare, approx, and
// every documented bad input (exit code 2 and one line naming the parameter and the rule).
// Expected values are closed forms evaluated here (binomial and geometric masses, normal and
// exponential tails) or exact small integers (quantiles).
#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <sstream>

#include "e2e.hpp"

using numkit::test::expect_input_error;
using numkit::test::run_json;
using numkit::test::run_numkit;
using Json = nlohmann::json;

namespace {

double rel(double a, double b) {
  return std::fabs(a - b) / std::fabs(b);
}

// C(30, k) 0.1^k 0.9^(30-k) in double, from lgamma (about 1e-14 relative).
double binom30(int k) {
  return std::exp(std::lgamma(31.0) - std::lgamma(k + 1.0) - std::lgamma(31.0 - k) +
                  k * std::log(0.1) + (30 - k) * std::log(0.9));
}

}  // namespace

TEST_CASE("dist_cli_binomial_value_verbs_match_closed_forms", "[e2e][dist]") {
  const std::vector<std::string> law = {"--size", "30", "--prob", "0.1"};
  auto run = [&](const std::string& verb, const std::string& k) {
    std::vector<std::string> args = {"dist", "binomial", verb, k};
    args.insert(args.end(), law.begin(), law.end());
    return run_json(args);
  };
  const Json pmf = run("pmf", "3");
  CHECK(rel(pmf["pmf"].get<double>(), binom30(3)) < 1e-12);
  CHECK(pmf["size"] == 30);
  CHECK(pmf["prob"] == 0.1);
  CHECK(pmf["k"] == 3);
  CHECK(std::fabs(run("logpmf", "3")["logpmf"].get<double>() - std::log(binom30(3))) < 1e-12);
  double cdf = 0;
  for (int k = 0; k <= 3; ++k) cdf += binom30(k);
  CHECK(rel(run("cdf", "3")["cdf"].get<double>(), cdf) < 1e-12);
  CHECK(rel(run("sf", "3")["sf"].get<double>(), 1 - cdf) < 1e-12);
  CHECK(std::fabs(run("logcdf", "3")["logcdf"].get<double>() - std::log(cdf)) < 1e-12);
  CHECK(std::fabs(run("logsf", "3")["logsf"].get<double>() - std::log1p(-cdf)) < 1e-12);
  // P(X > 29) = 0.1^30 without cancellation.
  CHECK(rel(run("sf", "29")["sf"].get<double>(), std::pow(0.1, 30)) < 1e-13);
  const Json t = run_json({"dist", "binomial", "pmf", "0..4", "--size", "30", "--prob", "0.1"});
  REQUIRE(t["values"].size() == 5);
  CHECK(rel(t["values"][4]["pmf"].get<double>(), binom30(4)) < 1e-12);
}

TEST_CASE("dist_cli_continuous_value_verbs_match_closed_forms", "[e2e][dist]") {
  const Json pdf = run_json({"dist", "normal", "pdf", "3", "--mean", "3", "--sd", "2"});
  CHECK(rel(pdf["pdf"].get<double>(), 1 / (2 * std::sqrt(2 * M_PI))) < 1e-15);
  const Json sf = run_json({"dist", "normal", "sf", "5", "--mean", "3", "--sd", "2"});
  CHECK(rel(sf["sf"].get<double>(), 0.5 * std::erfc(1 / std::sqrt(2.0))) < 1e-14);
  // log P(Z > 40) = -800 - log(40 sqrt(2 pi)) - log(1 - 1/1600 + ...)
  const double l40 = run_json({"dist", "normal", "logsf", "40"})["logsf"].get<double>();
  CHECK(std::fabs(l40 - (-800 - std::log(40 * std::sqrt(2 * M_PI)) +
                         std::log1p(-1.0 / 1600 + 3.0 / 2560000 - 15.0 / 4096000000.0))) < 1e-9);
  const Json e = run_json({"dist", "exponential", "cdf", "0.5", "--rate", "3"});
  CHECK(rel(e["cdf"].get<double>(), -std::expm1(-1.5)) < 1e-15);
  const Json g = run_json({"dist", "gamma", "pdf", "2", "--shape", "1", "--scale", "2"});
  CHECK(rel(g["pdf"].get<double>(), 0.5 * std::exp(-1.0)) < 1e-15);
  const Json lg = run_json({"dist", "gamma", "logpdf", "1,2", "--shape", "3"});
  REQUIRE(lg["values"].size() == 2);
  CHECK(std::fabs(lg["values"][1]["logpdf"].get<double>() -
                  (2 * std::log(2.0) - 2 - std::log(2.0))) < 1e-14);
  const Json lc = run_json({"dist", "gamma", "logcdf", "1e-3", "--shape", "2"});
  CHECK(std::isfinite(lc["logcdf"].get<double>()));
}

TEST_CASE("dist_cli_quantile_interval_stats_table", "[e2e][dist]") {
  // qbinom(c(0.025, 0.5, 0.975), 30, 0.1) = 0, 3, 7; qnbinom(0.5, size = 5, mu = 3) = 3.
  const Json q = run_json(
      {"dist", "binomial", "quantile", "0.025,0.5,0.975", "--size", "30", "--prob", "0.1"});
  CHECK(q["definition"] == "smallest k with P(X <= k) >= p");
  CHECK(q["values"][0]["k"] == 0);
  CHECK(q["values"][1]["k"] == 3);
  CHECK(q["values"][2]["k"] == 7);
  CHECK(run_json({"dist", "negbin", "quantile", "0.5", "--size", "5", "--mu", "3"})["k"] == 3);
  CHECK(run_json({"dist", "binomial", "quantile", "1", "--size", "30", "--prob", "0.1"})["k"] ==
        30);
  const Json u = run_json({"dist", "geometric", "quantile", "1e-12", "--prob", "0.5", "--upper"});
  CHECK(u["definition"] == "smallest k with P(X > k) <= p");
  CHECK(u["k"] == 39);  // 0.5^40 <= 1e-12 < 0.5^39
  // log Q(2.5, x) = log(1e-300) at x = 700.3203 (-x + 1.5 log x - log Gamma(2.5) + O(1/x)).
  CHECK(
      std::fabs(run_json({"dist", "gamma", "quantile", "1e-300", "--shape", "2.5", "--upper"})["x"]
                    .get<double>() -
                700.3203) < 1e-3);
  const Json nq = run_json({"dist", "normal", "quantile", "0.975"});
  CHECK(std::fabs(nq["x"].get<double>() - 1.959963984540054) < 1e-15);
  const Json iv =
      run_json({"dist", "binomial", "interval", "0.95", "--size", "30", "--prob", "0.1"});
  CHECK(iv["lo"] == 0);
  CHECK(iv["hi"] == 7);
  CHECK(iv["coverage"].get<double>() >= 0.95);
  const Json st = run_json({"dist", "binomial", "stats", "--size", "30", "--prob", "0.1"});
  CHECK(rel(st["mean"].get<double>(), 3) < 1e-15);
  CHECK(rel(st["variance"].get<double>(), 2.7) < 1e-15);
  CHECK(st["modes"][0] == 3);
  CHECK(st["median"] == 3);
  const Json gs = run_json({"dist", "gamma", "stats", "--shape", "2", "--rate", "0.5"});
  CHECK(rel(gs["mean"].get<double>(), 4) < 1e-15);
  CHECK(rel(gs["entropy"].get<double>(),
            2 + std::log(2.0) + 0 + (1 - 2) * (1 - 0.5772156649015329)) < 1e-14);
  const auto tab =
      run_numkit({"dist", "binomial", "table", "--size", "3", "--prob", "0.5", "--csv"});
  CHECK(tab.exit_code == 0);
  CHECK(tab.out.rfind("distribution,size,prob,k,pmf,cdf,sf\n\"binomial(size=3, prob=0.5)\",3,0.5,0,"
                      "0.125,0.125,0.875\n",
                      0) == 0);
  const Json ct =
      run_json({"dist", "normal", "table", "--from", "-1", "--to", "1", "--points", "3"});
  REQUIRE(ct["rows"].size() == 3);
  CHECK(ct["rows"][1]["cdf"] == 0.5);
}

TEST_CASE("dist_cli_sample_is_reproducible_and_thread_independent", "[e2e][dist]") {
  for (const std::vector<std::string>& law :
       {std::vector<std::string>{"binomial", "sample", "100000", "--size", "30", "--prob", "0.1"},
        std::vector<std::string>{"negbin", "sample", "100000", "--size", "5", "--mu", "3"},
        std::vector<std::string>{"normal", "sample", "100000", "--mean", "3", "--sd", "2"},
        std::vector<std::string>{"gamma", "sample", "100000", "--shape", "0.5"},
        std::vector<std::string>{"exponential", "sample", "100000", "--rate", "2"},
        std::vector<std::string>{"geometric", "sample", "100000", "--prob", "1e-7"},
        std::vector<std::string>{"binomial", "sample", "100000", "--size", "1e9", "--prob",
                                 "0.4"}}) {
    std::vector<std::string> a = {"dist"};
    a.insert(a.end(), law.begin(), law.end());
    auto one = a, two = a;
    one.insert(one.end(), {"--seed", "5", "--threads", "1"});
    two.insert(two.end(), {"--seed", "5", "--threads", "2"});
    const auto r1 = run_numkit(one), r2 = run_numkit(two);
    INFO(law[0]);
    REQUIRE(r1.exit_code == 0);
    CHECK(r1.out == r2.out);
    // The sample mean is within 6 standard errors of the law's mean.
    std::istringstream in(r1.out);
    double x, sum = 0, sum2 = 0;
    long n = 0;
    while (in >> x) {
      sum += x;
      sum2 += x * x;
      ++n;
    }
    CHECK(n == 100000);
    const double m = sum / n, var = sum2 / n - m * m;
    std::vector<std::string> s = {"dist", law[0], "stats"};
    s.insert(s.end(), law.begin() + 3, law.end());
    const Json st = run_json(s);
    CHECK(std::fabs(m - st["mean"].get<double>()) <
          6 * std::sqrt(st["variance"].get<double>() / n));
    CHECK(std::fabs(var / st["variance"].get<double>() - 1) < 0.05);
  }
  const auto j = run_numkit({"dist", "normal", "sample", "2", "--seed", "1", "--json"});
  CHECK(j.out.rfind("{\"x\":", 0) == 0);
  const auto c =
      run_numkit({"dist", "poisson", "sample", "3", "--lambda", "3", "--seed", "1", "--csv"});
  const auto p = run_numkit({"poisson", "sample", "3", "--mean", "3", "--seed", "1"});
  CHECK(c.out == "x\n" + p.out);  // the Poisson module's stream
}

TEST_CASE("dist_cli_negbin_fit_against_poisson", "[e2e][dist]") {
  const Json over = run_json({"dist", "negbin", "fit", "0,1,1,2,0,5,3,0,8,1,0,2,4,0,1,9,0,0,3,1"});
  CHECK(over["estimates"]["mu"] == 2.05);
  CHECK(over["estimates"]["size"].get<double>() > 0);
  CHECK(over["lr_statistic"].get<double>() > 0);
  CHECK(over["lr_p_value"].get<double>() < 0.5);
  CHECK(over["aic"].get<double>() < over["poisson"]["aic"].get<double>());
  CHECK(over["preferred_by_aic"] == "negbin");
  // Underdispersed counts: the MLE is the Poisson boundary.
  const Json under = run_json({"dist", "negbin", "fit", "2,3,2,3,2,3"});
  CHECK(under["estimates"]["size"] == "inf");
  CHECK(under["lr_statistic"] == 0);
  CHECK(under["lr_p_value"] == 1);
  const Json g = run_json({"dist", "geometric", "fit", "0,1,3"});
  CHECK(rel(g["estimates"]["prob"].get<double>(), 3.0 / 7) < 1e-15);
  const Json b = run_json({"dist", "binomial", "fit", "3,2,4,1,3", "--size", "10"});
  CHECK(rel(b["estimates"]["prob"].get<double>(), 0.26) < 1e-15);
  const Json e = run_json({"dist", "exponential", "fit", "-"}, 0, "1 2 3\n");
  CHECK(e["estimates"]["rate"] == 0.5);
  const Json n = run_json({"dist", "normal", "fit", "1,3"});
  CHECK(n["estimates"]["sd"] == 1);
  const Json ga = run_json({"dist", "gamma", "fit", "1.2,0.7,3.1,2.2,0.4"});
  CHECK(ga["estimates"]["shape"].get<double>() > 0);
  const Json po = run_json({"dist", "poisson", "fit", "1,2,3"});
  CHECK(po["estimates"]["lambda"] == 2);
}

TEST_CASE("dist_cli_compare_gives_values_distances_and_a_plot", "[e2e][dist]") {
  const auto r = run_numkit({"dist", "compare", "poisson:3", "binomial:30,0.1", "negbin:3,5",
                             "normal:3,1.732", "--plot", "cmp.png", "--json"});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  const Json j = Json::parse(r.out);
  CHECK(j["laws"].size() == 4);
  CHECK(j["distances"].size() == 6);
  CHECK(j["laws"][2]["law"] == "negbin(size=5, mu=3)");
  const Json& pb = j["distances"][0];
  CHECK(pb["a"] == "poisson");
  CHECK(pb["b"] == "binomial");
  const double tv = pb["total_variation"].get<double>();
  CHECK(tv > 0);
  CHECK(tv <= 30 * 0.1 * 0.1);  // Le Cam
  CHECK(pb["max_cdf_difference"].get<double>() <= tv);
  CHECK(j["values"][3]["poisson"].get<double>() == Approx(0.22404180765538775).epsilon(1e-14));
  CHECK(std::filesystem::file_size(r.dir / "cmp.png") > 1000);
  const auto csv = run_numkit(
      {"dist", "compare", "poisson:3", "binomial:30,0.1", "--from", "0", "--to", "2", "--csv"});
  CHECK(csv.out.find(",k,poisson,binomial,poisson_cdf,binomial_cdf\n") != std::string::npos);
  CHECK(csv.out.rfind("laws[0].name,", 0) == 0);
  const Json c = run_json({"dist", "compare", "gamma:2.5,0.5", "normal:5,3.162"});
  CHECK(c["distances"][0]["total_variation"].get<double>() > 0);
}

TEST_CASE("dist_cli_approx_shows_the_poisson_limit_and_normal_errors", "[e2e][dist]") {
  const Json j = run_json({"dist", "binomial", "approx", "--size", "30", "--prob", "0.1"});
  const double tv = j["poisson_limit"]["total_variation"].get<double>();
  CHECK(tv <= j["poisson_limit"]["le_cam_bound"].get<double>());
  CHECK(tv <= j["poisson_limit"]["barbour_hall_bound"].get<double>());
  CHECK(tv >= j["poisson_limit"]["barbour_hall_lower"].get<double>());
  CHECK(std::fabs(j["normal"]["max_error_corrected"].get<double>()) <
        std::fabs(j["normal"]["max_error"].get<double>()));
  // Tiny p: the distance keeps its digits (TV ~ p (1 - e^-np) / ... , far below 1e-16 * 1).
  const Json t = run_json({"dist", "binomial", "approx", "--size", "1e6", "--prob", "1e-12",
                           "--from", "0", "--to", "1"});
  const double tv2 = t["poisson_limit"]["total_variation"].get<double>();
  CHECK(tv2 > 0);
  CHECK(tv2 <= t["poisson_limit"]["barbour_hall_bound"].get<double>());
  CHECK(tv2 >= t["poisson_limit"]["barbour_hall_lower"].get<double>());
  const Json p =
      run_json({"dist", "poisson", "approx", "--lambda", "3", "--from", "0", "--to", "2"});
  REQUIRE(p["rows"].size() == 3);
  CHECK(p["rows"][0]["error"].get<double>() ==
        Approx(0.5 * std::erfc(3 / std::sqrt(6.0)) - std::exp(-3.0)).epsilon(1e-12));
}

TEST_CASE("dist_cli_bad_parameters_are_one_line_exit_2", "[e2e][dist]") {
  expect_input_error({"dist", "binomial", "pmf", "1", "--size", "10", "--prob", "1.5"},
                     "--prob: must be in [0, 1], got 1.5");
  expect_input_error({"dist", "binomial", "pmf", "1", "--size", "2.5", "--prob", "0.5"},
                     "--size: must be a non-negative integer, got 2.5");
  expect_input_error({"dist", "binomial", "cdf", "1", "--size", "-3", "--prob", "0.5"},
                     "--size: must be a non-negative integer, got -3");
  expect_input_error({"dist", "negbin", "pmf", "1", "--size", "0", "--mu", "3"},
                     "--size: must be > 0, got 0");
  expect_input_error({"dist", "negbin", "pmf", "1", "--size", "-1", "--prob", "0.5"},
                     "--size: must be > 0, got -1");
  expect_input_error({"dist", "normal", "cdf", "1", "--sd", "0"}, "--sd: must be > 0, got 0");
  expect_input_error({"dist", "normal", "cdf", "1", "--sd", "-2"}, "--sd: must be > 0, got -2");
  expect_input_error({"dist", "normal", "cdf", "1", "--mean", "inf"},
                     "--mean: must be finite, got inf");
  expect_input_error({"dist", "poisson", "pmf", "1", "--lambda", "nan"},
                     "--lambda: must be finite, got nan");
  expect_input_error({"dist", "gamma", "pdf", "1", "--shape", "0"}, "--shape: must be > 0, got 0");
  expect_input_error({"dist", "geometric", "pmf", "1", "--prob", "0"},
                     "--prob: must be in (0, 1], got 0");
  expect_input_error({"dist", "binomial", "pmf", "1.5", "--size", "10", "--prob", "0.5"},
                     "K: must be an integer in [0, 2^53], got 1.5");
  expect_input_error({"dist", "binomial", "quantile", "2", "--size", "10", "--prob", "0.5"},
                     "P: must be in [0, 1], got 2");
  expect_input_error({"dist", "compare", "poisson:3", "binomial:30"},
                     "binomial:30: binomial takes 2 parameters (binomial:size,prob), got 1");
  expect_input_error({"dist", "compare", "poisson:3", "binomial:30,2"},
                     "binomial:30,2: prob: must be in [0, 1], got 2");
  expect_input_error({"dist", "compare", "poisson:3", "normal:0,-1"},
                     "normal:0,-1: sd: must be > 0, got -1");
  expect_input_error({"dist", "compare", "poisson:3", "weibull:1"}, "unknown family");
  expect_input_error({"dist", "negbin", "fit", "1,2,-1"},
                     "values: value 3: expected a non-negative integer count, found -1");
  const auto r = run_numkit({"dist", "binomial", "pmf", "1", "--size", "10", "--prob", "1.5"});
  CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
}
