#pragma once
// `numkit fp analyze` on tensor files (.npy, .npz, safetensors) and typed raw files (f16, bf16,
// fp8): one row per tensor, the totals, and per-tensor against global scaling (cli/fp/tensors.cpp).
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "common/command.hpp"
#include "numkit/fp/analyze.hpp"
#include "numkit/fp/tensor_file.hpp"

namespace numkit::cli::fpcli {

// By extension: .npy, .npz, .safetensors.
bool is_tensor_file(const std::string& path);
// --raw types beyond f32/f64 (f16, bf16, e4m3, e5m2, e4m3fnuz, e5m2fnuz) go through the tensor
// path.
bool is_typed_raw(const std::string& raw);

io::Report tensor_file_report(const fp::TensorFileAnalysis& a, const fp::Format& f,
                              const std::string& input, std::string_view kind, double margin,
                              bool saturate);

// Analyses INPUT (a tensor file, or a raw file of type `raw`), prints the report, then hands the
// totals to plot_totals (for --plot).
int run_tensor_analysis(const std::string& input, const std::vector<std::string>& tensors,
                        const std::string& dtype, const std::string& raw,
                        const fp::AnalyzeOptions& options, bool saturate, const OutputOptions& out,
                        const std::function<void(const fp::AnalyzeResult&)>& plot_totals = {});

}  // namespace numkit::cli::fpcli
