#pragma once
// Reading one Matrix Market file by several processes at once: each parses the lines that start
// in its byte range of the data section (a range that begins mid-line skips to the next line;
// the line that crosses its end is its own), so no process holds the whole file. The pieces are
// plain functions without MPI: the caller adds up the counts across processes and states the
// errors (see src/petsc/distributed.cpp), and a unit test checks that the pieces of any split
// give exactly what the serial reader (numkit/core/reader.hpp) gives.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace numkit::petsc {

struct MtxHeader {
  std::string path;
  bool coordinate = true;  // false: the dense "array" layout
  bool pattern = false;    // coordinate entries without values (each is 1)
  bool symmetric = false, skew = false;
  int64_t rows = 0, cols = 0;
  int64_t entries = 0;          // coordinate: declared entries; array: the values stored
  std::size_t data_offset = 0;  // byte offset of the first line after the size line
  std::size_t file_size = 0;
  int64_t size_line = 0;  // line number of the size line (1-based)
};

// Reads the banner and the size line (the first few kilobytes). Throws InputError with the
// serial reader's messages.
MtxHeader read_mtx_header(const std::string& path);

// The byte range [begin, end) of the data section that part `part` of `parts` parses: equal
// slices of the data section.
std::pair<std::size_t, std::size_t> mtx_byte_range(const MtxHeader& h, int part, int parts);

// An error found in a part, with the line counted from the part's first line (0-based), so that
// the caller can add the lines of the earlier parts before stating it.
struct MtxPartError {
  int64_t local_line = 0;
  std::size_t column = 1;
  std::string message;  // without the "file:line:col: " prefix
};

struct MtxPart {
  // stored entries as (row, column, value), 0-based, before symmetric expansion; for the array
  // layout `rows`/`cols` are filled by mtx_place_array_values once the offset is known
  std::vector<int64_t> rows, cols;
  std::vector<double> values;
  int64_t lines = 0;   // lines starting in the range (for the line numbers of later parts)
  int64_t stored = 0;  // entries (coordinate) or values (array) found
  std::optional<MtxPartError> error;
};

// Parses the lines starting in [begin, end). Never throws for bad data: the first problem is
// returned in MtxPart::error. allow_nonfinite as in ReadOptions.
MtxPart parse_mtx_part(const MtxHeader& h, const char* data, std::size_t begin, std::size_t end,
                       bool allow_nonfinite = false);

// Array layout: positions of the values of a part whose first value is the `first`-th stored
// value of the file (column-major, the lower triangle for symmetric, below it for skew).
void mtx_place_array_values(const MtxHeader& h, int64_t first, MtxPart& part);

// Appends the entries of A that a part's stored entries stand for: the transposed twin of an
// off-diagonal entry of a symmetric (negated for skew-symmetric) file.
void mtx_expand_symmetric(const MtxHeader& h, MtxPart& part);

// "file:LINE:COL: message", LINE = first_line_of_part + local_line.
std::string mtx_error_text(const MtxHeader& h, int64_t first_line_of_part, const MtxPartError& e);

// The file's bytes, mapped read-only (pages are read only where they are touched).
class MappedFile {
 public:
  explicit MappedFile(const std::string& path);  // throws InputError
  ~MappedFile();
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;
  const char* data() const { return data_; }
  std::size_t size() const { return size_; }

 private:
  const char* data_ = nullptr;
  std::size_t size_ = 0;
};

}  // namespace numkit::petsc
