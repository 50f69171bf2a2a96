// numkit fp analyze on tensor files (.npy, .npz, safetensors) and typed raw files: one row per
// tensor, the totals, and what per-tensor scaling buys over one global scale.
#include "fp/tensors.hpp"

#include <unistd.h>

#include <cctype>
#include <cmath>
#include <filesystem>
#include <fstream>

#include "numkit/fp/tensor_file.hpp"

namespace numkit::cli::fpcli {

using io::Json;

namespace {

bool ends_with(std::string_view s, std::string_view tail) {
  if (s.size() < tail.size()) return false;
  for (std::size_t i = 0; i < tail.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(s[s.size() - tail.size() + i])) != tail[i])
      return false;
  return true;
}

Json scale_json(bool has, int log2) {
  if (!has) return "none";
  return std::ldexp(1.0, log2);
}

Json tensor_row(const fp::TensorAnalysis& t) {
  const auto& s = t.result.stats;
  Json r = Json::object();
  r["name"] = t.info.name;
  r["dtype"] = t.info.stored_dtype;
  Json shape = Json::array();
  for (auto d : t.info.shape) shape.push_back(d);
  r["shape"] = shape;
  r["count"] = s.count;
  r["nonfinite"] = s.nan + s.pos_inf + s.neg_inf;
  r["overflow"] = s.overflow;
  r["flushed_to_zero"] = s.flushed_to_zero;
  r["became_subnormal"] = s.became_subnormal;
  r["rounded"] = s.rounded;
  r["max_rel_error"] = s.max_rel;
  r["amax"] = t.amax;
  r["scale"] = scale_json(t.has_scale, t.log2_scale);
  r["below_normal_own_scale"] = t.below_normal_own_scale;
  r["below_normal_global_scale"] = t.below_normal_global_scale;
  return r;
}

}  // namespace

bool is_tensor_file(const std::string& path) {
  return ends_with(path, ".npy") || ends_with(path, ".npz") || ends_with(path, ".safetensors");
}

bool is_typed_raw(const std::string& raw) {
  return !raw.empty() && raw != "f32" && raw != "f64";
}

io::Report tensor_file_report(const fp::TensorFileAnalysis& a, const fp::Format& f,
                              const std::string& input, std::string_view kind, double margin,
                              bool saturate) {
  io::Report rep;
  Json& d = rep.data;
  d["input"] = input;
  d["kind"] = std::string(kind);
  d["format"] = std::string(f.name);
  Json rows = Json::array();
  for (const auto& t : a.tensors) rows.push_back(tensor_row(t));
  d["tensors"] = rows;
  const auto& s = a.total.stats;
  Json tot = Json::object();
  tot["tensors"] = a.tensors.size();
  tot["count"] = s.count;
  tot["nonfinite"] = s.nan + s.pos_inf + s.neg_inf;
  tot["zero"] = s.zero;
  tot[saturate ? "overflow_saturated" : "overflow"] = s.overflow;
  tot["flushed_to_zero"] = s.flushed_to_zero;
  tot["became_subnormal"] = s.became_subnormal;
  tot["rounded"] = s.rounded;
  tot["exact_nonzero"] = s.exact_nonzero;
  tot["max_rel_error"] = s.max_rel;
  if (s.error_count > 0) tot["mean_rel_error"] = a.total.mean_rel;
  d["totals"] = tot;
  Json sc = Json::object();
  sc["margin"] = margin;
  sc["global_scale"] = scale_json(a.has_global_scale, a.log2_global_scale);
  sc["below_normal_global_scale"] = a.below_normal_global_scale;
  sc["below_normal_per_tensor_scales"] = a.below_normal_own_scales;
  d["scaling"] = sc;
  rep.csv_table = "tensors";
  rep.notes.push_back(
      "per tensor: overflow, flushed to zero, became subnormal and rounded count values stored "
      "in " +
      std::string(f.name) + " as they are (after --scale); max rel error is |stored - x|/|x|.");
  rep.notes.push_back(
      "scale: the largest power of two S with amax*S <= max finite / margin, as fp8 training sets "
      "a scale per tensor; global scale: the same from the amax of all tensors.");
  rep.notes.push_back(
      "below normal: nonzero values with |x|*S below the smallest normal (stored as subnormals or "
      "zero: precision lost), with each tensor's own scale and with the one global scale.");
  return rep;
}

int run_tensor_analysis(const std::string& input, const std::vector<std::string>& tensors,
                        const std::string& dtype, const std::string& raw,
                        const fp::AnalyzeOptions& ao, bool saturate, const OutputOptions& out,
                        const std::function<void(const fp::AnalyzeResult&)>& plot_totals) {
  fp::TensorFileAnalysis a;
  std::string kind;
  if (!raw.empty()) {
    if (!tensors.empty()) throw UsageError("--tensor: only with a .npy, .npz or safetensors file");
    a = fp::analyze_raw_typed(input, fp::parse_dtype(raw, "--raw"), ao);
    kind = "raw " + raw;
  } else {
    fp::TensorFileOptions to;
    if (!dtype.empty()) to.void_dtype = fp::parse_dtype(dtype, "--dtype");
    const fp::TensorFile file = fp::TensorFile::open(input, to);
    a = fp::analyze_tensor_file(file, tensors, ao);
    kind = std::string(fp::kind_name(file.kind()));
  }
  const int code = emit(tensor_file_report(a, *ao.format, input, kind, ao.margin, saturate), out);
  if (plot_totals) plot_totals(a.total);
  return code;
}

namespace {

// The tour: a small checkpoint (the library's example, also examples/checkpoint.safetensors)
// written to a temporary file, read back as a user's file is, and analysed tensor by tensor in
// fp8 e4m3; the file is removed afterwards (if it cannot be written, it is read from memory).
int tour_tensors(TourContext& t) {
  const std::vector<unsigned char> bytes = fp::example_checkpoint();
  fp::AnalyzeOptions ao;
  ao.format = &fp::format(fp::FormatId::e4m3);
  t.section("fp: a checkpoint, tensor by tensor, in fp8 e4m3");
  t.say("Five tensors as a training run saves them (fp32 weights, an fp16 bias, a bf16 embedding,");
  t.say("tiny fp32 gradients, fp32 logits with two outliers), each stored in e4m3 (max 448):");
  std::error_code ec;
  const auto path = std::filesystem::temp_directory_path(ec) /
                    ("numkit-tour-" + std::to_string(::getpid()) + ".safetensors");
  bool written = false;
  if (!ec) {
    std::ofstream f(path, std::ios::binary);
    f.write(reinterpret_cast<const char*>(bytes.data()),
            static_cast<std::streamsize>(bytes.size()));
    written = static_cast<bool>(f);
  }
  fp::TensorFileAnalysis a;
  try {
    a = written ? fp::analyze_tensor_file(fp::TensorFile::open(path.string()), {}, ao)
                : fp::analyze_tensor_file(
                      fp::TensorFile::from_memory(bytes, "checkpoint.safetensors"), {}, ao);
  } catch (...) {
    std::filesystem::remove(path, ec);
    throw;
  }
  std::filesystem::remove(path, ec);
  t.emit("fp_checkpoint", tensor_file_report(a, *ao.format, "checkpoint.safetensors", "safetensors",
                                             ao.margin, false));
  t.say(
      "The gradients sit below e4m3's normal range and the logits overflow it: one scale for the");
  t.say("whole checkpoint cannot serve both, a scale per tensor from its amax can.");
  return 0;
}

const bool tour_registered = register_tour_section("fp-tensors", 81, tour_tensors);

}  // namespace

}  // namespace numkit::cli::fpcli
