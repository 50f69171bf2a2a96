// The byte-range Matrix Market reader of the PETSc engine against the serial reader: for every
// layout, field and symmetry, any split of the file into parts (every cut position for small
// files) gives exactly the serial reader's matrix, and bad files give its messages.
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <random>

#include "numkit/core/error.hpp"
#include "numkit/core/reader.hpp"
#include "numkit/petsc/distributed.hpp"
#include "numkit/petsc/matrix_market.hpp"
#include "numkit/quad/quadratic.hpp"

namespace fs = std::filesystem;
using numkit::petsc::MtxHeader;
using numkit::petsc::MtxPart;

namespace {

std::string write_temp(const std::string& name, const std::string& text) {
  const fs::path p = fs::temp_directory_path() / ("numkit_petsc_mtx_" + name + ".mtx");
  std::ofstream(p, std::ios::binary) << text;
  return p.string();
}

// Assembles the parts of the given cut positions (byte offsets into the data section, sorted)
// into a dense matrix, as the distributed reader does across ranks.
Eigen::MatrixXd read_by_cuts(const std::string& path, std::vector<std::size_t> cuts) {
  const MtxHeader h = numkit::petsc::read_mtx_header(path);
  numkit::petsc::MappedFile file(path);
  cuts.insert(cuts.begin(), h.data_offset);
  cuts.push_back(h.file_size);
  Eigen::MatrixXd A = Eigen::MatrixXd::Zero(h.rows, h.cols);
  int64_t stored = 0;
  for (std::size_t k = 0; k + 1 < cuts.size(); ++k) {
    MtxPart part = numkit::petsc::parse_mtx_part(h, file.data(), cuts[k], cuts[k + 1]);
    REQUIRE_FALSE(part.error);
    if (!h.coordinate) numkit::petsc::mtx_place_array_values(h, stored, part);
    stored += part.stored;
    numkit::petsc::mtx_expand_symmetric(h, part);
    for (std::size_t e = 0; e < part.values.size(); ++e)
      A(part.rows[e], part.cols[e]) += part.values[e];
  }
  REQUIRE(stored == h.entries);
  return A;
}

Eigen::MatrixXd serial(const std::string& path) {
  numkit::MatrixInput m = numkit::read_matrix_any(path, "-A");
  return m.is_sparse ? Eigen::MatrixXd(m.sparse) : m.dense;
}

void check_every_split(const std::string& path) {
  const Eigen::MatrixXd expected = serial(path);
  const MtxHeader h = numkit::petsc::read_mtx_header(path);
  // one cut anywhere, then two cuts anywhere
  for (std::size_t a = h.data_offset; a <= h.file_size; ++a) {
    INFO("cut at " << a);
    REQUIRE(read_by_cuts(path, {a}) == expected);
  }
  for (std::size_t a = h.data_offset; a <= h.file_size; a += 3)
    for (std::size_t b = a; b <= h.file_size; b += 5) {
      INFO("cuts at " << a << ", " << b);
      REQUIRE(read_by_cuts(path, {a, b}) == expected);
    }
  // the equal slices the ranks use, for 1..9 parts
  for (int parts = 1; parts <= 9; ++parts) {
    std::vector<std::size_t> cuts;
    for (int p = 1; p < parts; ++p)
      cuts.push_back(numkit::petsc::mtx_byte_range(h, p, parts).first);
    REQUIRE(read_by_cuts(path, cuts) == expected);
  }
}

}  // namespace

TEST_CASE("petsc_mtx_parts_match_the_serial_reader_for_every_coordinate_format") {
  const std::string body_general =
      "% a comment\n4 4 7\n1 1 4.5\n2 1 -1\n\n3 3 0x1.8p+1\n% between entries\n4 2 2e-3\n"
      "1 4 7\n4 4 1\n2 1 0.25\n";  // a duplicate (2,1): summed
  check_every_split(
      write_temp("real_general", "%%MatrixMarket matrix coordinate real general\n" + body_general));
  check_every_split(write_temp("integer_general",
                               "%%MatrixMarket matrix coordinate integer general\n3 3 3\n1 1 2\n"
                               "3 1 -7\n2 3 5\n"));
  check_every_split(write_temp("pattern_general",
                               "%%MatrixMarket matrix coordinate pattern general\n3 3 4\n1 1\n"
                               "2 1\n3 3\n  1 3  \n"));
  check_every_split(write_temp("real_symmetric",
                               "%%MatrixMarket matrix coordinate real symmetric\n3 3 5\n1 1 4\n"
                               "2 1 -1\r\n2 2 4\n3 2 -1\n3 3 4"));  // CR LF, no final newline
  check_every_split(write_temp("pattern_symmetric",
                               "%%MatrixMarket matrix coordinate pattern symmetric\n3 3 3\n1 1\n"
                               "3 1\n3 3\n"));
  check_every_split(write_temp("real_skew",
                               "%%MatrixMarket matrix coordinate real skew-symmetric\n3 3 2\n"
                               "2 1 1.5\n3 2 -2\n"));
}

TEST_CASE("petsc_mtx_parts_match_the_serial_reader_for_every_array_format") {
  check_every_split(write_temp("array_general",
                               "%%MatrixMarket matrix array real general\n% c\n3 2\n1\n2\n3\n"
                               "4 5\n6\n"));
  check_every_split(write_temp("array_symmetric",
                               "%%MatrixMarket matrix array real symmetric\n3 3\n1\n2\n3\n4\n5\n"
                               "6\n"));
  check_every_split(write_temp("array_skew",
                               "%%MatrixMarket matrix array real skew-symmetric\n4 4\n1\n2\n3\n"
                               "4\n5\n6\n"));
  check_every_split(
      write_temp("array_integer", "%%MatrixMarket matrix array integer general\n2 2\n1 2 3 4\n"));
}

TEST_CASE("petsc_mtx_parts_of_a_generated_laplacian_match_the_serial_reader") {
  const std::string path = (fs::temp_directory_path() / "numkit_petsc_mtx_laplace3d.mtx").string();
  numkit::quad::write_matrix_market(numkit::quad::laplace3d(6), path, true, "test");
  const Eigen::MatrixXd expected = serial(path);
  const MtxHeader h = numkit::petsc::read_mtx_header(path);
  std::mt19937_64 rng(7);
  for (int trial = 0; trial < 50; ++trial) {
    std::vector<std::size_t> cuts;
    const int k = 1 + static_cast<int>(rng() % 12);
    for (int c = 0; c < k; ++c)
      cuts.push_back(h.data_offset + rng() % (h.file_size - h.data_offset + 1));
    std::sort(cuts.begin(), cuts.end());
    REQUIRE(read_by_cuts(path, cuts) == expected);
  }
}

TEST_CASE("petsc_laplacian_rows_are_the_rows_of_the_quad_generators") {
  for (int dims : {2, 3}) {
    const long n = dims == 2 ? 7 : 4;
    const numkit::quad::SparseMatrix A =
        dims == 2 ? numkit::quad::laplace2d(n) : numkit::quad::laplace3d(n);
    const Eigen::MatrixXd dense(A);
    Eigen::MatrixXd built = Eigen::MatrixXd::Zero(A.rows(), A.cols());
    // in three blocks, as three ranks would build them
    const int64_t N = A.rows();
    for (int64_t b : {int64_t{0}, N / 3, 2 * N / 3}) {
      const int64_t e = b == 0 ? N / 3 : b == N / 3 ? 2 * N / 3 : N;
      std::vector<int64_t> rows, cols;
      std::vector<double> vals;
      numkit::petsc::laplacian_rows(dims, n, b, e, rows, cols, vals);
      for (std::size_t k = 0; k < vals.size(); ++k) {
        REQUIRE(rows[k] >= b);
        REQUIRE(rows[k] < e);
        built(rows[k], cols[k]) += vals[k];
      }
    }
    REQUIRE(built == dense);
  }
}

TEST_CASE("petsc_mtx_part_errors_name_the_line_the_serial_reader_names") {
  const std::string path = write_temp(
      "lies", "%%MatrixMarket matrix coordinate real general\n3 3 3\n1 1 1\n% c\n5 1 2\n2 2 1\n");
  std::string serial_message;
  try {
    numkit::read_matrix_any(path, "-A");
  } catch (const numkit::InputError& e) {
    serial_message = e.what();
  }
  REQUIRE_FALSE(serial_message.empty());
  const MtxHeader h = numkit::petsc::read_mtx_header(path);
  numkit::petsc::MappedFile file(path);
  // split after the first entry: the bad line is the second part's line 1 (0-based)
  const std::size_t cut = h.data_offset + std::string("1 1 1\n").size();
  MtxPart first = numkit::petsc::parse_mtx_part(h, file.data(), h.data_offset, cut);
  MtxPart second = numkit::petsc::parse_mtx_part(h, file.data(), cut, h.file_size);
  REQUIRE_FALSE(first.error);
  REQUIRE(second.error);
  const int64_t first_line = h.size_line + 1 + first.lines;
  REQUIRE(numkit::petsc::mtx_error_text(h, first_line, *second.error) == serial_message);
}

TEST_CASE("petsc_mtx_header_errors_match_the_serial_reader") {
  for (const std::string& text :
       {std::string("%%MatrixMarket matrix coordinate complex general\n1 1 1\n1 1 1\n"),
        std::string("%%MatrixMarket matrix coordinate real symmetric\n2 3 1\n1 1 1\n"),
        std::string("%%MatrixMarket matrix coordinate real general\n2 2\n"),
        std::string("%%MatrixMarket matrix array pattern general\n2 2\n"),
        std::string("hello\n")}) {
    const std::string path = write_temp("header", text);
    std::string serial_message, part_message;
    try {
      numkit::read_matrix_any(path, "-A");
    } catch (const numkit::InputError& e) {
      serial_message = e.what();
    }
    try {
      numkit::petsc::read_mtx_header(path);
    } catch (const numkit::InputError& e) {
      part_message = e.what();
    }
    INFO(text);
    REQUIRE_FALSE(serial_message.empty());
    REQUIRE(part_message == serial_message);
  }
}
