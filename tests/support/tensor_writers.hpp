// Small writers of .npy, .npz and safetensors files for the tests, written from the published
// format descriptions (NumPy's NEP 1 / numpy.lib.format, the safetensors README), not from numkit's
// readers. .npz members are zipped with libzip, stored or deflated.
#pragma once

#include <zip.h>

#include <cstdint>
#include <cstring>
#include <fstream>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace numkit::test {

using Bytes = std::vector<unsigned char>;

template <class T>
Bytes bytes_of(const std::vector<T>& v, bool big_endian = false) {
  Bytes b(v.size() * sizeof(T));
  std::memcpy(b.data(), v.data(), b.size());
  if (big_endian)
    for (std::size_t i = 0; i < v.size(); ++i)
      for (std::size_t k = 0; k < sizeof(T) / 2; ++k)
        std::swap(b[i * sizeof(T) + k], b[i * sizeof(T) + sizeof(T) - 1 - k]);
  return b;
}

inline std::string shape_tuple(const std::vector<std::uint64_t>& shape) {
  std::string s = "(";
  for (std::size_t i = 0; i < shape.size(); ++i) s += (i ? ", " : "") + std::to_string(shape[i]);
  if (shape.size() == 1) s += ",";
  return s + ")";
}

// A .npy file: magic, version, header length, the header dict padded with spaces to a multiple of
// 64 bytes (ending in '\n'), then the data. `descr` is the Python literal, e.g. "'<f4'" or
// "[('bfloat16', '<V2')]".
inline Bytes npy_bytes(const std::string& descr, const std::vector<std::uint64_t>& shape,
                       const Bytes& data, int version = 1, bool fortran = false) {
  std::string header = "{'descr': " + descr + ", 'fortran_order': " + (fortran ? "True" : "False") +
                       ", 'shape': " + shape_tuple(shape) + ", }";
  const std::size_t pre = version == 1 ? 10 : 12;
  std::size_t total = pre + header.size() + 1;
  header.append((64 - total % 64) % 64, ' ');
  header.push_back('\n');
  Bytes out = {0x93, 'N', 'U', 'M', 'P', 'Y', static_cast<unsigned char>(version), 0};
  const std::size_t n = header.size();
  out.push_back(static_cast<unsigned char>(n & 0xFF));
  out.push_back(static_cast<unsigned char>((n >> 8) & 0xFF));
  if (version != 1) {
    out.push_back(static_cast<unsigned char>((n >> 16) & 0xFF));
    out.push_back(static_cast<unsigned char>((n >> 24) & 0xFF));
  }
  out.insert(out.end(), header.begin(), header.end());
  out.insert(out.end(), data.begin(), data.end());
  return out;
}

struct SafeTensor {
  std::string name, dtype;  // "F32", "BF16", ...
  std::vector<std::uint64_t> shape;
  Bytes data;
};

// safetensors: 8-byte little-endian header length N, N bytes of JSON (padded with spaces), then
// the tensors' bytes back to back in the order given.
inline Bytes safetensors_bytes(const std::vector<SafeTensor>& tensors,
                               const std::string& metadata_json = "") {
  std::string h = "{";
  if (!metadata_json.empty()) h += "\"__metadata__\":" + metadata_json;
  std::uint64_t off = 0;
  for (const auto& t : tensors) {
    if (h.size() > 1) h += ",";
    h += "\"" + t.name + "\":{\"dtype\":\"" + t.dtype + "\",\"shape\":[";
    for (std::size_t i = 0; i < t.shape.size(); ++i)
      h += (i ? "," : "") + std::to_string(t.shape[i]);
    h += "],\"data_offsets\":[" + std::to_string(off) + "," + std::to_string(off + t.data.size()) +
         "]}";
    off += t.data.size();
  }
  h += "}";
  h.append((8 - h.size() % 8) % 8, ' ');
  Bytes out;
  for (int i = 0; i < 8; ++i)
    out.push_back(static_cast<unsigned char>((h.size() >> (8 * i)) & 0xFF));
  out.insert(out.end(), h.begin(), h.end());
  for (const auto& t : tensors) out.insert(out.end(), t.data.begin(), t.data.end());
  return out;
}

// An .npz: each member "NAME.npy" holding the given .npy bytes, stored or deflated (libzip).
inline void write_npz(const std::string& path,
                      const std::vector<std::pair<std::string, Bytes>>& members, bool deflate) {
  int err = 0;
  zip_t* z = zip_open(path.c_str(), ZIP_CREATE | ZIP_TRUNCATE, &err);
  if (!z) throw std::runtime_error("write_npz: cannot create " + path);
  for (const auto& [name, bytes] : members) {
    zip_source_t* s = zip_source_buffer(z, bytes.data(), bytes.size(), 0);
    const zip_int64_t idx = zip_file_add(z, (name + ".npy").c_str(), s, ZIP_FL_ENC_UTF_8);
    if (idx < 0) throw std::runtime_error("write_npz: cannot add " + name);
    zip_set_file_compression(z, static_cast<zip_uint64_t>(idx),
                             deflate ? ZIP_CM_DEFLATE : ZIP_CM_STORE, 0);
  }
  if (zip_close(z) != 0) throw std::runtime_error("write_npz: cannot write " + path);
}

inline void write_file(const std::string& path, const Bytes& b) {
  std::ofstream f(path, std::ios::binary);
  f.write(reinterpret_cast<const char*>(b.data()), static_cast<std::streamsize>(b.size()));
}

inline Bytes read_file(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  return Bytes((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
}

}  // namespace numkit::test
