#include "numkit/core/reader.hpp"

#include <fcntl.h>
#include <omp.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <climits>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "numkit/core/error.hpp"
#include "numkit/core/input_file.hpp"
#include "numkit/core/line_ranges.hpp"
#include "numkit/core/memory.hpp"
#include "numkit/core/number.hpp"

namespace numkit {
namespace {

namespace fs = std::filesystem;

// Files larger than this are parsed by several threads, one range of lines each.
constexpr std::size_t kParallelPartBytes = std::size_t{1} << 20;

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

std::string shape(long long rows, long long cols) {
  return std::to_string(rows) + "×" + std::to_string(cols);
}

// A read-only view of a whole file, mapped (and populated in one go, so parsing does not fault
// page by page).
class MappedFile {
 public:
  MappedFile() = default;
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;
  ~MappedFile() {
    if (data_) ::munmap(data_, size_);
  }
  // False if the file cannot be mapped (the caller then reads it).
  bool map(const std::string& path) {
    // Only a regular file is opened here: opening a FIFO would take its writer's data (and a
    // second open, to read it, would then wait for a writer that has gone).
    struct stat path_st {};
    if (::stat(path.c_str(), &path_st) != 0 || !S_ISREG(path_st.st_mode)) return false;
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return false;
    struct stat st {};
    bool ok = ::fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0;
    if (ok) {
      size_ = static_cast<std::size_t>(st.st_size);
      void* p = ::mmap(nullptr, size_, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0);
      if (p == MAP_FAILED) {
        ok = false;
        size_ = 0;
      } else {
        data_ = p;
      }
    }
    ::close(fd);
    return ok;
  }
  std::string_view view() const { return {static_cast<const char*>(data_), size_}; }

 private:
  void* data_ = nullptr;
  std::size_t size_ = 0;
};

struct Source {
  std::string name;       // for messages
  std::string_view text;  // the input, after a UTF-8 byte order mark if there was one
  std::string extension;  // lowercase, with dot, files only
  bool literal = false;
  std::string owned;  // the text when it is not mapped
  MappedFile mapped;
  std::size_t total_bytes = 0;  // the whole input's size when `text` is only its beginning
  std::size_t size() const { return total_bytes ? total_bytes : text.size(); }
};

bool looks_like_path(std::string_view spec) {
  if (spec.find('/') != std::string_view::npos) return true;
  std::string ext = lower(fs::path(std::string(spec)).extension().string());
  return ext == ".csv" || ext == ".txt" || ext == ".dat" || ext == ".mtx" || ext == ".json";
}

// A UTF-8 byte order mark (EF BB BF), which some editors put at the start of a text file.
std::string_view skip_bom(std::string_view text) {
  if (text.size() >= 3 && text.compare(0, 3, "\xEF\xBB\xBF") == 0) text.remove_prefix(3);
  return text;
}

void load(std::string_view spec, std::string_view what, Source& src) {
  if (spec == "-") {
    src.name = "<stdin>";
    src.owned = read_source_text("-");
    src.text = skip_bom(src.owned);
    return;
  }
  fs::path path{std::string(spec)};
  if (input_exists(spec)) {  // a file, FIFO or device; a directory or socket is refused
    src.name = std::string(spec);
    src.extension = lower(path.extension().string());
    if (src.mapped.map(src.name)) {
      src.text = skip_bom(src.mapped.view());
    } else {
      src.owned = read_source_text(spec);
      src.text = skip_bom(src.owned);
    }
    return;
  }
  if (looks_like_path(spec)) throw InputError(std::string(spec) + ": no such file");
  src.name = std::string(what);
  src.owned = std::string(spec);
  src.text = src.owned;
  src.literal = true;
}

bool is_blank(char c) {
  return c == ' ' || c == '\t' || c == '\r';
}

std::string_view trim_view(std::string_view s) {
  while (!s.empty() && (is_blank(s.front()) || s.front() == '\n')) s.remove_prefix(1);
  while (!s.empty() && (is_blank(s.back()) || s.back() == '\n')) s.remove_suffix(1);
  return s;
}

[[noreturn]] void fail_at(const Source& src, std::size_t line, std::size_t col,
                          const std::string& message) {
  throw InputError(src.name + ":" + std::to_string(line) + ":" + std::to_string(col) + ": " +
                   message);
}

// The run of non-blank characters around `pos` in `line`, to show what was found (at most 40
// characters on each side, so a message never echoes a whole long line).
std::string chunk_around(std::string_view line, std::size_t pos) {
  constexpr std::size_t kMaxEcho = 40;
  pos = std::min(pos, line.empty() ? 0 : line.size() - 1);
  std::size_t b = pos, e = pos;
  while (b > 0 && !is_blank(line[b - 1]) && pos - b < kMaxEcho) --b;
  while (e < line.size() && !is_blank(line[e]) && e - pos < kMaxEcho) ++e;
  std::string out(line.substr(b, e - b));
  if (b > 0 && !is_blank(line[b - 1])) out = "…" + out;
  if (e < line.size() && !is_blank(line[e])) out += "…";
  return out;
}

// The common case without any allocation: a finite decimal that std::from_chars reads whole
// (correctly rounded, like strtod). Anything else goes through parse_double for its rules and
// messages.
// Clinger's exact fast path: a decimal of at most 15 digits is an integer w < 2^53 times 10^k;
// for |k| <= 22 both w and 10^|k| are exact doubles, so the one correctly rounded multiplication
// or division gives the correctly rounded value, as from_chars would, several times faster. The
// short values of most matrix files (4, -1, 0.25, 1.5e-3) take it; false: use from_chars.
inline bool exact_short_decimal(const char* p, const char* e, double& value) {
  static constexpr double kPow10[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                      1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                      1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};
  const bool negative = p < e && *p == '-';
  if (negative) ++p;
  std::uint64_t w = 0;
  int digits = 0, scale = 0;
  for (; p < e && static_cast<unsigned char>(*p - '0') < 10; ++p, ++digits)
    w = w * 10 + static_cast<unsigned>(*p - '0');
  if (p < e && *p == '.') {
    for (++p; p < e && static_cast<unsigned char>(*p - '0') < 10; ++p, ++digits, --scale)
      w = w * 10 + static_cast<unsigned>(*p - '0');
  }
  if (digits == 0 || digits > 15) return false;
  if (p < e && (*p == 'e' || *p == 'E')) {
    ++p;
    const bool negative_exponent = p < e && *p == '-';
    if (p < e && (*p == '-' || *p == '+')) ++p;
    int x = 0, exponent_digits = 0;
    for (; p < e && static_cast<unsigned char>(*p - '0') < 10 && exponent_digits < 4;
         ++p, ++exponent_digits)
      x = x * 10 + (*p - '0');
    if (exponent_digits == 0) return false;
    scale += negative_exponent ? -x : x;
  }
  if (p != e || scale < -22 || scale > 22) return false;
  const auto m = static_cast<double>(w);
  const double v = scale >= 0 ? m * kPow10[scale] : m / kPow10[-scale];
  value = negative ? -v : v;
  return true;
}

inline bool fast_double(std::string_view token, double& value) {
  if (exact_short_decimal(token.data(), token.data() + token.size(), value)) return true;
  auto [p, ec] = std::from_chars(token.data(), token.data() + token.size(), value);
  return ec == std::errc() && p == token.data() + token.size() && std::isfinite(value);
}

// Parses one token as a number with the project's messages at (line, col).
double number_at(const Source& src, std::string_view token, std::size_t line, std::size_t col,
                 const ReadOptions& options, std::string_view context = {}) {
  double fast;
  if (fast_double(token, fast)) return fast;
  try {
    return parse_double(token, "", NumberOptions{options.allow_nonfinite});
  } catch (const InputError& e) {
    std::string message = e.what();
    if (message.rfind(": ", 0) == 0) message = message.substr(2);
    if (!context.empty() && message.rfind("expected a number", 0) == 0)
      message = "expected a number, found \"" + std::string(context) + "\"";
    fail_at(src, line, col, message);
  }
}

// Walks the lines of text[range): `line` without its '\n'.
struct LineWalker {
  std::string_view text;
  std::size_t pos, end;
  std::size_t line_no;  // of the line returned last
  bool next(std::string_view& line) {
    if (pos >= end) return false;
    const void* nl = std::memchr(text.data() + pos, '\n', end - pos);
    std::size_t stop =
        nl ? static_cast<std::size_t>(static_cast<const char*>(nl) - text.data()) : end;
    line = text.substr(pos, stop - pos);
    pos = nl ? stop + 1 : end;
    ++line_no;
    return true;
  }
};

enum class GridMode { literal, csv, whitespace };

// Rows of numbers stored one after another (row-major); `width` entries per row.
struct Grid {
  std::vector<double> values;
  std::size_t width = 0, rows = 0;
  std::size_t first_row_line = 0;
};

// Parses the lines of text[range) (the first being line `first_line`) into `out`. Rows are
// separated by newlines (and ';' in literals); entries by commas (csv), blanks (whitespace) or
// either (literal). '#' comments are skipped in files. Linear in the length of the text: the
// context of a message is only computed for the message. Throws InputError.
void parse_grid_range(const Source& src, GridMode mode, const ReadOptions& options, ByteRange range,
                      std::size_t first_line, bool header_allowed, Grid& out) {
  LineWalker lines{src.text, range.begin, range.end, first_line - 1};
  std::vector<std::pair<std::size_t, std::size_t>> tokens;  // (offset in the line, length)
  std::string_view full_line;
  while (lines.next(full_line)) {
    const std::size_t line_no = lines.line_no;
    std::string_view line = full_line;
    if (!src.literal) {
      std::size_t hash = line.find('#');
      if (hash != std::string_view::npos) line = line.substr(0, hash);
    }
    // Split the line into row segments (';' in literals).
    std::size_t seg_start = 0;
    while (seg_start <= line.size()) {
      std::size_t seg_end = line.size();
      if (mode == GridMode::literal) {
        std::size_t semi = line.find(';', seg_start);
        if (semi != std::string_view::npos) seg_end = semi;
      }
      tokens.clear();
      bool last_was_comma = false;
      std::size_t last_comma = 0;
      for (std::size_t i = seg_start; i < seg_end;) {
        char c = line[i];
        if (is_blank(c)) {
          ++i;
          continue;
        }
        if (c == ',' && mode != GridMode::whitespace) {
          if (tokens.empty() || last_was_comma)  // an empty field
            fail_at(src, line_no, i + 1,
                    "expected a number, found \"" + chunk_around(full_line, i) + "\"");
          last_was_comma = true;
          last_comma = i;
          ++i;
          continue;
        }
        std::size_t t0 = i;
        while (i < seg_end && !is_blank(line[i]) &&
               (mode == GridMode::whitespace || line[i] != ','))
          ++i;
        if (mode == GridMode::csv && !tokens.empty() && !last_was_comma)
          fail_at(src, line_no, t0 + 1,
                  "expected a comma, found \"" + chunk_around(full_line, t0) + "\"");
        tokens.emplace_back(t0, i - t0);
        last_was_comma = false;
      }
      if (last_was_comma)
        fail_at(src, line_no, last_comma + 2,
                "expected a number, found \"" + chunk_around(full_line, last_comma) + "\"");
      bool skip = tokens.empty();
      // A CSV header: the first row, every field a non-number.
      if (!skip && header_allowed) {
        header_allowed = false;
        bool all_text = true;
        for (auto [t0, len] : tokens) {
          std::string_view t = line.substr(t0, len);
          double v;
          auto [p, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
          (void)p;
          if (ec == std::errc() || t.front() == '+' || t.front() == '-' || t.front() == '.')
            all_text = false;
        }
        skip = all_text;
      }
      if (!skip) {
        for (auto [t0, len] : tokens) {
          std::string_view t = line.substr(t0, len);
          double v;
          if (!fast_double(t, v))
            v = number_at(src, t, line_no, t0 + 1, options, chunk_around(full_line, t0));
          out.values.push_back(v);
        }
        if (out.rows > 0 && tokens.size() != out.width)
          fail_at(src, line_no, 1,
                  "row " + std::to_string(out.rows + 1) + " has " + std::to_string(tokens.size()) +
                      " entries but row 1 (line " + std::to_string(out.first_row_line) + ") has " +
                      std::to_string(out.width));
        if (out.rows == 0) {
          out.width = tokens.size();
          out.first_row_line = line_no;
        }
        ++out.rows;
      }
      if (seg_end >= line.size()) break;
      seg_start = seg_end + 1;
    }
  }
}

// Copies row-major grids (one after another) into a column-major matrix.
Eigen::MatrixXd grids_to_dense(const std::vector<Grid>& parts, const Source& src) {
  std::size_t rows = 0, width = 0;
  for (const Grid& g : parts) {
    rows += g.rows;
    if (g.rows > 0 && width == 0) width = g.width;
  }
  if (rows == 0 || width == 0) throw InputError(src.name + ": empty input, expected numbers");
  Eigen::MatrixXd m(static_cast<Eigen::Index>(rows), static_cast<Eigen::Index>(width));
  std::vector<std::size_t> first_row(parts.size() + 1, 0);
  for (std::size_t k = 0; k < parts.size(); ++k) first_row[k + 1] = first_row[k] + parts[k].rows;
#pragma omp parallel for schedule(static, 1) if (parts.size() > 1)
  for (std::size_t k = 0; k < parts.size(); ++k) {
    const Grid& g = parts[k];
    for (std::size_t r = 0; r < g.rows; ++r)
      for (std::size_t c = 0; c < width; ++c)
        m(static_cast<Eigen::Index>(first_row[k] + r), static_cast<Eigen::Index>(c)) =
            g.values[r * width + c];
  }
  return m;
}

Eigen::MatrixXd parse_grid(const Source& src, GridMode mode, const ReadOptions& options) {
  ByteRange all{0, src.text.size()};
  std::vector<ByteRange> ranges;
  if (mode != GridMode::literal)
    ranges = split_at_lines(src.text, all, static_cast<std::size_t>(omp_get_max_threads()),
                            kParallelPartBytes);
  if (ranges.size() > 1) {
    // Each thread parses its lines; any error (or rows of different widths across parts) makes
    // the whole input be parsed again in order, which reports the first error with its position.
    std::vector<Grid> parts(ranges.size());
    std::vector<char> failed(ranges.size(), 0);
#pragma omp parallel for schedule(static, 1)
    for (std::size_t k = 0; k < ranges.size(); ++k) {
      try {
        parts[k].values.reserve(ranges[k].size() / 8);
        parse_grid_range(src, mode, options, ranges[k], 1, k == 0 && mode == GridMode::csv,
                         parts[k]);
      } catch (...) {
        failed[k] = 1;
      }
    }
    bool consistent = std::find(failed.begin(), failed.end(), 1) == failed.end();
    std::size_t width = 0;
    for (const Grid& g : parts) {
      if (g.rows == 0) continue;
      if (width == 0) width = g.width;
      if (g.width != width) consistent = false;
    }
    if (consistent) return grids_to_dense(parts, src);
  }
  std::vector<Grid> one(1);
  parse_grid_range(src, mode, options, all, 1, mode == GridMode::csv, one[0]);
  return grids_to_dense(one, src);
}

using Rows = std::vector<std::vector<double>>;

// Nested arrays: `[1,2]`, `[[3,2],[2,6]]` — JSON and the inline bracket form.
class BracketParser {
 public:
  BracketParser(const Source& src, const ReadOptions& options) : src_(src), options_(options) {}

  Rows parse() {
    skip_space();
    std::size_t opening = pos_;
    expect('[');
    Rows rows;
    skip_space();
    if (peek() == '[') {
      while (true) {
        rows.push_back(parse_row());
        if (rows.size() > 1 && rows.back().size() != rows.front().size()) {
          fail("row " + std::to_string(rows.size()) + " has " + std::to_string(rows.back().size()) +
               " entries but row 1 has " + std::to_string(rows.front().size()));
        }
        skip_space();
        if (peek() == ',') {
          ++pos_;
          skip_space();
          continue;
        }
        expect(']');
        break;
      }
    } else if (peek() == ']') {
      ++pos_;
    } else {
      pos_ = opening;  // re-read the opening bracket as a flat row
      rows.push_back(parse_row());
    }
    skip_space();
    if (pos_ < src_.text.size()) fail("unexpected \"" + token_here() + "\" after the end");
    return rows;
  }

 private:
  std::vector<double> parse_row() {
    skip_space();
    expect('[');
    std::vector<double> row;
    skip_space();
    if (peek() == ']') {
      ++pos_;
      return row;
    }
    while (true) {
      skip_space();
      if (peek() == '[') fail("arrays nested more than two deep are not a matrix");
      std::size_t t0 = pos_;
      while (pos_ < src_.text.size() && !std::strchr(",] \t\r\n[", src_.text[pos_])) ++pos_;
      std::string_view token(src_.text.data() + t0, pos_ - t0);
      if (token.empty()) {
        pos_ = t0;
        fail("expected a number, found \"" + token_here() + "\"");
      }
      double v;
      if (!fast_double(token, v)) {  // the position is only worked out for a message
        auto [line, col] = line_col(t0);
        v = number_at(src_, token, line, col, options_);
      }
      row.push_back(v);
      skip_space();
      if (peek() == ',') {
        ++pos_;
        continue;
      }
      expect(']');
      return row;
    }
  }

  char peek() const { return pos_ < src_.text.size() ? src_.text[pos_] : '\0'; }
  void skip_space() {
    while (pos_ < src_.text.size() && (is_blank(src_.text[pos_]) || src_.text[pos_] == '\n'))
      ++pos_;
  }
  void expect(char c) {
    if (peek() != c) {
      if (pos_ >= src_.text.size())
        fail(std::string("expected \"") + c + "\", found the end of the input");
      fail(std::string("expected \"") + c + "\", found \"" + token_here() + "\"");
    }
    ++pos_;
  }
  std::string token_here() const {
    std::size_t e = pos_;
    while (e < src_.text.size() && !std::strchr(" \t\r\n", src_.text[e]) && e - pos_ < 20) ++e;
    return std::string(src_.text.substr(pos_, std::max<std::size_t>(e - pos_, 1)));
  }
  std::pair<std::size_t, std::size_t> line_col(std::size_t offset) const {
    std::size_t line = 1, col = 1;
    for (std::size_t i = 0; i < offset && i < src_.text.size(); ++i) {
      if (src_.text[i] == '\n') {
        ++line;
        col = 1;
      } else {
        ++col;
      }
    }
    return {line, col};
  }
  [[noreturn]] void fail(const std::string& message) const {
    auto [line, col] = line_col(pos_);
    fail_at(src_, line, col, message);
  }

  const Source& src_;
  const ReadOptions& options_;
  std::size_t pos_ = 0;
};

Eigen::MatrixXd to_dense(const Rows& rows, const Source& src) {
  if (rows.empty() || rows.front().empty())
    throw InputError(src.name + ": empty input, expected numbers");
  Eigen::MatrixXd m(static_cast<Eigen::Index>(rows.size()),
                    static_cast<Eigen::Index>(rows.front().size()));
  for (std::size_t i = 0; i < rows.size(); ++i)
    for (std::size_t j = 0; j < rows[i].size(); ++j)
      m(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(j)) = rows[i][j];
  return m;
}

// ---- Matrix Market ----------------------------------------------------------------------------

// Stated limits (docs/CONTRIBUTING.md): a dimension fits Eigen's index; a coordinate file's
// dimensions are at most max(kMinDimensionLimit, the file's size in bytes); storage is reserved
// for at most the entries the bytes after the size line can hold, and sized by the entries
// actually read, whose number must match the size line. So memory follows the real input, never
// what a header claims.
constexpr long long kMaxDimension = INT_MAX - 1;
constexpr long long kMinDimensionLimit = 65536;

struct MmHeader {
  bool coordinate = true, pattern = false, symmetric = false, skew = false;
  std::string symmetry;
  long long rows = 0, cols = 0, nnz = 0;
  std::size_t size_line = 0;
  ByteRange data;             // the bytes after the size line
  std::size_t data_line = 0;  // the line number of the first of them
  long long fits = 0;         // the most entries the bytes after the size line can hold
};

MmHeader parse_mm_header(const Source& src) {
  MmHeader h;
  LineWalker lines{src.text, 0, src.text.size(), 0};
  std::string_view line;
  if (!lines.next(line)) throw InputError(src.name + ": empty input, expected a matrix");
  std::vector<std::string> words;
  auto split = [&](std::string_view l) {
    std::vector<std::pair<std::string_view, std::size_t>> fields;
    for (std::size_t i = 0; i < l.size();) {
      while (i < l.size() && is_blank(l[i])) ++i;
      if (i >= l.size()) break;
      std::size_t t0 = i;
      while (i < l.size() && !is_blank(l[i])) ++i;
      fields.push_back({l.substr(t0, i - t0), t0 + 1});
    }
    return fields;
  };
  auto banner_fields = split(line);
  for (std::size_t k = 0; k < 5; ++k)
    words.push_back(k < banner_fields.size() ? lower(std::string(banner_fields[k].first)) : "");
  const std::string &banner = words[0], &object = words[1], &layout = words[2], &field = words[3],
                    &symmetry = words[4];
  if (banner != "%%matrixmarket")
    fail_at(src, 1, 1, "expected a Matrix Market header \"%%MatrixMarket matrix ...\"");
  if (object != "matrix")
    fail_at(src, 1, 1, "only \"matrix\" objects are supported, found \"" + object + "\"");
  if (layout != "coordinate" && layout != "array")
    fail_at(src, 1, 1, "expected \"coordinate\" or \"array\", found \"" + layout + "\"");
  if (field != "real" && field != "integer" && field != "double" && field != "pattern")
    fail_at(src, 1, 1, "unsupported field \"" + field + "\" (real, integer or pattern)");
  if (symmetry != "general" && symmetry != "symmetric" && symmetry != "skew-symmetric")
    fail_at(src, 1, 1,
            "unsupported symmetry \"" + symmetry + "\" (general, symmetric or skew-symmetric)");
  if (layout == "array" && field == "pattern")
    fail_at(src, 1, 1, "an array file cannot have the pattern field");
  h.coordinate = layout == "coordinate";
  h.pattern = field == "pattern";
  h.symmetric = symmetry == "symmetric";
  h.skew = symmetry == "skew-symmetric";
  h.symmetry = symmetry;

  // The size line, after comments.
  while (lines.next(line)) {
    std::string_view t = trim_view(line);
    if (t.empty() || t.front() == '%') continue;
    h.size_line = lines.line_no;
    auto fields = split(line);
    const char* expected = h.coordinate ? "expected the size line \"rows cols entries\""
                                        : "expected the size line \"rows cols\"";
    if (fields.size() != (h.coordinate ? 3u : 2u)) fail_at(src, h.size_line, 1, expected);
    long long* targets[3] = {&h.rows, &h.cols, &h.nnz};
    for (std::size_t k = 0; k < fields.size(); ++k) {
      auto [token, col] = fields[k];
      auto [p, ec] = std::from_chars(token.data(), token.data() + token.size(), *targets[k]);
      if (ec == std::errc::result_out_of_range && p == token.data() + token.size())
        fail_at(src, h.size_line, col,
                "the size " + std::string(token) + " is out of the range of a 64-bit integer");
      if (ec != std::errc() || p != token.data() + token.size() || *targets[k] < 0)
        fail_at(src, h.size_line, 1, expected);
    }
    h.data = {lines.pos, src.size()};
    h.data_line = lines.line_no + 1;
    break;
  }
  if (h.size_line == 0) throw InputError(src.name + ": missing the size line after the header");
  if ((h.symmetric || h.skew) && h.rows != h.cols)
    fail_at(src, h.size_line, 1,
            "a " + symmetry + " matrix must be square, declared " + shape(h.rows, h.cols));

  // Sizes against the stated limits and the bytes that follow, before anything is allocated.
  const long long file_bytes = static_cast<long long>(src.size());
  const long long data_bytes = static_cast<long long>(h.data.size());
  long long largest = std::max(h.rows, h.cols);
  if (largest > kMaxDimension)
    fail_at(src, h.size_line, 1,
            "the declared size " + shape(h.rows, h.cols) +
                " exceeds the largest supported dimension " + std::to_string(kMaxDimension));
  long long dimension_limit = std::max(kMinDimensionLimit, file_bytes);
  if (h.coordinate && largest > dimension_limit)
    fail_at(src, h.size_line, 1,
            "the declared size " + shape(h.rows, h.cols) + " is too large for a file of " +
                std::to_string(file_bytes) +
                " bytes (a coordinate file may declare at most 65536 rows and columns, or one per "
                "byte of the file)");
  if (!h.coordinate) {
    // The number of values, without overflow; the values themselves are counted as they are read
    // and the matrix is only allocated once they match.
    long long entries = 0;
    bool overflow = false;
    if (h.symmetric || h.skew) {
      long long n = h.rows, half = 0;
      long long other = h.symmetric ? n + 1 : std::max(0LL, n - 1);
      // n·other/2 without overflow: halve the even factor first.
      overflow = n % 2 == 0 ? __builtin_mul_overflow(n / 2, other, &half)
                            : __builtin_mul_overflow(n, other / 2, &half);
      entries = half;
    } else {
      overflow = __builtin_mul_overflow(h.rows, h.cols, &entries);
    }
    if (overflow)
      fail_at(src, h.size_line, 1,
              "the size line declares more than 2^63 entries (" + shape(h.rows, h.cols) + ")");
    h.nnz = entries;
  }
  // What the file can hold: at least 6 bytes per "i j v" line, 4 per "i j", 2 per array value.
  // Storage is reserved for at most that many entries, whatever the size line says.
  const long long per_entry = !h.coordinate ? 2 : h.pattern ? 4 : 6;
  h.fits = (data_bytes + 1) / per_entry;
  return h;
}

using Fields = std::vector<std::pair<std::string_view, std::size_t>>;  // (token, column)

void split_fields(std::string_view line, Fields& fields) {
  fields.clear();
  for (std::size_t i = 0; i < line.size();) {
    while (i < line.size() && is_blank(line[i])) ++i;
    if (i >= line.size()) break;
    std::size_t t0 = i;
    while (i < line.size() && !is_blank(line[i])) ++i;
    fields.push_back({line.substr(t0, i - t0), t0 + 1});
  }
}

void read_mm_array(const Source& src, const MmHeader& h, const ReadOptions& options,
                   MatrixInput& result) {
  std::vector<double> stored;
  stored.reserve(static_cast<std::size_t>(std::min(h.nnz, h.fits)));
  LineWalker lines{src.text, h.data.begin, h.data.end, h.data_line - 1};
  std::string_view line;
  Fields fields;
  while (lines.next(line)) {
    std::string_view t = trim_view(line);
    if (t.empty() || t.front() == '%') continue;
    split_fields(line, fields);
    for (auto& [token, col] : fields) {
      if (static_cast<long long>(stored.size()) >= h.nnz)
        fail_at(src, lines.line_no, col,
                "more entries than the " + std::to_string(h.nnz) + " declared by the size line " +
                    shape(h.rows, h.cols));
      stored.push_back(number_at(src, token, lines.line_no, col, options));
    }
  }
  if (static_cast<long long>(stored.size()) != h.nnz)
    throw InputError(src.name + ": the size line (line " + std::to_string(h.size_line) +
                     ") declares " + std::to_string(h.nnz) + " entries but the file has " +
                     std::to_string(stored.size()));
  result.dense = Eigen::MatrixXd::Zero(h.rows, h.cols);
  Eigen::MatrixXd& dense = result.dense;
  long long i = h.skew ? 1 : 0, j = 0;  // column-major walk of the stored part
  for (double v : stored) {
    dense(i, j) = v;
    if (h.symmetric) dense(j, i) = v;
    if (h.skew) dense(j, i) = -v;
    if (++i >= h.rows) {
      ++j;
      i = h.symmetric ? j : h.skew ? j + 1 : 0;
    }
  }
}

// The reference reader of coordinate entries: in file order, one line at a time. It states the
// first problem with its position; the fast reader below hands over to it whenever anything is
// unusual, so both give the same answers and the same messages.
void read_mm_coordinate_in_order(const Source& src, const MmHeader& h, const ReadOptions& options,
                                 MatrixInput& result) {
  auto index_at = [&](std::string_view token, std::size_t line_no, std::size_t col, long long limit,
                      const char* which) {
    long long v = 0;
    auto [p, ec] = std::from_chars(token.data(), token.data() + token.size(), v);
    if (ec != std::errc() || p != token.data() + token.size())
      fail_at(
          src, line_no, col,
          std::string("expected a ") + which + " index, found \"" + chunk_around(token, 0) + "\"");
    if (v < 1 || v > limit)
      fail_at(src, line_no, col,
              std::string(which) + " index " + std::to_string(v) + " is outside the " +
                  shape(h.rows, h.cols) + " matrix declared on line " +
                  std::to_string(h.size_line));
    return v - 1;
  };
  std::vector<Eigen::Triplet<double>> triplets;
  triplets.reserve(
      static_cast<std::size_t>(std::min(h.nnz, h.fits)));  // never what a header claims
  long long count = 0;
  LineWalker lines{src.text, h.data.begin, h.data.end, h.data_line - 1};
  std::string_view line;
  Fields fields;
  while (lines.next(line)) {
    const std::size_t line_no = lines.line_no;
    std::string_view t = trim_view(line);
    if (t.empty() || t.front() == '%') continue;
    split_fields(line, fields);
    std::size_t want = h.pattern ? 2 : 3;
    if (fields.size() != want)
      fail_at(src, line_no, 1,
              "expected " + std::to_string(want) + " fields (row column" +
                  (h.pattern ? "" : " value") + "), found " + std::to_string(fields.size()));
    if (count >= h.nnz)
      fail_at(src, line_no, 1,
              "more entries than the " + std::to_string(h.nnz) + " declared on line " +
                  std::to_string(h.size_line));
    long long i = index_at(fields[0].first, line_no, fields[0].second, h.rows, "row");
    long long j = index_at(fields[1].first, line_no, fields[1].second, h.cols, "column");
    double v =
        h.pattern ? 1.0 : number_at(src, fields[2].first, line_no, fields[2].second, options);
    if ((h.symmetric || h.skew) && j > i)
      fail_at(src, line_no, 1,
              "entry (" + std::to_string(i + 1) + "," + std::to_string(j + 1) +
                  ") is above the diagonal; a " + h.symmetry + " file stores the lower triangle");
    if (h.skew && i == j && v != 0.0)
      fail_at(src, line_no, 1, "a skew-symmetric matrix has a zero diagonal");
    triplets.emplace_back(i, j, v);
    if (h.symmetric && i != j) triplets.emplace_back(j, i, v);
    if (h.skew && i != j) triplets.emplace_back(j, i, -v);
    ++count;
  }
  if (count != h.nnz)
    throw InputError(src.name + ": the size line (line " + std::to_string(h.size_line) +
                     ") declares " + std::to_string(h.nnz) + " entries but the file has " +
                     std::to_string(count));
  if (triplets.size() > static_cast<std::size_t>(INT_MAX))
    throw InputError(src.name + ": more than 2147483647 stored entries");
  result.is_sparse = true;
  result.sparse.resize(h.rows, h.cols);
  result.sparse.setFromTriplets(triplets.begin(), triplets.end());  // duplicates are summed
  result.sparse.makeCompressed();
}

// The fast reader of coordinate entries: each thread takes a range of lines (split at line
// starts). Pass 1 reads the indices and counts the entries of every column per thread; the
// column layout follows, and pass 2 reads the values straight into their final place in the
// compressed matrix (the mirrored entries of a symmetric file first in each column, then the
// stored ones, each in file order, so a sorted file gives sorted columns). Memory: the final
// matrix plus two counters per column and thread. Anything unusual returns false and the
// reference reader takes over.
inline const char* skip_blanks(const char* p, const char* e) {
  while (p < e && (*p == ' ' || *p == '\t' || *p == '\r')) ++p;
  return p;
}
inline const char* token_end(const char* p, const char* e) {
  while (p < e && *p != ' ' && *p != '\t' && *p != '\r' && *p != '\n') ++p;
  return p;
}
inline const char* past_line(const char* p, const char* e) {
  const void* nl = std::memchr(p, '\n', static_cast<std::size_t>(e - p));
  return nl ? static_cast<const char*>(nl) + 1 : e;
}

// Unsigned decimal digits (at most 18, so no overflow); anything else (a sign, more digits) is
// left to the reference reader.
inline bool parse_index(const char*& p, const char* e, long long& value) {
  const char* start = p;
  unsigned long long v = 0;
  while (p < e && static_cast<unsigned char>(*p - '0') < 10) {
    v = v * 10 + static_cast<unsigned>(*p - '0');
    ++p;
  }
  if (p == start || p - start > 18) return false;
  value = static_cast<long long>(v);
  return true;
}

struct EntryLine {
  long long i = 0, j = 0;  // 1-based
  const char* value = nullptr;
  const char* value_end = nullptr;
};

// Reads the entry line at p (after blank and comment lines); false at the end of the range.
// Sets ok=false on anything the reference reader should look at.
inline bool next_entry(const char*& p, const char* e, bool pattern, EntryLine& out, bool& ok) {
  while (true) {
    p = skip_blanks(p, e);
    if (p >= e) return false;
    if (*p == '\n') {
      ++p;
      continue;
    }
    if (*p == '%') {
      p = past_line(p, e);
      continue;
    }
    break;
  }
  if (!parse_index(p, e, out.i) || p >= e || (*p != ' ' && *p != '\t')) {
    ok = false;
    return false;
  }
  p = skip_blanks(p, e);
  if (!parse_index(p, e, out.j)) {
    ok = false;
    return false;
  }
  if (!pattern) {
    if (p >= e || (*p != ' ' && *p != '\t')) {
      ok = false;
      return false;
    }
    p = skip_blanks(p, e);
    out.value = p;
    p = token_end(p, e);
    out.value_end = p;
    if (out.value == p) {
      ok = false;
      return false;
    }
  }
  p = skip_blanks(p, e);
  if (p < e) {
    if (*p != '\n') {
      ok = false;
      return false;
    }
    ++p;
  }
  return true;
}

// The lines of the data section, part by part: `parts` of them, each streamed to `sink` in blocks
// of whole lines (the same blocks in the same order every time it is called).
struct PartStream {
  std::size_t parts = 1;
  std::function<void(std::size_t part, std::vector<char>& buffer,
                     const std::function<void(std::string_view)>& sink)>
      read;
};

PartStream parts_in_memory(const Source& src, const MmHeader& h) {
  auto ranges = std::make_shared<std::vector<ByteRange>>(split_at_lines(
      src.text, h.data, static_cast<std::size_t>(omp_get_max_threads()), kParallelPartBytes));
  PartStream ps;
  ps.parts = ranges->size();
  std::string_view text = src.text;
  ps.read = [ranges, text](std::size_t k, std::vector<char>&,
                           const std::function<void(std::string_view)>& sink) {
    sink(text.substr((*ranges)[k].begin, (*ranges)[k].size()));
  };
  return ps;
}

bool read_mm_coordinate_fast(const MmHeader& h, const PartStream& stream,
                             const ReadOptions& options, MatrixInput& result) {
  const bool mirrored = h.symmetric || h.skew;
  if (h.nnz > INT_MAX) return false;  // the reference reader states the limit
  const std::size_t parts = stream.parts;
  const std::size_t cols = static_cast<std::size_t>(h.cols);
  // Per part: entries of each column stored as read (direct) and mirrored from the lower
  // triangle; after the layout, the same arrays hold each part's write cursors.
  using Counts = std::vector<std::uint32_t, HugePageAllocator<std::uint32_t>>;
  std::vector<Counts> direct(parts), mirror(parts);
  std::vector<std::vector<char>> buffers(parts);
  std::vector<long long> entries(parts, 0);
  std::vector<char> ok(parts, 1);
#pragma omp parallel for schedule(static, 1) if (parts > 1)
  for (std::size_t k = 0; k < parts; ++k) {
    direct[k].assign(cols, 0);
    if (mirrored) mirror[k].assign(cols, 0);
    bool good = true;
    long long n = 0;
    try {
      stream.read(k, buffers[k], [&](std::string_view block) {
        const char* p = block.data();
        const char* e = p + block.size();
        EntryLine en;
        while (good && next_entry(p, e, h.pattern, en, good)) {
          if (en.i < 1 || en.i > h.rows || en.j < 1 || en.j > h.cols || (mirrored && en.j > en.i) ||
              ++n > h.nnz) {
            good = false;
            break;
          }
          if (h.skew && en.i == en.j) {  // must be an explicit zero
            double v;
            if (!fast_double({en.value, static_cast<std::size_t>(en.value_end - en.value)}, v) ||
                v != 0.0) {
              good = false;
              break;
            }
          }
          ++direct[k][static_cast<std::size_t>(en.j - 1)];
          if (mirrored && en.i != en.j) ++mirror[k][static_cast<std::size_t>(en.i - 1)];
        }
      });
    } catch (...) {
      good = false;
    }
    ok[k] = good;
    entries[k] = n;
  }
  long long total_entries = 0;
  for (std::size_t k = 0; k < parts; ++k) {
    if (!ok[k]) return false;
    total_entries += entries[k];
  }
  if (total_entries != h.nnz) return false;

  // Column layout: in column c, the mirrored entries of parts 0, 1, … then the direct ones.
  long long stored = 0;
  for (std::size_t c = 0; c < cols; ++c)
    for (std::size_t k = 0; k < parts; ++k) stored += direct[k][c] + (mirrored ? mirror[k][c] : 0);
  if (stored > INT_MAX) return false;  // the reference reader states the limit
  Eigen::SparseMatrix<double>& m = result.sparse;
  m.resize(h.rows, h.cols);
  m.resizeNonZeros(static_cast<Eigen::Index>(stored));
  prefer_huge_pages(m.valuePtr(), static_cast<std::size_t>(stored) * sizeof(double));
  prefer_huge_pages(m.innerIndexPtr(), static_cast<std::size_t>(stored) * sizeof(int));
  int* outer = m.outerIndexPtr();
  std::uint32_t cursor = 0;
  for (std::size_t c = 0; c < cols; ++c) {
    outer[c] = static_cast<int>(cursor);
    if (mirrored)
      for (std::size_t k = 0; k < parts; ++k) {
        std::uint32_t count = mirror[k][c];
        mirror[k][c] = cursor;
        cursor += count;
      }
    for (std::size_t k = 0; k < parts; ++k) {
      std::uint32_t count = direct[k][c];
      direct[k][c] = cursor;
      cursor += count;
    }
  }
  outer[cols] = static_cast<int>(cursor);

  int* inner = m.innerIndexPtr();
  double* values = m.valuePtr();
#pragma omp parallel for schedule(static, 1) if (parts > 1)
  for (std::size_t k = 0; k < parts; ++k) {
    bool good = true;
    std::uint32_t* dcur = direct[k].data();
    std::uint32_t* mcur = mirrored ? mirror[k].data() : nullptr;
    try {
      stream.read(k, buffers[k], [&](std::string_view block) {
        const char* p = block.data();
        const char* e = p + block.size();
        EntryLine en;
        while (good && next_entry(p, e, h.pattern, en, good)) {
          double v = 1.0;
          if (!h.pattern) {
            std::string_view token(en.value, static_cast<std::size_t>(en.value_end - en.value));
            if (!fast_double(token, v)) {
              try {  // '+5', hex floats, and nan/inf where allowed
                v = parse_double(token, "", NumberOptions{options.allow_nonfinite});
              } catch (const InputError&) {
                good = false;
                break;
              }
            }
          }
          std::size_t i = static_cast<std::size_t>(en.i - 1);
          std::size_t j = static_cast<std::size_t>(en.j - 1);
          std::uint32_t slot = dcur[j]++;
          inner[slot] = static_cast<int>(i);
          values[slot] = v;
          if (mcur && i != j) {
            slot = mcur[i]++;
            inner[slot] = static_cast<int>(j);
            values[slot] = h.skew ? -v : v;
          }
        }
      });
    } catch (...) {
      good = false;
    }
    ok[k] = good;
  }
  for (std::size_t k = 0; k < parts; ++k)
    if (!ok[k]) return false;
  direct = {};
  mirror = {};

  // Columns come out sorted when the file is (numkit and most tools write column by column);
  // otherwise sort them, and sum duplicates in file order as setFromTriplets does.
  int had_duplicates = 0;
  const long long ncols = h.cols;
#pragma omp parallel for schedule(static) if (parts > 1) reduction(| : had_duplicates)
  for (long long c = 0; c < ncols; ++c) {
    int b = outer[c], e = outer[c + 1];
    bool sorted = true;
    for (int q = b + 1; q < e && sorted; ++q) sorted = inner[q - 1] < inner[q];
    if (sorted) continue;
    std::vector<std::pair<int, double>> column;
    column.reserve(static_cast<std::size_t>(e - b));
    for (int q = b; q < e; ++q) column.emplace_back(inner[q], values[q]);
    std::stable_sort(column.begin(), column.end(),
                     [](const auto& x, const auto& y) { return x.first < y.first; });
    int w = b;
    for (std::size_t q = 0; q < column.size(); ++q) {
      if (w > b && inner[w - 1] == column[q].first) {
        values[w - 1] += column[q].second;
        continue;
      }
      inner[w] = column[q].first;
      values[w] = column[q].second;
      ++w;
    }
    for (int q = w; q < e; ++q) inner[q] = -1;  // emptied by summing duplicates
    if (w < e) had_duplicates = 1;
  }
  if (had_duplicates) {
    int w = 0;
    for (long long c = 0; c < ncols; ++c) {
      int b = outer[c], e = outer[c + 1];
      outer[c] = w;
      for (int q = b; q < e; ++q) {
        if (inner[q] < 0) continue;
        inner[w] = inner[q];
        values[w] = values[q];
        ++w;
      }
    }
    outer[ncols] = w;
    m.resizeNonZeros(w);
  }
  result.is_sparse = true;
  return true;
}

// A Matrix Market coordinate file read in parts straight from the file by one thread per part,
// so its text is never held in memory whole; nullopt when the in-memory reader must take over
// (not a regular file, an array file, a header longer than the first block, or any problem,
// which that reader then states with its position).
// (Eigen 3.4's SparseMatrix has no move constructor: a "move" copies, so results are filled in
// place and handed on by swap.)
bool read_mm_file_streamed(const std::string& path, const ReadOptions& options,
                           MatrixInput& result) {
  struct stat path_st {};  // never open a FIFO here: the in-memory reader must get its data
  if (::stat(path.c_str(), &path_st) != 0 || !S_ISREG(path_st.st_mode)) return false;
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  struct Closer {
    int fd;
    ~Closer() { ::close(fd); }
  } closer{fd};
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size <= 0) return false;
  const std::size_t file_size = static_cast<std::size_t>(st.st_size);
  Source src;
  src.name = path;
  src.owned.resize(std::min<std::size_t>(file_size, std::size_t{1} << 16));
  ssize_t got = ::pread(fd, src.owned.data(), src.owned.size(), 0);
  if (got <= 0) return false;
  src.owned.resize(static_cast<std::size_t>(got));
  src.text = skip_bom(src.owned);
  const std::size_t bom = src.owned.size() - src.text.size();
  src.total_bytes = file_size - bom;
  MmHeader h;
  try {
    h = parse_mm_header(src);
  } catch (const InputError&) {
    return false;
  }
  // the size line must have ended inside the block read
  if (!h.coordinate || h.data.begin == 0 || h.data.begin > src.text.size() ||
      src.text[h.data.begin - 1] != '\n')
    return false;
  const std::size_t data_begin = bom + h.data.begin;
  const std::size_t data_size = file_size - data_begin;
  PartStream ps;
  ps.parts = std::clamp<std::size_t>(data_size / kParallelPartBytes, 1,
                                     static_cast<std::size_t>(omp_get_max_threads()));
  ps.read = [&](std::size_t k, std::vector<char>& buffer,
                const std::function<void(std::string_view)>& sink) {
    ByteRange part = nominal_part(data_size, k, ps.parts);
    for_each_owned_block(fd, {data_begin + part.begin, data_begin + part.end}, file_size, path,
                         buffer, sink);
  };
  result.source = path;
  return read_mm_coordinate_fast(h, ps, options, result);
}

// Matrix Market: coordinate or array; real, integer or pattern; general, symmetric or
// skew-symmetric.
void parse_matrix_market(const Source& src, const ReadOptions& options, MatrixInput& result) {
  MmHeader h = parse_mm_header(src);
  result.source = src.name;
  if (!h.coordinate) {
    read_mm_array(src, h, options, result);
    return;
  }
  if (read_mm_coordinate_fast(h, parts_in_memory(src, h), options, result)) return;
  read_mm_coordinate_in_order(src, h, options, result);
}

InputFormat detect(const Source& src, const ReadOptions& options) {
  if (options.format != InputFormat::automatic) return options.format;
  if (src.extension == ".csv") return InputFormat::csv;
  if (src.extension == ".txt" || src.extension == ".dat") return InputFormat::whitespace;
  if (src.extension == ".mtx") return InputFormat::matrix_market;
  if (src.extension == ".json") return InputFormat::json;
  std::string_view t = trim_view(src.text);
  if (t.rfind("%%MatrixMarket", 0) == 0 || t.rfind("%%matrixmarket", 0) == 0)
    return InputFormat::matrix_market;
  if (!t.empty() && t.front() == '[') return InputFormat::json;
  // Text typed inline or piped in may use the inline row separator ';'.
  if (src.literal || (src.extension.empty() && t.find(';') != std::string_view::npos))
    return InputFormat::literal;
  return t.find(',') != std::string_view::npos ? InputFormat::csv : InputFormat::whitespace;
}

}  // namespace

InputFormat parse_input_format(std::string_view name) {
  std::string n = lower(std::string(name));
  if (n == "auto") return InputFormat::automatic;
  if (n == "csv") return InputFormat::csv;
  if (n == "txt" || n == "whitespace" || n == "dat") return InputFormat::whitespace;
  if (n == "mtx" || n == "matrix-market") return InputFormat::matrix_market;
  if (n == "json") return InputFormat::json;
  throw UsageError("--input-format: unknown format \"" + std::string(name) +
                   "\" (auto, csv, txt, mtx, json)");
}

std::string read_source_text(std::string_view spec) {
  return read_input_text(spec);
}

MatrixInput read_matrix_any(std::string_view spec, std::string_view what,
                            const ReadOptions& options) {
  MatrixInput result;  // the one object returned (named return value: no copy of a sparse matrix)
  // Matrix Market files are streamed, not loaded whole.
  if (spec != "-" && (options.format == InputFormat::matrix_market ||
                      (options.format == InputFormat::automatic &&
                       lower(fs::path(std::string(spec)).extension().string()) == ".mtx"))) {
    if (read_mm_file_streamed(std::string(spec), options, result)) return result;
    result = MatrixInput{};
  }
  Source src;
  load(spec, what, src);
  if (trim_view(src.text).empty()) throw InputError(src.name + ": empty input, expected numbers");
  InputFormat format = detect(src, options);
  if (format == InputFormat::matrix_market) {
    parse_matrix_market(src, options, result);
    return result;
  }
  result.source = src.name;
  // MATLAB's and Octave's [3 2; 2 6] (and [1 2 3]): one pair of brackets around rows of the
  // inline form; JSON's [1,2] and [[3,2],[2,6]] stay JSON.
  if (format == InputFormat::json && options.format == InputFormat::automatic &&
      src.extension != ".json") {
    const std::string_view t = trim_view(src.text);
    const std::string_view inner = t.size() >= 2 ? t.substr(1, t.size() - 2) : std::string_view();
    if (t.size() >= 2 && t.back() == ']' && inner.find_first_of("[]") == std::string_view::npos &&
        (inner.find(';') != std::string_view::npos || inner.find(',') == std::string_view::npos) &&
        !trim_view(inner).empty()) {
      src.text = inner;
      src.literal = true;
      result.dense = parse_grid(src, GridMode::literal, options);
      return result;
    }
  }
  if (format == InputFormat::json) {
    result.dense = to_dense(BracketParser(src, options).parse(), src);
  } else {
    GridMode mode = format == InputFormat::csv          ? GridMode::csv
                    : format == InputFormat::whitespace ? GridMode::whitespace
                                                        : GridMode::literal;
    result.dense = parse_grid(src, mode, options);
  }
  return result;
}

Eigen::MatrixXd read_matrix(std::string_view spec, std::string_view what,
                            const ReadOptions& options) {
  MatrixInput m = read_matrix_any(spec, what, options);
  if (m.is_sparse) return Eigen::MatrixXd(m.sparse);
  return std::move(m.dense);
}

Eigen::SparseMatrix<double> read_sparse_matrix(std::string_view spec, std::string_view what,
                                               const ReadOptions& options) {
  MatrixInput m = read_matrix_any(spec, what, options);
  Eigen::SparseMatrix<double> out;
  if (m.is_sparse)
    out.swap(m.sparse);  // no copy (Eigen's SparseMatrix has no move constructor)
  else
    out = m.dense.sparseView();
  return out;
}

Eigen::VectorXd read_vector(std::string_view spec, std::string_view what,
                            const ReadOptions& options) {
  MatrixInput m = read_matrix_any(spec, what, options);
  Eigen::MatrixXd dense = m.is_sparse ? Eigen::MatrixXd(m.sparse) : std::move(m.dense);
  if (dense.rows() != 1 && dense.cols() != 1)
    throw InputError(m.source + ": expected a vector, found a " +
                     shape(dense.rows(), dense.cols()) + " matrix");
  return Eigen::Map<Eigen::VectorXd>(dense.data(), dense.size());
}

void require_square(const MatrixInput& m, std::string_view what) {
  if (m.rows() != m.cols())
    throw InputError(std::string(what) + " must be square, but " + m.source + " is " +
                     shape(m.rows(), m.cols()));
}

void require_square(const Eigen::MatrixXd& m, std::string_view what) {
  if (m.rows() != m.cols())
    throw InputError(std::string(what) + " must be square, but it is " + shape(m.rows(), m.cols()));
}

void require_vector_size(const Eigen::VectorXd& v, std::string_view vname, Eigen::Index n,
                         std::string_view mname) {
  if (v.size() != n)
    throw InputError(std::string(vname) + " has " + std::to_string(v.size()) + " entr" +
                     (v.size() == 1 ? "y" : "ies") + " but " + std::string(mname) + " is " +
                     shape(n, n));
}

std::string to_matrix_market(const Eigen::SparseMatrix<double>& m, bool symmetric_lower_only) {
  std::ostringstream out;
  std::size_t entries = 0;
  for (int k = 0; k < m.outerSize(); ++k)
    for (Eigen::SparseMatrix<double>::InnerIterator it(m, k); it; ++it)
      if (!symmetric_lower_only || it.row() >= it.col()) ++entries;
  out << "%%MatrixMarket matrix coordinate real "
      << (symmetric_lower_only ? "symmetric" : "general") << "\n";
  out << m.rows() << " " << m.cols() << " " << entries << "\n";
  char buf[64];
  for (int k = 0; k < m.outerSize(); ++k)
    for (Eigen::SparseMatrix<double>::InnerIterator it(m, k); it; ++it) {
      if (symmetric_lower_only && it.row() < it.col()) continue;
      auto [p, ec] = std::to_chars(buf, buf + sizeof buf, it.value());
      (void)ec;
      out << it.row() + 1 << " " << it.col() + 1 << " " << std::string_view(buf, p - buf) << "\n";
    }
  return out.str();
}

}  // namespace numkit
