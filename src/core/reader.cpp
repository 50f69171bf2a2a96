#include "numkit/core/reader.hpp"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <sstream>
#include <string>
#include <vector>

#include "numkit/core/error.hpp"
#include "numkit/core/number.hpp"

namespace numkit {
namespace {

namespace fs = std::filesystem;

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

std::string shape(Eigen::Index rows, Eigen::Index cols) {
  return std::to_string(rows) + "×" + std::to_string(cols);
}

struct Source {
  std::string name;  // for messages
  std::string text;
  std::string extension;  // lowercase, with dot, files only
  bool literal = false;
};

bool looks_like_path(std::string_view spec) {
  if (spec.find('/') != std::string_view::npos) return true;
  std::string ext = lower(fs::path(std::string(spec)).extension().string());
  return ext == ".csv" || ext == ".txt" || ext == ".dat" || ext == ".mtx" || ext == ".json";
}

Source load(std::string_view spec, std::string_view what) {
  Source src;
  if (spec == "-") {
    src.name = "<stdin>";
    src.text = read_source_text("-");
    return src;
  }
  std::error_code ec;
  fs::path path{std::string(spec)};
  if (fs::is_regular_file(path, ec)) {
    src.name = std::string(spec);
    src.text = read_source_text(spec);
    src.extension = lower(path.extension().string());
    return src;
  }
  if (fs::is_directory(path, ec)) throw InputError(std::string(spec) + ": is a directory");
  if (looks_like_path(spec)) throw InputError(std::string(spec) + ": no such file");
  src.name = std::string(what);
  src.text = std::string(spec);
  src.literal = true;
  return src;
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

// The run of non-blank characters around `pos` in `line`, to show what was found.
std::string chunk_around(std::string_view line, std::size_t pos) {
  pos = std::min(pos, line.empty() ? 0 : line.size() - 1);
  std::size_t b = pos, e = pos;
  while (b > 0 && !is_blank(line[b - 1])) --b;
  while (e < line.size() && !is_blank(line[e])) ++e;
  return std::string(line.substr(b, e - b));
}

// Parses one token as a number with the project's messages at (line, col).
double number_at(const Source& src, std::string_view token, std::size_t line, std::size_t col,
                 const ReadOptions& options, std::string_view context = {}) {
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

enum class GridMode { literal, csv, whitespace };

using Rows = std::vector<std::vector<double>>;

// Rows separated by newlines (and ';' in literals); entries by commas (csv), blanks (whitespace)
// or either (literal). '#' comments are skipped in files.
Rows parse_grid(const Source& src, GridMode mode, const ReadOptions& options) {
  Rows rows;
  std::size_t first_row_line = 0;
  std::size_t line_no = 0;
  std::size_t start = 0;
  const std::string& text = src.text;
  bool header_allowed = mode == GridMode::csv;
  while (start <= text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    ++line_no;
    std::string_view full_line(text.data() + start, end - start);
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
      std::string_view seg = line.substr(seg_start, seg_end - seg_start);
      if (!trim_view(seg).empty()) {
        std::vector<double> row;
        std::vector<std::string_view> tokens;
        std::vector<std::size_t> columns;
        std::size_t i = 0;
        bool last_was_comma = false;
        while (i < seg.size()) {
          if (is_blank(seg[i])) {
            ++i;
            continue;
          }
          if (seg[i] == ',' && mode != GridMode::whitespace) {
            if (tokens.empty() || last_was_comma) {  // an empty field
              fail_at(
                  src, line_no, seg_start + i + 1,
                  "expected a number, found \"" + chunk_around(full_line, seg_start + i) + "\"");
            }
            last_was_comma = true;
            ++i;
            continue;
          }
          std::size_t t0 = i;
          while (i < seg.size() && !is_blank(seg[i]) &&
                 (mode == GridMode::whitespace || seg[i] != ','))
            ++i;
          if (mode == GridMode::csv && !tokens.empty() && !last_was_comma) {
            fail_at(src, line_no, seg_start + t0 + 1,
                    "expected a comma, found \"" + chunk_around(full_line, seg_start + t0) + "\"");
          }
          tokens.push_back(seg.substr(t0, i - t0));
          columns.push_back(seg_start + t0 + 1);
          last_was_comma = false;
        }
        if (last_was_comma) {
          std::size_t last = seg.find_last_of(',');
          fail_at(src, line_no, seg_start + last + 2,
                  "expected a number, found \"" + chunk_around(full_line, seg_start + last) + "\"");
        }
        // A CSV header: the first row, every field a non-number.
        if (header_allowed && rows.empty()) {
          bool all_text = !tokens.empty();
          for (auto t : tokens) {
            double v;
            auto [p, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
            if (ec == std::errc() || t.front() == '+' || t.front() == '-' || t.front() == '.')
              all_text = false;
            (void)p;
          }
          header_allowed = false;
          if (all_text) {
            seg_start = seg_end + 1;
            continue;
          }
        }
        for (std::size_t k = 0; k < tokens.size(); ++k) {
          std::string context = chunk_around(full_line, columns[k] - 1);
          row.push_back(number_at(src, tokens[k], line_no, columns[k], options, context));
        }
        if (!rows.empty() && row.size() != rows.front().size()) {
          fail_at(src, line_no, 1,
                  "row " + std::to_string(rows.size() + 1) + " has " + std::to_string(row.size()) +
                      " entries but row 1 (line " + std::to_string(first_row_line) + ") has " +
                      std::to_string(rows.front().size()));
        }
        if (rows.empty()) first_row_line = line_no;
        rows.push_back(std::move(row));
      }
      if (seg_end >= line.size()) break;
      seg_start = seg_end + 1;
    }
    if (end == text.size()) break;
    start = end + 1;
  }
  return rows;
}

// Nested arrays: `[1,2]`, `[[3,2],[2,6]]` — JSON and the inline bracket form.
class BracketParser {
 public:
  BracketParser(const Source& src, const ReadOptions& options) : src_(src), options_(options) {}

  Rows parse() {
    skip_space();
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
      --pos_;  // re-read the opening bracket as a flat row
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
      auto [line, col] = line_col(t0);
      if (token.empty()) {
        pos_ = t0;
        fail("expected a number, found \"" + token_here() + "\"");
      }
      row.push_back(number_at(src_, token, line, col, options_));
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
    return src_.text.substr(pos_, std::max<std::size_t>(e - pos_, 1));
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

// Matrix Market: coordinate or array; real, integer or pattern; general, symmetric or
// skew-symmetric.
MatrixInput parse_matrix_market(const Source& src, const ReadOptions& options) {
  std::istringstream in(src.text);
  std::string line;
  std::size_t line_no = 0;
  if (!std::getline(in, line)) throw InputError(src.name + ": empty input, expected a matrix");
  ++line_no;
  std::istringstream header(line);
  std::string banner, object, layout, field, symmetry;
  header >> banner >> object >> layout >> field >> symmetry;
  if (lower(banner) != "%%matrixmarket")
    fail_at(src, 1, 1, "expected a Matrix Market header \"%%MatrixMarket matrix ...\"");
  object = lower(object), layout = lower(layout), field = lower(field), symmetry = lower(symmetry);
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
  bool symmetric = symmetry == "symmetric", skew = symmetry == "skew-symmetric";

  // Size line, after comments.
  long long rows = -1, cols = -1, nnz = -1;
  std::size_t size_line = 0;
  while (std::getline(in, line)) {
    ++line_no;
    std::string_view t = trim_view(line);
    if (t.empty() || t.front() == '%') continue;
    std::istringstream sizes(line);
    sizes >> rows >> cols;
    if (layout == "coordinate") sizes >> nnz;
    std::string extra;
    if (!sizes || rows < 0 || cols < 0 || (layout == "coordinate" && nnz < 0) || (sizes >> extra))
      fail_at(src, line_no, 1,
              layout == "coordinate" ? "expected the size line \"rows cols entries\""
                                     : "expected the size line \"rows cols\"");
    size_line = line_no;
    break;
  }
  if (size_line == 0) throw InputError(src.name + ": missing the size line after the header");
  if ((symmetric || skew) && rows != cols)
    fail_at(src, size_line, 1,
            "a " + symmetry + " matrix must be square, declared " + shape(rows, cols));

  auto read_fields = [&](std::vector<std::pair<std::string_view, std::size_t>>& fields) {
    fields.clear();
    for (std::size_t i = 0; i < line.size();) {
      while (i < line.size() && (is_blank(line[i]))) ++i;
      if (i >= line.size()) break;
      std::size_t t0 = i;
      while (i < line.size() && !is_blank(line[i])) ++i;
      fields.push_back({std::string_view(line).substr(t0, i - t0), t0 + 1});
    }
  };
  auto index_at = [&](std::string_view token, std::size_t col, long long limit, const char* which) {
    long long v = 0;
    auto [p, ec] = std::from_chars(token.data(), token.data() + token.size(), v);
    if (ec != std::errc() || p != token.data() + token.size())
      fail_at(src, line_no, col,
              std::string("expected a ") + which + " index, found \"" + std::string(token) + "\"");
    if (v < 1 || v > limit)
      fail_at(src, line_no, col,
              std::string(which) + " index " + std::to_string(v) + " is outside the " +
                  shape(rows, cols) + " matrix declared on line " + std::to_string(size_line));
    return v - 1;
  };

  MatrixInput result;
  result.source = src.name;
  std::vector<std::pair<std::string_view, std::size_t>> fields;
  if (layout == "array") {
    long long expected = symmetric ? rows * (rows + 1) / 2
                         : skew    ? rows * (rows - 1) / 2
                                   : rows * cols;
    Eigen::MatrixXd dense = Eigen::MatrixXd::Zero(rows, cols);
    long long count = 0;
    long long i = 0, j = 0;  // column-major walk of the stored part
    if (skew) i = 1;
    while (std::getline(in, line)) {
      ++line_no;
      std::string_view t = trim_view(line);
      if (t.empty() || t.front() == '%') continue;
      read_fields(fields);
      for (auto& [token, col] : fields) {
        if (count >= expected)
          fail_at(src, line_no, col,
                  "more entries than the " + std::to_string(expected) +
                      " declared by the size line " + shape(rows, cols));
        double v = number_at(src, token, line_no, col, options);
        dense(i, j) = v;
        if (symmetric) dense(j, i) = v;
        if (skew) dense(j, i) = -v;
        ++count;
        if (++i >= rows) {
          ++j;
          i = symmetric ? j : skew ? j + 1 : 0;
        }
      }
    }
    if (count != expected)
      throw InputError(src.name + ": the size line (line " + std::to_string(size_line) +
                       ") declares " + std::to_string(expected) + " entries but the file has " +
                       std::to_string(count));
    result.dense = std::move(dense);
    return result;
  }

  std::vector<Eigen::Triplet<double>> triplets;
  triplets.reserve(static_cast<std::size_t>(symmetric || skew ? 2 * nnz : nnz));
  long long count = 0;
  bool pattern = field == "pattern";
  while (std::getline(in, line)) {
    ++line_no;
    std::string_view t = trim_view(line);
    if (t.empty() || t.front() == '%') continue;
    read_fields(fields);
    std::size_t want = pattern ? 2 : 3;
    if (fields.size() != want)
      fail_at(src, line_no, 1,
              "expected " + std::to_string(want) + " fields (row column" +
                  (pattern ? "" : " value") + "), found " + std::to_string(fields.size()));
    if (count >= nnz)
      fail_at(src, line_no, 1,
              "more entries than the " + std::to_string(nnz) + " declared on line " +
                  std::to_string(size_line));
    long long i = index_at(fields[0].first, fields[0].second, rows, "row");
    long long j = index_at(fields[1].first, fields[1].second, cols, "column");
    double v = pattern ? 1.0 : number_at(src, fields[2].first, line_no, fields[2].second, options);
    if ((symmetric || skew) && j > i)
      fail_at(src, line_no, 1,
              "entry (" + std::to_string(i + 1) + "," + std::to_string(j + 1) +
                  ") is above the diagonal; a " + symmetry + " file stores the lower triangle");
    if (skew && i == j && v != 0.0)
      fail_at(src, line_no, 1, "a skew-symmetric matrix has a zero diagonal");
    triplets.emplace_back(i, j, v);
    if (symmetric && i != j) triplets.emplace_back(j, i, v);
    if (skew && i != j) triplets.emplace_back(j, i, -v);
    ++count;
  }
  if (count != nnz)
    throw InputError(src.name + ": the size line (line " + std::to_string(size_line) +
                     ") declares " + std::to_string(nnz) + " entries but the file has " +
                     std::to_string(count));
  result.is_sparse = true;
  result.sparse.resize(rows, cols);
  result.sparse.setFromTriplets(triplets.begin(), triplets.end());  // duplicates are summed
  result.sparse.makeCompressed();
  return result;
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
  if (spec == "-") {
    std::string text((std::istreambuf_iterator<char>(std::cin)), std::istreambuf_iterator<char>());
    return text;
  }
  std::ifstream file{std::string(spec), std::ios::binary};
  if (!file) throw InputError(std::string(spec) + ": cannot open (" + std::strerror(errno) + ")");
  std::ostringstream contents;
  contents << file.rdbuf();
  return contents.str();
}

MatrixInput read_matrix_any(std::string_view spec, std::string_view what,
                            const ReadOptions& options) {
  Source src = load(spec, what);
  if (trim_view(src.text).empty()) throw InputError(src.name + ": empty input, expected numbers");
  InputFormat format = detect(src, options);
  if (format == InputFormat::matrix_market) return parse_matrix_market(src, options);
  MatrixInput result;
  result.source = src.name;
  if (format == InputFormat::json) {
    result.dense = to_dense(BracketParser(src, options).parse(), src);
  } else {
    GridMode mode = format == InputFormat::csv          ? GridMode::csv
                    : format == InputFormat::whitespace ? GridMode::whitespace
                                                        : GridMode::literal;
    result.dense = to_dense(parse_grid(src, mode, options), src);
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
  if (m.is_sparse) return std::move(m.sparse);
  return m.dense.sparseView();
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

void write_file_atomically(const std::string& path, std::string_view contents) {
  fs::path target(path);
  fs::path dir = target.parent_path();
  if (dir.empty()) dir = ".";
  std::string tmp =
      (dir / ("." + target.filename().string() + ".tmp." + std::to_string(::getpid()))).string();
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) throw InputError(path + ": cannot write (" + std::strerror(errno) + ")");
    out.write(contents.data(), static_cast<std::streamsize>(contents.size()));
    out.flush();
    if (!out) {
      std::error_code ec;
      fs::remove(tmp, ec);
      throw InputError(path + ": cannot write (" + std::strerror(errno) + ")");
    }
  }
  std::error_code ec;
  fs::rename(tmp, target, ec);
  if (ec) {
    fs::remove(tmp, ec);
    throw InputError(path + ": cannot write (" + ec.message() + ")");
  }
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
