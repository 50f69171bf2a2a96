// quad minimize --factor-format through the binary: the result names the factor format, the
// refinement and its errors, falls back to fp64 with a reason when cond(A) is beyond the format's
// limit, and refuses meaningless combinations with exit 2.
#include <catch2/catch.hpp>
#include <cmath>
#include <nlohmann/json.hpp>

#include "e2e.hpp"

using numkit::test::run_json;

TEST_CASE("quad_factor_format_fp32_refines_the_classic_example_to_fp64", "[quad][e2e]") {
  for (const char* format : {"fp32", "fp16", "bf16", "tf32", "auto"}) {
    INFO(format);
    auto j = run_json({"quad", "minimize", "-A", "[[3,2],[2,6]]", "-b", "[-2,8]", "--half",
                       "--factor-format", format});
    CHECK(j["status"] == "converged");
    CHECK(std::abs(j["minimizer"][0].get<double>() - 2) <= 4e-16);
    CHECK(std::abs(j["minimizer"][1].get<double>() + 2) <= 4e-16);
    const auto& f = j["factorization"];
    CHECK(f["requested"] == format);
    CHECK(f["format"] == (std::string(format) == "auto" ? "fp32" : format));
    CHECK(f["status"] == "converged");
    CHECK(f["refinement_converged"] == true);
    CHECK(f["backward_error"].get<double>() <= 2.3e-16);
  }
}

TEST_CASE("quad_factor_format_falls_back_to_fp64_when_cond_is_too_large", "[quad][e2e]") {
  // cond ≈ 2·10⁵ after scaling to unit diagonal: fine for fp32, beyond bf16's 1e3
  const std::string A = "[[1,0.99999],[0.99999,1]]";
  auto bf = run_json({"quad", "minimize", "-A", A, "-b", "[1,2]", "--factor-format", "bf16"});
  CHECK(bf["status"] == "converged");
  CHECK(bf["factorization"]["format"] == "fp64");
  CHECK(bf["factorization"]["status"] == "fell_back");
  CHECK(bf["factorization"]["reason"].get<std::string>().find("bf16") != std::string::npos);
  auto fp32 = run_json({"quad", "minimize", "-A", A, "-b", "[1,2]", "--factor-format", "fp32"});
  CHECK(fp32["factorization"]["format"] == "fp32");
  // Both are fp64-accurate solutions of a system with cond ≈ 2·10⁵: they agree to the forward
  // error bound of a few cond·2⁻⁵³, not bit for bit.
  for (int i = 0; i < 2; ++i)
    CHECK(fp32["minimizer"][i].get<double>() ==
          Approx(bf["minimizer"][i].get<double>()).epsilon(1e-10));
}

TEST_CASE("quad_factor_format_refuses_bad_combinations", "[quad][e2e]") {
  numkit::test::expect_input_error(
      {"quad", "minimize", "-A", "[[2,0],[0,2]]", "--factor-format", "fp8"}, "--factor-format");
  numkit::test::expect_input_error(
      {"quad", "minimize", "-A", "[[2,0],[0,2]]", "--method", "cg", "--factor-format", "fp32"},
      "only with --method direct");
  // an indefinite matrix: the ordinary analysis says why there is no minimum
  auto j = run_json(
      {"quad", "minimize", "-A", "[[1,2],[2,1]]", "-b", "[2,-4]", "--factor-format", "fp32"}, 1);
  CHECK(j["status"] == "no_minimum");
}
