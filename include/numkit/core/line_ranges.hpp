#pragma once
// Splitting line-oriented text into byte ranges that parsers can work on independently (one
// thread, or one MPI rank, per range). The rule that makes the pieces fit together: a range owns
// exactly the lines that START inside it, so a line cut by a boundary belongs to the range where
// it begins, and every line belongs to exactly one range.
#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace numkit {

struct ByteRange {
  std::size_t begin = 0, end = 0;  // [begin, end)
  std::size_t size() const { return end - begin; }
  bool empty() const { return end <= begin; }
};

// The first offset >= pos at which a line starts: pos itself when pos == 0 or text[pos-1] is
// '\n'; otherwise just after the next '\n'; text.size() when there is none.
std::size_t line_start_at_or_after(std::string_view text, std::size_t pos);

// Splits text[range) into at most `parts` consecutive ranges of about equal size that begin at
// line starts (range.begin is taken to be one) and together cover the range exactly. Ranges
// shorter than `min_bytes` are not made, so small inputs give a single range.
std::vector<ByteRange> split_at_lines(std::string_view text, ByteRange range, std::size_t parts,
                                      std::size_t min_bytes = std::size_t{1} << 20);

// The nominal (not yet line-aligned) part `index` of `parts` of a file of `file_size` bytes: the
// lines starting in it are that part's. For readers that hold only their part of a file.
ByteRange nominal_part(std::size_t file_size, std::size_t index, std::size_t parts);

// The lines owned by `nominal` (those starting in it), read from an open file descriptor with
// pread: reads one byte before nominal.begin to see whether a line starts there, and past
// nominal.end to the end of the last owned line. `offset` is the file offset of text[0].
// Throws InputError naming `source` on a read error.
struct FilePart {
  std::string text;
  std::size_t offset = 0;
};
FilePart read_owned_lines(int fd, ByteRange nominal, std::size_t file_size,
                          std::string_view source);

// Streams the lines owned by `nominal` (those starting in it) of an open file to `parse`, in
// blocks of whole lines read with pread into `buffer` (reused across calls; grown only for a line
// longer than it). Each block ends with '\n', except perhaps the file's last line. Lets each
// thread (or rank) parse its part of a file with memory bounded by the buffer, however large the
// file. Throws InputError naming `source` on a read error.
void for_each_owned_block(int fd, ByteRange nominal, std::size_t file_size, std::string_view source,
                          std::vector<char>& buffer,
                          const std::function<void(std::string_view block)>& parse);

// Number of '\n' in text (for turning a range's local line numbers into the file's).
std::size_t count_newlines(std::string_view text);

}  // namespace numkit
