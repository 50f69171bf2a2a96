#include "numkit/plot/plot.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <memory>
#include <sstream>
#include <thread>
#include <vector>

#include "numkit/core/output_file.hpp"
#include "numkit/io/report.hpp"

extern char** environ;

namespace numkit::plot {
namespace {

namespace fs = std::filesystem;

std::string lower_extension(const std::string& path) {
  std::string ext = fs::path(path).extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  return ext;
}

// Every piece of text that enters a gnuplot script goes through here. gnuplot substitutes
// backquotes (`cmd` runs a shell command) and processes backslash escapes inside double-quoted
// strings, and a newline ends a command anywhere; a single-quoted string is taken literally
// (no backquotes, no @macros, no escapes). So: single-quoted pieces, every control character
// (newline, CR, tab, NUL, DEL, ...) replaced by a space since no string can hold a newline, and
// each ' as the constant string "'" concatenated in between ('it'."'".'s'): gnuplot's own ''
// escape misparses at the ends of a string (a title of ''' then a is read as '' and a stray token).
std::string quote(const std::string& s) {
  std::vector<std::string> tokens;
  std::string piece;
  auto flush = [&] {
    if (!piece.empty()) tokens.push_back("'" + piece + "'");
    piece.clear();
  };
  for (char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '\'') {
      flush();
      tokens.push_back("\"'\"");
    } else {
      piece += u < 0x20 || u == 0x7f ? ' ' : c;
    }
  }
  flush();
  if (tokens.empty()) return "''";
  std::string q = tokens.front();
  for (std::size_t i = 1; i < tokens.size(); ++i) q += "." + tokens[i];
  return q;
}

std::string num(double v) {
  return std::isfinite(v) ? io::shortest(v) : "NaN";
}

std::string gnuplot_program() {
  const char* env = std::getenv("NUMKIT_GNUPLOT");
  std::string program = env && *env ? env : "gnuplot";
  if (program.find('/') != std::string::npos) {
    if (::access(program.c_str(), X_OK) != 0)
      throw PlotError("plot: gnuplot not found at " + program);
    return program;
  }
  const char* path = std::getenv("PATH");
  std::stringstream dirs(path ? path : "/usr/bin:/bin");
  std::string dir;
  while (std::getline(dirs, dir, ':')) {
    fs::path candidate = fs::path(dir.empty() ? "." : dir) / program;
    if (::access(candidate.c_str(), X_OK) == 0) return candidate.string();
  }
  throw PlotError("plot: gnuplot is not installed (install the gnuplot-nox package)");
}

std::vector<double> auto_levels(const Eigen::MatrixXd& z, int count = 14) {
  double lo = std::numeric_limits<double>::infinity(), hi = -lo;
  for (Eigen::Index i = 0; i < z.size(); ++i)
    if (std::isfinite(z.data()[i])) {
      lo = std::min(lo, z.data()[i]);
      hi = std::max(hi, z.data()[i]);
    }
  std::vector<double> levels;
  if (!(hi > lo)) return levels;
  // Quadratic spacing: contours of smooth functions crowd near extrema otherwise stay sparse.
  for (int k = 1; k <= count; ++k) {
    double t = static_cast<double>(k) / (count + 1);
    levels.push_back(lo + (hi - lo) * t * t);
  }
  return levels;
}

std::string style_clause(Style style) {
  switch (style) {
    case Style::lines:
      return "with lines lw 2";
    case Style::points:
      return "with points pt 7 ps 0.6";
    case Style::linespoints:
      return "with linespoints pt 7 ps 0.7 lw 2";
    case Style::steps:
      return "with steps lw 2";
    case Style::boxes:
      return "with boxes fs solid 0.45 border -1";
    case Style::impulses:
      return "with impulses lw 3";
    case Style::vectors:
      return "with vectors head filled size screen 0.012,20 lw 1.5";
    case Style::dashed:
      return "with lines dt 2 lw 2";
  }
  return "with lines";
}

}  // namespace

void check_plot_path(const std::string& path) {
  if (path == "-") return;
  for (std::size_t i = 0; i < path.size(); ++i) {
    const auto u = static_cast<unsigned char>(path[i]);
    if (u < 0x20 || u == 0x7f) {
      char code[8];
      std::snprintf(code, sizeof code, "0x%02x", u);
      throw UsageError(std::string("--plot: the file name contains a control character (") + code +
                       " at byte " + std::to_string(i + 1) + "); use a plain file name");
    }
  }
  std::string ext = lower_extension(path);
  if (ext != ".png" && ext != ".svg" && ext != ".pdf")
    throw UsageError("--plot " + path + ": unknown plot format \"" + ext +
                     "\" (use .png, .svg, .pdf, or - for a text plot)");
  fs::path dir = fs::path(path).parent_path();
  std::error_code ec;
  if (!dir.empty() && !fs::is_directory(dir, ec))
    throw UsageError("--plot " + path + ": no such folder " + dir.string());
  try {
    check_output_path(path, "--plot");
  } catch (const InputError& e) {
    throw UsageError(e.what());
  }
}

std::string gnuplot_script(const Figure& fig, const std::string& terminal) {
  std::ostringstream s;
  s << "set terminal " << terminal << "\n";
  s << "set termoption noenhanced\n";
  s << "set output\n";  // gnuplot's stdout: no file name ever enters the script
  s << "set encoding utf8\n";
  if (!fig.title.empty()) s << "set title " << quote(fig.title) << "\n";
  if (!fig.xlabel.empty()) s << "set xlabel " << quote(fig.xlabel) << "\n";
  if (!fig.ylabel.empty()) s << "set ylabel " << quote(fig.ylabel) << "\n";
  bool any_y2 =
      std::any_of(fig.series.begin(), fig.series.end(), [](const Series& x) { return x.y2; });
  if (any_y2) {
    s << "set ytics nomirror\nset y2tics\n";
    if (!fig.y2label.empty()) s << "set y2label " << quote(fig.y2label) << "\n";
  }
  // %g keeps log-axis labels short: 1e-08, not 0.00000001.
  if (fig.logx) s << "set logscale x\nset format x '%g'\n";
  if (fig.logy) s << "set logscale y\nset format y '%g'\n";
  if (fig.xrange)
    s << "set xrange [" << num(fig.xrange->first) << ":" << num(fig.xrange->second) << "]\n";
  if (fig.yrange)
    s << "set yrange [" << num(fig.yrange->first) << ":" << num(fig.yrange->second) << "]\n";
  if (fig.equal_axes) s << "set size ratio -1\n";
  s << "set grid lc rgb '#dddddd'\nset key outside right top box opaque\n";
  s << "set boxwidth 0.8 relative\n";
  int object = 1;
  for (const Band& band : fig.bands) {
    s << "set object " << object++ << " rect from " << num(band.from) << ", graph 0 to "
      << num(band.to) << ", graph 1 fc rgb '#e8e8f4' fs solid 0.6 noborder behind\n";
    if (!band.label.empty()) {
      double middle = fig.logx && band.from > 0 && band.to > 0 ? std::sqrt(band.from * band.to)
                                                               : (band.from + band.to) / 2;
      s << "set label " << quote(band.label) << " at " << num(middle)
        << ", graph 0.96 center front\n";
    }
  }

  std::vector<std::string> plots;
  if (fig.contour) {
    const Contour& c = *fig.contour;
    s << "$grid << EOD\n";
    for (std::size_t i = 0; i < c.xs.size(); ++i) {
      for (std::size_t j = 0; j < c.ys.size(); ++j)
        s << num(c.xs[i]) << " " << num(c.ys[j]) << " "
          << num(c.z(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(j))) << "\n";
      s << "\n";
    }
    s << "EOD\n";
    std::vector<double> levels = c.levels.empty() ? auto_levels(c.z) : c.levels;
    s << "set contour base\nunset surface\nset view map\n";
    s << "set cntrparam levels discrete ";
    for (std::size_t k = 0; k < levels.size(); ++k) s << (k ? "," : "") << num(levels[k]);
    s << "\nset table $contours\nsplot $grid with lines notitle\nunset table\nunset contour\n";
    plots.push_back("$contours with lines lc rgb '#9aa7b8' lw 1 title 'contours of f'");
  }
  for (std::size_t k = 0; k < fig.series.size(); ++k) {
    const Series& ser = fig.series[k];
    s << "$d" << k << " << EOD\n";
    for (std::size_t i = 0; i < ser.x.size() && i < ser.y.size(); ++i) {
      s << num(ser.x[i]) << " " << num(ser.y[i]);
      if (ser.style == Style::vectors)
        s << " " << num(i < ser.dx.size() ? ser.dx[i] : 0) << " "
          << num(i < ser.dy.size() ? ser.dy[i] : 0);
      s << "\n";
    }
    s << "EOD\n";
    std::string clause = "$d" + std::to_string(k) +
                         (ser.style == Style::vectors ? " using 1:2:3:4 " : " using 1:2 ") +
                         style_clause(ser.style) + " lc " + std::to_string(k + 1) +
                         (ser.y2 ? " axes x1y2" : "") +
                         (ser.title.empty() ? " notitle" : " title " + quote(ser.title));
    plots.push_back(clause);
  }
  if (plots.empty()) plots.push_back("NaN notitle");
  s << "plot ";
  for (std::size_t k = 0; k < plots.size(); ++k) s << (k ? ", \\\n     " : "") << plots[k];
  s << "\nunset output\n";
  return s.str();
}

namespace {

constexpr std::size_t kMaxPlotBytes = std::size_t{256} << 20;  // gnuplot's output, at most
constexpr std::size_t kMaxMessageBytes = 64 << 10;             // gnuplot's stderr kept

double plot_timeout_seconds() {
  const char* env = std::getenv("NUMKIT_PLOT_TIMEOUT");
  if (!env || !*env) return 60;
  char* end = nullptr;
  double t = std::strtod(env, &end);
  if (*end != '\0' || !(t > 0) || !std::isfinite(t))
    throw PlotError(std::string("NUMKIT_PLOT_TIMEOUT: expected a number of seconds > 0, found \"") +
                    env + "\"");
  return t;
}

struct GnuplotRun {
  int wait_status = 0;
  bool timed_out = false;
  bool script_refused = false;  // gnuplot closed its input before reading the whole script
  bool too_big = false;
  std::string out, err;
};

void set_nonblocking(int fd) {
  ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK);
}

// Runs gnuplot without a shell: the script goes to its stdin (a socket, written with
// MSG_NOSIGNAL, so gnuplot exiting early is an EPIPE here, never a SIGPIPE), the plot comes back
// on its stdout, its messages on its stderr; the whole run is bounded by `timeout` seconds.
GnuplotRun run_gnuplot(const std::string& program, const std::string& script, double timeout) {
  int in[2], out[2], err[2];
  if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, in) != 0)
    throw PlotError(std::string("plot: cannot start gnuplot (") + std::strerror(errno) + ")");
  if (::pipe2(out, O_CLOEXEC) != 0 || ::pipe2(err, O_CLOEXEC) != 0) {
    int e = errno;
    ::close(in[0]);
    ::close(in[1]);
    throw PlotError(std::string("plot: cannot start gnuplot (") + std::strerror(e) + ")");
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, in[1], 0);
  posix_spawn_file_actions_adddup2(&actions, out[1], 1);
  posix_spawn_file_actions_adddup2(&actions, err[1], 2);
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  sigset_t defaults, empty;
  sigemptyset(&defaults);
  for (int sig : {SIGPIPE, SIGINT, SIGTERM, SIGHUP}) sigaddset(&defaults, sig);
  sigemptyset(&empty);
  posix_spawnattr_setsigdefault(&attr, &defaults);
  posix_spawnattr_setsigmask(&attr, &empty);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK);
  // -d: no initialisation files, so the plot depends on the figure alone.
  std::vector<char*> argv{const_cast<char*>(program.c_str()), const_cast<char*>("-d"), nullptr};
  pid_t pid = -1;
  int spawn_error = ::posix_spawn(&pid, program.c_str(), &actions, &attr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  ::close(in[1]);
  ::close(out[1]);
  ::close(err[1]);
  if (spawn_error != 0) {
    ::close(in[0]);
    ::close(out[0]);
    ::close(err[0]);
    throw PlotError("plot: cannot start gnuplot " + program + " (" + std::strerror(spawn_error) +
                    ")");
  }
  detail::set_helper_process(pid);
  // A small send buffer: a gnuplot that stops reading is seen as EPIPE (its name in the
  // message), not hidden by a script that happened to fit into the socket's buffer.
  int sndbuf = 8192;
  ::setsockopt(in[0], SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof sndbuf);

  GnuplotRun run;
  int in_fd = in[0], out_fd = out[0], err_fd = err[0];
  for (int fd : {in_fd, out_fd, err_fd}) set_nonblocking(fd);
  std::size_t written = 0;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(timeout);
  auto remaining_ms = [&] {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    return static_cast<int>(std::max<long long>(0, left.count()));
  };
  char buf[1 << 16];
  while (out_fd >= 0 || err_fd >= 0) {
    pollfd fds[3];
    nfds_t n = 0;
    int in_at = -1, out_at = -1, err_at = -1;
    if (in_fd >= 0) fds[in_at = static_cast<int>(n++)] = {in_fd, POLLOUT, 0};
    if (out_fd >= 0) fds[out_at = static_cast<int>(n++)] = {out_fd, POLLIN, 0};
    if (err_fd >= 0) fds[err_at = static_cast<int>(n++)] = {err_fd, POLLIN, 0};
    int wait_ms = remaining_ms();
    if (wait_ms == 0) {
      run.timed_out = true;
      break;
    }
    int ready = ::poll(fds, n, wait_ms);
    if (ready < 0 && errno == EINTR) continue;
    if (ready < 0) break;
    if (in_at >= 0 && fds[in_at].revents) {
      ssize_t put = ::send(in_fd, script.data() + written, script.size() - written,
                           MSG_NOSIGNAL | MSG_DONTWAIT);
      if (put > 0) written += static_cast<std::size_t>(put);
      if ((put < 0 && errno != EAGAIN && errno != EINTR) || written == script.size()) {
        run.script_refused = written < script.size();
        ::close(in_fd);  // end of the script
        in_fd = -1;
      }
    }
    auto drain = [&](int& fd, int at, std::string& into, std::size_t cap, bool fatal_cap) {
      if (fd < 0 || at < 0 || !fds[at].revents) return;
      ssize_t got = ::read(fd, buf, sizeof buf);
      if (got < 0 && (errno == EAGAIN || errno == EINTR)) return;
      if (got <= 0) {
        ::close(fd);
        fd = -1;
        return;
      }
      std::size_t keep = std::min(static_cast<std::size_t>(got), cap - std::min(cap, into.size()));
      into.append(buf, keep);
      if (fatal_cap && keep < static_cast<std::size_t>(got)) run.too_big = true;
    };
    drain(out_fd, out_at, run.out, kMaxPlotBytes, true);
    drain(err_fd, err_at, run.err, kMaxMessageBytes, false);
    if (run.too_big) break;
  }
  // gnuplot closed its outputs (it is exiting) while part of the script was still unsent: it
  // did not read the whole script, however the last poll happened to report it.
  if (in_fd >= 0 && !run.timed_out && !run.too_big) run.script_refused = written < script.size();
  for (int fd : {in_fd, out_fd, err_fd})
    if (fd >= 0) ::close(fd);
  // Outputs closed: gnuplot is exiting. Wait for it, within the same deadline.
  int status = 0;
  pid_t done = 0;
  while (!run.timed_out && !run.too_big && (done = ::waitpid(pid, &status, WNOHANG)) == 0) {
    if (remaining_ms() == 0) {
      run.timed_out = true;
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  if (done <= 0) {
    ::kill(pid, SIGKILL);
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
  }
  detail::set_helper_process(0);
  run.wait_status = status;
  return run;
}

// gnuplot's first message line is the useful one (the one naming a line, if any).
std::string first_message(const std::string& err_text) {
  std::string first;
  std::istringstream lines(err_text);
  for (std::string line; std::getline(lines, line);) {
    auto b = line.find_first_not_of(" \t^");
    if (b != std::string::npos && line.find("line") != std::string::npos) return line.substr(b);
    if (b != std::string::npos && first.empty()) first = line.substr(b);
  }
  return first;
}

std::string failure_cause(const GnuplotRun& run, double timeout) {
  if (run.too_big) return "gnuplot wrote more than " + std::to_string(kMaxPlotBytes >> 20) + " MiB";
  if (run.timed_out) {
    std::ostringstream t;
    t << timeout;
    return "gnuplot did not finish within " + t.str() + " s (NUMKIT_PLOT_TIMEOUT)";
  }
  std::string said = first_message(run.err);
  if (WIFSIGNALED(run.wait_status))
    return "gnuplot was killed by signal " + std::to_string(WTERMSIG(run.wait_status)) + " (" +
           ::strsignal(WTERMSIG(run.wait_status)) + ")" + (said.empty() ? "" : ": " + said);
  int code = WIFEXITED(run.wait_status) ? WEXITSTATUS(run.wait_status) : -1;
  if (code != 0)
    return "gnuplot failed" +
           (said.empty() ? " (exit status " + std::to_string(code) + ")" : ": " + said);
  if (run.script_refused) return "gnuplot exited before reading the whole plot script";
  if (run.out.empty()) return "gnuplot wrote no plot" + (said.empty() ? "" : ": " + said);
  return {};
}

}  // namespace

std::string terminal_for(const std::string& path) {
  std::string ext = lower_extension(path);
  return path == "-"     ? "dumb size 100,32"
         : ext == ".png" ? "pngcairo size 960,680 font 'DejaVu Sans,10'"
         : ext == ".svg" ? "svg size 960,680 font 'DejaVu Sans,12' background '#ffffff'"
                         : "pdfcairo size 7in,5in font 'DejaVu Sans,9'";
}

void write_plot(const Figure& figure, const std::string& path, std::ostream& ascii_out) {
  check_plot_path(path);
  std::string program = gnuplot_program();
  double timeout = plot_timeout_seconds();
  // The target is opened (a temporary beside it) before gnuplot runs, so an unwritable target
  // is reported at once; the temporary is removed on any failure or terminating signal.
  std::unique_ptr<OutputFile> file;
  if (path != "-") {
    try {
      file = std::make_unique<OutputFile>(path, "plot");
    } catch (const InputError& e) {
      throw PlotError(e.what());
    }
  }
  GnuplotRun run = run_gnuplot(program, gnuplot_script(figure, terminal_for(path)), timeout);
  if (std::string cause = failure_cause(run, timeout); !cause.empty())
    throw PlotError("plot " + path + ": " + cause);
  if (!file) {
    ascii_out << run.out;
    ascii_out.flush();
    return;
  }
  file->stream() << run.out;
  try {
    file->commit();
  } catch (const InputError& e) {
    throw PlotError(e.what());
  }
}

}  // namespace numkit::plot
