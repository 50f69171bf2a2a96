#include "numkit/core/line_ranges.hpp"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "numkit/core/error.hpp"

namespace numkit {

std::size_t line_start_at_or_after(std::string_view text, std::size_t pos) {
  if (pos == 0) return 0;
  if (pos >= text.size()) return text.size();
  if (text[pos - 1] == '\n') return pos;
  const void* nl = std::memchr(text.data() + pos, '\n', text.size() - pos);
  if (!nl) return text.size();
  return static_cast<std::size_t>(static_cast<const char*>(nl) - text.data()) + 1;
}

std::vector<ByteRange> split_at_lines(std::string_view text, ByteRange range, std::size_t parts,
                                      std::size_t min_bytes) {
  range.end = std::min(range.end, text.size());
  range.begin = std::min(range.begin, range.end);
  std::size_t by_size =
      std::max<std::size_t>(1, range.size() / std::max<std::size_t>(1, min_bytes));
  parts = std::max<std::size_t>(1, std::min(parts, by_size));
  std::vector<ByteRange> out;
  std::size_t begin = range.begin;
  for (std::size_t k = 1; k <= parts && begin < range.end; ++k) {
    std::size_t nominal = range.begin + range.size() / parts * k;
    std::size_t end = k == parts ? range.end : line_start_at_or_after(text, nominal);
    end = std::min(std::max(end, begin), range.end);
    if (end > begin) out.push_back({begin, end});
    begin = end;
  }
  if (out.empty()) out.push_back(range);
  return out;
}

ByteRange nominal_part(std::size_t file_size, std::size_t index, std::size_t parts) {
  parts = std::max<std::size_t>(1, parts);
  index = std::min(index, parts - 1);
  // Computed without overflowing for any file size.
  std::size_t share = file_size / parts, extra = file_size % parts;
  auto edge = [&](std::size_t k) { return share * k + std::min(k, extra); };
  return {edge(index), edge(index + 1)};
}

namespace {
std::size_t pread_some(int fd, char* out, std::size_t bytes, std::size_t offset,
                       std::string_view source) {
  std::size_t done = 0;
  while (done < bytes) {
    ssize_t got = ::pread(fd, out + done, bytes - done, static_cast<off_t>(offset + done));
    if (got < 0) {
      if (errno == EINTR) continue;
      throw InputError(std::string(source) + ": cannot read (" + std::strerror(errno) + ")");
    }
    if (got == 0) break;
    done += static_cast<std::size_t>(got);
  }
  return done;
}
}  // namespace

FilePart read_owned_lines(int fd, ByteRange nominal, std::size_t file_size,
                          std::string_view source) {
  nominal.end = std::min(nominal.end, file_size);
  FilePart part;
  if (nominal.begin >= nominal.end) {
    part.offset = nominal.end;
    return part;
  }
  // Read from one byte before the range (to see whether a line starts at its first byte).
  std::size_t from = nominal.begin == 0 ? 0 : nominal.begin - 1;
  std::string buf(nominal.end - from, '\0');
  buf.resize(pread_some(fd, buf.data(), buf.size(), from, source));
  std::size_t start = nominal.begin == 0 ? 0 : line_start_at_or_after(buf, 1);
  if (start >= buf.size()) {  // no line starts in the range
    part.offset = nominal.end;
    return part;
  }
  // The last owned line runs past nominal.end to its '\n' (or the end of the file).
  std::size_t pos = from + buf.size();
  if (buf.back() != '\n') {
    char block[1 << 16];
    while (pos < file_size) {
      std::size_t got = pread_some(fd, block, sizeof block, pos, source);
      if (got == 0) break;
      const void* nl = std::memchr(block, '\n', got);
      std::size_t take =
          nl ? static_cast<std::size_t>(static_cast<const char*>(nl) - block) + 1 : got;
      buf.append(block, take);
      pos += take;
      if (nl) break;
    }
  }
  part.text = buf.substr(start);
  part.offset = from + start;
  return part;
}

namespace {
// The offset just after the first '\n' at or after `pos` (file_size if none).
std::size_t after_newline(int fd, std::size_t pos, std::size_t file_size, std::string_view source) {
  char block[1 << 12];
  while (pos < file_size) {
    std::size_t got = pread_some(fd, block, std::min(sizeof block, file_size - pos), pos, source);
    if (got == 0) return file_size;
    const void* nl = std::memchr(block, '\n', got);
    if (nl) return pos + static_cast<std::size_t>(static_cast<const char*>(nl) - block) + 1;
    pos += got;
  }
  return file_size;
}
// The first line start at or after pos.
std::size_t line_start_in_file(int fd, std::size_t pos, std::size_t file_size,
                               std::string_view source) {
  if (pos == 0 || pos >= file_size) return std::min(pos, file_size);
  char before = 0;
  if (pread_some(fd, &before, 1, pos - 1, source) == 1 && before == '\n') return pos;
  return after_newline(fd, pos, file_size, source);
}
}  // namespace

void for_each_owned_block(int fd, ByteRange nominal, std::size_t file_size, std::string_view source,
                          std::vector<char>& buffer,
                          const std::function<void(std::string_view block)>& parse) {
  nominal.end = std::min(nominal.end, file_size);
  if (nominal.begin >= nominal.end) return;
  const std::size_t begin = line_start_in_file(fd, nominal.begin, file_size, source);
  if (begin >= nominal.end) return;  // no line starts in the range
  const std::size_t end = line_start_in_file(fd, nominal.end, file_size, source);
  if (buffer.size() < (std::size_t{1} << 16)) buffer.resize(std::size_t{4} << 20);
  std::size_t pos = begin, carry = 0;
  while (pos < end || carry > 0) {
    if (carry == buffer.size()) buffer.resize(buffer.size() * 2);  // a line longer than the buffer
    const std::size_t want = std::min(buffer.size() - carry, end - pos);
    const std::size_t got = want ? pread_some(fd, buffer.data() + carry, want, pos, source) : 0;
    pos += got;
    const std::size_t have = carry + got;
    if (got == 0 || pos >= end) {  // the rest is whole lines (end is a line start or the end)
      if (have) parse({buffer.data(), have});
      return;
    }
    std::size_t cut = have;
    while (cut > 0 && buffer[cut - 1] != '\n') --cut;
    if (cut == 0) {  // no complete line yet
      carry = have;
      continue;
    }
    parse({buffer.data(), cut});
    carry = have - cut;
    std::memmove(buffer.data(), buffer.data() + cut, carry);
  }
}

std::size_t count_newlines(std::string_view text) {
  return static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n'));
}

}  // namespace numkit
