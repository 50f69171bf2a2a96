// The reader at its edges: sizes checked against the file before anything is allocated, linear
// time in the length of a line, the parallel readers giving exactly the reference answers and the
// same first error with its position, byte ranges split at line starts, UTF-8 byte order marks.
#include <fcntl.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <sstream>

#include "numkit/core/error.hpp"
#include "numkit/core/line_ranges.hpp"
#include "numkit/core/number_stream.hpp"
#include "numkit/core/reader.hpp"
#include "run_numkit.hpp"

namespace fs = std::filesystem;

namespace {

struct InFreshDir {
  fs::path old = fs::current_path();
  fs::path dir = numkit::test::fresh_dir();
  InFreshDir() { fs::current_path(dir); }
  ~InFreshDir() { fs::current_path(old); }
  void write(const std::string& name, const std::string& text) {
    std::ofstream(dir / name, std::ios::binary) << text;
  }
};

std::string message_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const numkit::InputError& e) {
    return e.what();
  }
  return "(no error)";
}

const std::string kBom = "\xEF\xBB\xBF";

// A random sparse symmetric matrix written as its lower triangle, with the entries shuffled and
// some split into duplicates (summed when read), big enough to be read by several threads.
struct RandomSymmetric {
  int n = 20000;
  std::map<std::pair<int, int>, double> lower;  // (row, col) -> value, row >= col
  std::string text;
  explicit RandomSymmetric(bool shuffled) {
    std::mt19937_64 rng(42);
    std::uniform_int_distribution<int> index(0, n - 1);
    std::uniform_real_distribution<double> value(-1, 1);
    std::vector<std::tuple<int, int, double>> entries;
    for (int i = 0; i < n; ++i) entries.emplace_back(i, i, 4.0 + value(rng));
    for (int k = 0; k < 5 * n; ++k) {
      int i = index(rng), j = index(rng);
      if (i == j) continue;
      if (i < j) std::swap(i, j);
      entries.emplace_back(i, j, value(rng));
    }
    if (shuffled) {
      std::shuffle(entries.begin(), entries.end(), rng);
    } else {
      std::sort(entries.begin(), entries.end(), [](const auto& a, const auto& b) {
        return std::tie(std::get<1>(a), std::get<0>(a)) < std::tie(std::get<1>(b), std::get<0>(b));
      });
      // sorted input: no duplicates
      entries.erase(std::unique(entries.begin(), entries.end(),
                                [](const auto& a, const auto& b) {
                                  return std::get<0>(a) == std::get<0>(b) &&
                                         std::get<1>(a) == std::get<1>(b);
                                }),
                    entries.end());
    }
    std::ostringstream out;
    out.precision(17);
    out << "%%MatrixMarket matrix coordinate real symmetric\n% a comment\n";
    out << n << " " << n << " " << entries.size() << "\n";
    for (auto [i, j, v] : entries) {
      lower[{i, j}] += v;
      out << i + 1 << " " << j + 1 << " " << v << "\n";
    }
    text = out.str();
  }
};

}  // namespace

TEST_CASE("reader_parallel_matrix_market_matches_the_entries_written", "[reader]") {
  InFreshDir d;
  for (bool shuffled : {false, true}) {
    INFO("shuffled " << shuffled);
    RandomSymmetric r(shuffled);
    REQUIRE(r.text.size() > (std::size_t{2} << 20));  // several parts
    d.write("S.mtx", r.text);
    Eigen::SparseMatrix<double> m = numkit::read_sparse_matrix("S.mtx", "-A");
    REQUIRE(m.rows() == r.n);
    REQUIRE(m.isCompressed());
    std::size_t expected_stored = 0;
    for (auto& [ij, v] : r.lower) expected_stored += ij.first == ij.second ? 1 : 2;
    CHECK(static_cast<std::size_t>(m.nonZeros()) == expected_stored);
    bool all_equal = true, sorted = true;
    for (int c = 0; c < m.outerSize(); ++c) {
      int previous = -1;
      for (Eigen::SparseMatrix<double>::InnerIterator it(m, c); it; ++it) {
        sorted = sorted && it.row() > previous;
        previous = static_cast<int>(it.row());
        int i = static_cast<int>(std::max(it.row(), it.col()));
        int j = static_cast<int>(std::min(it.row(), it.col()));
        auto found = r.lower.find({i, j});
        all_equal = all_equal && found != r.lower.end() && found->second == it.value();
      }
    }
    CHECK(sorted);
    CHECK(all_equal);
  }
}

TEST_CASE("reader_parallel_matrix_market_reports_the_first_error_with_its_line", "[reader]") {
  InFreshDir d;
  RandomSymmetric r(false);
  // Break a line far into the file (in the last part) and another one earlier.
  std::string text = r.text;
  std::size_t late = text.rfind('\n', text.size() - 100);
  text.insert(late + 1, "7 x 1\n");
  // fix the count so only the bad line is wrong
  std::size_t count_line = text.find('\n', text.find("% a comment") + 1) + 1;
  std::size_t count_end = text.find('\n', count_line);
  std::istringstream sizes(text.substr(count_line, count_end - count_line));
  long long rows, cols, nnz;
  sizes >> rows >> cols >> nnz;
  text.replace(count_line, count_end - count_line,
               std::to_string(rows) + " " + std::to_string(cols) + " " + std::to_string(nnz + 1));
  d.write("bad.mtx", text);
  std::size_t line =
      1 + static_cast<std::size_t>(std::count(text.begin(), text.begin() + late + 1, '\n'));
  CHECK(message_of([] { numkit::read_sparse_matrix("bad.mtx", "-A"); }) ==
        "bad.mtx:" + std::to_string(line) + ":3: expected a column index, found \"x\"");
}

TEST_CASE("reader_refuses_sizes_the_file_cannot_hold_before_allocating", "[reader]") {
  InFreshDir d;
  const std::string coord = "%%MatrixMarket matrix coordinate real general\n";
  const std::string huge = coord + "1000000000 1000000000 5\n1 1 1\n2 2 1\n3 3 1\n4 4 1\n5 5 1\n";
  d.write("huge.mtx", huge);
  d.write("nnz.mtx", coord + "3 3 1000000000000\n1 1 1\n");
  d.write("int.mtx", coord + "3 3 99999999999999999999\n");
  d.write("dim.mtx", coord + "3000000000 3 1\n1 1 1\n");
  d.write("arr.mtx", "%%MatrixMarket matrix array real general\n2000000000 2000000000\n1\n");
  d.write("sym.mtx", "%%MatrixMarket matrix array real symmetric\n2147483645 2147483645\n1\n");
  CHECK(message_of([] { numkit::read_sparse_matrix("huge.mtx", "-A"); }) ==
        "huge.mtx:2:1: the declared size 1000000000×1000000000 is too large for a file of " +
            std::to_string(huge.size()) +
            " bytes (a coordinate file may declare at most 65536 rows and columns, or one per byte "
            "of "
            "the file)");
  CHECK(message_of([] { numkit::read_sparse_matrix("nnz.mtx", "-A"); }) ==
        "nnz.mtx: the size line (line 2) declares 1000000000000 entries but the file has 1");
  CHECK(message_of([] { numkit::read_sparse_matrix("int.mtx", "-A"); }) ==
        "int.mtx:2:5: the size 99999999999999999999 is out of the range of a 64-bit integer");
  CHECK(message_of([] { numkit::read_sparse_matrix("dim.mtx", "-A"); }) ==
        "dim.mtx:2:1: the declared size 3000000000×3 exceeds the largest supported dimension "
        "2147483646");
  CHECK(message_of([] { numkit::read_matrix("arr.mtx", "-A"); }) ==
        "arr.mtx: the size line (line 2) declares 4000000000000000000 entries but the file has 1");
  CHECK(message_of([] { numkit::read_matrix("sym.mtx", "-A"); }) ==
        "sym.mtx: the size line (line 2) declares 2305843003844984835 entries but the file has 1");
  // within the limits: a small file may declare up to 65536 rows with few entries
  d.write("ok.mtx", coord + "65536 65536 1\n65536 65536 2\n");
  CHECK(numkit::read_sparse_matrix("ok.mtx", "-A").coeff(65535, 65535) == 2);
  // truncated in the middle of a line
  d.write("cut.mtx", coord + "2 2 2\n1 1 3\n2 2");
  CHECK(message_of([] { numkit::read_sparse_matrix("cut.mtx", "-A"); }) ==
        "cut.mtx:4:1: expected 3 fields (row column value), found 2");
}

TEST_CASE("reader_long_lines_are_read_in_linear_time", "[reader]") {
  InFreshDir d;
  // 2·10⁵ values on one line: the quadratic reader took minutes; this must take milliseconds.
  const int n = 200000;
  std::string csv, ws, json = "[";
  for (int i = 0; i < n; ++i) {
    if (i) {
      csv += ',';
      ws += ' ';
      json += ',';
    }
    const std::string value = std::to_string(i % 1000);
    csv += value;
    ws += value;
    json += value;
  }
  json += "]";
  d.write("row.csv", csv + "\n");
  d.write("row.txt", ws + "\n");
  d.write("row.json", json);
  for (const char* name : {"row.csv", "row.txt", "row.json"}) {
    INFO(name);
    Eigen::VectorXd v = numkit::read_vector(name, "-b");
    REQUIRE(v.size() == n);
    CHECK(v[n - 1] == (n - 1) % 1000);
  }
  // a message about a long line shows only the part around the problem
  d.write("bad.csv", csv + ",x" + csv + "\n");
  std::string m = message_of([] { numkit::read_matrix("bad.csv", "-A"); });
  CHECK(m.size() < 200);
  CHECK(m.rfind("bad.csv:1:", 0) == 0);
}

TEST_CASE("reader_parallel_csv_matches_and_reports_the_first_error", "[reader]") {
  InFreshDir d;
  std::string text = "a,b,c\n";
  const int rows = 120000;
  for (int i = 0; i < rows; ++i)
    text += std::to_string(i) + "," + std::to_string(0.5 * i) + ",-" + std::to_string(i) + "e3\n";
  REQUIRE(text.size() > (std::size_t{2} << 20));
  d.write("big.csv", text);
  Eigen::MatrixXd m = numkit::read_matrix("big.csv", "-A");
  REQUIRE(m.rows() == rows);
  REQUIRE(m.cols() == 3);
  bool all = true;
  for (int i = 0; i < rows; ++i)
    all = all && m(i, 0) == i && m(i, 1) == 0.5 * i && m(i, 2) == -i * 1e3;
  CHECK(all);
  // a ragged row near the end (in the last part) and its position
  std::string ragged = text + "1,2\n";
  d.write("ragged.csv", ragged);
  CHECK(message_of([] { numkit::read_matrix("ragged.csv", "-A"); }) ==
        "ragged.csv:" + std::to_string(rows + 2) + ":1: row " + std::to_string(rows + 1) +
            " has 2 entries but row 1 (line 2) has 3");
}

TEST_CASE("reader_accepts_a_utf8_byte_order_mark", "[reader]") {
  InFreshDir d;
  Eigen::MatrixXd expected(2, 2);
  expected << 3, 2, 2, 6;
  d.write("A.csv", kBom + "3,2\n2,6\n");
  d.write("H.csv", kBom + "a,b\n3,2\n2,6\n");
  d.write("A.txt", kBom + "3 2\n2 6\n");
  d.write("A.json", kBom + "[[3,2],[2,6]]");
  d.write("A.mtx", kBom +
                       "%%MatrixMarket matrix coordinate real symmetric\n2 2 3\n1 1 3\n2 1 "
                       "2\n2 2 6\n");
  for (const char* name : {"A.csv", "H.csv", "A.txt", "A.json", "A.mtx"}) {
    INFO(name);
    CHECK(numkit::read_matrix(name, "-A") == expected);
  }
  // positions count from the first character after the mark
  d.write("bad.csv", kBom + "x,2\n");
  CHECK(message_of([] { numkit::read_matrix("bad.csv", "-A"); }) ==
        "bad.csv:1:1: expected a number, found \"x,2\"");
  d.write("n.txt", kBom + "1 2\n3\n");
  numkit::NumberStream in("n.txt");
  std::vector<double> values;
  CHECK(in.next_chunk(values, 10) == 3);
  CHECK(values == std::vector<double>{1, 2, 3});
}

TEST_CASE("line_ranges_cover_the_text_and_start_at_lines", "[reader]") {
  std::string text;
  std::mt19937 rng(1);
  for (int i = 0; i < 5000; ++i) text += std::string(rng() % 40, 'x') + "\n";
  text += "no newline at the end";
  for (std::size_t parts : {1, 2, 3, 7, 64}) {
    auto ranges = numkit::split_at_lines(text, {0, text.size()}, parts, 100);
    REQUIRE(!ranges.empty());
    CHECK(ranges.front().begin == 0);
    CHECK(ranges.back().end == text.size());
    for (std::size_t k = 0; k < ranges.size(); ++k) {
      if (k > 0) CHECK(ranges[k].begin == ranges[k - 1].end);
      CHECK((ranges[k].begin == 0 || text[ranges[k].begin - 1] == '\n'));
    }
  }
  // Reading a file part by part (as one MPI rank per part would) gives every line exactly once,
  // even when a part is shorter than a line.
  InFreshDir d;
  d.write("lines.txt", text);
  int fd = ::open("lines.txt", O_RDONLY);
  REQUIRE(fd >= 0);
  for (std::size_t parts : {1, 2, 5, 33, 20000}) {
    std::string joined;
    std::size_t lines = 0, expected_offset = 0;
    for (std::size_t k = 0; k < parts; ++k) {
      auto part = numkit::read_owned_lines(fd, numkit::nominal_part(text.size(), k, parts),
                                           text.size(), "lines.txt");
      if (part.text.empty()) continue;
      CHECK(part.offset == expected_offset);
      expected_offset += part.text.size();
      lines += numkit::count_newlines(part.text);
      joined += part.text;
    }
    CHECK(joined == text);
    CHECK(lines == 5000);
  }
  ::close(fd);
}
