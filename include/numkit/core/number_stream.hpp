#pragma once
// Reads a stream of numbers from a file or stdin in large chunks, for big data.
// Tokens are separated by whitespace and/or commas; `#` starts a comment to the end of the line.
#include <cstddef>
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

namespace numkit {

class NumberStream {
 public:
  // `spec` is a path or "-" for stdin. Throws InputError if the file cannot be opened.
  explicit NumberStream(std::string_view spec, bool allow_nonfinite = false);
  ~NumberStream();
  NumberStream(const NumberStream&) = delete;
  NumberStream& operator=(const NumberStream&) = delete;

  // Next number; false at the end. Throws InputError `file:line:col: expected a number, found "x"`.
  bool next(double& value);
  // Appends up to `max` numbers to `out` (cleared first); returns how many. 0 means the end.
  std::size_t next_chunk(std::vector<double>& out, std::size_t max);
  // file:line:column of the last token read, for messages.
  std::string position() const;
  const std::string& source() const { return source_; }
  std::size_t count() const { return count_; }

 private:
  bool fill();
  std::FILE* file_ = nullptr;
  bool owns_ = false;
  bool allow_nonfinite_;
  std::string source_;
  std::vector<char> buffer_;
  std::size_t begin_ = 0, end_ = 0;
  bool eof_ = false;
  bool bom_checked_ = false;
  std::size_t line_ = 1, column_ = 1;           // of the next unread character
  std::size_t token_line_ = 0, token_col_ = 0;  // of the last token
  std::size_t count_ = 0;
};

}  // namespace numkit
