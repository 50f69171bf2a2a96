#include "numkit/core/input_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iostream>
#include <string>

#include "numkit/core/error.hpp"

namespace numkit {
namespace {

std::string shown(std::string_view spec) {
  return spec == "-" ? "<stdin>" : std::string(spec);
}

[[noreturn]] void fail(std::string_view spec, const std::string& why) {
  throw InputError(shown(spec) + ": " + why);
}

std::string size_text(std::size_t bytes) {
  if (bytes % (std::size_t{1} << 30) == 0) return std::to_string(bytes >> 30) + " GiB";
  if (bytes % (std::size_t{1} << 20) == 0) return std::to_string(bytes >> 20) + " MiB";
  return std::to_string(bytes) + " bytes";
}

}  // namespace

bool input_exists(std::string_view spec) {
  struct stat st;
  if (::stat(std::string(spec).c_str(), &st) != 0) {
    // Not a path at all (an inline literal may be long or hold '/'): only a refused permission
    // is worth saying.
    if (errno != EACCES) return false;
    fail(spec, std::string("cannot open (") + std::strerror(errno) + ")");
  }
  if (S_ISDIR(st.st_mode)) fail(spec, "is a directory, expected a file");
  if (S_ISSOCK(st.st_mode)) fail(spec, "is a socket, expected a file");
  return true;
}

std::string read_input_text(std::string_view spec, std::size_t limit) {
  int fd = 0;
  bool owned = false;
  if (spec != "-") {
    if (!input_exists(spec)) fail(spec, "no such file");
    fd = ::open(std::string(spec).c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY);
    if (fd < 0) fail(spec, std::string("cannot open (") + std::strerror(errno) + ")");
    owned = true;
  }
  struct Closer {
    int fd;
    bool owned;
    ~Closer() {
      if (owned) ::close(fd);
    }
  } closer{fd, owned};
  struct stat st;
  if (::fstat(fd, &st) != 0) {
    if (errno == EBADF) fail(spec, "standard input is closed");
    fail(spec, std::string("cannot read (") + std::strerror(errno) + ")");
  }
  if (S_ISDIR(st.st_mode)) fail(spec, "is a directory, expected a file");
  std::string text;
  if (S_ISREG(st.st_mode)) {
    if (static_cast<unsigned long long>(st.st_size) > limit)
      fail(spec, "is " + std::to_string(st.st_size) + " bytes, more than the limit of " +
                     size_text(limit) + " for a text input");
    text.reserve(static_cast<std::size_t>(st.st_size));
  }
  char buf[1 << 16];
  while (true) {
    ssize_t got = ::read(fd, buf, sizeof buf);
    if (got < 0) {
      if (errno == EINTR) continue;
      if (errno == EBADF) fail(spec, "standard input is closed");
      fail(spec, std::string("cannot read (") + std::strerror(errno) + ")");
    }
    if (got == 0) break;
    if (const void* nul = std::memchr(buf, '\0', static_cast<std::size_t>(got)))
      fail(spec,
           "binary data (a NUL byte at byte " +
               std::to_string(text.size() +
                              static_cast<std::size_t>(static_cast<const char*>(nul) - buf) + 1) +
               "), expected text");
    if (text.size() + static_cast<std::size_t>(got) > limit)
      fail(spec, "more than the limit of " + size_text(limit) + " for a text input");
    text.append(buf, static_cast<std::size_t>(got));
  }
  return text;
}

void for_each_input_line(
    std::string_view spec,
    const std::function<void(std::string_view line, const std::string& where)>& each) {
  const std::string path(spec);
  std::ifstream file;
  if (path != "-") {
    if (!input_exists(path)) throw InputError(path + ": no such file");
    file.open(path);
    if (!file) throw InputError(path + ": cannot be read");
  }
  std::istream& in = path == "-" ? std::cin : file;
  const std::string name = path == "-" ? "stdin" : path;
  std::string line;
  for (long line_no = 1; std::getline(in, line); ++line_no) {
    const std::string where = name + ":" + std::to_string(line_no);
    if (line.find('\0') != std::string::npos) throw InputError(where + ": binary data");
    const std::size_t hash = line.find('#');
    if (hash != std::string::npos) line.erase(hash);
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    each(line, where);
  }
  if (in.bad()) throw InputError(name + ": read error");
}

}  // namespace numkit
