// End-to-end: numkit harmonic value / bounds / inverse / stall / table run as a user would, for
// normal use and for every documented bad input (exit code 2 and the message).
#include <catch2/catch.hpp>

#include <boost/math/constants/constants.hpp>
#include <boost/math/special_functions/digamma.hpp>
#include <boost/multiprecision/cpp_bin_float.hpp>
#include <boost/multiprecision/cpp_int.hpp>

#include <cstdint>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "e2e.hpp"

using numkit::test::expect_input_error;
using numkit::test::run_json;
using numkit::test::run_numkit;
using Json = nlohmann::json;

namespace {

std::vector<std::string> lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string l; std::getline(in, l);) out.push_back(l);
  return out;
}

}  // namespace

TEST_CASE("harmonic_value_prints_h10_correctly_rounded", "[e2e][harmonic]") {
  const Json j = run_json({"harmonic", "value", "10"});
  CHECK(j["n"] == 10);
  CHECK(j["value"].get<double>() == 7381.0 / 2520.0);  // both operands exact: one rounding
  CHECK(j["method"] == "exact summation");
  CHECK(j["correctly_rounded"] == true);
  const auto r = run_numkit({"harmonic", "value", "10"});
  CHECK(r.exit_code == 0);
  CHECK(r.out.find("2.92896825397") != std::string::npos);
}

TEST_CASE("harmonic_value_exact_prints_the_fraction_in_lowest_terms", "[e2e][harmonic]") {
  const Json j = run_json({"harmonic", "value", "30", "--exact"});
  boost::multiprecision::cpp_rational sum = 0;
  for (int k = 1; k <= 30; ++k) sum += boost::multiprecision::cpp_rational(1, k);
  CHECK(j["numerator"] == boost::multiprecision::numerator(sum).str());
  CHECK(j["denominator"] == boost::multiprecision::denominator(sum).str());
  const Json j2 = run_json({"harmonic", "value", "5", "--exact", "--order", "2"});
  CHECK(j2["numerator"] == "5269");
  CHECK(j2["denominator"] == "3600");
}

TEST_CASE("harmonic_value_digits_40_matches_a_50_digit_digamma_reference", "[e2e][harmonic]") {
  const Json j = run_json({"harmonic", "value", "1e18", "--digits", "40"});
  const std::string s = j["value"].get<std::string>();
  CHECK(s.size() == 41);  // 40 digits and the point
  using boost::multiprecision::cpp_bin_float_50;
  const cpp_bin_float_50 ref = boost::math::digamma(cpp_bin_float_50("1e18") + 1) +
                               boost::math::constants::euler<cpp_bin_float_50>();
  CHECK(abs(cpp_bin_float_50(s) - ref) < cpp_bin_float_50("6e-39"));
}

TEST_CASE("harmonic_value_accepts_huge_n_and_many_spellings", "[e2e][harmonic]") {
  const Json j = run_json({"harmonic", "value", "10^300"});
  CHECK(j["value"].get<double>() == Approx(691.35274356311527).epsilon(1e-15));
  CHECK(j["method"] == "asymptotic expansion");
  CHECK(run_json({"harmonic", "value", "2.5e3"})["n"] == 2500);
  CHECK(run_json({"harmonic", "value", "2^64"})["n"] == "18446744073709551616");
}

TEST_CASE("harmonic_value_reads_several_n_from_args_stdin_and_files", "[e2e][harmonic]") {
  const auto r = run_numkit({"harmonic", "value", "-", "--csv"}, "1\n10 100  # comment\n");
  REQUIRE(r.exit_code == 0);
  const auto ls = lines(r.out);
  REQUIRE(ls.size() == 4);
  CHECK(ls[0] == "order,n,value,method,correctly_rounded");
  CHECK(ls[1] == "1,1,1,exact summation,true");
  CHECK(ls[3].rfind("1,100,5.187377517639621,", 0) == 0);

  const auto dir = numkit::test::fresh_dir();
  numkit::test::write_file(dir, "ns.txt", "4\n5\n");
  const auto f = numkit::test::run_shell("numkit harmonic value ns.txt --csv", dir);
  REQUIRE(f.exit_code == 0);
  CHECK(lines(f.out).size() == 3);
  CHECK(f.out.find("4,2.0833333333333335") != std::string::npos);
}

TEST_CASE("harmonic_value_plot_writes_the_figure", "[e2e][harmonic]") {
  const auto r = run_numkit({"harmonic", "value", "1e6", "--plot", "h.svg"});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(std::filesystem::file_size(r.dir / "h.svg") > 1000);
}

TEST_CASE("harmonic_bounds_are_checked_and_reported_with_gaps", "[e2e][harmonic]") {
  const Json j = run_json({"harmonic", "bounds", "10"});
  REQUIRE(j["checks"].size() == 4);
  CHECK(j["all_hold"] == true);
  CHECK(j["checks"][0]["inequality"] == "ln(n+1) < H(n)");
  CHECK(j["checks"][0]["left"].get<double>() == Approx(std::log(11.0)).epsilon(1e-15));
  CHECK(j["checks"][1]["right"].get<double>() == Approx(1 + std::log(10.0)).epsilon(1e-15));
  for (const auto& c : j["checks"]) CHECK(c["holds"] == true);
  const Json big = run_json({"harmonic", "bounds", "10^300"});
  CHECK(big["checks"][2]["gap"] == "4.16667e-602");  // 1/(24 n^2)
  CHECK(big["all_hold"] == true);
}

TEST_CASE("harmonic_bounds_plot_draws_the_proof_picture", "[e2e][harmonic]") {
  const auto r = run_numkit({"harmonic", "bounds", "6", "--plot", "proof.png"});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(std::filesystem::file_size(r.dir / "proof.png") > 1000);
  const auto a = run_numkit({"harmonic", "bounds", "6", "--plot", "-"});
  REQUIRE(a.exit_code == 0);
  CHECK(a.out.find("1/x") != std::string::npos);
}

TEST_CASE("harmonic_inverse_finds_the_44_digit_answer_for_100", "[e2e][harmonic]") {
  const Json j = run_json({"harmonic", "inverse", "100"});
  CHECK(j["n"] == "15092688622113788323693563264538101449859497");  // OEIS A002387
  CHECK(j["n_digits"] == 44);
  CHECK(j["verified"] == true);
  CHECK(j["h_n_minus_1"].get<std::string>().rfind("99.99999999", 0) == 0);
  CHECK(j["h_n"].get<std::string>().rfind("100.0000000", 0) == 0);
  const auto r = run_numkit({"harmonic", "inverse", "2", "3", "4", "--csv"});
  REQUIRE(r.exit_code == 0);
  const auto ls = lines(r.out);
  REQUIRE(ls.size() == 4);
  CHECK(ls[1].rfind("2,4,", 0) == 0);
  CHECK(ls[2].rfind("3,11,", 0) == 0);
  CHECK(ls[3].rfind("4,31,", 0) == 0);
}

TEST_CASE("harmonic_stall_fp16_matches_an_independent_float16_simulation", "[e2e][harmonic]") {
  _Float16 s = 0;
  std::uint64_t k = 1;
  for (;; ++k) {
    const _Float16 next =
        static_cast<_Float16>(s + static_cast<_Float16>(1.0f / static_cast<float>(k)));
    if (next == s) break;
    s = next;
  }
  const Json j = run_json({"harmonic", "stall", "--format", "fp16"});
  CHECK(j["stall_n"] == k);
  CHECK(j["stall_value"].get<double>() == static_cast<double>(s));
  CHECK(j["comparison"].size() == 4);
  CHECK(j["comparison"][0]["summation"] == "naive");
  const Json d = run_json({"harmonic", "stall", "--format", "fp64", "--terms", "1000"});
  CHECK(d["method"] == "predicted by the half-ulp analysis");
  CHECK(d["predicted_n"] == 281474976710656ULL);
  CHECK(!d.contains("stall_value"));
}

TEST_CASE("harmonic_table_streams_rows_for_pipelines", "[e2e][harmonic]") {
  const auto r =
      run_numkit({"harmonic", "table", "--from", "10", "--to", "100", "--step", "10", "--csv"});
  REQUIRE(r.exit_code == 0);
  const auto ls = lines(r.out);
  REQUIRE(ls.size() == 11);
  CHECK(ls[0] == "n,h,ln_n_plus_1,one_plus_ln_n");
  CHECK(ls[1].rfind("10,2.9289682539682538,", 0) == 0);
  const auto j = run_numkit({"harmonic", "table", "--to", "3", "--order", "2", "--json"});
  REQUIRE(j.exit_code == 0);
  CHECK(lines(j.out).size() == 3);
  CHECK(Json::parse(lines(j.out)[1])["h_order_2"] == 1.25);
}

TEST_CASE("harmonic_rejects_bad_input_with_exit_2", "[e2e][harmonic]") {
  expect_input_error({"harmonic", "value", "0"}, "N: must be an integer >= 1, got 0");
  expect_input_error({"harmonic", "value", "-5"}, "N: must be an integer >= 1, got -5");
  expect_input_error({"harmonic", "value", "2.5"}, "N: must be an integer >= 1, got 2.5");
  expect_input_error({"harmonic", "value", "1e-2"}, "N: must be an integer >= 1, got 1e-2");
  expect_input_error({"harmonic", "value", "abc"}, "N: expected an integer >= 1");
  expect_input_error({"harmonic", "value", "1e301"}, "N: must be <= 10^300, got 1e301");
  expect_input_error({"harmonic", "value", "-"}, "<stdin>:2: must be an integer >= 1, got 0",
                     "5\n0\n");
  expect_input_error({"harmonic", "value", "10", "--order", "0"},
                     "--order: must be an integer from 1 to 1000");
  expect_input_error({"harmonic", "value", "10", "--order", "-1"}, "--order");
  expect_input_error({"harmonic", "value", "10", "--order", "1.5"}, "--order");
  expect_input_error({"harmonic", "value", "1e8", "--exact"}, "--exact needs n*order <= 10^7");
  expect_input_error({"harmonic", "value", "10", "--digits", "101"}, "--digits");
  expect_input_error({"harmonic", "value", "10", "--exact", "--digits", "30"},
                     "--digits: above 17 only without --exact");
  expect_input_error({"harmonic", "bounds", "0"}, "N: must be an integer >= 1, got 0");
  expect_input_error({"harmonic", "bounds", "1.5"}, "N: must be an integer >= 1, got 1.5");
  expect_input_error({"harmonic", "inverse", "0"}, "X: must be > 0, got 0");
  expect_input_error({"harmonic", "inverse", "-1"}, "X: must be > 0, got -1");
  expect_input_error({"harmonic", "inverse", "abc"}, "X: expected a number");
  expect_input_error({"harmonic", "inverse", "5000"}, "X: must be <= 1000");
  expect_input_error({"harmonic", "inverse", "1e400"}, "X: must be <= 1000");
  expect_input_error({"harmonic", "stall", "--format", "fp8"},
                     "--format: expected fp16, bf16, fp32 or fp64");
  expect_input_error({"harmonic", "stall", "--format", "fp32", "--terms", "1e8"},
                     "--terms: must be below 2^24");
  expect_input_error({"harmonic", "stall", "--format", "fp64", "--terms", "1e10"},
                     "--terms: must be from 1 to 10^9");
  expect_input_error({"harmonic", "table", "--from", "10", "--to", "5"}, "--to: must be >= --from");
  expect_input_error({"harmonic", "table", "--to", "1e7"},
                     "--step: the table would have 10000000 rows");
  expect_input_error({"harmonic", "table", "--step", "0"},
                     "--step: must be an integer >= 1, got 0");
}

TEST_CASE("harmonic_stall_simulate_is_only_for_fp64", "[e2e][harmonic]") {
  expect_input_error({"harmonic", "stall", "--format", "fp16", "--simulate"},
                     "--simulate: only with --format fp64");
}

TEST_CASE("harmonic_stall_csv_keeps_stall_n_on_every_row_of_the_comparison", "[e2e][harmonic]") {
  const auto r = run_numkit({"harmonic", "stall", "--format", "fp16", "--csv"});
  REQUIRE(r.exit_code == 0);
  const auto ls = lines(r.out);
  REQUIRE(ls.size() == 5);  // header + naive, pairwise, kahan, exact
  CHECK(ls[0].rfind("format,significand_bits,method,stall_n,", 0) == 0);
  // fp16's naive harmonic sum stops changing at n = 513 (value 7.0859375: exact in fp16)
  for (std::size_t i = 1; i < ls.size(); ++i)
    CHECK(ls[i].find(",513,7.0859375,") != std::string::npos);
}
