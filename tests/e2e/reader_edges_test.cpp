// Input files at their edges, through the binary: headers that lie about their sizes, sizes that
// overflow, truncated files, very long lines and UTF-8 byte order marks. Each bad file gives one
// line naming the file and position, exit 2, quickly and without allocating what the header
// claims; each good one is read as if it were ordinary.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "e2e.hpp"
#include "run_numkit.hpp"

using numkit::test::run_numkit;
using numkit::test::write_file;
using Json = nlohmann::json;

namespace {
const std::string kCoordinate = "%%MatrixMarket matrix coordinate real general\n";
const std::string kBom = "\xEF\xBB\xBF";

// numkit run in `dir` with the files it names there.
numkit::test::RunResult run_in(const std::filesystem::path& dir, const std::string& args) {
  return numkit::test::run_shell("numkit " + args, dir);
}
}  // namespace

TEST_CASE("reader_refuses_lying_and_overflowing_matrix_market_headers", "[reader][e2e]") {
  auto dir = numkit::test::fresh_dir();
  write_file(dir, "huge.mtx",
             kCoordinate + "1000000000 1000000000 5\n1 1 1\n2 2 1\n3 3 1\n4 4 1\n5 5 1\n");
  write_file(dir, "nnz.mtx", kCoordinate + "3 3 1000000000000\n1 1 1\n");
  write_file(dir, "int.mtx", kCoordinate + "3 3 99999999999999999999\n1 1 1\n");
  write_file(dir, "neg.mtx", kCoordinate + "3 -3 1\n1 1 1\n");
  write_file(dir, "dim.mtx", kCoordinate + "3000000000 3000000000 1\n1 1 1\n");
  write_file(dir, "arr.mtx",
             "%%MatrixMarket matrix array real general\n3037000500 3037000500\n1\n");
  write_file(dir, "arr2.mtx",
             "%%MatrixMarket matrix array real general\n2000000000 2000000000\n1\n");
  write_file(dir, "short.mtx", kCoordinate + "3 3 3\n1 1 1\n2 2 1\n");
  write_file(dir, "cut.mtx", kCoordinate + "3 3 3\n1 1 1\n2 2 1\n3 3");
  write_file(dir, "long.mtx", kCoordinate + "2 2 1\n1 1 1\n2 2 1\n");
  struct Bad {
    std::string file, message;
  };
  const std::vector<Bad> cases = {
      {"huge.mtx",
       "huge.mtx:2:1: the declared size 1000000000×1000000000 is too large for a file "
       "of 100 bytes"},
      {"nnz.mtx",
       "nnz.mtx: the size line (line 2) declares 1000000000000 entries but the file "
       "has 1"},
      {"int.mtx",
       "int.mtx:2:5: the size 99999999999999999999 is out of the range of a 64-bit "
       "integer"},
      {"neg.mtx", "neg.mtx:2:1: expected the size line \"rows cols entries\""},
      {"dim.mtx",
       "dim.mtx:2:1: the declared size 3000000000×3000000000 exceeds the largest "
       "supported dimension 2147483646"},
      {"arr.mtx",
       "arr.mtx:2:1: the declared size 3037000500×3037000500 exceeds the largest "
       "supported dimension"},
      {"arr2.mtx",
       "arr2.mtx: the size line (line 2) declares 4000000000000000000 entries but the "
       "file has 1"},
      {"short.mtx", "short.mtx: the size line (line 2) declares 3 entries but the file has 2"},
      {"cut.mtx", "cut.mtx:5:1: expected 3 fields (row column value), found 2"},
      {"long.mtx", "long.mtx:4:1: more entries than the 1 declared on line 2"},
  };
  for (const auto& c : cases) {
    auto r = run_in(dir, "quad analyze -A " + c.file);
    INFO(c.file << "\nstderr: " << r.err);
    CHECK(r.exit_code == 2);
    CHECK(r.err.find(c.message) != std::string::npos);
    CHECK(r.err.find('\n') == r.err.size() - 1);  // one line
    CHECK(r.out.empty());
  }
}

TEST_CASE("reader_reads_a_100000_value_line_of_csv_whitespace_or_json", "[reader][e2e]") {
  auto dir = numkit::test::fresh_dir();
  const int n = 100000;
  std::string csv, ws, json = "[";
  for (int i = 0; i < n; ++i) {
    csv += (i ? "," : "") + std::to_string(i % 97);
    ws += (i ? " " : "") + std::to_string(i % 97);
    json += (i ? "," : "") + std::to_string(i % 97);
  }
  write_file(dir, "row.csv", csv + "\n");
  write_file(dir, "row.txt", ws + "\n");
  write_file(dir, "row.json", json + "]\n");
  // All the values are read (the shape in the message proves it), then refused as not square.
  for (const char* name : {"row.csv", "row.txt", "row.json"}) {
    auto r = run_in(dir, std::string("quad analyze -A ") + name);
    INFO(name << "\nstderr: " << r.err);
    CHECK(r.exit_code == 2);
    CHECK(r.err.find(std::string(name) + " is 1×100000") != std::string::npos);
  }
  // An error at the end of a long line echoes only the part around it.
  write_file(dir, "bad.csv", csv + ",1x\n");
  auto r = run_in(dir, "quad analyze -A bad.csv");
  CHECK(r.exit_code == 2);
  CHECK(r.err.size() < 300);
  CHECK(r.err.find("bad.csv:1:") != std::string::npos);
}

TEST_CASE("reader_accepts_a_utf8_byte_order_mark_in_every_file_format", "[reader][e2e]") {
  auto dir = numkit::test::fresh_dir();
  const std::vector<std::pair<std::string, std::string>> files = {
      {"A.csv", "3,2\n2,6\n"},
      {"H.csv", "a,b\n3,2\n2,6\n"},
      {"A.txt", "3 2\n2 6\n"},
      {"A.json", "[[3,2],[2,6]]\n"},
      {"A.mtx", "%%MatrixMarket matrix coordinate real symmetric\n2 2 3\n1 1 3\n2 1 2\n2 2 6\n"},
  };
  write_file(dir, "b.csv", "-2,8\n");
  write_file(dir, "bom_b.csv", kBom + "-2,8\n");
  for (const auto& [name, text] : files) {
    write_file(dir, name, text);
    write_file(dir, "bom_" + name, kBom + text);
    // the same answer, digit for digit, with and without the mark
    auto plain = run_in(dir, "quad minimize --half -b b.csv --json -A " + name);
    auto marked = run_in(dir, "quad minimize --half -b bom_b.csv --json -A bom_" + name);
    INFO(name << "\nstderr: " << marked.err);
    REQUIRE(plain.exit_code == 0);
    CHECK(marked.exit_code == 0);
    CHECK(marked.out == plain.out);
    Json j = Json::parse(plain.out);
    CHECK(std::abs(j["minimizer"][0].get<double>() - 2) < 1e-15);
  }
  // a number stream (poisson fit reads counts)
  write_file(dir, "counts.txt", "3 4 5\n");
  write_file(dir, "bom_counts.txt", kBom + "3 4 5\n");
  auto plain = run_in(dir, "poisson fit counts.txt --json");
  auto marked = run_in(dir, "poisson fit bom_counts.txt --json");
  INFO("stderr: " << marked.err);
  CHECK(marked.exit_code == 0);
  CHECK(marked.out == plain.out);
}
