// numkit fp analyze on .npy, .npz and safetensors files written by the tests' own writers, fp show
// of exact rationals and extreme decimals, the fnuz formats and stochastic rounding, run as a user
// runs them; every bad tensor file gives one line naming the file and the tensor, exit 2.
#include <unistd.h>

#include <bit>
#include <catch2/catch.hpp>
#include <cmath>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "e2e.hpp"
#include "tensor_writers.hpp"

using namespace numkit::test;
namespace fs = std::filesystem;

namespace {

struct Files {
  fs::path dir;
  Files() {
    static int n = 0;
    dir = fs::temp_directory_path() /
          ("numkit_tensor_e2e_" + std::to_string(::getpid()) + "_" + std::to_string(n++));
    fs::create_directories(dir);
  }
  ~Files() { fs::remove_all(dir); }
  std::string operator/(const std::string& name) const { return (dir / name).string(); }
};

std::vector<float> values(std::size_t n, unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<double> ue(-28.0, 18.0);
  std::vector<float> xs(n);
  for (std::size_t i = 0; i < n; ++i)
    xs[i] = i % 50 == 0 ? 0.0f : static_cast<float>((rng() & 1 ? -1 : 1) * std::exp2(ue(rng)));
  return xs;
}

// The counts of `fp analyze FILE --raw f32 --json` (the raw-float path) by outcome name.
std::uint64_t outcome(const nlohmann::json& raw, const std::string& name) {
  for (const auto& o : raw["outcomes"])
    if (o["outcome"] == name) return o["count"].get<std::uint64_t>();
  FAIL("no outcome " << name);
  return 0;
}

int line_count(const std::string& s) {
  int n = 0;
  for (char c : s) n += c == '\n';
  return n;
}

}  // namespace

TEST_CASE("fp_analyze_safetensors_reports_each_tensor_and_matches_the_raw_path", "[e2e][fp]") {
  Files d;
  const auto a = values(4000, 1), b = values(300, 2);
  write_file(d / "a.f32", bytes_of(a));
  std::vector<float> ab = a;
  ab.insert(ab.end(), b.begin(), b.end());
  write_file(d / "ab.f32", bytes_of(ab));
  write_file(d / "m.safetensors",
             safetensors_bytes({{"encoder.weight", "F32", {40, 100}, bytes_of(a)},
                                {"encoder.bias", "F32", {300}, bytes_of(b)}},
                               "{\"format\":\"pt\"}"));
  const auto j = run_json({"fp", "analyze", d / "m.safetensors", "--format", "fp8-e4m3"});
  CHECK(j["kind"] == "safetensors");
  CHECK(j["format"] == "e4m3");
  REQUIRE(j["tensors"].size() == 2);
  const auto& w = j["tensors"][0];
  CHECK(w["name"] == "encoder.weight");
  CHECK(w["dtype"] == "F32");
  CHECK(w["shape"] == nlohmann::json::array({40, 100}));
  CHECK(w["count"] == 4000);
  const auto raw = run_json({"fp", "analyze", d / "a.f32", "--raw", "f32", "--format", "e4m3"});
  CHECK(w["overflow"] == outcome(raw, "overflow"));
  CHECK(w["flushed_to_zero"] == outcome(raw, "flushed to zero"));
  CHECK(w["became_subnormal"] == outcome(raw, "became subnormal"));
  CHECK(w["rounded"] == outcome(raw, "rounded (inexact)"));
  CHECK(w["max_rel_error"] == raw["relative_error"]["max"]);
  const auto rab = run_json({"fp", "analyze", d / "ab.f32", "--raw", "f32", "--format", "e4m3"});
  CHECK(j["totals"]["count"] == 4300);
  CHECK(j["totals"]["overflow"] == outcome(rab, "overflow"));
  CHECK(j["totals"]["flushed_to_zero"] == outcome(rab, "flushed to zero"));
  CHECK(j["totals"]["exact_nonzero"] == outcome(rab, "exact (nonzero)"));
  // --tensor selects by name or glob; the table and CSV forms work too
  const auto sel =
      run_json({"fp", "analyze", d / "m.safetensors", "--format", "e4m3", "--tensor", "*.bias"});
  REQUIRE(sel["tensors"].size() == 1);
  CHECK(sel["tensors"][0]["name"] == "encoder.bias");
  const auto csv = run_numkit({"fp", "analyze", d / "m.safetensors", "--format", "e4m3", "--csv"});
  CHECK(csv.exit_code == 0);
  CHECK(line_count(csv.out) == 3);
  CHECK(csv.out.find(",name,dtype,shape,count,") != std::string::npos);
  CHECK(csv.out.rfind("input,kind,format,totals.tensors,", 0) == 0);
  const auto plot =
      run_numkit({"fp", "analyze", d / "m.safetensors", "--format", "fp16", "--plot", "-"});
  CHECK(plot.exit_code == 0);
  CHECK(plot.out.find("binary exponents") != std::string::npos);  // the totals' histogram
  const auto table = run_numkit({"fp", "analyze", d / "m.safetensors", "--format", "bf16"});
  CHECK(table.exit_code == 0);
  CHECK(table.out.find("encoder.weight") != std::string::npos);
}

TEST_CASE("fp_analyze_reads_npy_and_npz_stored_and_deflated_alike", "[e2e][fp]") {
  Files d;
  const auto a = values(2000, 3);
  std::vector<std::uint16_t> h = {0x3c00, 0x0001, 0x7bff, 0xfbff};
  write_file(d / "g.npy", npy_bytes("'<f4'", {2000}, bytes_of(a)));
  write_npz(d / "s.npz",
            {{"g", npy_bytes("'<f4'", {2000}, bytes_of(a))},
             {"h", npy_bytes("'>f2'", {4}, bytes_of(h, true))}},
            false);
  write_npz(d / "c.npz",
            {{"g", npy_bytes("'<f4'", {2000}, bytes_of(a))},
             {"h", npy_bytes("'>f2'", {4}, bytes_of(h, true))}},
            true);
  const auto one = run_json({"fp", "analyze", d / "g.npy", "--format", "fp16"});
  const auto s = run_json({"fp", "analyze", d / "s.npz", "--format", "fp16"});
  const auto c = run_json({"fp", "analyze", d / "c.npz", "--format", "fp16"});
  REQUIRE(s["tensors"].size() == 2);
  CHECK(s["tensors"] == c["tensors"]);
  auto g = s["tensors"][0];
  CHECK(g["name"] == "g");
  CHECK(one["tensors"][0]["rounded"] == g["rounded"]);
  CHECK(one["tensors"][0]["overflow"] == g["overflow"]);
  // fp16 data analysed for fp16: exact everywhere
  CHECK(s["tensors"][1]["rounded"] == 0);
  CHECK(s["tensors"][1]["dtype"] == ">f2");
}

TEST_CASE("fp_analyze_raw_reads_f16_bf16_and_fp8_and_dtype_reads_void_npy", "[e2e][fp]") {
  Files d;
  write_file(d / "h.bin", bytes_of(std::vector<std::uint16_t>{0x3c00, 0x7c00, 0x0001}));
  const auto h = run_json({"fp", "analyze", d / "h.bin", "--raw", "f16", "--format", "fp16"});
  CHECK(h["tensors"][0]["count"] == 3);
  CHECK(h["totals"]["rounded"] == 0);
  // bf16 1, 65536 (beyond fp16), 2^-25 (half fp16's smallest subnormal: ties to 0)
  write_file(d / "b.bin", bytes_of(std::vector<std::uint16_t>{0x3f80, 0x4780, 0x3300}));
  const auto b = run_json({"fp", "analyze", d / "b.bin", "--raw", "bf16", "--format", "fp16"});
  CHECK(b["totals"]["overflow"] == 1);
  CHECK(b["totals"]["flushed_to_zero"] == 1);
  CHECK(b["totals"]["exact_nonzero"] == 1);
  write_file(d / "e.bin", bytes_of(std::vector<std::uint8_t>{0x7b, 0x3c}));  // e5m2 57344, 1
  const auto e = run_json({"fp", "analyze", d / "e.bin", "--raw", "e5m2", "--format", "e4m3"});
  CHECK(e["totals"]["overflow"] == 1);
  write_file(d / "v.npy",
             npy_bytes("'<V2'", {2}, bytes_of(std::vector<std::uint16_t>{0x3f80, 0x4000})));
  expect_input_error({"fp", "analyze", d / "v.npy", "--format", "fp16"}, "needs --dtype bf16");
  const auto v = run_json({"fp", "analyze", d / "v.npy", "--format", "fp16", "--dtype", "bf16"});
  CHECK(v["tensors"][0]["dtype"] == "<V2");
  CHECK(v["totals"]["exact_nonzero"] == 2);
}

TEST_CASE("fp_analyze_shows_what_per_tensor_scaling_saves_over_one_global_scale", "[e2e][fp]") {
  Files d;
  std::vector<float> big = {1000.0f, -500.0f}, small = {1e-3f, 2e-3f, -5e-4f};
  write_file(d / "s.safetensors", safetensors_bytes({{"big", "F32", {2}, bytes_of(big)},
                                                     {"small", "F32", {3}, bytes_of(small)}}));
  const auto j = run_json({"fp", "analyze", d / "s.safetensors", "--format", "e4m3"});
  CHECK(j["tensors"][0]["scale"] == 0.125);
  CHECK(j["tensors"][1]["scale"] == 65536);
  CHECK(j["scaling"]["global_scale"] == 0.125);
  CHECK(j["scaling"]["below_normal_global_scale"] == 3);
  CHECK(j["scaling"]["below_normal_per_tensor_scales"] == 0);
}

TEST_CASE("bad_tensor_files_give_one_line_naming_the_file_and_the_tensor", "[e2e][fp]") {
  Files d;
  const std::vector<float> x = {1, 2, 3, 4};
  const Bytes good = safetensors_bytes({{"w", "F32", {4}, bytes_of(x)}});
  auto bad = [&](const std::string& name, const Bytes& bytes, const std::string& message) {
    write_file(d / name, bytes);
    const auto r = run_numkit({"fp", "analyze", d / name, "--format", "fp16"});
    INFO(name << ": " << r.err);
    CHECK(r.exit_code == 2);
    CHECK(line_count(r.err) == 1);
    CHECK(r.err.find(d / name) != std::string::npos);
    CHECK(r.err.find(message) != std::string::npos);
    CHECK(r.out.empty());
  };
  bad("trunc.safetensors", Bytes(good.begin(), good.end() - 3),
      "tensor \"w\": data_offsets [0, 16] end beyond the 13 data bytes");
  Bytes longer = good;
  longer[1] = 0x10;
  bad("long.safetensors", longer, "header claims 4");
  bad("dtype.safetensors", safetensors_bytes({{"w", "C64", {4}, bytes_of(x)}}),
      "tensor \"w\": unknown dtype \"C64\"");
  bad("shape.safetensors", safetensors_bytes({{"w", "F32", {2, 3}, bytes_of(x)}}),
      "tensor \"w\": shape [2, 3] of F32 needs 24 bytes, data_offsets give 16");
  bad("huge.safetensors", safetensors_bytes({{"w", "F32", {1ull << 32, 1ull << 32}, bytes_of(x)}}),
      "tensor \"w\": shape [4294967296, 4294967296] has more elements than 2^64");
  const std::string h =
      R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}})";
  Bytes ov;
  for (int i = 0; i < 8; ++i)
    ov.push_back(static_cast<unsigned char>((h.size() >> (8 * i)) & 0xFF));
  ov.insert(ov.end(), h.begin(), h.end());
  ov.resize(ov.size() + 16, 0);
  bad("overlap.safetensors", ov, "tensors \"a\" and \"b\" overlap");
  bad("name.safetensors", safetensors_bytes({{"w\xfe", "F32", {4}, bytes_of(x)}}),
      "tensor name \"w\\xfe\" is not valid UTF-8");
  const Bytes npy = npy_bytes("'<f4'", {4}, bytes_of(x));
  bad("trunc.npy", Bytes(npy.begin(), npy.end() - 2),
      "shape [4] of <f4 needs 16 data bytes, the file has 14");
  bad("head.npy", Bytes(npy.begin(), npy.begin() + 30), ".npy header claims");
  bad("dtype.npy", npy_bytes("'<U8'", {4}, bytes_of(x)), "unsupported dtype \"<U8\"");
  // zip bomb: the directory claims 4 GB from a few KB
  write_npz(d / "z.npz",
            {{"z", npy_bytes("'<f4'", {1 << 16}, bytes_of(std::vector<float>(1 << 16)))}}, true);
  Bytes z = read_file(d / "z.npz");
  for (std::size_t i = 0; i + 28 <= z.size(); ++i) {
    if (z[i] == 'P' && z[i + 1] == 'K' && z[i + 2] == 3 && z[i + 3] == 4) z[i + 25] = 0xF0;
    if (z[i] == 'P' && z[i + 1] == 'K' && z[i + 2] == 1 && z[i + 3] == 2) z[i + 27] = 0xF0;
  }
  bad("bomb.npz", z, "member \"z.npy\": claims");
}

TEST_CASE("fp_show_rounds_rationals_and_extreme_decimals_once", "[e2e][fp]") {
  const auto j = run_json(
      {"fp", "show", "1/3", "-7/10", "1e-10000", "65519.999999999999", "--format", "fp16"});
  const auto& r = j["results"];
  CHECK(r[0]["stored"] == 0.333251953125);
  CHECK(r[0]["outcome"] == "rounded");
  CHECK(r[1]["stored"] == -0.7001953125);
  CHECK(r[2]["outcome"] == "underflowed to zero");
  CHECK(r[3]["stored"] == 65504);
  CHECK(r[3]["outcome"] == "rounded");
  const std::string long_text = "1." + std::string(5000, '0') + "1";
  CHECK(run_json({"fp", "show", long_text, "--format", "fp64"})["results"][0]["outcome"] ==
        "rounded");
  expect_input_error({"fp", "show", "1/0"}, "VALUE: division by zero");
}

TEST_CASE("fp_info_show_and_analyze_know_the_fnuz_formats", "[e2e][fp]") {
  const auto i = run_json({"fp", "info", "e4m3fnuz", "e5m2fnuz"});
  CHECK(i["formats"][0]["max_finite"] == 240);
  CHECK(i["formats"][0]["bias"] == 8);
  CHECK(i["formats"][1]["max_finite"] == 57344);
  const auto s = run_json({"fp", "show", "-0", "nan", "--format", "float8_e4m3fnuz"});
  CHECK(s["results"][0]["hex"] == "0x00");
  CHECK(s["results"][1]["hex"] == "0x80");
  const auto a = run_json({"fp", "analyze", "--values", "250,1e-5,1", "--format", "e4m3fnuz"});
  CHECK(a["count"] == 3);
}

TEST_CASE("stochastic_rounding_in_sum_update_and_analyze_is_seeded", "[e2e][fp]") {
  const auto s1 = run_json({"fp", "sum", "--values", "0.1", "--repeat", "10000", "--format", "fp16",
                            "--rounding", "stochastic", "--seed", "4"});
  const auto s2 = run_json({"fp", "sum", "--values", "0.1", "--repeat", "10000", "--format", "fp16",
                            "--rounding", "stochastic", "--seed", "4"});
  REQUIRE(s1["methods"].size() == 5);
  CHECK(s1["methods"][4]["method"] == "naive_stochastic");
  CHECK(s1["methods"][4] == s2["methods"][4]);
  CHECK(std::fabs(s1["methods"][4]["sum"].get<double>() - 999.755859375) < 100);
  const auto u = run_json({"fp", "update", "--weight", "1", "--update", "1e-4", "--format", "fp16",
                           "--steps", "1000", "--rounding", "stochastic", "--seed", "1"});
  CHECK(u["repeated"]["fp16_only"] == 1);
  CHECK(std::fabs(u["repeated"]["fp16_stochastic"].get<double>() - 1.1) < 0.06);
  const auto a = run_json({"fp", "analyze", "--values", "1.000244140625", "--repeat", "1000",
                           "--format", "fp16", "--rounding", "stochastic", "--seed", "2"});
  CHECK(a["count"] == 1000);
  expect_input_error({"fp", "sum", "--values", "1", "--rounding", "up"}, "--rounding");
}
