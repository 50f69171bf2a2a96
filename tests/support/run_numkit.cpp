#include "run_numkit.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <stdexcept>

extern char** environ;

namespace numkit::test {
namespace {

RunResult run_process(const std::vector<std::string>& argv, const std::filesystem::path& dir,
                      const std::string& stdin_text, const std::vector<std::string>& env) {
  // A child that exits before reading all of its stdin (a refused input) must not kill the test
  // with SIGPIPE: the write then fails with EPIPE and the rest is dropped. The child gets the
  // default back, so numkit meets a closed stdout as in a shell.
  static const bool sigpipe_ignored = [] {
    std::signal(SIGPIPE, SIG_IGN);
    return true;
  }();
  (void)sigpipe_ignored;
  int in_pipe[2], out_pipe[2], err_pipe[2];
  if (pipe(in_pipe) || pipe(out_pipe) || pipe(err_pipe)) throw std::runtime_error("pipe failed");
  pid_t pid = fork();
  if (pid < 0) throw std::runtime_error("fork failed");
  if (pid == 0) {
    std::signal(SIGPIPE, SIG_DFL);
    dup2(in_pipe[0], 0);
    dup2(out_pipe[1], 1);
    dup2(err_pipe[1], 2);
    for (int fd : {in_pipe[0], in_pipe[1], out_pipe[0], out_pipe[1], err_pipe[0], err_pipe[1]})
      close(fd);
    if (chdir(dir.c_str()) != 0) _exit(127);
    for (const auto& e : env) putenv(const_cast<char*>(e.c_str()));
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    execvp(args[0], args.data());
    _exit(127);
  }
  close(in_pipe[0]);
  close(out_pipe[1]);
  close(err_pipe[1]);
  RunResult result;
  result.dir = dir;
  // Feed stdin and drain stdout/stderr together so no pipe fills up.
  std::size_t written = 0;
  int in_fd = in_pipe[1];
  if (stdin_text.empty()) {
    close(in_fd);
    in_fd = -1;
  } else {
    fcntl(in_fd, F_SETFL, O_NONBLOCK);
  }
  bool out_open = true, err_open = true;
  char buf[65536];
  while (out_open || err_open || in_fd >= 0) {
    pollfd fds[3];
    int n = 0;
    int out_idx = -1, err_idx = -1, in_idx = -1;
    if (out_open) fds[out_idx = n++] = {out_pipe[0], POLLIN, 0};
    if (err_open) fds[err_idx = n++] = {err_pipe[0], POLLIN, 0};
    if (in_fd >= 0) fds[in_idx = n++] = {in_fd, POLLOUT, 0};
    if (poll(fds, static_cast<nfds_t>(n), -1) < 0) break;
    if (out_idx >= 0 && fds[out_idx].revents) {
      ssize_t got = read(out_pipe[0], buf, sizeof buf);
      if (got <= 0)
        out_open = false;
      else
        result.out.append(buf, static_cast<std::size_t>(got));
    }
    if (err_idx >= 0 && fds[err_idx].revents) {
      ssize_t got = read(err_pipe[0], buf, sizeof buf);
      if (got <= 0)
        err_open = false;
      else
        result.err.append(buf, static_cast<std::size_t>(got));
    }
    if (in_idx >= 0 && fds[in_idx].revents) {
      ssize_t put = write(in_fd, stdin_text.data() + written, stdin_text.size() - written);
      if (put > 0) written += static_cast<std::size_t>(put);
      if (put < 0 || written >= stdin_text.size()) {
        close(in_fd);
        in_fd = -1;
      }
    }
  }
  close(out_pipe[0]);
  close(err_pipe[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return result;
}

}  // namespace

std::string numkit_binary() {
  return NUMKIT_BINARY;
}
std::filesystem::path source_dir() {
  return NUMKIT_SOURCE_DIR;
}

std::filesystem::path fresh_dir() {
  static std::atomic<int> counter{0};
  auto dir = std::filesystem::temp_directory_path() /
             ("numkit-test-" + std::to_string(getpid()) + "-" + std::to_string(counter++));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

RunResult run_numkit(const std::vector<std::string>& args, const std::string& stdin_text,
                     const std::vector<std::string>& env) {
  std::vector<std::string> argv{numkit_binary()};
  argv.insert(argv.end(), args.begin(), args.end());
  return run_process(argv, fresh_dir(), stdin_text, env);
}

RunResult run_shell(const std::string& command_line, const std::filesystem::path& dir,
                    const std::string& stdin_text) {
  std::string bin_dir = std::filesystem::path(numkit_binary()).parent_path().string();
  std::string path_env = "PATH=" + bin_dir + ":" + (std::getenv("PATH") ? std::getenv("PATH") : "");
  return run_process({"/bin/sh", "-c", command_line}, dir, stdin_text, {path_env});
}

std::filesystem::path write_file(const std::filesystem::path& dir, const std::string& name,
                                 const std::string& contents) {
  auto path = dir / name;
  std::ofstream(path, std::ios::binary) << contents;
  return path;
}

}  // namespace numkit::test
