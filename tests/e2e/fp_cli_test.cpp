// End-to-end: numkit fp info / show / analyze / sum / update / scale run as a user would, for
// normal use and for every documented bad input (exit code 2 and the message).
#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <vector>

#include "run_numkit.hpp"

using numkit::test::run_numkit;
using Json = nlohmann::json;

namespace {

Json json_of(const std::vector<std::string>& args, int expected_exit = 0,
             const std::string& stdin_text = "") {
  auto args2 = args;
  args2.push_back("--json");
  const auto r = run_numkit(args2, stdin_text);
  INFO("stderr: " << r.err);
  REQUIRE(r.exit_code == expected_exit);
  return Json::parse(r.out);
}

void expect_error(const std::vector<std::string>& args, const std::string& message_part,
                  const std::string& stdin_text = "") {
  const auto r = run_numkit(args, stdin_text);
  INFO("stderr: " << r.err);
  CHECK(r.exit_code == 2);
  CHECK(r.err.find(message_part) != std::string::npos);
}

std::string raw_floats(const std::vector<float>& v) {
  std::string s(v.size() * 4, '\0');
  std::memcpy(s.data(), v.data(), s.size());
  return s;
}

}  // namespace

TEST_CASE("fp_info_lists_every_format_like_finfo", "[e2e][fp]") {
  const Json j = json_of({"fp", "info"});
  REQUIRE(j["formats"].size() == 9);  // with e5m2fnuz and e4m3fnuz
  const Json h = json_of({"fp", "info", "half"})["formats"][0];
  CHECK(h["format"] == "fp16");
  CHECK(h["max_finite"] == 65504.0);
  CHECK(h["min_subnormal"].get<double>() == std::ldexp(1.0, -24));
  CHECK(h["epsilon"].get<double>() == std::ldexp(1.0, -10));
  const Json e4 = json_of({"fp", "info", "e4m3"})["formats"][0];
  CHECK(e4["max_finite"] == 448.0);
  CHECK(e4["inf"] == "no");
  const auto r = run_numkit({"fp", "info"});
  CHECK(r.exit_code == 0);
  CHECK(r.out.find("bf16") != std::string::npos);
}

TEST_CASE("fp_show_gives_bits_exact_value_and_error_of_0_1", "[e2e][fp]") {
  const Json j = json_of({"fp", "show", "0.1", "--format", "fp16,bf16"});
  REQUIRE(j["results"].size() == 2);
  const Json& h = j["results"][0];
  CHECK(h["hex"] == "0x2e66");
  CHECK(h["bits"] == "0 01011 1001100110");
  CHECK(h["stored_exact"] == "0.0999755859375");
  CHECK(h["abs_error"] == -2.44140625e-05);
  CHECK(h["outcome"] == "rounded");
  CHECK(j["results"][1]["hex"] == "0x3dcd");
  const auto t = run_numkit({"fp", "show", "0.1"});
  CHECK(t.exit_code == 0);
  CHECK(t.out.find("0.1 in fp16") != std::string::npos);
}

TEST_CASE("fp_show_65520_overflows_fp16_and_bits_decode", "[e2e][fp]") {
  const Json j = json_of({"fp", "show", "65504", "65520"});
  CHECK(j["results"][0]["outcome"] == "exact");
  CHECK(j["results"][1]["outcome"] == "overflowed");
  CHECK(j["results"][1]["stored"] == "inf");
  CHECK(json_of({"fp", "show", "65520", "--saturate"})["results"][0]["stored"] == 65504.0);
  CHECK(json_of({"fp", "show", "--bits", "0x3c00"})["results"][0]["stored"] == 1.0);
  CHECK(json_of({"fp", "show", "--bits", "0x7f", "--format", "e4m3"})["results"][0]["class"] ==
        "nan");
}

TEST_CASE("fp_bad_formats_values_and_patterns_exit_2_with_a_message", "[e2e][fp]") {
  expect_error({"fp", "show", "1", "--format", "fp17"}, "did you mean \"fp16\"");
  expect_error({"fp", "info", "bfloat61"}, "did you mean \"bf16\"");
  expect_error({"fp", "show", "1.2.3"}, "expected a number");
  expect_error({"fp", "show", "--bits", "0x10000"}, "does not fit in 16 bits");
  expect_error({"fp", "show"}, "give VALUE");
  expect_error({"fp", "analyze", "--values", "1,2", "--format", "fp17"}, "did you mean \"fp16\"");
  expect_error({"fp", "analyze", "--values", "1,2", "--scale", "-1"},
               "--scale: must be finite and > 0");
  expect_error({"fp", "analyze"}, "give the numbers");
  expect_error({"fp", "analyze", "-", "--values", "1"}, "give either INPUT or --values, not both");
  expect_error({"fp", "analyze", "--values", "1", "--raw", "f32"}, "--raw: only with a file or -");
  expect_error({"fp", "sum", "--values", "1", "--repeat", "0"}, "--repeat");
  expect_error({"fp", "sum", "--values", "nan"}, "no finite numbers");
  expect_error({"fp", "update", "--weight", "1"}, "give both --weight W and --update U");
  expect_error({"fp", "update", "--weight", "1", "--update", "inf"},
               "--update: inf is not allowed");
  expect_error({"fp", "update", "--weight", "1e9", "--update", "1"},
               "--weight: 1e+09 overflows fp16");
  expect_error({"fp", "scale", "--values", "1,2"}, "--per-step N");
  expect_error({"fp", "scale", "--values", "1", "--per-step", "1", "--backoff", "2"},
               "--backoff: must be in (0, 1]");
}

TEST_CASE("fp_analyze_text_file_reports_unparsable_numbers_with_position", "[e2e][fp]") {
  const auto dir = numkit::test::fresh_dir();
  const auto path = numkit::test::write_file(dir, "g.txt", "0.1 0.2\n0.3 zz\n");
  expect_error({"fp", "analyze", path.string()}, "g.txt:2:5");
  expect_error({"fp", "analyze", (dir / "missing.txt").string()}, "missing.txt");
}

TEST_CASE("fp_analyze_counts_outcomes_and_reports_nan_and_inf", "[e2e][fp]") {
  const Json j =
      json_of({"fp", "analyze", "--values", "0.1,1e-6,1e-9,70000,3,nan,inf", "--format", "fp16"});
  CHECK(j["count"] == 7);
  auto count = [&](const std::string& name) {
    for (const auto& r : j["outcomes"])
      if (r["outcome"] == name) return r["count"].get<int>();
    return -1;
  };
  CHECK(count("nan in data") == 1);
  CHECK(count("+inf in data") == 1);
  CHECK(count("overflow") == 1);
  CHECK(count("flushed to zero") == 1);
  CHECK(count("became subnormal") == 1);
  CHECK(count("exact (nonzero)") == 1);
  CHECK(j["relative_error"]["max"] == 1.0);
  CHECK(j["loss_scale"]["scale"].get<double>() < 1);  // 70000 must come down
}

TEST_CASE("fp_analyze_raw_f32_matches_text_and_rejects_odd_lengths", "[e2e][fp]") {
  const std::vector<float> v = {0.1f, 1e-6f, 1e-9f, 70000.0f, 3.0f, -2.5f};
  const Json raw = json_of({"fp", "analyze", "-", "--raw", "f32"}, 0, raw_floats(v));
  const Json text = json_of({"fp", "analyze", "-"}, 0, "0.1 1e-6 1e-9 70000 3 -2.5");
  CHECK(raw["count"] == 6);
  CHECK(raw["outcomes"][4] == text["outcomes"][4]);  // overflow
  CHECK(raw["outcomes"][5] == text["outcomes"][5]);  // flushed
  expect_error({"fp", "analyze", "-", "--raw", "f32"}, "not a multiple of 4", raw_floats(v) + "xy");
  const auto dir = numkit::test::fresh_dir();
  const auto path = numkit::test::write_file(dir, "odd.f64", std::string(12, '\0'));
  expect_error({"fp", "analyze", path.string(), "--raw", "f64"},
               "has 12 bytes, not a multiple of 8");
}

TEST_CASE("fp_analyze_plot_writes_the_exponent_histogram", "[e2e][fp]") {
  const auto r = run_numkit({"fp", "analyze", "--values", "1e-6,0.5,3", "--plot", "h.svg"});
  CHECK(r.exit_code == 0);
  CHECK(std::filesystem::exists(r.dir / "h.svg"));
}

TEST_CASE("fp_scale_reads_raw_gradients_in_fixed_steps", "[e2e][fp]") {
  std::vector<float> g;
  for (int i = 0; i < 100; ++i) {
    g.push_back(1e-3f);
    g.push_back(100.0f);
  }
  const Json raw =
      json_of({"fp", "scale", "-", "--raw", "f32", "--per-step", "2"}, 0, raw_floats(g));
  const Json text =
      json_of({"fp", "scale", "--values", "1e-3,100", "--per-step", "2", "--repeat", "100"});
  CHECK(raw["steps"] == 100);
  CHECK(raw["skipped"] == text["skipped"]);
  CHECK(raw["final_scale"] == text["final_scale"]);
  expect_error({"fp", "scale", "-", "--raw", "f32", "--per-step", "2"}, "not a multiple of 4",
               raw_floats(g) + "x");
  expect_error({"fp", "scale", "-", "--raw", "f32"}, "--per-step N", raw_floats(g));
}

TEST_CASE("fp_info_and_scale_plots_are_written", "[e2e][fp]") {
  const auto r = run_numkit({"fp", "info", "fp16", "bf16", "--plot", "saw.png"});
  CHECK(r.exit_code == 0);
  CHECK(std::filesystem::file_size(r.dir / "saw.png") > 1000);
  const auto s = run_numkit({"fp", "scale", "--values", "1e-3,100", "--per-step", "2", "--repeat",
                             "50", "--plot", "s.svg"});
  CHECK(s.exit_code == 0);
  CHECK(std::filesystem::exists(s.dir / "s.svg"));
  const auto a = run_numkit({"fp", "info", "fp16", "--plot", "-"});
  CHECK(a.exit_code == 0);
  CHECK(a.out.find("fp16") != std::string::npos);
}

TEST_CASE("fp_sum_shows_naive_fp16_stalling_and_fp32_accumulation_exact", "[e2e][fp]") {
  const Json j = json_of({"fp", "sum", "--values", "1", "--repeat", "5000", "--format", "fp16"});
  CHECK(j["exact_sum_in_format"] == 5000.0);
  CHECK(j["methods"][0]["method"] == "naive");
  CHECK(j["methods"][0]["sum"] == 2048.0);
  CHECK(j["naive"]["first_lost_at"] == 2049);
  CHECK(j["methods"][1]["sum"] == 5000.0);  // pairwise
  CHECK(j["methods"][3]["sum"] == 5000.0);  // fp32 accumulation
  CHECK(j["constant_mean_stall"]["stalls_after"] == 2048);
}

TEST_CASE("fp_update_lost_in_fp16_kept_by_master_copy", "[e2e][fp]") {
  const Json j = json_of({"fp", "update", "--weight", "1", "--update", "1e-4", "--steps", "1000"});
  CHECK(j["lost"] == true);
  CHECK(j["result"] == 1.0);
  CHECK(j["repeated"]["fp16_only"] == 1.0);
  CHECK(j["repeated"]["first_step_copy_moves"] == 5);
  CHECK(std::fabs(j["repeated"]["fp32_master"].get<double>() - 1.1) < 1e-4);
  const auto dir = numkit::test::fresh_dir();
  const auto w = numkit::test::write_file(dir, "w.txt", "1 1 1 1000\n");
  const auto u = numkit::test::write_file(dir, "u.txt", "1e-4 1e-2 0 1\n");
  const Json b = json_of({"fp", "update", "--weights", w.string(), "--updates", u.string()});
  CHECK(b["pairs"] == 4);
  CHECK(b["zero_updates"] == 1);
  CHECK(b["lost"] == 1);  // 1 + 1e-4; 1 + 1e-2 and 1000 + 1 (spacing 0.5 there) survive
  const auto v = numkit::test::write_file(dir, "v.txt", "1e-4\n");
  expect_error({"fp", "update", "--weights", w.string(), "--updates", v.string()},
               "has fewer numbers");
}

TEST_CASE("fp_scale_backs_off_to_a_fitting_scale_and_grows_again", "[e2e][fp]") {
  const Json j =
      json_of({"fp", "scale", "--values", "1e-3,100", "--per-step", "2", "--repeat", "5000"});
  CHECK(j["steps"] == 5000);
  // 100 * 2^16 overflows; steps 1-7 back off to S = 512 (100 * 1024 > 65504); 2000 clean steps
  // double it to 1024, which overflows at once (skip, back to 512): at steps 2008 and 4009.
  CHECK(j["first_skipped_step"] == 1);
  CHECK(j["skipped"] == 9);
  CHECK(j["final_scale"] == 512.0);
  CHECK(j["growths"] == 2);
  const auto dir = numkit::test::fresh_dir();
  const auto g =
      numkit::test::write_file(dir, "g.txt", "1e-3 100\n# comment\n1e-3, 2\n\n1e-3 nan\n");
  const Json t = json_of({"fp", "scale", g.string()});
  CHECK(t["steps"] == 3);
  CHECK(t["nonfinite_gradients"] == 1);
  const auto bad = numkit::test::write_file(dir, "b.txt", "1e-3 100\n1e-3 x\n");
  expect_error({"fp", "scale", bad.string()}, "b.txt:2:6");
}

TEST_CASE("fp_show_reads_many_values_from_stdin_a_row_each", "[e2e][fp]") {
  // 0.1 in fp16 is 0x2e66 = 1638/16384 = 0.0999755859375 exactly; 65520 rounds to infinity
  const auto r =
      run_numkit({"fp", "show", "-", "--format", "fp16", "--csv"}, "0.1 # tenth\n65520\n");
  REQUIRE(r.exit_code == 0);
  const auto rows = r.out;
  CHECK(rows.find("\n0.1,fp16,normal,rounded,0 01011 1001100110,0x2e66,0,01011,1001100110,-4,"
                  "0.0999755859375,") != std::string::npos);
  CHECK(rows.find("\n65520,fp16,infinity,overflowed,") != std::string::npos);
  // the same table as the values given as arguments
  CHECK(rows == run_numkit({"fp", "show", "0.1", "65520", "--format", "fp16", "--csv"}).out);
  const auto j = run_numkit({"fp", "show", "-", "--format", "fp16,bf16", "--json"}, "0.1\n");
  REQUIRE(j.exit_code == 0);
  CHECK(std::count(j.out.begin(), j.out.end(), '\n') == 2);  // JSON Lines: a value per format
  const auto bad = run_numkit({"fp", "show", "-"}, "0.1\nabc\n");
  CHECK(bad.exit_code == 2);
  CHECK(bad.err.rfind("numkit: stdin:2: expected a number", 0) == 0);
  CHECK(run_numkit({"fp", "show", "-", "0.5"}, "").exit_code == 2);
}
