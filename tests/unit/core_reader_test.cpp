#include <bit>
#include <catch2/catch.hpp>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>

#include "numkit/core/error.hpp"
#include "numkit/core/number.hpp"
#include "numkit/core/number_stream.hpp"
#include "numkit/core/reader.hpp"
#include "run_numkit.hpp"

using numkit::InputError;
namespace fs = std::filesystem;

namespace {

// Runs `f` in a fresh folder so relative file names in messages stay short.
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
  } catch (const InputError& e) {
    return e.what();
  } catch (const numkit::UsageError& e) {
    return std::string("usage: ") + e.what();
  }
  return "(no error)";
}

Eigen::MatrixXd m22(double a, double b, double c, double d) {
  Eigen::MatrixXd m(2, 2);
  m << a, b, c, d;
  return m;
}

}  // namespace

TEST_CASE("reader_accepts_every_inline_matrix_form", "[reader]") {
  Eigen::MatrixXd expected = m22(3, 2, 2, 6);
  CHECK(numkit::read_matrix("[[3,2],[2,6]]", "-A") == expected);
  CHECK(numkit::read_matrix("[[3, 2], [2, 6]]", "-A") == expected);
  CHECK(numkit::read_matrix("3 2; 2 6", "-A") == expected);
  CHECK(numkit::read_matrix("3,2;2,6", "-A") == expected);
  CHECK(numkit::read_matrix(" 3  2 ;  2 6 ", "-A") == expected);
}

TEST_CASE("reader_accepts_every_inline_vector_form", "[reader]") {
  Eigen::VectorXd expected(2);
  expected << 1, -2;
  CHECK(numkit::read_vector("[1,-2]", "-b") == expected);
  CHECK(numkit::read_vector("1,-2", "-b") == expected);
  CHECK(numkit::read_vector("1 -2", "-b") == expected);
  CHECK(numkit::read_vector("1;-2", "-b") == expected);  // a column
  CHECK(numkit::read_vector("[[1],[-2]]", "-b") == expected);
}

TEST_CASE("reader_takes_the_inline_forms_from_a_file_without_extension_too", "[reader]") {
  InFreshDir d;
  d.write("piped", "3 2; 2 6\n");
  CHECK(numkit::read_matrix("piped", "-A") == m22(3, 2, 2, 6));
}

TEST_CASE("reader_reads_numbers_exactly_including_hex_floats", "[reader]") {
  Eigen::VectorXd v = numkit::read_vector("0.1 1e-300 0x1.8p-3 -2.5e+10 +4", "-b");
  REQUIRE(v.size() == 5);
  CHECK(v[0] == 0.1);
  CHECK(v[1] == 1e-300);
  CHECK(v[2] == 0.1875);
  CHECK(v[3] == -2.5e10);
  CHECK(v[4] == 4.0);
}

TEST_CASE("reader_reads_files_by_extension", "[reader]") {
  InFreshDir d;
  Eigen::MatrixXd expected = m22(3, 2, 2, 6);
  d.write("A.csv", "3,2\n2,6\n");
  d.write("H.csv", "a,b\n3,2\n2,6\n");
  d.write("A.txt", "# a comment\n3 2\n\n2\t6\n");
  d.write("A.dat", "3 2\n2 6");
  d.write("A.json", "[[3, 2],\n [2, 6]]\n");
  d.write("A.mtx",
          "%%MatrixMarket matrix coordinate real general\n% comment\n2 2 4\n1 1 3\n1 2 2\n2 1 2\n2 "
          "2 6\n");
  d.write("S.mtx", "%%MatrixMarket matrix coordinate real symmetric\n2 2 3\n1 1 3\n2 1 2\n2 2 6\n");
  d.write("I.mtx",
          "%%MatrixMarket matrix coordinate integer general\n2 2 4\n1 1 3\n1 2 2\n2 1 2\n2 2 6\n");
  d.write("R.mtx", "%%MatrixMarket matrix array real general\n2 2\n3\n2\n2\n6\n");
  d.write("RS.mtx", "%%MatrixMarket matrix array real symmetric\n2 2\n3\n2\n6\n");
  d.write("K.mtx", "%%MatrixMarket matrix coordinate real skew-symmetric\n2 2 1\n2 1 5\n");
  for (const char* name : {"A.csv", "H.csv", "A.txt", "A.dat", "A.json", "A.mtx", "S.mtx", "I.mtx",
                           "R.mtx", "RS.mtx"}) {
    INFO(name);
    CHECK(numkit::read_matrix(name, "-A") == expected);
  }
  CHECK(numkit::read_matrix("K.mtx", "-A") == m22(0, -5, 5, 0));
  auto sparse = numkit::read_matrix_any("S.mtx", "-A");
  CHECK(sparse.is_sparse);
  CHECK(sparse.sparse.nonZeros() == 4);
  CHECK_FALSE(numkit::read_matrix_any("A.csv", "-A").is_sparse);
}

TEST_CASE("reader_writes_matrix_market_that_reads_back", "[reader]") {
  InFreshDir d;
  Eigen::SparseMatrix<double> m = m22(0.1, 1e-300, 1e-300, 6).sparseView();
  numkit::write_file_atomically("M.mtx", numkit::to_matrix_market(m, true));
  CHECK(Eigen::MatrixXd(numkit::read_sparse_matrix("M.mtx", "-A")) == Eigen::MatrixXd(m));
  CHECK_FALSE(fs::exists(d.dir / ".M.mtx.tmp"));
}

TEST_CASE("reader_bad_input_messages_name_the_source_and_position", "[reader]") {
  InFreshDir d;
  d.write("A.csv", "1,2,3\n4,5,6\n7, 2,,5\n");
  d.write("ragged.csv", "1,2\n3\n");
  d.write("empty.csv", "\n\n");
  d.write("nan.txt", "1 2\nnan 4\n");
  d.write("big.txt", "1 1e999\n");
  d.write("lies.mtx", "%%MatrixMarket matrix coordinate real general\n2 2 3\n1 1 1\n2 2 1\n");
  d.write("outside.mtx", "%%MatrixMarket matrix coordinate real general\n2 2 1\n3 1 1\n");
  d.write("commas.txt", "1,2 3\n");
  d.write("bad.json", "[[1,2],[3,x]]");
  d.write("ragged.json", "[[1,2],[3]]");

  CHECK(message_of([] { numkit::read_matrix("A.csv", "-A"); }) ==
        "A.csv:3:6: expected a number, found \"2,,5\"");
  CHECK(message_of([] { numkit::read_matrix("ragged.csv", "-A"); }) ==
        "ragged.csv:2:1: row 2 has 1 entries but row 1 (line 1) has 2");
  CHECK(message_of([] { numkit::read_matrix("empty.csv", "-A"); }) ==
        "empty.csv: empty input, expected numbers");
  CHECK(message_of([] { numkit::read_matrix("nan.txt", "-A"); }) ==
        "nan.txt:2:1: nan is not allowed here");
  CHECK(message_of([] { numkit::read_matrix("big.txt", "-A"); }) ==
        "big.txt:1:3: 1e999 is out of the range of double (largest is 1.7976931348623157e308)");
  CHECK(message_of([] { numkit::read_matrix("lies.mtx", "-A"); }) ==
        "lies.mtx: the size line (line 2) declares 3 entries but the file has 2");
  CHECK(message_of([] { numkit::read_matrix("outside.mtx", "-A"); }) ==
        "outside.mtx:3:1: row index 3 is outside the 2×2 matrix declared on line 2");
  CHECK(message_of([] { numkit::read_matrix("commas.txt", "-A"); }) ==
        "commas.txt:1:1: expected a number, found \"1,2\"");
  CHECK(message_of([] { numkit::read_matrix("bad.json", "-A"); }) ==
        "bad.json:1:11: expected a number, found \"x\"");
  CHECK(message_of([] { numkit::read_matrix("ragged.json", "-A"); }) ==
        "ragged.json:1:11: row 2 has 1 entries but row 1 has 2");
  CHECK(message_of([] { numkit::read_matrix("missing.csv", "-A"); }) ==
        "missing.csv: no such file");
  CHECK(message_of([] { numkit::read_matrix("[[1,2],[3,4]", "-A"); }) ==
        "-A:1:13: expected \"]\", found the end of the input");
  CHECK(message_of([] { numkit::read_matrix("1 2; 3 x", "-A"); }) ==
        "-A:1:8: expected a number, found \"x\"");
  CHECK(message_of([] { numkit::read_vector("1 2; 3 4", "-b"); }) ==
        "-b: expected a vector, found a 2×2 matrix");
  CHECK(message_of([] {
          numkit::require_vector_size(numkit::read_vector("1,2,3", "-b"), "b", 2, "A");
        }) == "b has 3 entries but A is 2×2");
  CHECK(message_of([] {
          numkit::require_square(numkit::read_matrix_any("1 2 3; 4 5 6", "-A"), "A");
        }) == "A must be square, but -A is 2×3");
}

TEST_CASE("reader_allows_nonfinite_only_when_asked", "[reader]") {
  numkit::ReadOptions allow;
  allow.allow_nonfinite = true;
  Eigen::VectorXd v = numkit::read_vector("nan inf -inf", "-x", allow);
  CHECK(std::isnan(v[0]));
  CHECK(v[1] == std::numeric_limits<double>::infinity());
  CHECK(message_of([] { numkit::read_vector("1 inf", "-x"); }) ==
        "-x:1:3: inf is not allowed here");
}

TEST_CASE("parse_double_states_the_rule", "[number]") {
  CHECK(numkit::parse_double(" 2.5 ", "--mean") == 2.5);
  CHECK(message_of([] { numkit::parse_double("2.5x", "--mean"); }) ==
        "--mean: expected a number, found \"2.5x\"");
  CHECK(message_of([] { numkit::parse_double("1e-400", "--mean"); }) ==
        "--mean: 1e-400 is out of the range of double (it would round to zero)");
  CHECK(numkit::parse_integer("1e6", "N") == 1000000);
  CHECK(message_of([] { numkit::parse_integer("2.5", "N"); }) ==
        "N: expected an integer, found \"2.5\"");
  CHECK(numkit::parse_number_list("[1, 2,3]", "--at") == std::vector<double>{1, 2, 3});
  CHECK(message_of([] { numkit::parse_number_list("1,,2", "--at"); }) ==
        "--at: expected a number, found an empty entry in \"1,,2\"");
}

TEST_CASE("number_stream_reads_large_files_and_reports_positions", "[number_stream]") {
  InFreshDir d;
  std::string text;
  for (int i = 0; i < 300000; ++i) text += std::to_string(i) + (i % 7 == 0 ? ",\n" : " ");
  text += "# trailing comment\n";
  d.write("big.txt", text);
  numkit::NumberStream in("big.txt");
  std::vector<double> chunk;
  double expected = 0;
  std::size_t total = 0;
  while (in.next_chunk(chunk, 4096) > 0)
    for (double v : chunk) {
      REQUIRE(v == expected);
      expected += 1;
      ++total;
    }
  CHECK(total == 300000);

  d.write("bad.txt", "1 2\n3 4x\n");
  numkit::NumberStream bad("bad.txt");
  double v;
  CHECK(bad.next(v));
  CHECK(bad.next(v));
  CHECK(bad.next(v));
  CHECK(message_of([&] { bad.next(v); }) == "bad.txt:2:3: expected a number, found \"4x\"");
}

// The reader's short-decimal fast path must give the correctly rounded double, bit for bit what
// std::from_chars gives, for every spelling a matrix file uses (and the spellings beside its
// limits: 15 and 16 digits, powers of ten 22 and 23).
TEST_CASE("matrix_market_values_read_as_the_correctly_rounded_double", "[reader]") {
  InFreshDir d;
  std::vector<std::string> tokens = {"4",
                                     "-1",
                                     "0",
                                     "-0",
                                     ".5",
                                     "5.",
                                     "1E5",
                                     "1e+22",
                                     "1e-22",
                                     "3e23",
                                     "7e-23",
                                     "0.1",
                                     "-0.3",
                                     "123456789012345",
                                     "1234567890123456",
                                     "0.000000000000001",
                                     "2.5e-300",
                                     "9007199254740993",
                                     "1.7976931348623157e308"};
  std::mt19937_64 rng(7);
  for (int k = 0; k < 20000; ++k) {
    const double mag = std::pow(10.0, std::uniform_real_distribution<double>(-30, 30)(rng));
    const double v = (rng() & 1 ? -1 : 1) * mag;
    char buf[64];
    const int digits = 1 + static_cast<int>(rng() % 17);
    switch (rng() % 3) {
      case 0:
        std::snprintf(buf, sizeof buf, "%.*g", digits, v);
        break;
      case 1:
        std::snprintf(buf, sizeof buf, "%.*e", digits - 1, v);
        break;
      default:
        std::snprintf(buf, sizeof buf, "%.*f", static_cast<int>(rng() % 12), v);
    }
    tokens.emplace_back(buf);
  }
  std::string text = "%%MatrixMarket matrix coordinate real general\n" +
                     std::to_string(tokens.size()) + " 1 " + std::to_string(tokens.size()) + "\n";
  for (std::size_t i = 0; i < tokens.size(); ++i)
    text += std::to_string(i + 1) + " 1 " + tokens[i] + "\n";
  d.write("values.mtx", text);
  const auto m = numkit::read_sparse_matrix("values.mtx", "-A");
  REQUIRE(m.rows() == static_cast<Eigen::Index>(tokens.size()));
  std::size_t mismatches = 0;
  for (std::size_t i = 0; i < tokens.size(); ++i) {
    double want = 0;
    std::from_chars(tokens[i].data(), tokens[i].data() + tokens[i].size(), want);
    const double got = m.coeff(static_cast<Eigen::Index>(i), 0);
    const bool both_zero = want == 0 && got == 0;  // a stored zero's sign is not the question
    if (std::bit_cast<std::uint64_t>(got) != std::bit_cast<std::uint64_t>(want) && !both_zero) {
      if (++mismatches < 5) UNSCOPED_INFO(tokens[i] << ": got " << got << ", want " << want);
    }
  }
  CHECK(mismatches == 0);
}
