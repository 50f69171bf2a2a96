// Fault tests for everything numkit writes: gnuplot that fails, exits early or hangs (a stand-in
// through NUMKIT_GNUPLOT), odd TMPDIRs, SIGINT/SIGTERM/SIGKILL during writes, targets that are
// links, devices, FIFOs, directories or unwritable, and hostile plot names and titles.
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "e2e.hpp"
#include "run_numkit.hpp"

extern char** environ;

namespace fs = std::filesystem;
using numkit::test::fresh_dir;
using numkit::test::run_numkit;
using numkit::test::run_shell;
using numkit::test::write_file;

namespace {

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::vector<std::string> names_in(const fs::path& dir) {
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(dir)) names.push_back(e.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

// A stand-in gnuplot: a shell script in `dir`.
fs::path fake_gnuplot(const fs::path& dir, const std::string& body) {
  fs::path p = write_file(dir, "fake-gnuplot", "#!/bin/sh\n" + body + "\n");
  fs::permissions(p, fs::perms::owner_all);
  return p;
}

// numkit started in `dir` with stdout into `dir/out`, stderr into `dir/err`, for signal tests.
struct Started {
  pid_t pid = -1;
  int wait() {
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  }
};

Started start_numkit(const fs::path& dir, const std::vector<std::string>& args,
                     const std::vector<std::string>& env = {}) {
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&fa, 1, (dir / "out").c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                   0644);
  posix_spawn_file_actions_addopen(&fa, 2, (dir / "err").c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                   0644);
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  sigset_t defaults;
  sigemptyset(&defaults);
  sigaddset(&defaults, SIGINT);
  sigaddset(&defaults, SIGTERM);
  posix_spawnattr_setsigdefault(&attr, &defaults);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGDEF);
  std::vector<std::string> argv{numkit::test::numkit_binary()};
  argv.insert(argv.end(), args.begin(), args.end());
  std::vector<char*> cargv;
  for (auto& a : argv) cargv.push_back(a.data());
  cargv.push_back(nullptr);
  std::vector<std::string> envs;
  for (char** e = environ; *e; ++e) envs.emplace_back(*e);
  envs.insert(envs.end(), env.begin(), env.end());
  std::vector<char*> cenv;
  for (auto& e : envs) cenv.push_back(e.data());
  cenv.push_back(nullptr);
  // posix_spawn has no chdir action in glibc 2.36's public API before _np; run through cwd.
  fs::path previous = fs::current_path();
  fs::current_path(dir);
  Started s;
  int rc = posix_spawn(&s.pid, cargv[0], &fa, &attr, cargv.data(), cenv.data());
  fs::current_path(previous);
  posix_spawn_file_actions_destroy(&fa);
  posix_spawnattr_destroy(&attr);
  REQUIRE(rc == 0);
  return s;
}

// Waits until `pred` holds (or `seconds` pass).
template <class Pred>
bool eventually(Pred pred, double seconds = 20) {
  auto end = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
  while (std::chrono::steady_clock::now() < end) {
    if (pred()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return pred();
}

bool has_temporary(const fs::path& dir) {
  for (const auto& n : names_in(dir))
    if (n.find(".numkit-") != std::string::npos && n.ends_with(".tmp")) return true;
  return false;
}

// A plot big enough (an 81x81 contour) that gnuplot exiting early breaks the pipe.
const std::vector<std::string> kPlotCommand = {"grad", "x^2+y^2", "--at", "1,2"};

std::vector<std::string> with(std::vector<std::string> a, const std::vector<std::string>& more) {
  a.insert(a.end(), more.begin(), more.end());
  return a;
}

}  // namespace

TEST_CASE("plot_gnuplot_exiting_early_is_reported_not_a_sigpipe", "[faults][plot]") {
  fs::path dir = fresh_dir(), tmp = fresh_dir();
  for (const std::string& body : {std::string("exit 0"), std::string("head -c 10 >/dev/null")}) {
    fs::path fake = fake_gnuplot(dir, body);
    auto r = run_numkit(with(kPlotCommand, {"--plot", "p.png"}), "",
                        {"NUMKIT_GNUPLOT=" + fake.string(), "TMPDIR=" + tmp.string()});
    INFO(body << "\nstderr: " << r.err);
    CHECK(r.exit_code == 2);
    CHECK(r.out.find("gradient") != std::string::npos);  // the results came first
    CHECK(r.err == "numkit: plot p.png: gnuplot exited before reading the whole plot script\n");
    CHECK(names_in(r.dir).empty());
    CHECK(fs::is_empty(tmp));
  }
}

TEST_CASE("plot_gnuplot_failing_or_crashing_is_one_line_and_exit_2", "[faults][plot]") {
  fs::path dir = fresh_dir();
  struct Case {
    std::string body, message;
  } cases[] = {
      {"cat >/dev/null; echo '         line 7: no such terminal' >&2; exit 1",
       "numkit: plot p.svg: gnuplot failed: line 7: no such terminal\n"},
      {"cat >/dev/null; exit 4", "numkit: plot p.svg: gnuplot failed (exit status 4)\n"},
      {"cat >/dev/null; kill -SEGV $$",
       "numkit: plot p.svg: gnuplot was killed by signal 11 (Segmentation fault)\n"},
      {"cat >/dev/null; exit 0", "numkit: plot p.svg: gnuplot wrote no plot\n"},
  };
  for (const auto& c : cases) {
    fs::path fake = fake_gnuplot(dir, c.body);
    auto r = run_numkit(with(kPlotCommand, {"--plot", "p.svg"}), "",
                        {"NUMKIT_GNUPLOT=" + fake.string()});
    INFO(c.body);
    CHECK(r.exit_code == 2);
    CHECK(r.out.find("gradient") != std::string::npos);
    CHECK(r.err == c.message);
    CHECK(names_in(r.dir).empty());
  }
}

TEST_CASE("plot_a_hanging_gnuplot_is_bounded_by_the_timeout", "[faults][plot]") {
  fs::path dir = fresh_dir();
  fs::path fake = fake_gnuplot(dir, "exec sleep 60");
  auto t0 = std::chrono::steady_clock::now();
  auto r = run_numkit(with(kPlotCommand, {"--plot", "p.png"}), "",
                      {"NUMKIT_GNUPLOT=" + fake.string(), "NUMKIT_PLOT_TIMEOUT=0.5"});
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  CHECK(r.exit_code == 2);
  CHECK(r.err == "numkit: plot p.png: gnuplot did not finish within 0.5 s (NUMKIT_PLOT_TIMEOUT)\n");
  CHECK(seconds < 20);
  CHECK(names_in(r.dir).empty());
  auto bad = run_numkit(with(kPlotCommand, {"--plot", "p.png"}), "", {"NUMKIT_PLOT_TIMEOUT=soon"});
  CHECK(bad.exit_code == 2);
  CHECK(bad.err ==
        "numkit: NUMKIT_PLOT_TIMEOUT: expected a number of seconds > 0, found \"soon\"\n");
}

TEST_CASE("plot_works_whatever_tmpdir_is", "[faults][plot]") {
  fs::path dir = fresh_dir();
  write_file(dir, "a-file", "x");
  for (const std::string& tmpdir :
       {std::string("TMPDIR=/nonexistent/tmp"), std::string("TMPDIR=/proc"),
        "TMPDIR=" + (dir / "a-file").string(), std::string("TMPDIR=")}) {
    INFO(tmpdir);
    auto r = run_numkit({"poisson", "pmf", "2", "--rate", "3", "--plot", "p.svg"}, "", {tmpdir});
    CHECK(r.exit_code == 0);
    CHECK(r.err.empty());
    CHECK(names_in(r.dir) == std::vector<std::string>{"p.svg"});
  }
  auto r = run_shell("env -u TMPDIR numkit poisson pmf 2 --rate 3 --plot - | grep -c P", dir);
  CHECK(r.exit_code == 0);
}

TEST_CASE("plot_into_an_unwritable_folder_says_so_and_writes_nothing_to_stdout", "[faults][plot]") {
  // /proc/self takes no new files, even for root.
  auto r = run_numkit({"poisson", "pmf", "2", "--rate", "3", "--plot", "/proc/self/p.png"});
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("numkit: plot /proc/self/p.png: cannot write (") == 0);
  CHECK(r.out.find("PNG") == std::string::npos);
  CHECK(r.out.size() < 2000);
}

TEST_CASE("plot_hostile_names_are_written_literally_or_refused", "[faults][plot][security]") {
  const std::vector<std::string> literal = {
      "a'b.svg",           "a\"b.svg", "a`touch CANARY`.svg", "a;system('touch CANARY').svg",
      "!touch CANARY.svg", "a\\.svg",  "$(touch CANARY).svg", "a' . system('touch CANARY') . '.svg",
  };
  for (const auto& name : literal) {
    auto r = run_numkit({"poisson", "pmf", "2", "--rate", "3", "--plot", name});
    INFO(name << "\nstderr: " << r.err);
    CHECK(r.exit_code == 0);
    CHECK(names_in(r.dir) == std::vector<std::string>{name});
  }
  for (const std::string& name : {std::string("p.svg\nsystem('touch CANARY')\n#.svg"),
                                  std::string("a\r.png"), std::string("\x1b[2J.png")}) {
    auto r = run_numkit({"poisson", "pmf", "2", "--rate", "3", "--plot", name});
    INFO(name);
    CHECK(r.exit_code == 2);
    CHECK(r.err.find("the file name contains a control character") != std::string::npos);
    CHECK(r.err.find('\x1b') == std::string::npos);  // not echoed to the terminal
    CHECK(names_in(r.dir).empty());
  }
}

TEST_CASE("signal_during_a_plot_leaves_the_old_file_and_no_temporary", "[faults][signals]") {
  for (int sig : {SIGINT, SIGTERM}) {
    fs::path dir = fresh_dir();
    fs::path fake = fake_gnuplot(dir, "exec sleep 60");
    write_file(dir, "p.png", "OLD");
    Started s = start_numkit(dir, with(kPlotCommand, {"--plot", "p.png"}),
                             {"NUMKIT_GNUPLOT=" + fake.string()});
    REQUIRE(eventually([&] { return has_temporary(dir); }));
    ::kill(s.pid, sig);
    CHECK(s.wait() == 128 + sig);
    CHECK(slurp(dir / "p.png") == "OLD");
    CHECK(!has_temporary(dir));
  }
}

TEST_CASE("sigkill_during_a_plot_leaves_a_temporary_the_next_run_removes", "[faults][signals]") {
  fs::path dir = fresh_dir();
  fs::path fake = fake_gnuplot(dir, "echo $$ > gnuplot.pid; exec sleep 60");
  write_file(dir, "p.png", "OLD");
  Started s = start_numkit(dir, with(kPlotCommand, {"--plot", "p.png"}),
                           {"NUMKIT_GNUPLOT=" + fake.string()});
  REQUIRE(eventually([&] { return has_temporary(dir) && fs::exists(dir / "gnuplot.pid"); }));
  ::kill(s.pid, SIGKILL);
  CHECK(s.wait() == 128 + SIGKILL);
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  pid_t orphan = std::stoi(slurp(dir / "gnuplot.pid"));
  if (orphan > 0) ::kill(orphan, SIGKILL);
  CHECK(slurp(dir / "p.png") == "OLD");
  CHECK(has_temporary(dir));  // SIGKILL cannot be caught...
  // ...but the next run writing into the folder recognises it by name and removes it.
  auto r = run_shell("numkit poisson pmf 2 --rate 3 --plot q.svg", dir);
  CHECK(r.exit_code == 0);
  CHECK(!has_temporary(dir));
  CHECK(slurp(dir / "p.png") == "OLD");
}

TEST_CASE("sigint_during_a_sample_stream_leaves_whole_records", "[faults][signals]") {
  for (const std::string& format : {std::string("--csv"), std::string("--json")}) {
    fs::path dir = fresh_dir();
    Started s = start_numkit(
        dir, {"poisson", "sample", "1000000000", "--mean", "1000", "--seed", "1", format});
    REQUIRE(
        eventually([&] { return fs::exists(dir / "out") && fs::file_size(dir / "out") > 300000; }));
    ::kill(s.pid, SIGINT);
    CHECK(s.wait() == 128 + SIGINT);
    std::string out = slurp(dir / "out");
    REQUIRE(!out.empty());
    CHECK(out.back() == '\n');
    // Every line is a whole record: a header, a count, or a JSON object.
    std::istringstream lines(out);
    std::size_t n = 0, bad = 0;
    for (std::string line; std::getline(lines, line); ++n) {
      bool ok = !line.empty() && (line.find_first_not_of("0123456789") == std::string::npos ||
                                  (line.front() == '{' && line.back() == '}') || n == 0);
      bad += ok ? 0 : 1;
    }
    CHECK(bad == 0);
    CHECK(n > 1000);
  }
}
