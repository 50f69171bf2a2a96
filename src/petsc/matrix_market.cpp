// Matrix Market by byte ranges (see numkit/petsc/matrix_market.hpp). The messages are those of
// the serial reader (src/core/reader.cpp), so one file fails the same way on 1 or 64 processes.
#include "numkit/petsc/matrix_market.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <cstring>
#include <sstream>

#include "numkit/core/error.hpp"
#include "numkit/core/number.hpp"

namespace numkit::petsc {
namespace {

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

std::string shape(int64_t rows, int64_t cols) {
  return std::to_string(rows) + "×" + std::to_string(cols);
}

bool is_blank(char c) {
  return c == ' ' || c == '\t' || c == '\r';
}

[[noreturn]] void fail_at(const std::string& name, int64_t line, std::size_t col,
                          const std::string& message) {
  throw InputError(name + ":" + std::to_string(line) + ":" + std::to_string(col) + ": " + message);
}

}  // namespace

MappedFile::MappedFile(const std::string& path) {
  const int fd = open(path.c_str(), O_RDONLY);
  if (fd < 0) throw InputError(path + ": cannot open (" + std::strerror(errno) + ")");
  struct stat st {};
  if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    close(fd);
    throw InputError(path + ": not a regular file (several processes read it by byte ranges)");
  }
  size_ = static_cast<std::size_t>(st.st_size);
  if (size_ > 0) {
    void* p = mmap(nullptr, size_, PROT_READ, MAP_PRIVATE, fd, 0);
    if (p == MAP_FAILED) {
      close(fd);
      throw InputError(path + ": cannot map (" + std::strerror(errno) + ")");
    }
    data_ = static_cast<const char*>(p);
  }
  close(fd);
}

MappedFile::~MappedFile() {
  if (data_) munmap(const_cast<char*>(data_), size_);
}

MtxHeader read_mtx_header(const std::string& path) {
  MappedFile file(path);
  MtxHeader h;
  h.path = path;
  h.file_size = file.size();
  const char* d = file.data();
  std::size_t pos = 0;
  int64_t line_no = 0;
  auto next_line = [&](std::string& line) {
    if (pos >= h.file_size) return false;
    const void* nl = std::memchr(d + pos, '\n', h.file_size - pos);
    const std::size_t e =
        nl ? static_cast<std::size_t>(static_cast<const char*>(nl) - d) : h.file_size;
    line.assign(d + pos, e - pos);
    pos = nl ? e + 1 : e;
    ++line_no;
    return true;
  };
  std::string line;
  if (!next_line(line)) throw InputError(path + ": empty input, expected a matrix");
  std::istringstream header(line);
  std::string banner, object, layout, field, symmetry;
  header >> banner >> object >> layout >> field >> symmetry;
  if (lower(banner) != "%%matrixmarket")
    fail_at(path, 1, 1, "expected a Matrix Market header \"%%MatrixMarket matrix ...\"");
  object = lower(object), layout = lower(layout), field = lower(field), symmetry = lower(symmetry);
  if (object != "matrix")
    fail_at(path, 1, 1, "only \"matrix\" objects are supported, found \"" + object + "\"");
  if (layout != "coordinate" && layout != "array")
    fail_at(path, 1, 1, "expected \"coordinate\" or \"array\", found \"" + layout + "\"");
  if (field != "real" && field != "integer" && field != "double" && field != "pattern")
    fail_at(path, 1, 1, "unsupported field \"" + field + "\" (real, integer or pattern)");
  if (symmetry != "general" && symmetry != "symmetric" && symmetry != "skew-symmetric")
    fail_at(path, 1, 1,
            "unsupported symmetry \"" + symmetry + "\" (general, symmetric or skew-symmetric)");
  if (layout == "array" && field == "pattern")
    fail_at(path, 1, 1, "an array file cannot have the pattern field");
  h.coordinate = layout == "coordinate";
  h.pattern = field == "pattern";
  h.symmetric = symmetry == "symmetric";
  h.skew = symmetry == "skew-symmetric";
  while (next_line(line)) {
    std::size_t b = 0;
    while (b < line.size() && (is_blank(line[b]) || line[b] == '\n')) ++b;
    if (b == line.size() || line[b] == '%') continue;
    std::istringstream sizes(line);
    long long rows = -1, cols = -1, nnz = -1;
    sizes >> rows >> cols;
    if (h.coordinate) sizes >> nnz;
    std::string extra;
    if (!sizes || rows < 0 || cols < 0 || (h.coordinate && nnz < 0) || (sizes >> extra))
      fail_at(path, line_no, 1,
              h.coordinate ? "expected the size line \"rows cols entries\""
                           : "expected the size line \"rows cols\"");
    h.rows = rows;
    h.cols = cols;
    h.size_line = line_no;
    h.data_offset = pos;
    if (h.coordinate)
      h.entries = nnz;
    else
      h.entries = h.symmetric ? rows * (rows + 1) / 2
                  : h.skew    ? rows * (rows - 1) / 2
                              : rows * cols;
    break;
  }
  if (h.size_line == 0) throw InputError(path + ": missing the size line after the header");
  if ((h.symmetric || h.skew) && h.rows != h.cols)
    fail_at(path, h.size_line, 1,
            "a " + symmetry + " matrix must be square, declared " + shape(h.rows, h.cols));
  return h;
}

std::pair<std::size_t, std::size_t> mtx_byte_range(const MtxHeader& h, int part, int parts) {
  const std::size_t span = h.file_size - h.data_offset;
  const std::size_t q = span / static_cast<std::size_t>(parts),
                    rem = span % static_cast<std::size_t>(parts);
  auto at = [&](int k) {  // data_offset + ⌊span·k/parts⌋ without overflow
    const auto kk = static_cast<std::size_t>(k);
    return h.data_offset + q * kk + rem * kk / static_cast<std::size_t>(parts);
  };

  return {at(part), at(part + 1)};
}

MtxPart parse_mtx_part(const MtxHeader& h, const char* data, std::size_t begin, std::size_t end,
                       bool allow_nonfinite) {
  MtxPart part;
  const std::size_t size = h.file_size;
  std::size_t pos = begin;
  // a range that starts inside a line leaves that line to the range before
  if (pos > h.data_offset && data[pos - 1] != '\n') {
    const void* nl = std::memchr(data + pos, '\n', size - pos);
    pos = nl ? static_cast<std::size_t>(static_cast<const char*>(nl) - data) + 1 : size;
  }
  if (h.coordinate) {
    const std::size_t reserve = (end - begin) / 12 + 1;
    part.rows.reserve(reserve);
    part.cols.reserve(reserve);
    if (!h.pattern) part.values.reserve(reserve);
  }
  const NumberOptions number_options{allow_nonfinite};
  struct Field {
    std::string_view text;
    std::size_t column;
  };
  Field fields[4];
  while (pos < end && pos < size) {
    const void* nl = std::memchr(data + pos, '\n', size - pos);
    const std::size_t line_end =
        nl ? static_cast<std::size_t>(static_cast<const char*>(nl) - data) : size;
    const std::string_view line(data + pos, line_end - pos);
    const int64_t local_line = part.lines++;
    pos = nl ? line_end + 1 : size;
    // split into at most 4 fields (a fourth one is already an error for coordinate files)
    int nf = 0;
    std::size_t i = 0;
    while (i < line.size() && is_blank(line[i])) ++i;
    if (i == line.size() || line[i] == '%') continue;  // blank line or comment
    auto fail = [&](std::size_t col, std::string message) {
      part.error = MtxPartError{local_line, col, std::move(message)};
    };
    if (!h.coordinate) {
      // array layout: any number of values on a line
      while (i < line.size()) {
        std::size_t t0 = i;
        while (i < line.size() && !is_blank(line[i])) ++i;
        try {
          part.values.push_back(parse_double(line.substr(t0, i - t0), "", number_options));
        } catch (const InputError& e) {
          std::string message = e.what();
          if (message.rfind(": ", 0) == 0) message = message.substr(2);
          fail(t0 + 1, message);
          return part;
        }
        ++part.stored;
        while (i < line.size() && is_blank(line[i])) ++i;
      }
      continue;
    }
    while (i < line.size() && nf < 4) {
      std::size_t t0 = i;
      while (i < line.size() && !is_blank(line[i])) ++i;
      fields[nf++] = Field{line.substr(t0, i - t0), t0 + 1};
      while (i < line.size() && is_blank(line[i])) ++i;
    }
    if (i < line.size()) ++nf;  // more than four
    const int want = h.pattern ? 2 : 3;
    if (nf != want) {
      fail(1, "expected " + std::to_string(want) + " fields (row column" +
                  (h.pattern ? "" : " value") + "), found " + std::to_string(nf));
      return part;
    }
    int64_t idx[2];
    for (int k = 0; k < 2; ++k) {
      const char* which = k == 0 ? "row" : "column";
      const int64_t limit = k == 0 ? h.rows : h.cols;
      long long v = 0;
      const auto& f = fields[k];
      auto [p, ec] = std::from_chars(f.text.data(), f.text.data() + f.text.size(), v);
      if (ec != std::errc() || p != f.text.data() + f.text.size()) {
        fail(f.column,
             std::string("expected a ") + which + " index, found \"" + std::string(f.text) + "\"");
        return part;
      }
      if (v < 1 || v > limit) {
        fail(f.column, std::string(which) + " index " + std::to_string(v) + " is outside the " +
                           shape(h.rows, h.cols) + " matrix declared on line " +
                           std::to_string(h.size_line));
        return part;
      }
      idx[k] = v - 1;
    }
    double value = 1.0;
    if (!h.pattern) {
      try {
        value = parse_double(fields[2].text, "", number_options);
      } catch (const InputError& e) {
        std::string message = e.what();
        if (message.rfind(": ", 0) == 0) message = message.substr(2);
        fail(fields[2].column, message);
        return part;
      }
    }
    if ((h.symmetric || h.skew) && idx[1] > idx[0]) {
      fail(1, "entry (" + std::to_string(idx[0] + 1) + "," + std::to_string(idx[1] + 1) +
                  ") is above the diagonal; a " + (h.symmetric ? "symmetric" : "skew-symmetric") +
                  " file stores the lower triangle");
      return part;
    }
    if (h.skew && idx[0] == idx[1] && value != 0.0) {
      fail(1, "a skew-symmetric matrix has a zero diagonal");
      return part;
    }
    part.rows.push_back(idx[0]);
    part.cols.push_back(idx[1]);
    part.values.push_back(value);
    ++part.stored;
  }
  return part;
}

void mtx_place_array_values(const MtxHeader& h, int64_t first, MtxPart& part) {
  const int64_t n = h.rows;
  const int64_t count = static_cast<int64_t>(part.values.size());
  part.rows.resize(static_cast<std::size_t>(count));
  part.cols.resize(static_cast<std::size_t>(count));
  if (count == 0) return;
  // the column j holding the first value, and the row within it
  const int64_t skip = h.symmetric ? 0 : h.skew ? 1 : -1;  // rows above the stored part: j + skip
  int64_t i = 0, j = 0;
  if (skip < 0) {
    j = first / n;
    i = first % n;
  } else {
    // column j stores n − j − skip values; find j by a walk on the cumulative counts
    int64_t lo = 0, hi = n;            // the first column whose cumulative end exceeds `first`
    auto ends_at = [&](int64_t col) {  // values stored in columns 0..col
      const int64_t c = col + 1;
      return c * (n - skip) - c * (c - 1) / 2;
    };
    while (lo < hi) {
      const int64_t mid = (lo + hi) / 2;
      if (ends_at(mid) > first)
        hi = mid;
      else
        lo = mid + 1;
    }
    j = lo;
    const int64_t before = j > 0 ? ends_at(j - 1) : 0;
    i = j + skip + (first - before);
  }
  for (int64_t k = 0; k < count; ++k) {
    part.rows[static_cast<std::size_t>(k)] = i;
    part.cols[static_cast<std::size_t>(k)] = j;
    if (++i >= n) {
      ++j;
      i = skip < 0 ? 0 : j + skip;
    }
  }
}

void mtx_expand_symmetric(const MtxHeader& h, MtxPart& part) {
  if (!h.symmetric && !h.skew) return;
  const std::size_t stored = part.values.size();
  for (std::size_t k = 0; k < stored; ++k) {
    if (part.rows[k] == part.cols[k]) continue;
    part.rows.push_back(part.cols[k]);
    part.cols.push_back(part.rows[k]);
    part.values.push_back(h.skew ? -part.values[k] : part.values[k]);
  }
}

std::string mtx_error_text(const MtxHeader& h, int64_t first_line_of_part, const MtxPartError& e) {
  return h.path + ":" + std::to_string(first_line_of_part + e.local_line) + ":" +
         std::to_string(e.column) + ": " + e.message;
}

}  // namespace numkit::petsc
