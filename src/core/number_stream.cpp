#include "numkit/core/number_stream.hpp"

#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstring>
#include <string>

#include "numkit/core/error.hpp"
#include "numkit/core/input_file.hpp"
#include "numkit/core/number.hpp"

namespace numkit {
namespace {
constexpr std::size_t kChunk = 1 << 20;
// A token longer than this is refused rather than buffered without bound.
constexpr std::size_t kMaxToken = std::size_t{1} << 20;
bool is_separator(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == ',';
}
}  // namespace

NumberStream::NumberStream(std::string_view spec, bool allow_nonfinite)
    : allow_nonfinite_(allow_nonfinite) {
  if (spec == "-") {
    file_ = stdin;
    source_ = "<stdin>";
  } else {
    source_ = std::string(spec);
    if (!input_exists(spec)) throw InputError(source_ + ": no such file");
    file_ = std::fopen(source_.c_str(), "rb");
    if (!file_) throw InputError(source_ + ": cannot open (" + std::strerror(errno) + ")");
    owns_ = true;
  }
  buffer_.resize(kChunk);
}

NumberStream::~NumberStream() {
  if (owns_ && file_) std::fclose(file_);
}

// Moves the unread tail to the front and reads more; false when nothing is left.
bool NumberStream::fill() {
  if (eof_) return begin_ < end_;
  std::size_t left = end_ - begin_;
  if (begin_ > 0 && left > 0) std::memmove(buffer_.data(), buffer_.data() + begin_, left);
  begin_ = 0;
  end_ = left;
  if (buffer_.size() - end_ < kChunk / 2) buffer_.resize(buffer_.size() * 2);
  std::size_t got = std::fread(buffer_.data() + end_, 1, buffer_.size() - end_, file_);
  if (got == 0 && std::ferror(file_))
    throw InputError(source_ + ": cannot read (" + std::strerror(errno) + ")");
  // Text never holds a NUL byte: /dev/zero or a binary file is refused, not buffered forever.
  if (std::memchr(buffer_.data() + end_, '\0', got))
    throw InputError(source_ + ": binary data (a NUL byte), expected numbers as text");
  if (!bom_checked_) {  // a UTF-8 byte order mark at the start of the input is not data
    bom_checked_ = true;
    if (got >= 3 && std::memcmp(buffer_.data() + end_, "\xEF\xBB\xBF", 3) == 0) {
      std::memmove(buffer_.data() + end_, buffer_.data() + end_ + 3, got - 3);
      got -= 3;
    }
  }
  end_ += got;
  if (got == 0) eof_ = true;
  return end_ > begin_;
}

bool NumberStream::next(double& value) {
  while (true) {
    // Skip separators and comments.
    while (true) {
      if (begin_ >= end_ && !fill()) return false;
      char c = buffer_[begin_];
      if (c == '#') {
        while (true) {
          if (begin_ >= end_ && !fill()) return false;
          if (buffer_[begin_] == '\n') break;
          ++begin_;
          ++column_;
        }
        continue;
      }
      if (!is_separator(c)) break;
      ++begin_;
      if (c == '\n') {
        ++line_;
        column_ = 1;
      } else {
        ++column_;
      }
    }
    // Make sure the whole token is in the buffer.
    std::size_t e = begin_;
    while (true) {
      while (e < end_ && !is_separator(buffer_[e]) && buffer_[e] != '#') ++e;
      if (e < end_ || eof_) break;
      std::size_t offset = e - begin_;
      if (offset > kMaxToken) {
        token_line_ = line_;
        token_col_ = column_;
        throw InputError(position() + ": a token longer than " + std::to_string(kMaxToken) +
                         " characters is not a number");
      }
      fill();
      e = begin_ + offset;
    }
    std::string_view token(buffer_.data() + begin_, e - begin_);
    token_line_ = line_;
    token_col_ = column_;
    column_ += token.size();
    begin_ = e;
    auto [p, ec] = std::from_chars(token.data(), token.data() + token.size(), value);
    if (ec == std::errc() && p == token.data() + token.size() && std::isfinite(value)) {
      ++count_;
      return true;
    }
    try {  // the rules and messages of parse_double for everything else
      value = parse_double(token, "", NumberOptions{allow_nonfinite_});
    } catch (const InputError& err) {
      std::string message = err.what();
      if (message.rfind(": ", 0) == 0) message = message.substr(2);
      throw InputError(position() + ": " + message);
    }
    ++count_;
    return true;
  }
}

std::size_t NumberStream::next_chunk(std::vector<double>& out, std::size_t max) {
  out.clear();
  double v;
  while (out.size() < max && next(v)) out.push_back(v);
  return out.size();
}

std::string NumberStream::position() const {
  return source_ + ":" + std::to_string(token_line_) + ":" + std::to_string(token_col_);
}

}  // namespace numkit
