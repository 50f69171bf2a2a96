// Tensor files written by the test writers (tests/support/tensor_writers.hpp) and read back: the
// per-tensor analysis must equal the raw-float path on the same values, with exact counts.
#include <unistd.h>

#include <bit>
#include <catch2/catch.hpp>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "numkit/core/error.hpp"
#include "numkit/fp/analyze.hpp"
#include "numkit/fp/tensor_file.hpp"
#include "tensor_writers.hpp"

using namespace numkit::fp;
using namespace numkit::test;
namespace fs = std::filesystem;

namespace {

struct TempDir {
  fs::path dir;
  TempDir() {
    dir = fs::temp_directory_path() /
          ("numkit_tensor_test_" + std::to_string(::getpid()) + "_" + std::to_string(counter()++));
    fs::create_directories(dir);
  }
  ~TempDir() { fs::remove_all(dir); }
  std::string operator/(const std::string& name) const { return (dir / name).string(); }
  static int& counter() {
    static int c = 0;
    return c;
  }
};

AnalyzeOptions opts(FormatId id) {
  AnalyzeOptions o;
  o.format = &format(id);
  o.threads = 2;
  return o;
}

std::vector<float> sample_floats(std::size_t n, unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<double> ue(-30.0, 20.0);
  std::vector<float> xs(n);
  for (std::size_t i = 0; i < n; ++i) {
    if (i % 101 == 0)
      xs[i] = 0.0f;
    else if (i % 211 == 0)
      xs[i] = std::bit_cast<float>(static_cast<std::uint32_t>(rng()));  // any pattern
    else
      xs[i] = static_cast<float>((rng() & 1 ? -1 : 1) * std::exp2(ue(rng)));
  }
  return xs;
}

AnalyzeStats raw_stats(const std::vector<float>& xs, const AnalyzeOptions& o) {
  Analyzer a(o);
  a.add(std::span<const float>(xs));
  return a.stats();
}

AnalyzeStats raw_stats(const std::vector<double>& xs, const AnalyzeOptions& o) {
  Analyzer a(o);
  a.add(std::span<const double>(xs));
  return a.stats();
}

void same_counts(const AnalyzeStats& a, const AnalyzeStats& b) {
  CHECK(a.count == b.count);
  CHECK(a.nan == b.nan);
  CHECK(a.pos_inf == b.pos_inf);
  CHECK(a.neg_inf == b.neg_inf);
  CHECK(a.zero == b.zero);
  CHECK(a.overflow == b.overflow);
  CHECK(a.flushed_to_zero == b.flushed_to_zero);
  CHECK(a.became_subnormal == b.became_subnormal);
  CHECK(a.rounded == b.rounded);
  CHECK(a.exact_nonzero == b.exact_nonzero);
  CHECK(a.max_rel == b.max_rel);
  CHECK(a.max_abs == b.max_abs);
  CHECK(a.exp_hist == b.exp_hist);
  CHECK(a.rel_hist == b.rel_hist);
}

std::uint16_t to_bf16_bits(float x) {  // truncation is fine: the test only needs bf16 values
  return static_cast<std::uint16_t>(std::bit_cast<std::uint32_t>(x) >> 16);
}

}  // namespace

TEST_CASE("npy_f32_tensor_analysis_equals_the_raw_float_path", "[fp][tensor]") {
  TempDir d;
  const auto xs = sample_floats(3000, 1);
  write_file(d / "g.npy", npy_bytes("'<f4'", {30, 100}, bytes_of(xs)));
  const TensorFile f = TensorFile::open(d / "g.npy");
  REQUIRE(f.kind() == TensorFileKind::npy);
  REQUIRE(f.tensors().size() == 1);
  const TensorInfo& t = f.tensors()[0];
  CHECK(t.name == "g");
  CHECK(t.dtype == DType::f32);
  CHECK(t.shape == std::vector<std::uint64_t>{30, 100});
  CHECK(t.count == 3000);
  for (auto id : {FormatId::fp16, FormatId::bf16, FormatId::e4m3, FormatId::e5m2fnuz}) {
    const auto o = opts(id);
    const auto r = analyze_tensor_file(f, {}, o);
    REQUIRE(r.tensors.size() == 1);
    same_counts(r.tensors[0].result.stats, raw_stats(xs, o));
    same_counts(r.total.stats, raw_stats(xs, o));
  }
}

TEST_CASE("npy_reads_both_byte_orders_and_header_versions_1_to_3", "[fp][tensor]") {
  TempDir d;
  const auto xs = sample_floats(500, 2);
  std::vector<double> xd(xs.begin(), xs.end());
  for (std::size_t i = 0; i < xd.size(); i += 7) xd[i] *= 1 + 1e-12;  // not floats
  const auto o = opts(FormatId::fp16);
  for (int version : {1, 2, 3}) {
    for (bool big : {false, true}) {
      const std::string p = d / ("x" + std::to_string(version) + (big ? "b" : "l") + ".npy");
      write_file(p, npy_bytes(big ? "'>f4'" : "'<f4'", {500}, bytes_of(xs, big), version));
      same_counts(analyze_tensor_file(TensorFile::open(p), {}, o).total.stats, raw_stats(xs, o));
      write_file(p, npy_bytes(big ? "'>f8'" : "'<f8'", {5, 100}, bytes_of(xd, big), version));
      same_counts(analyze_tensor_file(TensorFile::open(p), {}, o).total.stats, raw_stats(xd, o));
    }
  }
}

TEST_CASE("npy_fp16_tensor_in_fp16_is_exact_everywhere_and_decodes_every_pattern", "[fp][tensor]") {
  TempDir d;
  std::vector<std::uint16_t> all(65536);
  for (unsigned i = 0; i < 65536; ++i) all[i] = static_cast<std::uint16_t>(i);
  for (bool big : {false, true}) {
    write_file(d / "h.npy", npy_bytes(big ? "'>f2'" : "'<f2'", {256, 256}, bytes_of(all, big)));
    const TensorFile f = TensorFile::open(d / "h.npy");
    std::vector<double> decoded;
    f.read(f.tensors()[0], [&](const ValueBlock& b) {
      for (float v : b.f32) decoded.push_back(v);
    });
    REQUIRE(decoded.size() == 65536);
    int bad = 0;
    for (unsigned i = 0; i < 65536; ++i) {
      const double want = decode(i, format(FormatId::fp16));
      if (!(decoded[i] == want || (std::isnan(want) && std::isnan(decoded[i])))) ++bad;
      if (decoded[i] == want && std::signbit(decoded[i]) != std::signbit(want)) ++bad;
    }
    CHECK(bad == 0);
    const auto s = analyze_tensor_file(f, {}, opts(FormatId::fp16)).total.stats;
    CHECK(s.count == 65536);
    CHECK(s.rounded == 0);
    CHECK(s.overflow == 0);
    CHECK(s.flushed_to_zero == 0);
    CHECK(s.nan == 2 * 1023);
    CHECK(s.pos_inf == 1);
    CHECK(s.neg_inf == 1);
    CHECK(s.zero == 2);
    CHECK(s.became_subnormal == 2 * 1023);  // stored as subnormals (exactly: no rounding)
    CHECK(s.exact_nonzero == 65536 - 2 * 1023 - 2 - 2);
  }
}

TEST_CASE("npy_void_elements_are_read_as_the_ml_dtypes_type_named_or_given", "[fp][tensor]") {
  TempDir d;
  std::vector<std::uint16_t> b16 = {0x3f80, 0x4000, 0xbf80, 0x0001, 0x7f80};
  write_file(d / "b.npy", npy_bytes("'<V2'", {5}, bytes_of(b16)));
  CHECK_THROWS_WITH(TensorFile::open(d / "b.npy"), Catch::Contains("needs --dtype bf16"));
  TensorFileOptions fo;
  fo.void_dtype = DType::bf16;
  const TensorFile f = TensorFile::open(d / "b.npy", fo);
  CHECK(f.tensors()[0].dtype == DType::bf16);
  std::vector<float> v;
  f.read(f.tensors()[0], [&](const ValueBlock& b) { v.assign(b.f32.begin(), b.f32.end()); });
  CHECK(v == std::vector<float>{1.0f, 2.0f, -1.0f, std::bit_cast<float>(0x00010000u), INFINITY});
  write_file(d / "n.npy", npy_bytes("[('bfloat16', '<V2')]", {5}, bytes_of(b16)));
  CHECK(TensorFile::open(d / "n.npy").tensors()[0].dtype == DType::bf16);
  std::vector<std::uint8_t> e = {0x38, 0x7e, 0x7f, 0x80, 0x01};
  write_file(d / "e.npy", npy_bytes("[('float8_e4m3fn', '|V1')]", {5}, bytes_of(e)));
  const TensorFile fe = TensorFile::open(d / "e.npy");
  CHECK(fe.tensors()[0].dtype == DType::e4m3);
  std::vector<float> ve;
  fe.read(fe.tensors()[0], [&](const ValueBlock& b) { ve.assign(b.f32.begin(), b.f32.end()); });
  CHECK(ve[0] == 1.0f);
  CHECK(ve[1] == 448.0f);
  CHECK(std::isnan(ve[2]));
  CHECK(ve[3] == 0.0f);
  CHECK(std::signbit(ve[3]));
  CHECK(ve[4] == std::ldexp(1.0f, -9));
  fo.void_dtype = DType::e5m2fnuz;
  write_file(d / "u.npy", npy_bytes("'|V1'", {5}, bytes_of(e)));
  const TensorFile fu = TensorFile::open(d / "u.npy", fo);
  fu.read(fu.tensors()[0], [&](const ValueBlock& b) { ve.assign(b.f32.begin(), b.f32.end()); });
  CHECK(std::isnan(ve[3]));  // 0x80 is the only NaN of fnuz
  CHECK(ve[0] == 0.25f);     // bias 16: 0x38 = 0.01110.00 = 2^(14-16)
  fo.void_dtype = DType::bf16;
  CHECK_THROWS_WITH(TensorFile::open(d / "u.npy", fo), Catch::Contains("2-byte elements"));
}

TEST_CASE("npy_integers_are_counted_exactly_as_values", "[fp][tensor]") {
  TempDir d;
  std::vector<std::int64_t> v = {
      0, 1, -3, 65504, 65519, 65520, 100000, (std::int64_t{1} << 53) + 1, INT64_MIN, INT64_MAX};
  write_file(d / "i.npy", npy_bytes("'<i8'", {10}, bytes_of(v)));
  const auto s =
      analyze_tensor_file(TensorFile::open(d / "i.npy"), {}, opts(FormatId::fp16)).total.stats;
  CHECK(s.count == 10);
  CHECK(s.zero == 1);
  CHECK(s.overflow == 5);       // 65520 (tie to 65536), 100000, 2^53+1, INT64_MIN, INT64_MAX
  CHECK(s.exact_nonzero == 3);  // 1, -3, 65504
  CHECK(s.rounded == 6);        // 65519 -> 65504 and the 5 overflows
  // 2^53 + 1 arrives rounded to odd (2^53 + 2): one more rounding to bf16 is still correct
  std::vector<std::int64_t> w = {(std::int64_t{1} << 53) + 1, (std::int64_t{1} << 60) + 1};
  write_file(d / "w.npy", npy_bytes("'<i8'", {2}, bytes_of(w)));
  const auto sw =
      analyze_tensor_file(TensorFile::open(d / "w.npy"), {}, opts(FormatId::bf16)).total.stats;
  CHECK(sw.rounded == 2);
  std::vector<std::uint8_t> u = {0, 1, 255, 17};
  write_file(d / "u.npy", npy_bytes("'|u1'", {2, 2}, bytes_of(u)));
  const auto su =
      analyze_tensor_file(TensorFile::open(d / "u.npy"), {}, opts(FormatId::e4m3)).total.stats;
  CHECK(su.exact_nonzero == 1);  // 1; 255 -> 256, 17 -> 16 (ties to even)
  CHECK(su.rounded == 2);
}

TEST_CASE("safetensors_reports_each_tensor_like_the_raw_path_and_keeps_metadata", "[fp][tensor]") {
  TempDir d;
  const auto a = sample_floats(1000, 3), b = sample_floats(64, 4);
  std::vector<std::uint16_t> h(b.size()), bf(b.size());
  for (std::size_t i = 0; i < b.size(); ++i) {
    h[i] = static_cast<std::uint16_t>(encode(b[i], format(FormatId::fp16)));
    bf[i] = to_bf16_bits(b[i]);
  }
  std::vector<float> hf(h.size()), bff(bf.size());
  for (std::size_t i = 0; i < h.size(); ++i) {
    hf[i] = static_cast<float>(decode(h[i], format(FormatId::fp16)));
    bff[i] = std::bit_cast<float>(static_cast<std::uint32_t>(bf[i]) << 16);
  }
  std::vector<std::uint8_t> e8 = {0x00, 0x01, 0x38, 0x7e, 0xfe, 0x55};
  std::vector<float> e8f;
  for (auto x : e8) e8f.push_back(static_cast<float>(decode(x, format(FormatId::e4m3))));
  std::vector<std::int32_t> i32 = {-7, 0, 70000, 3};
  std::vector<double> i32d(i32.begin(), i32.end());
  write_file(d / "m.safetensors",
             safetensors_bytes({{"layer.0.weight", "F32", {10, 100}, bytes_of(a)},
                                {"layer.0.bias", "F16", {64}, bytes_of(h)},
                                {"layer.1.weight", "BF16", {8, 8}, bytes_of(bf)},
                                {"scale_inv", "F8_E4M3", {2, 3}, bytes_of(e8)},
                                {"steps", "I32", {4}, bytes_of(i32)}},
                               "{\"format\":\"pt\"}"));
  const TensorFile f = TensorFile::open(d / "m.safetensors");
  REQUIRE(f.kind() == TensorFileKind::safetensors);
  REQUIRE(f.tensors().size() == 5);
  CHECK(f.metadata().at("format") == "pt");
  const auto o = opts(FormatId::e4m3);
  const auto r = analyze_tensor_file(f, {}, o);
  REQUIRE(r.tensors.size() == 5);
  CHECK(r.tensors[0].info.name == "layer.0.weight");
  same_counts(r.tensors[0].result.stats, raw_stats(a, o));
  same_counts(r.tensors[1].result.stats, raw_stats(hf, o));
  same_counts(r.tensors[2].result.stats, raw_stats(bff, o));
  same_counts(r.tensors[3].result.stats, raw_stats(e8f, o));
  CHECK(r.tensors[3].result.stats.rounded == 0);  // e4m3 data in e4m3: exact
  same_counts(r.tensors[4].result.stats, raw_stats(i32d, o));
  CHECK(r.total.stats.count == 1000 + 64 + 64 + 6 + 4);
  // selection by name and glob
  CHECK(analyze_tensor_file(f, {"layer.*.weight"}, o).tensors.size() == 2);
  CHECK(analyze_tensor_file(f, {"steps"}, o).tensors.size() == 1);
  CHECK_THROWS_WITH(analyze_tensor_file(f, {"nothing*"}, o), Catch::Contains("no tensor matches"));
}

TEST_CASE("npz_stored_and_deflated_give_the_same_report_as_the_raw_path", "[fp][tensor]") {
  TempDir d;
  const auto a = sample_floats(20000, 5);
  std::vector<float> zeros(300000, 0.0f);  // compresses about 1000:1, still allowed
  std::vector<std::uint16_t> h = {0x3c00, 0x0001, 0x7bff};
  for (bool deflate : {false, true}) {
    const std::string p = d / (deflate ? "c.npz" : "s.npz");
    write_npz(p,
              {{"grad", npy_bytes("'<f4'", {20000}, bytes_of(a))},
               {"zeros", npy_bytes("'<f4'", {300000}, bytes_of(zeros))},
               {"half", npy_bytes("'>f2'", {3}, bytes_of(h, true), 2)}},
              deflate);
    const TensorFile f = TensorFile::open(p);
    REQUIRE(f.kind() == TensorFileKind::npz);
    REQUIRE(f.tensors().size() == 3);
    CHECK(f.tensors()[0].name == "grad");
    const auto o = opts(FormatId::fp16);
    const auto r = analyze_tensor_file(f, {}, o);
    same_counts(r.tensors[0].result.stats, raw_stats(a, o));
    CHECK(r.tensors[1].result.stats.zero == 300000);
    CHECK(r.tensors[2].result.stats.exact_nonzero == 3);
  }
}

TEST_CASE("per_tensor_scales_lose_fewer_values_than_one_global_scale", "[fp][tensor]") {
  TempDir d;
  std::vector<float> big = {1000.0f, -500.0f, 3.0f}, small(100);
  for (std::size_t i = 0; i < small.size(); ++i)
    small[i] = 1e-3f * static_cast<float>(i + 1) / 100.0f;
  write_file(d / "s.safetensors", safetensors_bytes({{"big", "F32", {3}, bytes_of(big)},
                                                     {"small", "F32", {100}, bytes_of(small)}}));
  const auto o = opts(FormatId::e4m3);  // max 448, smallest normal 2^-6, margin 2
  const auto r = analyze_tensor_file(TensorFile::open(d / "s.safetensors"), {}, o);
  REQUIRE(r.tensors.size() == 2);
  // big: amax 1000, the largest 2^k with 1000 2^k <= 224 is 2^-3 (125)
  CHECK(r.tensors[0].log2_scale == -3);
  // small: amax 1e-3, 2^17 * 1e-3 = 131 <= 224 < 262
  CHECK(r.tensors[1].log2_scale == 17);
  CHECK(r.log2_global_scale == -3);
  // the reference counts, straight from the definition |x| S < 2^-6
  std::uint64_t own = 0, global = 0;
  for (float x : small) {
    own += std::ldexp(static_cast<double>(x), 17) < std::ldexp(1.0, -6);
    global += std::ldexp(static_cast<double>(x), -3) < std::ldexp(1.0, -6);
  }
  for (float x : big) {
    own += std::fabs(std::ldexp(static_cast<double>(x), -3)) < std::ldexp(1.0, -6);
    global += std::fabs(std::ldexp(static_cast<double>(x), -3)) < std::ldexp(1.0, -6);
  }
  CHECK(global == 100);
  CHECK(r.below_normal_global_scale == global);
  CHECK(r.below_normal_own_scales == own);
  CHECK(r.tensors[1].below_normal_global_scale == 100);
}

TEST_CASE("raw_files_of_every_element_type_read_exactly", "[fp][tensor]") {
  TempDir d;
  std::vector<std::uint16_t> h = {0x3c00, 0x8001, 0x7bff, 0x7c00};
  write_file(d / "h.f16", bytes_of(h));
  const auto r = analyze_raw_typed(d / "h.f16", DType::f16, opts(FormatId::fp16));
  CHECK(r.total.stats.count == 4);
  CHECK(r.total.stats.exact_nonzero == 3);
  CHECK(r.total.stats.pos_inf == 1);
  std::vector<std::uint8_t> e = {0x3c, 0x7b, 0xfc};  // e5m2: 1, 57344, -inf
  write_file(d / "e.e5m2", bytes_of(e));
  const auto re = analyze_raw_typed(d / "e.e5m2", DType::e5m2, opts(FormatId::e4m3));
  CHECK(re.total.stats.overflow == 1);  // 57344 is beyond e4m3's 448
  CHECK(re.total.stats.neg_inf == 1);
  write_file(d / "odd.bf16", Bytes{1, 2, 3});
  CHECK_THROWS_WITH(analyze_raw_typed(d / "odd.bf16", DType::bf16, opts(FormatId::fp16)),
                    Catch::Contains("raw bf16 input has 3 bytes, not a multiple of 2"));
  CHECK(parse_dtype("float8_e4m3fn", "--dtype") == DType::e4m3);
  CHECK_THROWS_WITH(parse_dtype("f17", "--dtype"),
                    Catch::Contains("--dtype: unknown element type"));
}

// ---- bad input: one clear line, nothing read out of bounds
// ----------------------------------------

namespace {
std::string error_of(const Bytes& b, const std::string& name, const TensorFileOptions& o = {}) {
  try {
    const TensorFile f = TensorFile::from_memory(b, name, o);
    for (const auto& t : f.tensors()) f.read(t, [](const ValueBlock&) {});
  } catch (const numkit::InputError& e) {
    return e.what();
  }
  return "";
}
}  // namespace

TEST_CASE("bad_npy_files_are_refused_naming_the_file", "[fp][tensor]") {
  const std::vector<float> x = {1, 2, 3};
  const Bytes good = npy_bytes("'<f4'", {3}, bytes_of(x));
  CHECK(error_of(good, "g.npy").empty());
  CHECK_THAT(error_of(Bytes(good.begin(), good.end() - 1), "g.npy"),
             Catch::Contains("g.npy: shape [3] of <f4 needs 12 data bytes, the file has 11"));
  CHECK_THAT(error_of(Bytes(good.begin(), good.begin() + 40), "g.npy"),
             Catch::Contains("g.npy: .npy header claims"));
  CHECK_THAT(error_of(Bytes(good.begin(), good.begin() + 7), "g.npy"),
             Catch::Contains("truncated"));
  CHECK_THAT(error_of(npy_bytes("'<c8'", {3}, bytes_of(x)), "g.npy"),
             Catch::Contains("unsupported dtype \"<c8\""));
  CHECK_THAT(error_of(npy_bytes("'<f4'", {4294967296ull, 4294967296ull}, bytes_of(x)), "g.npy"),
             Catch::Contains("more elements than 2^64"));
  CHECK_THAT(error_of(npy_bytes("'<f4'", {4611686018427387904ull}, bytes_of(x)), "g.npy"),
             Catch::Contains("needs more than 2^64 bytes"));
  CHECK_THAT(error_of(npy_bytes("'<f4'", {2, 2}, bytes_of(x)), "g.npy"),
             Catch::Contains("needs 16 data bytes, the file has 12"));
  Bytes v9 = good;
  v9[6] = 9;
  CHECK_THAT(error_of(v9, "g.npy"), Catch::Contains("unsupported .npy format version 9"));
  Bytes garbled = good;
  garbled[10] = '(';
  CHECK_THAT(error_of(garbled, "g.npy"), Catch::Contains("g.npy: bad .npy header at byte"));
}

TEST_CASE("bad_safetensors_files_are_refused_naming_the_file_and_the_tensor", "[fp][tensor]") {
  const std::vector<float> x = {1, 2, 3, 4};
  const Bytes good = safetensors_bytes({{"w", "F32", {4}, bytes_of(x)}, {"b", "F32", {0}, {}}});
  CHECK(error_of(good, "m.safetensors").empty());
  CHECK_THAT(error_of(Bytes(good.begin(), good.end() - 1), "m.safetensors"),
             Catch::Contains("end beyond the 15 data bytes"));
  CHECK_THAT(error_of(Bytes(good.begin(), good.begin() + 5), "m.safetensors"),
             Catch::Contains("truncated safetensors file"));
  Bytes longer = good;
  longer[0] = 0xff;
  longer[1] = 0xff;
  CHECK_THAT(error_of(longer, "m.safetensors"), Catch::Contains("header claims 65535 bytes"));
  CHECK_THAT(error_of(safetensors_bytes({{"w", "F4", {4}, bytes_of(x)}}), "m.safetensors"),
             Catch::Contains("tensor \"w\": unknown dtype \"F4\""));
  CHECK_THAT(
      error_of(safetensors_bytes({{"w", "F32", {3}, bytes_of(x)}}), "m.safetensors"),
      Catch::Contains("tensor \"w\": shape [3] of F32 needs 12 bytes, data_offsets give 16"));
  CHECK_THAT(
      error_of(safetensors_bytes({{"w", "F32", {4294967296ull, 4294967296ull}, bytes_of(x)}}),
               "m.safetensors"),
      Catch::Contains("more elements than 2^64"));
  // overlapping offsets, written by hand
  const std::string h =
      R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}})";
  Bytes ov;
  for (int i = 0; i < 8; ++i)
    ov.push_back(static_cast<unsigned char>((h.size() >> (8 * i)) & 0xFF));
  ov.insert(ov.end(), h.begin(), h.end());
  ov.resize(ov.size() + 16, 0);
  CHECK_THAT(error_of(ov, "m.safetensors"), Catch::Contains("tensors \"a\" and \"b\" overlap"));
  // a tensor name that is not UTF-8
  Bytes bad_name = safetensors_bytes({{"w\xff", "F32", {4}, bytes_of(x)}});
  CHECK_THAT(error_of(bad_name, "m.safetensors"), Catch::Contains("not valid UTF-8"));
  // deep nesting is refused before parsing
  const std::string deep = "{\"a\":" + std::string(100000, '[') + std::string(100000, ']') + "}";
  Bytes dn;
  for (int i = 0; i < 8; ++i)
    dn.push_back(static_cast<unsigned char>((deep.size() >> (8 * i)) & 0xFF));
  dn.insert(dn.end(), deep.begin(), deep.end());
  CHECK_THAT(error_of(dn, "m.safetensors"), Catch::Contains("nested deeper than 64"));
}

TEST_CASE("npz_zip_bombs_and_bad_members_are_refused", "[fp][tensor]") {
  TempDir d;
  std::vector<float> zeros(1 << 20, 0.0f);
  write_npz(d / "z.npz", {{"z", npy_bytes("'<f4'", {zeros.size()}, bytes_of(zeros))}}, true);
  Bytes z = read_file(d / "z.npz");
  CHECK(error_of(z, "z.npz").empty());
  TensorFileOptions strict;
  strict.max_expansion = 10;
  CHECK_THAT(error_of(z, "z.npz", strict),
             Catch::Contains("z.npz: member \"z.npy\": claims 4194432 bytes"));
  CHECK_THAT(error_of(z, "z.npz", strict), Catch::Contains("zip bomb"));
  // a member whose directory entries claim 2^40 bytes: patched in the local and central headers
  Bytes bomb = z;
  auto patch32 = [&](std::size_t at, std::uint32_t v) {
    for (int i = 0; i < 4; ++i)
      bomb[at + static_cast<std::size_t>(i)] = static_cast<unsigned char>(v >> (8 * i));
  };
  for (std::size_t i = 0; i + 4 <= bomb.size(); ++i) {
    if (bomb[i] == 'P' && bomb[i + 1] == 'K' && bomb[i + 2] == 3 && bomb[i + 3] == 4)
      patch32(i + 22, 0xF0000000u);
    if (bomb[i] == 'P' && bomb[i + 1] == 'K' && bomb[i + 2] == 1 && bomb[i + 3] == 2)
      patch32(i + 24, 0xF0000000u);
  }
  const std::string e = error_of(bomb, "z.npz");
  CHECK_THAT(e, Catch::StartsWith("z.npz"));
  CHECK(!e.empty());
  // a member that is not .npy, and a name that is not UTF-8
  write_npz(d / "t.npz", {{"x", npy_bytes("'<f4'", {1}, bytes_of(std::vector<float>{1}))}}, false);
  Bytes t = read_file(d / "t.npz");
  for (std::size_t i = 0; i + 5 <= t.size(); ++i)
    if (std::memcmp(t.data() + i, "x.npy", 5) == 0) t[i] = 0xff;
  CHECK_THAT(error_of(t, "t.npz"), Catch::StartsWith("t.npz"));
  CHECK_THAT(
      error_of(Bytes(z.begin(), z.begin() + static_cast<std::ptrdiff_t>(z.size() / 2)), "z.npz"),
      Catch::StartsWith("z.npz"));
}

TEST_CASE("mutated_tensor_files_give_input_errors_never_crashes", "[fp][tensor]") {
  // a miniature fuzz pass: random byte changes and truncations of valid files
  TempDir d;
  const std::vector<float> x = {1, 2, 3, 4, 5, 6};
  write_npz(d / "a.npz", {{"x", npy_bytes("'<f4'", {6}, bytes_of(x))}}, true);
  const std::vector<std::pair<std::string, Bytes>> seeds = {
      {"a.npy", npy_bytes("'<f4'", {2, 3}, bytes_of(x))},
      {"a.safetensors", safetensors_bytes({{"w", "F32", {6}, bytes_of(x)}}, "{\"k\":\"v\"}")},
      {"a.npz", read_file(d / "a.npz")}};
  std::mt19937 rng(7);
  int unexpected = 0;
  for (const auto& [name, seed] : seeds) {
    for (int t = 0; t < 400; ++t) {
      Bytes b = seed;
      const int edits = 1 + static_cast<int>(rng() % 4);
      for (int k = 0; k < edits; ++k) b[rng() % b.size()] = static_cast<unsigned char>(rng());
      if (t % 5 == 0) b.resize(rng() % b.size());
      try {
        const TensorFile f = TensorFile::from_memory(b, name);
        for (const auto& ti : f.tensors()) f.read(ti, [](const ValueBlock&) {});
      } catch (const numkit::InputError&) {
      } catch (...) {
        ++unexpected;
      }
    }
  }
  CHECK(unexpected == 0);
}

TEST_CASE("the_example_checkpoint_in_examples_is_the_one_the_library_writes", "[fp][tensor]") {
  // examples/checkpoint.safetensors (used by docs/fp.md) is example_checkpoint(), byte for byte;
  // `numkit tour` writes the same file to plots/checkpoint.safetensors
  const Bytes want = example_checkpoint();
  CHECK(read_file(std::string(NUMKIT_SOURCE_DIR) + "/examples/checkpoint.safetensors") == want);
  const TensorFile f = TensorFile::from_memory(want, "checkpoint.safetensors");
  REQUIRE(f.tensors().size() == 5);
  CHECK(f.tensors()[1].dtype == DType::f16);
  CHECK(f.metadata().at("format") == "pt");
  // safetensors_image round-trips through the reader
  const Bytes img = safetensors_image({{"a", DType::e5m2, {2}, {0x3c, 0x7b}}});
  const TensorFile g = TensorFile::from_memory(img, "a.safetensors");
  CHECK(g.tensors()[0].stored_dtype == "F8_E5M2");
  CHECK(g.tensors()[0].offset == img.size() - 2);
}

// Found by fuzz_tensor_file: an empty .npy asked for a zero-byte header read into an empty
// buffer (memcpy to a null pointer). It must be an input error naming the file.
TEST_CASE("an_empty_tensor_file_is_an_input_error", "[fp][tensor]") {
  const Bytes empty;
  for (const char* name : {"e.npy", "e.safetensors", "e.npz", "e.bin"}) {
    INFO(name);
    CHECK_THROWS_AS(TensorFile::from_memory(empty, name), numkit::InputError);
  }
}
