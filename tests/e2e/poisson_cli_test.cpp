// End-to-end: numkit poisson run as a user would, for normal use and for every documented bad
// input (exit code 2 and the message). Reference values are from R 4.x (dpois/ppois/qpois,
// poisson.test), pasted as constants.
#include <catch2/catch.hpp>
#include <cmath>
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

}  // namespace

TEST_CASE("poisson_cli_births_questions_match_r", "[e2e][poisson]") {
  // dpois(0, 3), ppois(5, 3, lower.tail = FALSE), ppois(2, 6)
  CHECK(rel(run_json({"poisson", "pmf", "0", "--rate", "3"})["pmf"].get<double>(),
            4.9787068367863944e-02) < 1e-15);
  const Json sf = run_json({"poisson", "sf", "5", "--rate", "3"});
  CHECK(rel(sf["sf"].get<double>(), 8.3917942031303455e-02) < 1e-14);
  CHECK(sf["rate"] == 3.0);
  const Json cdf = run_json({"poisson", "cdf", "2", "--rate", "3", "--time", "2"});
  CHECK(rel(cdf["cdf"].get<double>(), 6.1968804416658960e-02) < 1e-14);
  CHECK(cdf["mean"] == 6.0);
  CHECK(cdf["k"] == 2.0);
}

TEST_CASE("poisson_cli_range_and_several_means_give_tables", "[e2e][poisson]") {
  const Json j = run_json({"poisson", "pmf", "0..3", "--mean", "3"});
  REQUIRE(j["values"].size() == 4);
  const double r[] = {4.9787068367863944e-02, 1.4936120510359185e-01, 2.2404180765538773e-01,
                      2.2404180765538778e-01};
  for (int i = 0; i < 4; ++i) {
    CHECK(j["values"][i]["k"] == double(i));
    CHECK(rel(j["values"][i]["pmf"].get<double>(), r[i]) < 1e-15);
  }
  const Json m = run_json({"poisson", "cdf", "1", "2", "--mean", "1,4"});
  CHECK(m["values"].size() == 4);
  CHECK(m["values"][3]["mean"] == 4.0);
  const auto csv = run_numkit({"poisson", "pmf", "0..2", "--mean", "3", "--csv"});
  CHECK(csv.exit_code == 0);
  CHECK(csv.out.rfind("mean,k,pmf\n3,0,0.049787068367863944\n", 0) == 0);
}

TEST_CASE("poisson_cli_large_means_and_log_tails", "[e2e][poisson]") {
  // dpois(1e12, 1e12) and ppois(999990000000, 1e12) from R
  CHECK(rel(run_json({"poisson", "pmf", "1000000000000", "--mean", "1e12"})["pmf"].get<double>(),
            3.9894228040139939e-07) < 1e-13);
  CHECK(rel(run_json({"poisson", "cdf", "999990000000", "--mean", "1e12"})["cdf"].get<double>(),
            7.6186219816728160e-24) < 1e-13);
  const Json l = run_json({"poisson", "logsf", "1060000000000", "--mean", "1e12"});
  CHECK(std::isfinite(l["logsf"].get<double>()));
  CHECK(l["logsf"].get<double>() < -1e9);
  const auto r = run_numkit({"poisson", "pmf", "5000", "--mean", "3"});
  CHECK(r.out.find("underflow") == std::string::npos);  // the note says "below the smallest"
  CHECK(r.out.find("logpmf") != std::string::npos);
}

TEST_CASE("poisson_cli_quantile_uses_r_definition", "[e2e][poisson]") {
  CHECK(run_json({"poisson", "quantile", "0.5", "--mean", "3"})["k"] == 3.0);
  const Json j = run_json({"poisson", "quantile", "0.025,0.975", "--mean", "1000"});
  CHECK(j["values"][0]["k"] == 938.0);
  CHECK(j["values"][1]["k"] == 1062.0);
  CHECK(run_json({"poisson", "quantile", "1e-15", "--mean", "17.5", "--upper"})["k"] == 60.0);
  CHECK(run_json({"poisson", "quantile", "1", "--mean", "3"})["k"] == "inf");
  const auto help = run_numkit({"poisson", "quantile", "--help"});
  CHECK(help.out.find("smallest k with P(N <= k) >= p") != std::string::npos);
}

TEST_CASE("poisson_cli_interval_stats_table_wait", "[e2e][poisson]") {
  const Json iv = run_json({"poisson", "interval", "0.95", "--mean", "3"});
  CHECK(iv["lo"] == 0.0);
  CHECK(iv["hi"] == 7.0);
  CHECK(iv["coverage"].get<double>() >= 0.95);
  const Json st = run_json({"poisson", "stats", "--mean", "4"});
  CHECK(st["variance"] == 4.0);
  CHECK(st["modes"] == Json::array({3.0, 4.0}));
  CHECK(st["median"] == 4.0);
  const Json tb = run_json({"poisson", "table", "--mean", "3"});
  CHECK(tb["rows"][0]["k"] == 0.0);
  CHECK(tb["rows"].back()["sf"].get<double>() <= 5e-13);
  const Json w = run_json({"poisson", "wait", "--rate", "3", "--at", "0.5"});
  CHECK(rel(w["mean"].get<double>(), 1.0 / 3) < 1e-15);
  CHECK(rel(w["median"].get<double>(), std::log(2.0) / 3) < 1e-15);
  CHECK(rel(w["at"][0]["sf"].get<double>(), std::exp(-1.5)) < 1e-15);
  const Json e = run_json({"poisson", "wait", "--rate", "2", "--events", "3", "--p", "0.5"});
  // qgamma(0.5, 3, 2) from R: 1.3370301568617687
  CHECK(rel(e["quantiles"][0]["t"].get<double>(), 1.3370301568617687) < 1e-13);
}

TEST_CASE("poisson_cli_sample_is_reproducible_and_streams", "[e2e][poisson]") {
  const auto a = run_numkit({"poisson", "sample", "1000", "--mean", "3", "--seed", "5"});
  const auto b =
      run_numkit({"poisson", "sample", "1000", "--mean", "3", "--seed", "5", "--threads", "1"});
  REQUIRE(a.exit_code == 0);
  CHECK(a.out == b.out);
  std::istringstream in(a.out);
  long long x, count = 0;
  double sum = 0;
  while (in >> x) {
    CHECK(x >= 0);
    sum += static_cast<double>(x);
    ++count;
  }
  CHECK(count == 1000);
  CHECK(std::fabs(sum / 1000 - 3) < 0.3);
  const auto j = run_numkit({"poisson", "sample", "2", "--mean", "3", "--seed", "5", "--json"});
  CHECK(j.out.rfind("{\"x\":", 0) == 0);
  const auto none = run_numkit({"poisson", "sample", "3", "--mean", "3"});
  CHECK(none.err.find("seed") != std::string::npos);
}

TEST_CASE("poisson_cli_fit_and_test", "[e2e][poisson]") {
  const Json f = run_json({"poisson", "fit", "-"}, 0, "2 3 1 4 2 0 3 5 2 1\n");
  CHECK(f["n"] == 10.0);
  CHECK(f["mean"] == 2.3);
  CHECK(f["ci_lo"].get<double>() < 2.3);
  CHECK(f["ci_hi"].get<double>() > 2.3);
  CHECK(f["dispersion"]["df"] == 9.0);
  const Json inl = run_json({"poisson", "fit", "2,3,1,4,2,0,3,5,2,1"});
  CHECK(inl["mean"] == 2.3);
  CHECK(inl["ci_lo"] == f["ci_lo"]);
  const Json t = run_json({"poisson", "test", "137", "--time", "24", "--rate", "5"});
  CHECK(rel(t["p_value"].get<double>(), 0.12057858649437647) < 1e-12);
  CHECK(rel(t["ci_lo"].get<double>(), 4.7925222680749391) < 1e-12);
}

TEST_CASE("poisson_cli_plot_to_ascii", "[e2e][poisson]") {
  const auto r = run_numkit({"poisson", "pmf", "0..10", "--mean", "3", "--plot", "-"});
  CHECK(r.exit_code == 0);
}

TEST_CASE("poisson_cli_bad_input_exits_2_with_a_message", "[e2e][poisson]") {
  expect_input_error({"poisson", "pmf", "1", "--mean", "-1"},
                     "--mean: must be finite and >= 0, got -1");
  expect_input_error({"poisson", "pmf", "1", "--mean", "nan"},
                     "--mean: must be finite and >= 0, got nan");
  expect_input_error({"poisson", "cdf", "-1", "--mean", "3"},
                     "K: must be an integer in [0, 2^53], got -1");
  expect_input_error({"poisson", "cdf", "2.5", "--mean", "3"},
                     "K: must be an integer in [0, 2^53], got 2.5");
  expect_input_error({"poisson", "cdf", "abc", "--mean", "3"}, "K: expected a number");
  expect_input_error({"poisson", "quantile", "1.5", "--mean", "3"},
                     "P: must be in [0, 1], got 1.5");
  expect_input_error({"poisson", "quantile", "-0.1", "--mean", "3"},
                     "P: must be in [0, 1], got -0.1");
  expect_input_error({"poisson", "sample", "-5", "--mean", "3"}, "N: must be an integer");
  expect_input_error({"poisson", "pmf", "1"}, "--mean or --rate is required");
  expect_input_error({"poisson", "pmf", "1", "--mean", "2", "--rate", "1"}, "give one of them");
  expect_input_error({"poisson", "fit", "-"}, "no counts", "# nothing here\n");
  expect_input_error({"poisson", "fit", "-"}, "<stdin>:2", "1 2\n3 x\n");
  expect_input_error({"poisson", "fit", "-"}, "non-negative integer count", "1 2\n3 -4\n");
  expect_input_error({"poisson", "fit", "-"}, "non-negative integer count", "1 2.5\n");
  expect_input_error({"poisson", "fit", "1,2.5"},
                     "counts: value 2: expected a non-negative integer count, found 2.5");
  expect_input_error({"poisson", "fit", "no_such_file.txt"}, "no_such_file.txt");
  expect_input_error({"poisson", "table", "--mean", "1e12"},
                     "choose a window with --from and --to");
  expect_input_error({"poisson", "test", "3", "--time", "0"}, "--time: must be finite and > 0");
  expect_input_error({"poisson", "wait", "--rate", "-3"}, "--rate: must be finite and > 0");
}

TEST_CASE("poisson_cli_k_reads_comma_and_space_lists_as_dist_does", "[e2e][poisson]") {
  for (const std::vector<std::string>& ks :
       {std::vector<std::string>{"3,4"}, std::vector<std::string>{"3 4"},
        std::vector<std::string>{"3", "4"}}) {
    std::vector<std::string> args = {"poisson", "cdf"};
    args.insert(args.end(), ks.begin(), ks.end());
    args.insert(args.end(), {"--mean", "2", "--csv"});
    auto r = run_numkit(args);
    INFO(ks[0]);
    CHECK(r.exit_code == 0);
    CHECK(r.out == "mean,k,cdf\n2,3,0.857123460498547\n2,4,0.9473469826562888\n");
  }
  auto d = run_numkit({"dist", "poisson", "cdf", "3,4", "--lambda", "2", "--csv"});
  CHECK(d.exit_code == 0);
  CHECK(d.out.find(",3,0.857123460498547\n") != std::string::npos);
  CHECK(d.out.find(",4,0.9473469826562888\n") != std::string::npos);
  // one rule for a bad count in either command, with its position when it comes from a file
  auto bad = run_numkit({"poisson", "cdf", "3,2.5", "--mean", "2"});
  CHECK(bad.exit_code == 2);
  CHECK(bad.err == "numkit: K: must be an integer in [0, 2^53], got 2.5\n");
  auto bad_stdin = run_numkit({"poisson", "cdf", "-", "--mean", "2"}, "1\n2.5\n");
  CHECK(bad_stdin.exit_code == 2);
  CHECK(bad_stdin.err == "numkit: <stdin>:2:1: must be an integer in [0, 2^53], got 2.5\n");
}

TEST_CASE("poisson_fit_csv_is_one_table_with_the_estimate_interval_and_the_bins",
          "[e2e][poisson]") {
  const auto r = run_numkit({"poisson", "fit", "1,2,3,2,1,0,4,2", "--csv"});
  REQUIRE(r.exit_code == 0);
  const auto header = r.out.substr(0, r.out.find('\n'));
  for (const char* column :
       {"n", "mean", "ci_lo", "ci_hi", "dispersion.index", "k", "observed", "expected"})
    CHECK(("," + header + ",").find(std::string(",") + column + ",") != std::string::npos);
  // total 15 over n = 8: the mean 15/8 is exact in binary
  CHECK(r.out.find("\n8,15,1.875,") != std::string::npos);
}
