#include "numkit/fp/tensor_file.hpp"

#include <fcntl.h>
#include <fnmatch.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zip.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <bit>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <exception>
#include <limits>
#include <nlohmann/json.hpp>
#include <thread>

#include "numkit/core/error.hpp"
#include "numkit/fp/format.hpp"

#if defined(__AVX512F__) || defined(__F16C__)
#include <immintrin.h>
#endif

static_assert(std::endian::native == std::endian::little,
              "tensor data are decoded as little-endian");

namespace numkit::fp {
namespace {

constexpr std::uint64_t kMaxNpyHeader = 1 << 20;              // stated limit: 1 MiB
constexpr std::uint64_t kMaxSafetensorsHeader = 100'000'000;  // as the safetensors spec
constexpr int kMaxJsonDepth = 64;
constexpr int kMaxDims = 64;

struct DTypeInfo {
  DType type;
  std::string_view name;
  std::size_t size;
  bool is_float;
};
constexpr DTypeInfo kDTypes[] = {
    {DType::f64, "f64", 8, true},
    {DType::f32, "f32", 4, true},
    {DType::f16, "f16", 2, true},
    {DType::bf16, "bf16", 2, true},
    {DType::e4m3, "e4m3", 1, true},
    {DType::e5m2, "e5m2", 1, true},
    {DType::e4m3fnuz, "e4m3fnuz", 1, true},
    {DType::e5m2fnuz, "e5m2fnuz", 1, true},
    {DType::i8, "i8", 1, false},
    {DType::i16, "i16", 2, false},
    {DType::i32, "i32", 4, false},
    {DType::i64, "i64", 8, false},
    {DType::u8, "u8", 1, false},
    {DType::u16, "u16", 2, false},
    {DType::u32, "u32", 4, false},
    {DType::u64, "u64", 8, false},
    {DType::boolean, "bool", 1, false},
};

const DTypeInfo& info_of(DType t) {
  for (const auto& d : kDTypes)
    if (d.type == t) return d;
  return kDTypes[0];
}

// Messages quote names safely: printable ASCII as is, everything else as \xHH.
std::string quote_name(std::string_view s) {
  std::string out = "\"";
  for (unsigned char c : s.substr(0, 200)) {
    if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') {
      out.push_back(static_cast<char>(c));
    } else {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", c);
      out += buf;
    }
  }
  if (s.size() > 200) out += "...";
  return out + "\"";
}

bool valid_utf8(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    std::size_t n = 0;
    std::uint32_t cp = 0;
    if (c < 0x80) {
      ++i;
      continue;
    } else if ((c & 0xE0) == 0xC0) {
      n = 1;
      cp = c & 0x1Fu;
    } else if ((c & 0xF0) == 0xE0) {
      n = 2;
      cp = c & 0x0Fu;
    } else if ((c & 0xF8) == 0xF0) {
      n = 3;
      cp = c & 0x07u;
    } else {
      return false;
    }
    for (std::size_t k = 1; k <= n; ++k) {
      if (i + k >= s.size()) return false;
      const auto d = static_cast<unsigned char>(s[i + k]);
      if ((d & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (d & 0x3Fu);
    }
    if ((n == 1 && cp < 0x80) || (n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) ||
        cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
      return false;
    i += n + 1;
  }
  return true;
}

bool mul_overflows(std::uint64_t a, std::uint64_t b, std::uint64_t& out) {
  return __builtin_mul_overflow(a, b, &out);
}

std::string u64s(std::uint64_t v) {
  return std::to_string(v);
}

std::string io_limit(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", v);
  return buf;
}

std::string shape_string(const std::vector<std::uint64_t>& shape) {
  std::string s = "[";
  for (std::size_t i = 0; i < shape.size(); ++i) s += (i ? ", " : "") + u64s(shape[i]);
  return s + "]";
}

// count = product of shape, bytes = count * element size, both checked for overflow.
void size_tensor(TensorInfo& t, const std::string& where) {
  std::uint64_t count = 1;
  for (auto d : t.shape)
    if (mul_overflows(count, d, count))
      throw InputError(where + ": shape " + shape_string(t.shape) + " has more elements than 2^64");
  t.count = count;
  if (mul_overflows(count, dtype_size(t.dtype), t.bytes))
    throw InputError(where + ": shape " + shape_string(t.shape) + " of " + t.stored_dtype +
                     " needs more than 2^64 bytes");
}

// ---- byte sources
// --------------------------------------------------------------------------------

// Random access to a file (pread) or to bytes in memory; bounds are checked on every read.
struct Source {
  int fd = -1;
  std::span<const unsigned char> mem;
  std::uint64_t size = 0;
  std::string name;

  void read_at(std::uint64_t off, std::size_t n, unsigned char* dst) const {
    if (off > size || n > size - off)
      throw InputError(name + ": read beyond the end of the file (byte " + u64s(off) + ")");
    if (n == 0) return;  // (an empty buffer's data() may be null, which memcpy must not get)
    if (fd < 0) {
      std::memcpy(dst, mem.data() + off, n);
      return;
    }
    std::size_t got = 0;
    while (got < n) {
      const ssize_t r = ::pread(fd, dst + got, n - got, static_cast<off_t>(off + got));
      if (r < 0 && errno == EINTR) continue;
      if (r <= 0)
        throw InputError(name + ": read error at byte " + u64s(off + got) +
                         (r == 0 ? " (the file shrank while being read)" : ""));
      got += static_cast<std::size_t>(r);
    }
  }
};

// ---- a tiny reader of the Python literal in .npy headers ---------------------------------------

struct PyValue {
  enum Kind { str, integer, boolean, none, seq } kind = none;
  std::string s;
  std::uint64_t i = 0;
  bool b = false;
  std::vector<PyValue> items;
};

class PyParser {
 public:
  PyParser(std::string_view text, const std::string& where) : t_(text), where_(where) {}
  std::vector<std::pair<std::string, PyValue>> dict() {
    skip();
    expect('{');
    std::vector<std::pair<std::string, PyValue>> out;
    skip();
    while (peek() != '}') {
      PyValue k = value(0);
      if (k.kind != PyValue::str) fail("expected a string key");
      skip();
      expect(':');
      PyValue v = value(0);
      out.emplace_back(k.s, std::move(v));
      skip();
      if (peek() == ',') {
        ++i_;
        skip();
      } else if (peek() != '}') {
        fail("expected ',' or '}'");
      }
      if (out.size() > 64) fail("too many keys");
    }
    ++i_;
    skip();
    if (i_ != t_.size()) fail("unexpected text after the dictionary");
    return out;
  }

 private:
  [[noreturn]] void fail(const std::string& why) const {
    throw InputError(where_ + ": bad .npy header at byte " + std::to_string(i_) + ": " + why);
  }
  char peek() const { return i_ < t_.size() ? t_[i_] : '\0'; }
  void skip() {
    while (i_ < t_.size() && (t_[i_] == ' ' || t_[i_] == '\t' || t_[i_] == '\n' || t_[i_] == '\r'))
      ++i_;
  }
  void expect(char c) {
    if (peek() != c) fail(std::string("expected '") + c + "'");
    ++i_;
  }
  PyValue value(int depth) {
    if (depth > 8) fail("nested too deeply");
    skip();
    PyValue v;
    const char c = peek();
    if (c == '\'' || c == '"') {
      ++i_;
      v.kind = PyValue::str;
      while (peek() != c) {
        if (i_ >= t_.size()) fail("unterminated string");
        if (t_[i_] == '\\') fail("escapes are not supported in header strings");
        v.s.push_back(t_[i_++]);
      }
      ++i_;
    } else if (c >= '0' && c <= '9') {
      v.kind = PyValue::integer;
      while (peek() >= '0' && peek() <= '9') {
        const auto d = static_cast<std::uint64_t>(t_[i_++] - '0');
        if (v.i > (UINT64_MAX - d) / 10) fail("integer too large");
        v.i = v.i * 10 + d;
      }
      if (peek() == 'L') ++i_;  // Python 2 long
    } else if (c == '(' || c == '[') {
      const char close = c == '(' ? ')' : ']';
      ++i_;
      v.kind = PyValue::seq;
      skip();
      while (peek() != close) {
        v.items.push_back(value(depth + 1));
        if (v.items.size() > static_cast<std::size_t>(kMaxDims)) fail("too many items");
        skip();
        if (peek() == ',') {
          ++i_;
          skip();
        } else if (peek() != close) {
          fail(std::string("expected ',' or '") + close + "'");
        }
      }
      ++i_;
    } else if (t_.substr(i_, 4) == "True" || t_.substr(i_, 5) == "False") {
      v.kind = PyValue::boolean;
      v.b = t_[i_] == 'T';
      i_ += v.b ? 4 : 5;
    } else if (t_.substr(i_, 4) == "None") {
      i_ += 4;
    } else {
      fail("expected a value");
    }
    return v;
  }
  std::string_view t_;
  std::string where_;
  std::size_t i_ = 0;
};

std::optional<DType> ml_dtypes_name(std::string_view n) {
  if (n == "bfloat16") return DType::bf16;
  if (n == "float8_e4m3fn" || n == "float8_e4m3") return DType::e4m3;
  if (n == "float8_e5m2") return DType::e5m2;
  if (n == "float8_e4m3fnuz") return DType::e4m3fnuz;
  if (n == "float8_e5m2fnuz") return DType::e5m2fnuz;
  return std::nullopt;
}

// '<f4', '>f2', '|u1', '|V2' ... (and an ml_dtypes name given for a void type)
void npy_dtype(TensorInfo& t, const std::string& descr, std::optional<DType> named,
               const TensorFileOptions& opt, const std::string& where) {
  t.stored_dtype = descr;
  if (descr.size() < 3) throw InputError(where + ": unknown dtype " + quote_name(descr));
  const char order = descr[0];
  if (order != '<' && order != '>' && order != '|' && order != '=')
    throw InputError(where + ": unknown dtype " + quote_name(descr));
  t.big_endian = order == '>';
  const char kind = descr[1];
  const std::string_view sz = std::string_view(descr).substr(2);
  auto is = [&](char k, std::string_view s) { return kind == k && sz == s; };
  if (is('f', "8"))
    t.dtype = DType::f64;
  else if (is('f', "4"))
    t.dtype = DType::f32;
  else if (is('f', "2"))
    t.dtype = DType::f16;
  else if (is('i', "1"))
    t.dtype = DType::i8;
  else if (is('i', "2"))
    t.dtype = DType::i16;
  else if (is('i', "4"))
    t.dtype = DType::i32;
  else if (is('i', "8"))
    t.dtype = DType::i64;
  else if (is('u', "1"))
    t.dtype = DType::u8;
  else if (is('u', "2"))
    t.dtype = DType::u16;
  else if (is('u', "4"))
    t.dtype = DType::u32;
  else if (is('u', "8"))
    t.dtype = DType::u64;
  else if (is('b', "1"))
    t.dtype = DType::boolean;
  else if (kind == 'V' && (sz == "1" || sz == "2")) {
    const std::size_t n = sz == "1" ? 1 : 2;
    const std::optional<DType> d = named ? named : opt.void_dtype;
    if (!d)
      throw InputError(where + ": dtype " + descr + " (" + std::string(sz) +
                       "-byte void, how np.save stores ml_dtypes' " +
                       (n == 2 ? "bfloat16" : "float8") + " arrays) needs --dtype " +
                       (n == 2 ? "bf16" : "e4m3|e5m2|e4m3fnuz|e5m2fnuz"));
    if (dtype_size(*d) != n)
      throw InputError(where + ": --dtype " + std::string(dtype_name(*d)) + " has " +
                       std::to_string(dtype_size(*d)) + "-byte elements, the file's " + descr +
                       " has " + std::to_string(n));
    t.dtype = *d;
    if (named) t.stored_dtype = descr + " (" + std::string(dtype_name(*d)) + ")";
  } else {
    throw InputError(where + ": unsupported dtype " + quote_name(descr) +
                     " (known: f8 f4 f2, integers, bool, V1/V2 for ml_dtypes)");
  }
  if (dtype_size(t.dtype) == 1) t.big_endian = false;
}

// ---- safetensors
// ---------------------------------------------------------------------------------

std::optional<DType> safetensors_dtype(std::string_view s) {
  static constexpr std::pair<std::string_view, DType> k[] = {
      {"F64", DType::f64},
      {"F32", DType::f32},
      {"F16", DType::f16},
      {"BF16", DType::bf16},
      {"F8_E4M3", DType::e4m3},
      {"F8_E5M2", DType::e5m2},
      {"F8_E4M3FNUZ", DType::e4m3fnuz},
      {"F8_E5M2FNUZ", DType::e5m2fnuz},
      {"I8", DType::i8},
      {"I16", DType::i16},
      {"I32", DType::i32},
      {"I64", DType::i64},
      {"U8", DType::u8},
      {"U16", DType::u16},
      {"U32", DType::u32},
      {"U64", DType::u64},
      {"BOOL", DType::boolean},
  };
  for (const auto& [n, d] : k)
    if (n == s) return d;
  return std::nullopt;
}

// Deeply nested JSON would cost stack in any parser: bounded before parsing.
void check_json_depth(std::string_view s, const std::string& where) {
  int depth = 0;
  bool in_str = false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (in_str) {
      if (c == '\\')
        ++i;
      else if (c == '"')
        in_str = false;
    } else if (c == '"') {
      in_str = true;
    } else if (c == '[' || c == '{') {
      if (++depth > kMaxJsonDepth)
        throw InputError(where + ": header JSON nested deeper than " +
                         std::to_string(kMaxJsonDepth) + " levels");
    } else if (c == ']' || c == '}') {
      --depth;
    }
  }
}

// ---- decoding ----------------------------------------------------------------------------------

struct Tables {
  std::array<float, 256> e4m3, e5m2, e4m3fnuz, e5m2fnuz;
  std::vector<float> f16;  // all 65536 halves (fallback without F16C)
  Tables() : f16(65536) {
    for (unsigned b = 0; b < 256; ++b) {
      e4m3[b] = static_cast<float>(decode(b, format(FormatId::e4m3)));
      e5m2[b] = static_cast<float>(decode(b, format(FormatId::e5m2)));
      e4m3fnuz[b] = static_cast<float>(decode(b, format(FormatId::e4m3fnuz)));
      e5m2fnuz[b] = static_cast<float>(decode(b, format(FormatId::e5m2fnuz)));
    }
    for (unsigned b = 0; b < 65536; ++b)
      f16[b] = static_cast<float>(decode(b, format(FormatId::fp16)));
  }
};
const Tables& tables() {
  static const Tables t;
  return t;
}

template <class T>
T load(const unsigned char* p, bool big) {
  T v;
  std::memcpy(&v, p, sizeof v);
  if (big) {
    if constexpr (sizeof(T) == 2)
      v = std::bit_cast<T>(__builtin_bswap16(std::bit_cast<std::uint16_t>(v)));
    if constexpr (sizeof(T) == 4)
      v = std::bit_cast<T>(__builtin_bswap32(std::bit_cast<std::uint32_t>(v)));
    if constexpr (sizeof(T) == 8)
      v = std::bit_cast<T>(__builtin_bswap64(std::bit_cast<std::uint64_t>(v)));
  }
  return v;
}

// An integer as a double: exact up to 2^53; beyond, rounded to odd (truncate, then set the last
// bit if anything was dropped), so one later rounding to a narrower format is still correct.
double int_to_double(std::uint64_t mag, bool neg) {
  if (mag >> 53) {
    const int drop = 64 - std::countl_zero(mag) - 53;
    const std::uint64_t kept = mag >> drop;
    const bool sticky = (mag & ((std::uint64_t{1} << drop) - 1)) != 0;
    const double d = std::ldexp(static_cast<double>(kept | (sticky ? 1u : 0u)), drop);
    return neg ? -d : d;
  }
  const double d = static_cast<double>(mag);
  return neg ? -d : d;
}

void decode_floats(const unsigned char* p, std::size_t n, DType type, bool big, float* out) {
  switch (type) {
    case DType::f32:
      if (!big) {
        std::memcpy(out, p, n * 4);
      } else {
        for (std::size_t i = 0; i < n; ++i) out[i] = load<float>(p + 4 * i, true);
      }
      return;
    case DType::f16: {
      std::size_t i = 0;
#if defined(__AVX512F__)
      if (!big)
        for (; i + 16 <= n; i += 16)
          _mm512_storeu_ps(
              out + i,
              _mm512_cvtph_ps(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + 2 * i))));
#endif
      const auto& t = tables().f16;
      for (; i < n; ++i) out[i] = t[load<std::uint16_t>(p + 2 * i, big)];
      return;
    }
    case DType::bf16:
      for (std::size_t i = 0; i < n; ++i)
        out[i] = std::bit_cast<float>(
            static_cast<std::uint32_t>(load<std::uint16_t>(p + 2 * i, big)) << 16);
      return;
    case DType::e4m3:
    case DType::e5m2:
    case DType::e4m3fnuz:
    case DType::e5m2fnuz: {
      const auto& tb = tables();
      const float* t = type == DType::e4m3       ? tb.e4m3.data()
                       : type == DType::e5m2     ? tb.e5m2.data()
                       : type == DType::e4m3fnuz ? tb.e4m3fnuz.data()
                                                 : tb.e5m2fnuz.data();
      for (std::size_t i = 0; i < n; ++i) out[i] = t[p[i]];
      return;
    }
    default:
      return;
  }
}

void decode_doubles(const unsigned char* p, std::size_t n, DType type, bool big, double* out) {
  for (std::size_t i = 0; i < n; ++i) out[i] = decode_element(p + i * dtype_size(type), type, big);
}

bool decodes_to_float(DType t) {
  return dtype_is_float(t) && t != DType::f64;
}

}  // namespace

// ---- public helpers
// ------------------------------------------------------------------------------

std::string_view dtype_name(DType t) {
  return info_of(t).name;
}
std::size_t dtype_size(DType t) {
  return info_of(t).size;
}
bool dtype_is_float(DType t) {
  return info_of(t).is_float;
}
std::string_view kind_name(TensorFileKind k) {
  switch (k) {
    case TensorFileKind::npy:
      return "npy";
    case TensorFileKind::npz:
      return "npz";
    case TensorFileKind::safetensors:
      return "safetensors";
    case TensorFileKind::raw:
      return "raw";
  }
  return "?";
}

DType parse_dtype(std::string_view name, std::string_view what) {
  std::string key;
  for (char c : name)
    if (c != '-' && c != '_')
      key.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  static constexpr std::pair<std::string_view, DType> k[] = {
      {"f64", DType::f64},           {"fp64", DType::f64},
      {"float64", DType::f64},       {"f32", DType::f32},
      {"fp32", DType::f32},          {"float32", DType::f32},
      {"f16", DType::f16},           {"fp16", DType::f16},
      {"float16", DType::f16},       {"bf16", DType::bf16},
      {"bfloat16", DType::bf16},     {"e4m3", DType::e4m3},
      {"e4m3fn", DType::e4m3},       {"float8e4m3fn", DType::e4m3},
      {"fp8e4m3", DType::e4m3},      {"e5m2", DType::e5m2},
      {"float8e5m2", DType::e5m2},   {"fp8e5m2", DType::e5m2},
      {"e4m3fnuz", DType::e4m3fnuz}, {"float8e4m3fnuz", DType::e4m3fnuz},
      {"e5m2fnuz", DType::e5m2fnuz}, {"float8e5m2fnuz", DType::e5m2fnuz},
  };
  for (const auto& [n, d] : k)
    if (n == key) return d;
  throw InputError(std::string(what) + ": unknown element type " + quote_name(name) +
                   " (known: f64 f32 f16 bf16 e4m3 e5m2 e4m3fnuz e5m2fnuz)");
}

std::string TensorInfo::shape_text() const {
  return shape_string(shape);
}

double decode_element(const unsigned char* p, DType type, bool big) {
  switch (type) {
    case DType::f64:
      return load<double>(p, big);
    case DType::f32:
    case DType::f16:
    case DType::bf16:
    case DType::e4m3:
    case DType::e5m2:
    case DType::e4m3fnuz:
    case DType::e5m2fnuz: {
      float f;
      decode_floats(p, 1, type, big, &f);
      return f;
    }
    case DType::i8:
      return static_cast<std::int8_t>(p[0]);
    case DType::u8:
      return p[0];
    case DType::boolean:
      return p[0] != 0 ? 1.0 : 0.0;
    case DType::i16:
      return load<std::int16_t>(p, big);
    case DType::u16:
      return load<std::uint16_t>(p, big);
    case DType::i32:
      return load<std::int32_t>(p, big);
    case DType::u32:
      return load<std::uint32_t>(p, big);
    case DType::i64: {
      const auto v = load<std::int64_t>(p, big);
      const std::uint64_t mag =
          v < 0 ? ~static_cast<std::uint64_t>(v) + 1 : static_cast<std::uint64_t>(v);
      return int_to_double(mag, v < 0);
    }
    case DType::u64:
      return int_to_double(load<std::uint64_t>(p, big), false);
  }
  return 0;
}

TensorInfo parse_npy_header(std::span<const unsigned char> head, std::uint64_t file_size,
                            const std::string& what, const TensorFileOptions& options) {
  static constexpr unsigned char kMagic[] = {0x93, 'N', 'U', 'M', 'P', 'Y'};
  if (file_size < 10 || head.size() < 10)
    throw InputError(what + ": truncated .npy file (" + u64s(file_size) +
                     " bytes, the header needs at least 10)");
  if (std::memcmp(head.data(), kMagic, 6) != 0)
    throw InputError(what + ": not a .npy file (no \\x93NUMPY magic)");
  const unsigned major = head[6];
  if (major < 1 || major > 3)
    throw InputError(what + ": unsupported .npy format version " + std::to_string(major) + "." +
                     std::to_string(head[7]) + " (known: 1, 2, 3)");
  std::uint64_t hlen = 0, start = 0;
  if (major == 1) {
    hlen = static_cast<std::uint64_t>(head[8]) | (static_cast<std::uint64_t>(head[9]) << 8);
    start = 10;
  } else {
    if (file_size < 12 || head.size() < 12)
      throw InputError(what + ": truncated .npy file (" + u64s(file_size) + " bytes)");
    hlen = static_cast<std::uint64_t>(head[8]) | (static_cast<std::uint64_t>(head[9]) << 8) |
           (static_cast<std::uint64_t>(head[10]) << 16) |
           (static_cast<std::uint64_t>(head[11]) << 24);
    start = 12;
  }
  if (hlen > kMaxNpyHeader)
    throw InputError(what + ": .npy header of " + u64s(hlen) + " bytes exceeds the limit of " +
                     u64s(kMaxNpyHeader));
  if (hlen > file_size - start)
    throw InputError(what + ": .npy header claims " + u64s(hlen) + " bytes, the file has only " +
                     u64s(file_size - start) + " after the preamble (truncated?)");
  if (head.size() < start + hlen) throw InputError(what + ": truncated .npy header");
  const std::string_view text(reinterpret_cast<const char*>(head.data() + start),
                              static_cast<std::size_t>(hlen));
  if (major < 3) {
    for (unsigned char c : text)
      if (c >= 0x80)
        throw InputError(what + ": .npy header (version " + std::to_string(major) +
                         ") is not ASCII");
  } else if (!valid_utf8(text)) {
    throw InputError(what + ": .npy header is not valid UTF-8");
  }
  PyParser parser(text, what);
  const auto dict = parser.dict();
  TensorInfo t;
  const PyValue *descr = nullptr, *fortran = nullptr, *shape = nullptr;
  for (const auto& [k, v] : dict) {
    if (k == "descr")
      descr = &v;
    else if (k == "fortran_order")
      fortran = &v;
    else if (k == "shape")
      shape = &v;
  }
  if (!descr || !fortran || !shape)
    throw InputError(what + ": .npy header lacks " +
                     std::string(!descr     ? "'descr'"
                                 : !fortran ? "'fortran_order'"
                                            : "'shape'"));
  if (fortran->kind != PyValue::boolean)
    throw InputError(what + ": .npy header: 'fortran_order' must be True or False");
  t.fortran_order = fortran->b;
  if (shape->kind != PyValue::seq)
    throw InputError(what + ": .npy header: 'shape' must be a tuple of integers");
  for (const auto& d : shape->items) {
    if (d.kind != PyValue::integer)
      throw InputError(what + ": .npy header: 'shape' must be a tuple of integers");
    t.shape.push_back(d.i);
  }
  if (descr->kind == PyValue::str) {
    npy_dtype(t, descr->s, std::nullopt, options, what);
  } else if (descr->kind == PyValue::seq && descr->items.size() == 1 &&
             descr->items[0].kind == PyValue::seq && descr->items[0].items.size() == 2 &&
             descr->items[0].items[0].kind == PyValue::str &&
             descr->items[0].items[1].kind == PyValue::str) {
    // a one-field structured dtype: [('bfloat16', '<V2')] names the ml_dtypes type
    const auto& field = descr->items[0].items;
    npy_dtype(t, field[1].s, ml_dtypes_name(field[0].s), options, what);
  } else {
    throw InputError(what + ": unsupported dtype (structured arrays are not tensors of numbers)");
  }
  size_tensor(t, what);
  t.offset = start + hlen;
  if (t.bytes != file_size - t.offset)
    throw InputError(what + ": shape " + t.shape_text() + " of " + t.stored_dtype + " needs " +
                     u64s(t.bytes) + " data bytes, the file has " + u64s(file_size - t.offset));
  return t;
}

std::vector<TensorInfo> parse_safetensors_header(std::span<const unsigned char> head,
                                                 std::uint64_t file_size, const std::string& what,
                                                 std::map<std::string, std::string>* metadata) {
  if (file_size < 8 || head.size() < 8)
    throw InputError(what + ": truncated safetensors file (" + u64s(file_size) +
                     " bytes, the header length alone needs 8)");
  std::uint64_t n = 0;
  for (int i = 7; i >= 0; --i) n = (n << 8) | head[static_cast<std::size_t>(i)];
  if (n > kMaxSafetensorsHeader)
    throw InputError(what + ": safetensors header of " + u64s(n) + " bytes exceeds the limit of " +
                     u64s(kMaxSafetensorsHeader));
  if (n > file_size - 8)
    throw InputError(what + ": safetensors header claims " + u64s(n) +
                     " bytes, the file has only " + u64s(file_size - 8) +
                     " after the length (truncated?)");
  if (head.size() < 8 + n) throw InputError(what + ": truncated safetensors header");
  const std::string_view text(reinterpret_cast<const char*>(head.data() + 8),
                              static_cast<std::size_t>(n));
  check_json_depth(text, what);
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(text);
  } catch (const nlohmann::json::parse_error& e) {
    if (e.id == 101 && std::string(e.what()).find("UTF-8") != std::string::npos) {
      // name the string that holds the bad byte, escaped
      const std::size_t at = std::min<std::size_t>(e.byte > 0 ? e.byte - 1 : 0, text.size());
      const std::size_t open = text.rfind('"', at > 0 ? at - 1 : 0);
      const std::size_t close = text.find('"', at);
      const std::string_view name =
          open == std::string_view::npos
              ? text.substr(0, 0)
              : text.substr(open + 1,
                            (close == std::string_view::npos ? text.size() : close) - open - 1);
      throw InputError(what + ": tensor name " + quote_name(name) +
                       " is not valid UTF-8 (header byte " + std::to_string(e.byte) + ")");
    }
    throw InputError(what + ": safetensors header is not valid JSON (byte " +
                     std::to_string(e.byte) + " of the header)");
  }
  if (!j.is_object()) throw InputError(what + ": safetensors header is not a JSON object");
  const std::uint64_t data_size = file_size - 8 - n;
  std::vector<TensorInfo> out;
  for (auto it = j.begin(); it != j.end(); ++it) {
    const std::string& name = it.key();
    const std::string where = what + ": tensor " + quote_name(name);
    if (name == "__metadata__") {
      if (!it->is_object()) throw InputError(what + ": __metadata__ must be an object of strings");
      for (auto m = it->begin(); m != it->end(); ++m) {
        if (!m->is_string())
          throw InputError(what + ": __metadata__ " + quote_name(m.key()) + " must be a string");
        if (metadata) (*metadata)[m.key()] = m->get<std::string>();
      }
      continue;
    }
    const auto& v = *it;
    if (!v.is_object() || !v.contains("dtype") || !v.contains("shape") ||
        !v.contains("data_offsets"))
      throw InputError(where + ": needs dtype, shape and data_offsets");
    if (!v["dtype"].is_string()) throw InputError(where + ": dtype must be a string");
    TensorInfo t;
    t.name = name;
    t.stored_dtype = v["dtype"].get<std::string>();
    const auto d = safetensors_dtype(t.stored_dtype);
    if (!d)
      throw InputError(where + ": unknown dtype " + quote_name(t.stored_dtype) +
                       " (known: F64 F32 F16 BF16 F8_E4M3 F8_E5M2 I8..I64 U8..U64 BOOL)");
    t.dtype = *d;
    const auto& sh = v["shape"];
    if (!sh.is_array() || sh.size() > static_cast<std::size_t>(kMaxDims))
      throw InputError(where + ": shape must be an array of at most 64 integers");
    for (const auto& e : sh) {
      if (!e.is_number_unsigned())
        throw InputError(where + ": shape must hold non-negative integers, found " + e.dump());
      t.shape.push_back(e.get<std::uint64_t>());
    }
    const auto& off = v["data_offsets"];
    if (!off.is_array() || off.size() != 2 || !off[0].is_number_unsigned() ||
        !off[1].is_number_unsigned())
      throw InputError(where + ": data_offsets must be two non-negative integers");
    const auto b = off[0].get<std::uint64_t>(), e = off[1].get<std::uint64_t>();
    if (b > e)
      throw InputError(where + ": data_offsets [" + u64s(b) + ", " + u64s(e) + "] run backwards");
    if (e > data_size)
      throw InputError(where + ": data_offsets [" + u64s(b) + ", " + u64s(e) + "] end beyond the " +
                       u64s(data_size) + " data bytes");
    size_tensor(t, where);
    if (t.bytes != e - b)
      throw InputError(where + ": shape " + t.shape_text() + " of " + t.stored_dtype + " needs " +
                       u64s(t.bytes) + " bytes, data_offsets give " + u64s(e - b));
    t.offset = 8 + n + b;
    out.push_back(std::move(t));
  }
  std::sort(out.begin(), out.end(),
            [](const TensorInfo& a, const TensorInfo& b) { return a.offset < b.offset; });
  for (std::size_t i = 1; i < out.size(); ++i) {
    const auto& p = out[i - 1];
    if (out[i].offset < p.offset + p.bytes)
      throw InputError(what + ": tensors " + quote_name(p.name) + " and " +
                       quote_name(out[i].name) + " overlap (data_offsets)");
  }
  return out;
}

// ---- the file object
// -------------------------------------------------------------------------------

struct TensorFile::Impl {
  TensorFileKind kind = TensorFileKind::npy;
  std::string path;
  TensorFileOptions options;
  Source src;  // npy, safetensors
  std::vector<TensorInfo> tensors;
  std::map<std::string, std::string> metadata;
  zip_t* zip = nullptr;  // npz
  ~Impl() {
    if (zip) zip_discard(zip);
    if (src.fd >= 0) ::close(src.fd);
  }
};

namespace {

std::string zip_message(zip_error_t* e) {
  std::string m = zip_error_strerror(e);
  for (auto& c : m) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return m;
}

std::string zip_file_message(zip_t* z) {
  return zip_message(zip_get_error(z));
}

// Reads exactly n bytes of an open member; false at a premature end.
bool zip_read_exact(zip_file_t* f, unsigned char* dst, std::uint64_t n) {
  std::uint64_t got = 0;
  while (got < n) {
    const zip_int64_t r = zip_fread(f, dst + got, n - got);
    if (r <= 0) return false;
    got += static_cast<std::uint64_t>(r);
  }
  return true;
}

void open_npz(TensorFile::Impl& im) {
  const std::string& what = im.path;
  std::uint64_t total = 0;
  const zip_int64_t members = zip_get_num_entries(im.zip, 0);
  for (zip_int64_t i = 0; i < members; ++i) {
    zip_stat_t st;
    zip_stat_init(&st);
    if (zip_stat_index(im.zip, static_cast<zip_uint64_t>(i), ZIP_FL_ENC_RAW, &st) != 0)
      throw InputError(what + ": member " + std::to_string(i) + ": " + zip_file_message(im.zip));
    const std::string raw_name = (st.valid & ZIP_STAT_NAME) && st.name ? st.name : "";
    const std::string mw = what + ": member " + quote_name(raw_name);
    if (!valid_utf8(raw_name)) throw InputError(mw + ": name is not valid UTF-8");
    if (raw_name.empty() || raw_name.back() == '/') continue;  // directories
    if (raw_name.size() < 4 || raw_name.substr(raw_name.size() - 4) != ".npy")
      throw InputError(mw + ": not a .npy member (an .npz holds only .npy files)");
    if ((st.valid & ZIP_STAT_ENCRYPTION_METHOD) && st.encryption_method != ZIP_EM_NONE)
      throw InputError(mw + ": encrypted members are not supported");
    if ((st.valid & ZIP_STAT_COMP_METHOD) && st.comp_method != ZIP_CM_STORE &&
        st.comp_method != ZIP_CM_DEFLATE)
      throw InputError(mw + ": compression method " + std::to_string(st.comp_method) +
                       " is not supported (stored or deflated only)");
    if (!(st.valid & ZIP_STAT_SIZE) || !(st.valid & ZIP_STAT_COMP_SIZE))
      throw InputError(mw + ": the zip directory does not give its sizes");
    const double limit = static_cast<double>(st.comp_size) * im.options.max_expansion + 65536.0;
    if (static_cast<double>(st.size) > limit)
      throw InputError(mw + ": claims " + u64s(st.size) + " bytes from " + u64s(st.comp_size) +
                       " compressed, beyond the limit of " + io_limit(im.options.max_expansion) +
                       " times plus 64 KiB (deflate cannot expand more than 1032:1): a zip bomb?");
    if (st.size > im.options.max_total_bytes - total)
      throw InputError(mw + ": the members together exceed the limit of " +
                       u64s(im.options.max_total_bytes) + " uncompressed bytes");
    total += st.size;
    // the npy header, from the member's first bytes
    zip_file_t* f = zip_fopen_index(im.zip, static_cast<zip_uint64_t>(i), 0);
    if (!f) throw InputError(mw + ": " + zip_file_message(im.zip));
    std::vector<unsigned char> head(static_cast<std::size_t>(std::min<std::uint64_t>(st.size, 12)));
    bool ok = zip_read_exact(f, head.data(), head.size());
    std::uint64_t need = head.size();
    if (ok && head.size() >= 10) {
      const unsigned major = head[6];
      std::uint64_t hl = major == 1 ? (head[8] | (head[9] << 8))
                         : head.size() >= 12
                             ? (static_cast<std::uint64_t>(head[8]) | (head[9] << 8) |
                                (static_cast<std::uint64_t>(head[10]) << 16) |
                                (static_cast<std::uint64_t>(head[11]) << 24))
                             : 0;
      const std::uint64_t pre = major == 1 ? 10 : 12;
      need = std::min<std::uint64_t>(st.size, pre + std::min<std::uint64_t>(hl, kMaxNpyHeader));
      if (major == 1 && head.size() > 10) need = std::max<std::uint64_t>(need, 10);
      if (need > head.size()) {
        const std::size_t have = head.size();
        head.resize(static_cast<std::size_t>(need));
        ok = zip_read_exact(f, head.data() + have, need - have);
      }
    }
    zip_fclose(f);
    if (!ok)
      throw InputError(mw + ": truncated or corrupt member (" + zip_file_message(im.zip) + ")");
    TensorInfo t = parse_npy_header(head, st.size, mw, im.options);
    t.name = raw_name.substr(0, raw_name.size() - 4);
    t.member = i;
    im.tensors.push_back(std::move(t));
  }
}

}  // namespace

TensorFile::TensorFile(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
TensorFile::TensorFile(TensorFile&&) noexcept = default;
TensorFile& TensorFile::operator=(TensorFile&&) noexcept = default;
TensorFile::~TensorFile() = default;

TensorFileKind TensorFile::kind() const {
  return impl_->kind;
}
const std::string& TensorFile::path() const {
  return impl_->path;
}
const std::vector<TensorInfo>& TensorFile::tensors() const {
  return impl_->tensors;
}
const std::map<std::string, std::string>& TensorFile::metadata() const {
  return impl_->metadata;
}
bool TensorFile::parallel_reads() const {
  return impl_->kind != TensorFileKind::npz;
}

namespace {

bool ends_with(std::string_view s, std::string_view tail) {
  if (s.size() < tail.size()) return false;
  for (std::size_t i = 0; i < tail.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(s[s.size() - tail.size() + i])) != tail[i])
      return false;
  return true;
}

TensorFileKind sniff(const std::string& path, const unsigned char* head, std::size_t n) {
  if (ends_with(path, ".npy")) return TensorFileKind::npy;
  if (ends_with(path, ".npz")) return TensorFileKind::npz;
  if (ends_with(path, ".safetensors")) return TensorFileKind::safetensors;
  if (n >= 6 && std::memcmp(head, "\x93NUMPY", 6) == 0) return TensorFileKind::npy;
  if (n >= 4 && std::memcmp(head, "PK\x03\x04", 4) == 0) return TensorFileKind::npz;
  if (n >= 9 && head[8] == '{') return TensorFileKind::safetensors;
  throw InputError(path + ": not a .npy, .npz or safetensors file (name it by its extension)");
}

std::string stem(const std::string& path) {
  const auto slash = path.find_last_of('/');
  std::string s = slash == std::string::npos ? path : path.substr(slash + 1);
  if (ends_with(s, ".npy")) s.resize(s.size() - 4);
  return s;
}

void open_plain(TensorFile::Impl& im) {
  const Source& s = im.src;
  if (im.kind == TensorFileKind::npy) {
    std::vector<unsigned char> head(static_cast<std::size_t>(std::min<std::uint64_t>(s.size, 12)));
    s.read_at(0, head.size(), head.data());
    std::uint64_t need = head.size();
    if (head.size() >= 10 && head[6] >= 1 && head[6] <= 3) {
      const bool v1 = head[6] == 1;
      std::uint64_t hl = head[8] | (head[9] << 8);
      if (!v1 && head.size() >= 12)
        hl |= (static_cast<std::uint64_t>(head[10]) << 16) |
              (static_cast<std::uint64_t>(head[11]) << 24);
      need = std::min<std::uint64_t>(s.size,
                                     (v1 ? 10 : 12) + std::min<std::uint64_t>(hl, kMaxNpyHeader));
    }
    if (need > head.size()) {
      const std::size_t have = head.size();
      head.resize(static_cast<std::size_t>(need));
      s.read_at(have, head.size() - have, head.data() + have);
    }
    TensorInfo t = parse_npy_header(head, s.size, im.path, im.options);
    t.name = stem(im.path);
    im.tensors.push_back(std::move(t));
    return;
  }
  std::vector<unsigned char> head(static_cast<std::size_t>(std::min<std::uint64_t>(s.size, 8)));
  s.read_at(0, head.size(), head.data());
  if (head.size() == 8) {
    std::uint64_t n = 0;
    for (int i = 7; i >= 0; --i) n = (n << 8) | head[static_cast<std::size_t>(i)];
    if (n <= kMaxSafetensorsHeader && n <= s.size - 8) {
      head.resize(static_cast<std::size_t>(8 + n));
      s.read_at(8, static_cast<std::size_t>(n), head.data() + 8);
    }
  }
  im.tensors = parse_safetensors_header(head, s.size, im.path, &im.metadata);
}

}  // namespace

TensorFile TensorFile::open(const std::string& path, const TensorFileOptions& options) {
  auto im = std::make_unique<Impl>();
  im->path = path;
  im->options = options;
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw InputError(path + ": cannot open: " + std::strerror(errno));
  im->src.fd = fd;
  im->src.name = path;
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode))
    throw InputError(path + ": not a regular file");
  im->src.size = static_cast<std::uint64_t>(st.st_size);
  if (im->src.size == 0) throw InputError(path + ": empty file");  // (libzip: an empty archive)
  unsigned char magic[9] = {};
  const std::size_t m = static_cast<std::size_t>(std::min<std::uint64_t>(im->src.size, 9));
  im->src.read_at(0, m, magic);
  im->kind = sniff(path, magic, m);
  if (im->kind == TensorFileKind::npz) {
    int err = 0;
    im->zip = zip_fdopen(fd, ZIP_RDONLY | ZIP_CHECKCONS, &err);
    if (!im->zip) {
      zip_error_t ze;
      zip_error_init_with_code(&ze, err);
      const std::string msg = zip_message(&ze);
      zip_error_fini(&ze);
      throw InputError(path + ": not a readable zip (.npz): " + msg);
    }
    im->src.fd = -1;  // zip_fdopen owns the descriptor now
    open_npz(*im);
  } else {
    open_plain(*im);
  }
  return TensorFile(std::move(im));
}

TensorFile TensorFile::open_raw(const std::string& path, DType type) {
  auto im = std::make_unique<Impl>();
  im->path = path;
  im->kind = TensorFileKind::raw;
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw InputError(path + ": cannot open: " + std::strerror(errno));
  im->src.fd = fd;
  im->src.name = path;
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode))
    throw InputError(path + ": not a regular file");
  im->src.size = static_cast<std::uint64_t>(st.st_size);
  const std::size_t esz = dtype_size(type);
  if (im->src.size % esz != 0)
    throw InputError(path + ": raw " + std::string(dtype_name(type)) + " input has " +
                     u64s(im->src.size) + " bytes, not a multiple of " + std::to_string(esz));
  TensorInfo t;
  t.name = path;
  t.dtype = type;
  t.stored_dtype = std::string(dtype_name(type));
  t.count = im->src.size / esz;
  t.shape = {t.count};
  t.bytes = im->src.size;
  im->tensors.push_back(std::move(t));
  return TensorFile(std::move(im));
}

TensorFile TensorFile::from_memory(std::span<const unsigned char> bytes, const std::string& name,
                                   const TensorFileOptions& options) {
  auto im = std::make_unique<Impl>();
  im->path = name;
  im->options = options;
  im->src.mem = bytes;
  im->src.size = bytes.size();
  im->src.name = name;
  if (bytes.empty()) throw InputError(name + ": empty file");  // (libzip: an empty archive)
  im->kind = sniff(name, bytes.data(), bytes.size());
  if (im->kind == TensorFileKind::npz) {
    zip_error_t ze;
    zip_error_init(&ze);
    zip_source_t* zs = zip_source_buffer_create(bytes.data(), bytes.size(), 0, &ze);
    if (zs) im->zip = zip_open_from_source(zs, ZIP_RDONLY | ZIP_CHECKCONS, &ze);
    if (!im->zip) {
      if (zs) zip_source_free(zs);
      const std::string msg = zip_message(&ze);
      zip_error_fini(&ze);
      throw InputError(name + ": not a readable zip (.npz): " + msg);
    }
    zip_error_fini(&ze);
    open_npz(*im);
  } else {
    open_plain(*im);
  }
  return TensorFile(std::move(im));
}

void TensorFile::read(const TensorInfo& t, const BlockSink& sink, std::uint64_t first,
                      std::uint64_t last, std::size_t block_values) const {
  last = std::min(last, t.count);
  if (first >= last) return;
  block_values = std::max<std::size_t>(block_values, 1);
  const std::size_t esz = dtype_size(t.dtype);
  const bool as_float = decodes_to_float(t.dtype);
  std::vector<unsigned char> raw(block_values * esz);
  std::vector<float> vf(as_float ? block_values : 0);
  std::vector<double> vd(as_float ? 0 : block_values);
  auto emit = [&](std::size_t n) {
    ValueBlock b;
    if (as_float) {
      decode_floats(raw.data(), n, t.dtype, t.big_endian, vf.data());
      b.f32 = std::span<const float>(vf.data(), n);
    } else {
      decode_doubles(raw.data(), n, t.dtype, t.big_endian, vd.data());
      b.f64 = std::span<const double>(vd.data(), n);
    }
    sink(b);
  };
  if (impl_->kind != TensorFileKind::npz) {
    for (std::uint64_t i = first; i < last;) {
      const auto n = static_cast<std::size_t>(std::min<std::uint64_t>(block_values, last - i));
      impl_->src.read_at(t.offset + i * esz, n * esz, raw.data());
      emit(n);
      i += n;
    }
    return;
  }
  const std::string mw = impl_->path + ": member " + quote_name(t.name + ".npy");
  zip_file_t* f = zip_fopen_index(impl_->zip, static_cast<zip_uint64_t>(t.member), 0);
  if (!f) throw InputError(mw + ": " + zip_file_message(impl_->zip));
  struct Closer {
    zip_file_t* f;
    ~Closer() { zip_fclose(f); }
  } closer{f};
  // skip the header and the elements before `first` (members are read sequentially)
  std::uint64_t skip = t.offset + first * esz;
  while (skip > 0) {
    const auto n = static_cast<std::size_t>(std::min<std::uint64_t>(raw.size(), skip));
    if (!zip_read_exact(f, raw.data(), n))
      throw InputError(mw + ": truncated or corrupt member (" + zip_file_message(impl_->zip) + ")");
    skip -= n;
  }
  for (std::uint64_t i = first; i < last;) {
    const auto n = static_cast<std::size_t>(std::min<std::uint64_t>(block_values, last - i));
    if (!zip_read_exact(f, raw.data(), n * esz))
      throw InputError(mw + ": truncated or corrupt member (" + zip_file_message(impl_->zip) + ")");
    emit(n);
    i += n;
  }
}

// ---- analysis
// --------------------------------------------------------------------------------------

std::vector<unsigned char> safetensors_image(const std::vector<TensorBytes>& tensors,
                                             const std::map<std::string, std::string>& metadata) {
  static constexpr std::pair<DType, std::string_view> names[] = {{DType::f64, "F64"},
                                                                 {DType::f32, "F32"},
                                                                 {DType::f16, "F16"},
                                                                 {DType::bf16, "BF16"},
                                                                 {DType::e4m3, "F8_E4M3"},
                                                                 {DType::e5m2, "F8_E5M2"},
                                                                 {DType::e4m3fnuz, "F8_E4M3FNUZ"},
                                                                 {DType::e5m2fnuz, "F8_E5M2FNUZ"},
                                                                 {DType::i8, "I8"},
                                                                 {DType::i16, "I16"},
                                                                 {DType::i32, "I32"},
                                                                 {DType::i64, "I64"},
                                                                 {DType::u8, "U8"},
                                                                 {DType::u16, "U16"},
                                                                 {DType::u32, "U32"},
                                                                 {DType::u64, "U64"},
                                                                 {DType::boolean, "BOOL"}};
  nlohmann::ordered_json h = nlohmann::ordered_json::object();
  if (!metadata.empty()) h["__metadata__"] = metadata;
  std::uint64_t off = 0;
  for (const auto& t : tensors) {
    std::string_view dn;
    for (const auto& [d, n] : names)
      if (d == t.dtype) dn = n;
    nlohmann::ordered_json e = nlohmann::ordered_json::object();
    e["dtype"] = std::string(dn);
    e["shape"] = t.shape;
    e["data_offsets"] = {off, off + t.bytes.size()};
    off += t.bytes.size();
    h[t.name] = e;
  }
  std::string text = h.dump();
  text.append((8 - text.size() % 8) % 8, ' ');
  std::vector<unsigned char> out;
  for (int i = 0; i < 8; ++i)
    out.push_back(static_cast<unsigned char>((text.size() >> (8 * i)) & 0xFF));
  out.insert(out.end(), text.begin(), text.end());
  for (const auto& t : tensors) out.insert(out.end(), t.bytes.begin(), t.bytes.end());
  return out;
}

std::vector<unsigned char> example_checkpoint() {
  // Deterministic values without library distributions: a 32-bit LCG mapped to (-1, 1), shaped
  // into the magnitudes each tensor has in practice.
  std::uint32_t state = 12345;
  auto uniform = [&]() {
    state = state * 1664525u + 1013904223u;
    return (static_cast<double>(state >> 8) + 0.5) / 8388608.0 - 1.0;
  };
  auto f32 = [](const std::vector<double>& v) {
    std::vector<unsigned char> b(v.size() * 4);
    for (std::size_t i = 0; i < v.size(); ++i) {
      const float x = static_cast<float>(v[i]);
      std::memcpy(b.data() + 4 * i, &x, 4);
    }
    return b;
  };
  auto narrow = [](const std::vector<double>& v, const Format& f) {
    std::vector<unsigned char> b(v.size() * 2);
    for (std::size_t i = 0; i < v.size(); ++i) {
      const auto bits = static_cast<std::uint16_t>(encode(v[i], f));
      std::memcpy(b.data() + 2 * i, &bits, 2);
    }
    return b;
  };
  std::vector<double> w(256), bias(16), emb(128), grad(64), logits(32);
  for (auto& x : w) x = 0.08 * uniform();
  for (auto& x : bias) x = 0.01 * uniform();
  for (auto& x : emb) x = uniform();
  for (auto& x : grad) x = std::ldexp(uniform(), -14 - static_cast<int>(8 * std::fabs(uniform())));
  for (auto& x : logits) x = 40 * uniform();
  logits[3] = 612.5;
  logits[17] = -1030.25;
  return safetensors_image(
      {{"layers.0.weight", DType::f32, {16, 16}, f32(w)},
       {"layers.0.bias", DType::f16, {16}, narrow(bias, format(FormatId::fp16))},
       {"embed.weight", DType::bf16, {8, 16}, narrow(emb, format(FormatId::bf16))},
       {"grad.layers.0.weight", DType::f32, {64}, f32(grad)},
       {"logits", DType::f32, {32}, f32(logits)}},
      {{"format", "pt"}, {"source", "numkit example_checkpoint"}});
}

bool tensor_name_matches(std::string_view pattern, std::string_view name) {
  if (pattern.empty()) return true;
  const std::string p(pattern), n(name);
  if (p == n) return true;
  return ::fnmatch(p.c_str(), n.c_str(), 0) == 0;
}

namespace {

// Below-normal count of the (already scaled) data further scaled by 2^k, from the exponent
// histogram: |x| 2^k < 2^emin exactly when floor(log2|x|) + k < emin.
std::uint64_t below_normal_at(const AnalyzeStats& s, int k, const Format& f) {
  std::uint64_t c = 0;
  for (int i = 0; i < AnalyzeStats::kExpBins; ++i)
    if (s.exp_hist[static_cast<std::size_t>(i)] != 0 && i - AnalyzeStats::kExpOffset + k < f.emin)
      c += s.exp_hist[static_cast<std::size_t>(i)];
  return c;
}

// The largest k with amax 2^k <= max_finite / margin.
bool amax_scale(double amax, const AnalyzeOptions& o, int& k) {
  if (!(amax > 0) || !std::isfinite(amax)) return false;
  const double target = o.format->max_finite / o.margin;
  k = static_cast<int>(std::floor(std::log2(target / amax)));
  while (std::ldexp(amax, k) > target) --k;
  while (std::ldexp(amax, k + 1) <= target) ++k;
  return true;
}

AnalyzeStats analyze_one(const TensorFile& file, const TensorInfo& t, const AnalyzeOptions& o,
                         std::atomic<std::uint64_t>& done, std::uint64_t total_bytes) {
  const std::uint64_t n = t.count;
  const int threads =
      file.parallel_reads() && n >= (std::uint64_t{1} << 20) ? std::max(1, o.threads) : 1;
  std::vector<Analyzer> parts;
  parts.reserve(static_cast<std::size_t>(threads));
  for (int i = 0; i < threads; ++i) parts.emplace_back(o);
  std::vector<std::exception_ptr> errors(static_cast<std::size_t>(threads));
  const std::size_t esz = dtype_size(t.dtype);
  auto work = [&](int i) {
    try {
      const std::uint64_t first =
          n * static_cast<std::uint64_t>(i) / static_cast<std::uint64_t>(threads);
      const std::uint64_t last =
          n * static_cast<std::uint64_t>(i + 1) / static_cast<std::uint64_t>(threads);
      Analyzer& a = parts[static_cast<std::size_t>(i)];
      file.read(
          t,
          [&](const ValueBlock& b) {
            if (!b.f32.empty()) a.add(b.f32);
            if (!b.f64.empty()) a.add(b.f64);
            const std::uint64_t d = done.fetch_add((b.f32.size() + b.f64.size()) * esz) +
                                    (b.f32.size() + b.f64.size()) * esz;
            if (i == 0 && o.progress && total_bytes > 0)
              o.progress(static_cast<double>(d) / static_cast<double>(total_bytes));
          },
          first, last, std::size_t{1} << 18);
    } catch (...) {
      errors[static_cast<std::size_t>(i)] = std::current_exception();
    }
  };
  std::vector<std::thread> pool;
  for (int i = 1; i < threads; ++i) pool.emplace_back(work, i);
  work(0);
  for (auto& th : pool) th.join();
  for (auto& e : errors)
    if (e) std::rethrow_exception(e);
  AnalyzeStats s = parts[0].stats();
  for (std::size_t i = 1; i < parts.size(); ++i) s.merge(parts[i].stats());
  return s;
}

}  // namespace

TensorFileAnalysis analyze_tensor_file(const TensorFile& file,
                                       const std::vector<std::string>& patterns,
                                       const AnalyzeOptions& options) {
  options.validate();
  const Format& f = *options.format;
  std::vector<const TensorInfo*> chosen;
  for (const auto& t : file.tensors()) {
    bool take = patterns.empty();
    for (const auto& p : patterns) take = take || tensor_name_matches(p, t.name);
    if (take) chosen.push_back(&t);
  }
  if (chosen.empty() && !patterns.empty())
    throw InputError(file.path() + ": no tensor matches --tensor " + quote_name(patterns.front()) +
                     " (" + std::to_string(file.tensors().size()) + " tensors in the file)");
  std::uint64_t total_bytes = 0;
  for (const auto* t : chosen) total_bytes += t->bytes;
  std::atomic<std::uint64_t> done{0};
  TensorFileAnalysis out;
  AnalyzeStats total;
  double global_amax = 0;
  std::vector<AnalyzeStats> per;
  for (const auto* t : chosen) {
    per.push_back(analyze_one(file, *t, options, done, total_bytes));
    TensorAnalysis ta;
    ta.info = *t;
    ta.result = finish(per.back(), options);
    ta.amax = per.back().max_abs;
    ta.has_scale = amax_scale(ta.amax, options, ta.log2_scale);
    global_amax = std::max(global_amax, std::isfinite(ta.amax) ? ta.amax : 0.0);
    total.merge(per.back());
    out.tensors.push_back(std::move(ta));
  }
  out.total = finish(total, options);
  out.has_global_scale = amax_scale(global_amax, options, out.log2_global_scale);
  for (std::size_t i = 0; i < out.tensors.size(); ++i) {
    auto& ta = out.tensors[i];
    if (ta.has_scale) ta.below_normal_own_scale = below_normal_at(per[i], ta.log2_scale, f);
    if (out.has_global_scale)
      ta.below_normal_global_scale = below_normal_at(per[i], out.log2_global_scale, f);
    out.below_normal_own_scales += ta.below_normal_own_scale;
    out.below_normal_global_scale += ta.below_normal_global_scale;
  }
  if (options.progress) options.progress(1.0);
  return out;
}

TensorFileAnalysis analyze_raw_typed(const std::string& spec, DType type,
                                     const AnalyzeOptions& options) {
  options.validate();
  const std::size_t esz = dtype_size(type);
  TensorInfo t;
  t.name = spec;
  t.dtype = type;
  t.stored_dtype = std::string(dtype_name(type));
  TensorFileAnalysis out;
  auto not_multiple = [&](std::uint64_t bytes) {
    return InputError(spec + ": raw " + std::string(dtype_name(type)) + " input has " +
                      u64s(bytes) + " bytes, not a multiple of " + std::to_string(esz));
  };
  AnalyzeStats stats;
  if (spec == "-") {
    Analyzer a(options);
    constexpr std::size_t kBlock = 1 << 18;
    std::vector<unsigned char> buf(kBlock * esz);
    std::vector<float> vf(kBlock);
    std::vector<double> vd(kBlock);
    std::size_t have = 0;
    std::uint64_t total = 0;
    while (true) {
      const std::size_t got = std::fread(buf.data() + have, 1, buf.size() - have, stdin);
      total += got;
      have += got;
      const std::size_t whole = have / esz;
      if (whole > 0) {
        if (decodes_to_float(type)) {
          decode_floats(buf.data(), whole, type, false, vf.data());
          a.add(std::span<const float>(vf.data(), whole));
        } else {
          decode_doubles(buf.data(), whole, type, false, vd.data());
          a.add(std::span<const double>(vd.data(), whole));
        }
        std::memmove(buf.data(), buf.data() + whole * esz, have - whole * esz);
        have -= whole * esz;
      }
      if (got == 0) break;
    }
    if (have != 0) throw not_multiple(total);
    stats = a.stats();
    t.count = total / esz;
  } else {
    const TensorFile file = TensorFile::open_raw(spec, type);
    t = file.tensors()[0];
    std::atomic<std::uint64_t> done{0};
    stats = analyze_one(file, t, options, done, t.bytes);
  }
  t.shape = {t.count};
  t.bytes = t.count * esz;
  TensorAnalysis ta;
  ta.info = t;
  ta.result = finish(stats, options);
  ta.amax = stats.max_abs;
  ta.has_scale = amax_scale(ta.amax, options, ta.log2_scale);
  if (ta.has_scale)
    ta.below_normal_own_scale = below_normal_at(stats, ta.log2_scale, *options.format);
  ta.below_normal_global_scale = ta.below_normal_own_scale;
  out.total = ta.result;
  out.has_global_scale = ta.has_scale;
  out.log2_global_scale = ta.log2_scale;
  out.below_normal_own_scales = out.below_normal_global_scale = ta.below_normal_own_scale;
  out.tensors.push_back(std::move(ta));
  if (options.progress) options.progress(1.0);
  return out;
}

}  // namespace numkit::fp
