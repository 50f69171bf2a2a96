// The tensor-file readers (.npy, .npz, safetensors), from bytes in memory: the first byte picks
// the name the bytes are opened under (so each format's parser is reached even without its magic),
// the rest is the file. Opening must validate every header against the real size; reading and
// analysing every tensor must then stay within the bytes (ASan) and give finite statistics.
#include <span>

#include "fuzz_support.hpp"
#include "numkit/fp/format.hpp"
#include "numkit/fp/tensor_file.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  static const char* const kNames[] = {"t.npy", "t.npz", "t.safetensors", "t.bin"};
  const std::string name = kNames[data[0] % 4];
  const std::span<const unsigned char> bytes(data + 1, size - 1);
  numkit::fuzz::expect_result_or_input_error([&] {
    numkit::fp::TensorFileOptions options;
    options.max_total_bytes = std::uint64_t{64} << 20;  // the fuzzer's memory limit, not a finding
    const auto file = numkit::fp::TensorFile::from_memory(bytes, name, options);
    std::uint64_t values = 0;
    for (const auto& t : file.tensors()) {
      if (t.count > (std::uint64_t{1} << 26))
        continue;  // a valid but large tensor: only its header
      file.read(t, [&](const numkit::fp::ValueBlock& b) { values += b.f32.size() + b.f64.size(); });
    }
    numkit::fp::AnalyzeOptions ao;
    ao.format = &numkit::fp::find_format("fp16");
    ao.threads = 1;
    std::uint64_t total = 0;
    for (const auto& t : file.tensors()) {
      if (t.count > (std::uint64_t{1} << 26)) return;
      total += t.count;
    }
    if (total != values) numkit::fuzz::fail("values read differ from the tensors' element counts");
    const auto analysis = numkit::fp::analyze_tensor_file(file, {}, ao);
    if (analysis.total.stats.count != total) numkit::fuzz::fail("analysed count differs");
    if (!(analysis.total.stats.max_rel >= 0 && analysis.total.stats.max_rel <= 1))
      numkit::fuzz::fail("a relative error outside [0, 1]");
  });
  return 0;
}
