#include "numkit/core/output_file.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <streambuf>
#include <vector>

#include "numkit/core/error.hpp"

namespace numkit {
namespace {

namespace fs = std::filesystem;

// ---- what a signal handler may touch: fixed storage, atomics, async-signal-safe calls only ----

constexpr std::size_t kSlots = 32;
constexpr std::size_t kPathMax = 4096;
std::array<std::atomic<int>, kSlots> g_slot_used{};
char g_slot_path[kSlots][kPathMax];
std::atomic<pid_t> g_helper_process{0};
volatile std::sig_atomic_t g_in_record_write = 0;
volatile std::sig_atomic_t g_pending_signal = 0;

int register_temporary(const std::string& path) {
  if (path.size() >= kPathMax) return -1;  // still recognised and removed by the next run
  for (std::size_t i = 0; i < kSlots; ++i) {
    int expected = 0;
    if (g_slot_used[i].compare_exchange_strong(expected, 2)) {  // 2: being filled
      std::memcpy(g_slot_path[i], path.c_str(), path.size() + 1);
      g_slot_used[i].store(1);
      return static_cast<int>(i);
    }
  }
  return -1;
}

void unregister_temporary(int slot) {
  if (slot >= 0) g_slot_used[static_cast<std::size_t>(slot)].store(0);
}

void remove_temporaries_now() {  // async-signal-safe
  for (std::size_t i = 0; i < kSlots; ++i)
    if (g_slot_used[i].load() == 1) ::unlink(g_slot_path[i]);
  pid_t helper = g_helper_process.load();
  if (helper > 0) ::kill(helper, SIGKILL);
}

[[noreturn]] void die_by(int sig) {
  remove_temporaries_now();
  std::signal(sig, SIG_DFL);
  ::raise(sig);
  _exit(128 + sig);  // not reached unless the signal is blocked
}

extern "C" void on_terminating_signal(int sig) {
  // A record being written to stdout is finished first; a second signal does not wait.
  if (g_in_record_write && !g_pending_signal) {
    g_pending_signal = sig;
    return;
  }
  remove_temporaries_now();
  std::signal(sig, SIG_DFL);
  ::raise(sig);  // delivered when this handler returns
}

// write(2) until done; returns 0 or an errno value.
int write_all(int fd, const char* data, std::size_t size) {
  while (size > 0) {
    ssize_t put = ::write(fd, data, size);
    if (put < 0) {
      if (errno == EINTR) continue;
      return errno;
    }
    data += put;
    size -= static_cast<std::size_t>(put);
  }
  return 0;
}

// A stream buffer on a file descriptor. In record mode it writes only whole lines (keeping an
// unfinished line for later) and holds back a terminating signal until each write is done.
class FdBuf : public std::streambuf {
 public:
  FdBuf(int fd, bool records) : fd_(fd), records_(records), buffer_(1 << 16) {
    setp(buffer_.data(), buffer_.data() + buffer_.size());
  }
  int error() const { return error_; }

 protected:
  int_type overflow(int_type ch) override {
    if (!drain(records_)) return traits_type::eof();
    if (!traits_type::eq_int_type(ch, traits_type::eof())) {
      *pptr() = traits_type::to_char_type(ch);
      pbump(1);
    }
    return traits_type::not_eof(ch);
  }
  int sync() override { return drain(false) ? 0 : -1; }

 private:
  // Writes the buffer (in record mode with `whole_lines`: up to its last newline, unless the
  // buffer holds no newline at all) and moves the rest to the front.
  bool drain(bool whole_lines) {
    char* begin = pbase();
    std::size_t used = static_cast<std::size_t>(pptr() - begin);
    std::size_t out = used;
    if (whole_lines) {
      const void* nl = used ? ::memrchr(begin, '\n', used) : nullptr;
      if (nl) out = static_cast<std::size_t>(static_cast<const char*>(nl) - begin) + 1;
    }
    if (out > 0 && error_ == 0) {
      if (records_) g_in_record_write = 1;
      error_ = write_all(fd_, begin, out);
      if (records_) {
        g_in_record_write = 0;
        if (g_pending_signal) die_by(g_pending_signal);
      }
    }
    std::memmove(begin, begin + out, used - out);
    setp(buffer_.data(), buffer_.data() + buffer_.size());
    pbump(static_cast<int>(used - out));
    return error_ == 0;
  }

  int fd_;
  bool records_;
  std::vector<char> buffer_;
  int error_ = 0;
};

std::string prefix(std::string_view what, const std::string& path) {
  return what.empty() ? path + ": " : std::string(what) + " " + path + ": ";
}

void check_name(const std::string& path, std::string_view what) {
  for (std::size_t i = 0; i < path.size(); ++i) {
    const auto u = static_cast<unsigned char>(path[i]);
    if (u < 0x20 || u == 0x7f) {
      char code[8];
      std::snprintf(code, sizeof code, "0x%02x", u);
      throw InputError(std::string(what.empty() ? "output" : what) +
                       ": the file name contains a control character (" + code + " at byte " +
                       std::to_string(i + 1) + "); use a plain file name");
    }
  }
  if (path.empty())
    throw InputError(std::string(what.empty() ? "output" : what) + ": empty file name");
}

// Follows symbolic links (relative ones from their own folder) to the file finally written.
fs::path final_target(const fs::path& path, std::string_view what, const std::string& shown) {
  fs::path p = path;
  for (int hops = 0; hops < 40; ++hops) {
    struct stat st;
    if (::lstat(p.c_str(), &st) != 0 || !S_ISLNK(st.st_mode)) return p;
    std::error_code ec;
    fs::path next = fs::read_symlink(p, ec);
    if (ec) throw InputError(prefix(what, shown) + "cannot read the link (" + ec.message() + ")");
    p = next.is_absolute() ? next : p.parent_path() / next;
  }
  throw InputError(prefix(what, shown) + "too many levels of symbolic links");
}

enum class TargetKind { regular, stream };

struct Target {
  fs::path path;  // after links
  TargetKind kind = TargetKind::regular;
  bool exists = false;
  mode_t mode = 0666;
};

Target examine(const std::string& shown, std::string_view what) {
  check_name(shown, what);
  if (shown == "-")
    throw InputError(std::string(what.empty() ? "output" : what) +
                     ": \"-\" (standard output) is not accepted here; name a file");
  Target t;
  t.path = final_target(shown, what, shown);
  struct stat st;
  if (::stat(t.path.c_str(), &st) == 0) {
    t.exists = true;
    if (S_ISDIR(st.st_mode)) throw InputError(prefix(what, shown) + "is a directory");
    if (S_ISCHR(st.st_mode) || S_ISFIFO(st.st_mode)) {
      t.kind = TargetKind::stream;
      return t;
    }
    if (!S_ISREG(st.st_mode))
      throw InputError(prefix(what, shown) +
                       (S_ISBLK(st.st_mode) ? "is a block device" : "is not a regular file") +
                       "; refusing to write to it");
    t.mode = st.st_mode & 07777;
    return t;
  }
  if (errno != ENOENT)
    throw InputError(prefix(what, shown) + "cannot write (" + std::strerror(errno) + ")");
  fs::path dir = t.path.parent_path();
  if (dir.empty()) dir = ".";
  if (::stat(dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode))
    throw InputError(prefix(what, shown) + "no such folder " + dir.string());
  return t;
}

// Removes `.NAME.numkit-PID-SEQ.tmp` files in `dir` whose process is gone.
void remove_stale_temporaries(const fs::path& dir) {
  DIR* d = ::opendir(dir.empty() ? "." : dir.c_str());
  if (!d) return;
  const long self = static_cast<long>(::getpid());
  while (dirent* e = ::readdir(d)) {
    long owner = detail::temporary_owner(e->d_name);
    if (owner <= 0 || owner == self) continue;
    if (::kill(static_cast<pid_t>(owner), 0) == 0 || errno != ESRCH) continue;
    ::unlinkat(::dirfd(d), e->d_name, 0);
  }
  ::closedir(d);
}

}  // namespace

namespace detail {

long temporary_owner(std::string_view name) {
  constexpr std::string_view tag = ".numkit-", suffix = ".tmp";
  if (name.size() < 2 || name.front() != '.' || !name.ends_with(suffix)) return 0;
  name.remove_suffix(suffix.size());
  auto at = name.rfind(tag);
  if (at == std::string_view::npos || at == 0) return 0;
  std::string_view rest = name.substr(at + tag.size());  // PID-SEQ
  auto dash = rest.find('-');
  if (dash == 0 || dash == std::string_view::npos || dash > 10) return 0;
  long pid = 0;
  for (std::size_t i = 0; i < rest.size(); ++i) {
    if (i == dash) continue;
    if (rest[i] < '0' || rest[i] > '9') return 0;
    if (i < dash) pid = pid * 10 + (rest[i] - '0');
  }
  return dash + 1 < rest.size() ? pid : 0;
}

void set_helper_process(int pid) {
  g_helper_process.store(pid);
}

}  // namespace detail

struct OutputFile::Impl {
  std::string shown, what;
  Target target;
  fs::path temporary;
  int fd = -1;
  int slot = -1;
  std::unique_ptr<FdBuf> buf;
  std::unique_ptr<std::ostream> os;
  bool done = false;

  void discard() {
    if (fd >= 0) ::close(fd);
    fd = -1;
    if (!temporary.empty()) ::unlink(temporary.c_str());
    unregister_temporary(slot);
    slot = -1;
    done = true;
  }
};

OutputFile::OutputFile(const std::string& path, std::string what)
    : impl_(std::make_unique<Impl>()) {
  Impl& m = *impl_;
  m.shown = path;
  m.what = std::move(what);
  m.target = examine(path, m.what);
  if (m.target.kind == TargetKind::stream) {
    m.fd = ::open(m.target.path.c_str(), O_WRONLY | O_CLOEXEC | O_NOCTTY);
    if (m.fd < 0)
      throw InputError(prefix(m.what, path) + "cannot write (" + std::strerror(errno) + ")");
  } else {
    fs::path dir = m.target.path.parent_path();
    remove_stale_temporaries(dir);
    static std::atomic<int> sequence{0};
    for (int attempt = 0; attempt < 100 && m.fd < 0; ++attempt) {
      m.temporary = dir / ("." + m.target.path.filename().string() + ".numkit-" +
                           std::to_string(::getpid()) + "-" + std::to_string(sequence++) + ".tmp");
      m.slot = register_temporary(m.temporary.string());
      m.fd = ::open(m.temporary.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, m.target.mode);
      if (m.fd < 0) {
        int err = errno;
        unregister_temporary(m.slot);
        m.slot = -1;
        if (err == EEXIST) continue;
        m.temporary.clear();
        throw InputError(prefix(m.what, path) + "cannot write (" + std::strerror(err) + ")");
      }
    }
    if (m.fd < 0) throw InputError(prefix(m.what, path) + "cannot create a temporary file");
    if (m.target.exists) ::fchmod(m.fd, m.target.mode);  // keep the permissions it had
  }
  m.buf = std::make_unique<FdBuf>(m.fd, false);
  m.os = std::make_unique<std::ostream>(m.buf.get());
}

OutputFile::~OutputFile() {
  if (impl_ && !impl_->done) impl_->discard();
}

std::ostream& OutputFile::stream() {
  return *impl_->os;
}

const std::string& OutputFile::path() const {
  return impl_->shown;
}

void OutputFile::commit() {
  Impl& m = *impl_;
  if (m.done) return;
  m.os->flush();
  int err = m.buf->error();
  if (err == 0 && ::close(m.fd) != 0) err = errno;
  m.fd = -1;
  if (err != 0) {
    m.discard();
    throw InputError(prefix(m.what, m.shown) + "cannot write (" + std::strerror(err) + ")");
  }
  if (m.target.kind == TargetKind::regular &&
      ::rename(m.temporary.c_str(), m.target.path.c_str()) != 0) {
    err = errno;
    m.discard();
    throw InputError(prefix(m.what, m.shown) + "cannot write (" + std::strerror(err) + ")");
  }
  unregister_temporary(m.slot);
  m.slot = -1;
  m.temporary.clear();
  m.done = true;
}

void write_file_atomically(const std::string& path, std::string_view contents,
                           std::string_view what) {
  OutputFile file(path, std::string(what));
  file.stream().write(contents.data(), static_cast<std::streamsize>(contents.size()));
  file.commit();
}

void check_output_path(const std::string& path, std::string_view what) {
  (void)examine(path, what);
}

void install_signal_cleanup() {
  for (int sig : {SIGINT, SIGTERM, SIGHUP}) {
    struct sigaction current {};
    if (::sigaction(sig, nullptr, &current) == 0 && current.sa_handler == SIG_IGN) continue;
    struct sigaction action {};
    action.sa_handler = on_terminating_signal;
    sigemptyset(&action.sa_mask);
    action.sa_flags = SA_RESTART;
    ::sigaction(sig, &action, nullptr);
  }
}

namespace {
FdBuf* g_record_stdout = nullptr;  // never destroyed: std::cout is flushed at exit
}  // namespace

void install_record_stdout() {
  if (!g_record_stdout) g_record_stdout = new FdBuf(STDOUT_FILENO, true);
  std::cout.rdbuf(g_record_stdout);
}

int stdout_error() {
  return g_record_stdout ? g_record_stdout->error() : 0;
}

}  // namespace numkit
