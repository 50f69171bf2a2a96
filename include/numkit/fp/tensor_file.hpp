// Tensors from the files people keep them in: NumPy .npy (format versions 1-3) and .npz (a zip of
// .npy members, stored or deflated, read with libzip), and safetensors. Every header is validated
// against the file's size, with overflow-safe arithmetic, before any data is read; values are
// decoded exactly (fp16, bf16 and fp8 widen to float without rounding) and handed out in blocks.
//
// Errors are numkit::InputError with one line naming the file and, where there is one, the tensor:
//   model.safetensors: tensor "w": data_offsets [0, 4096] end beyond the 1024 data bytes
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "numkit/fp/analyze.hpp"

namespace numkit::fp {

// Element types of stored tensors.
enum class DType {
  f64,
  f32,
  f16,
  bf16,
  e4m3,
  e5m2,
  e4m3fnuz,
  e5m2fnuz,
  i8,
  i16,
  i32,
  i64,
  u8,
  u16,
  u32,
  u64,
  boolean
};
std::string_view dtype_name(DType);  // f64 f32 f16 bf16 e4m3 e5m2 e4m3fnuz e5m2fnuz i8 ... bool
std::size_t dtype_size(DType);       // bytes per element
bool dtype_is_float(DType);
// --dtype / --raw names: f64 f32 f16 bf16 e4m3 e5m2 e4m3fnuz e5m2fnuz (and the ml_dtypes and
// format aliases: bfloat16, float8_e4m3fn, fp16, ...). Throws InputError naming `what`.
DType parse_dtype(std::string_view name, std::string_view what);

enum class TensorFileKind { npy, npz, safetensors, raw };
std::string_view kind_name(TensorFileKind);

struct TensorInfo {
  std::string name;  // .npy: the file's stem; .npz: member without ".npy"
  DType dtype = DType::f32;
  std::string stored_dtype;          // as the file says it: "<f4", ">f2", "|V2", "BF16"
  std::vector<std::uint64_t> shape;  // empty: a scalar
  std::uint64_t count = 0;           // product of the shape
  bool big_endian = false;
  bool fortran_order = false;  // order does not matter for the statistics
  // Where the element bytes are. File formats: byte offset in the file. npz: member index and the
  // offset of the data inside the uncompressed member.
  std::uint64_t offset = 0;
  std::uint64_t bytes = 0;
  std::int64_t member = -1;        // npz member index
  std::string shape_text() const;  // "[3, 4]"
};

struct TensorFileOptions {
  // How to read 1- and 2-byte void elements (NumPy's V1/V2, which is how np.save stores ml_dtypes'
  // bfloat16 and float8 arrays) when the descr does not name the type.
  std::optional<DType> void_dtype;
  // Zip bomb guard (.npz): a member may claim at most max_expansion times its compressed size plus
  // 64 KiB (deflate cannot exceed 1032:1), and all members together at most max_total_bytes.
  double max_expansion = 1100;
  std::uint64_t max_total_bytes = std::uint64_t{1} << 40;  // 1 TiB
};

// One block of decoded values: exactly one of the spans is non-empty. Floating formats up to 32
// bits arrive as float (exact), fp64 and integers as double (integers beyond 2^53 rounded to odd,
// so that a later rounding to any format of at most 51 fraction bits is still correct).
struct ValueBlock {
  std::span<const float> f32;
  std::span<const double> f64;
};
using BlockSink = std::function<void(const ValueBlock&)>;

class TensorFile {
 public:
  // Opens and validates a file (by extension: .npy, .npz, .safetensors; otherwise by magic bytes).
  static TensorFile open(const std::string& path, const TensorFileOptions& options = {});
  // A raw little-endian file of one element type, as one tensor named by the path.
  static TensorFile open_raw(const std::string& path, DType type);
  // The same as open() from bytes in memory (for fuzzing and tests); `name` is used in messages.
  // The bytes must outlive the object.
  static TensorFile from_memory(std::span<const unsigned char> bytes, const std::string& name,
                                const TensorFileOptions& options = {});
  TensorFile(TensorFile&&) noexcept;
  TensorFile& operator=(TensorFile&&) noexcept;
  ~TensorFile();

  TensorFileKind kind() const;
  const std::string& path() const;
  const std::vector<TensorInfo>& tensors() const;
  const std::map<std::string, std::string>& metadata() const;  // safetensors __metadata__

  // Decodes the tensor's values in blocks (at most block_values each), in file order. first/last
  // select an element range [first, last) (last = count for all), so threads can split a tensor.
  void read(const TensorInfo& t, const BlockSink& sink, std::uint64_t first = 0,
            std::uint64_t last = UINT64_MAX, std::size_t block_values = 1 << 16) const;
  // True when read() may be called from several threads at once (not for .npz).
  bool parallel_reads() const;

  struct Impl;

 private:
  explicit TensorFile(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// Header parsers on their own, for fuzzing: `file_size` is the whole file's size and `head` its
// first bytes (at least what the header needs; a shorter head is reported as a truncated file).
// .npy: returns the tensor with offset = the data's start; the data size must match the shape.
TensorInfo parse_npy_header(std::span<const unsigned char> head, std::uint64_t file_size,
                            const std::string& what, const TensorFileOptions& options = {});
// safetensors: the tensors in data-offset order (offsets made absolute) and the metadata.
std::vector<TensorInfo> parse_safetensors_header(std::span<const unsigned char> head,
                                                 std::uint64_t file_size, const std::string& what,
                                                 std::map<std::string, std::string>* metadata);

// A safetensors file image: the tensors' bytes (little-endian, count * dtype size each) back to
// back in the order given, after the JSON header (padded with spaces to 8 bytes).
struct TensorBytes {
  std::string name;
  DType dtype = DType::f32;
  std::vector<std::uint64_t> shape;
  std::vector<unsigned char> bytes;
};
std::vector<unsigned char> safetensors_image(
    const std::vector<TensorBytes>& tensors,
    const std::map<std::string, std::string>& metadata = {});
// A small deterministic checkpoint for the tour and the documentation
// (examples/checkpoint.safetensors): fp32 weights, an fp16 bias, a bf16 embedding, tiny fp32
// gradients and fp32 logits with outliers.
std::vector<unsigned char> example_checkpoint();

// Exact widening of one element (for tests and scalar paths).
double decode_element(const unsigned char* p, DType type, bool big_endian);

// ---- per-tensor precision analysis -----------------------------------------------------------

struct TensorAnalysis {
  TensorInfo info;
  AnalyzeResult result;
  double amax = 0;  // largest finite |x| (unscaled)
  // fp8-training-style per-tensor scale: the largest power of two S with amax*S <= max finite /
  // margin (none when the tensor has no finite nonzero value).
  bool has_scale = false;
  int log2_scale = 0;
  // nonzero finite values stored below the normal range (subnormal or zero: precision lost) when
  // scaled by the tensor's own scale, and by the global scale; exact counts.
  std::uint64_t below_normal_own_scale = 0, below_normal_global_scale = 0;
};

struct TensorFileAnalysis {
  std::vector<TensorAnalysis> tensors;
  AnalyzeResult total;
  bool has_global_scale = false;
  int log2_global_scale = 0;  // the same rule applied to the amax of all selected tensors
  std::uint64_t below_normal_own_scales = 0, below_normal_global_scale = 0;
};

// The tensors whose names match `pattern` (a name or a glob with * ? [...]; empty: all).
bool tensor_name_matches(std::string_view pattern, std::string_view name);

// Analyses the selected tensors (patterns: any matching; empty: every tensor), each through the
// threaded analysis kernel (options.threads threads per tensor, for files that allow it).
TensorFileAnalysis analyze_tensor_file(const TensorFile& file,
                                       const std::vector<std::string>& patterns,
                                       const AnalyzeOptions& options);
// A raw little-endian file (or "-") of one element type, as one tensor named by the path.
TensorFileAnalysis analyze_raw_typed(const std::string& spec, DType type,
                                     const AnalyzeOptions& options);

}  // namespace numkit::fp
