// Inputs that are not ordinary files, and messages that stay short and accurate: closed stdin,
// /dev/zero, a FIFO, a directory, a huge expression, out of memory.
#include <sys/stat.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <string>

#include "e2e.hpp"
#include "run_numkit.hpp"

namespace fs = std::filesystem;
using numkit::test::expect_input_error;
using numkit::test::fresh_dir;
using numkit::test::run_numkit;
using numkit::test::run_shell;

TEST_CASE("closed_stdin_is_an_empty_input_not_an_internal_error", "[messages]") {
  fs::path dir = fresh_dir();
  for (const std::string& cmd :
       {std::string("numkit quad analyze -A - <&-"), std::string("numkit poisson fit - <&-")}) {
    auto r = run_shell(cmd, dir);
    INFO(cmd << "\nstderr: " << r.err);
    CHECK(r.exit_code == 2);
    CHECK(r.err.find("internal error") == std::string::npos);
    CHECK(r.err.find("Bad file descriptor") == std::string::npos);
    CHECK(r.err.find("<stdin>") != std::string::npos);
  }
}

TEST_CASE("closed_stdout_does_not_turn_an_output_file_into_stdout", "[messages]") {
  fs::path dir = fresh_dir();
  auto r = run_shell("numkit poisson pmf 2 --rate 3 --plot p.svg >&-; echo $?", dir);
  CHECK(r.out == "0\n");
  CHECK(fs::file_size(dir / "p.svg") > 1000);
}

TEST_CASE("device_fifo_and_directory_inputs_get_accurate_messages", "[messages]") {
  expect_input_error({"quad", "analyze", "-A", "/dev/zero"},
                     "/dev/zero: binary data (a NUL byte at byte 1), expected text");
  expect_input_error({"poisson", "fit", "/dev/zero"}, "/dev/zero: binary data");
  expect_input_error({"quad", "analyze", "-A", "/tmp"}, "/tmp: is a directory, expected a file");
  expect_input_error({"poisson", "fit", "/tmp"}, "/tmp: is a directory, expected a file");
  expect_input_error({"quad", "analyze", "-A", "/nonexistent/A.csv"},
                     "/nonexistent/A.csv: no such file");
  expect_input_error({"quad", "analyze", "-A", "/dev/null"}, "/dev/null: empty input");
  // A FIFO (as from <(process substitution)) is read like a file.
  fs::path dir = fresh_dir();
  REQUIRE(::mkfifo((dir / "A.fifo").c_str(), 0600) == 0);
  // The writer is bounded, so a reader that never opens the FIFO fails the test, not hangs it.
  auto r = run_shell(
      "timeout 20 sh -c \"printf '2 0\\n0 3\\n' > A.fifo\" & numkit quad analyze -A A.fifo --csv",
      dir);
  INFO(r.err);
  CHECK(r.exit_code == 0);
  CHECK(r.out.find("class,positive definite") != std::string::npos);
  // A Matrix Market FIFO too: the parallel file reader must leave it to the stream reader.
  REQUIRE(::mkfifo((dir / "A.mtx").c_str(), 0600) == 0);
  r = run_shell(
      "timeout 20 sh -c \"printf '%%%%MatrixMarket matrix coordinate real symmetric\\n2 2 2\\n"
      "1 1 2\\n2 2 3\\n' > A.mtx\" & numkit quad analyze -A A.mtx --csv",
      dir);
  INFO(r.err);
  CHECK(r.exit_code == 0);
  CHECK(r.out.find("class,positive definite") != std::string::npos);
}

TEST_CASE("an_error_in_a_huge_expression_echoes_a_window_around_the_caret", "[messages]") {
  std::string expression;
  for (int i = 0; i < 40000; ++i) expression += "x+";  // 80 kB: one argument holds 128 kB
  expression += "*y";                                  // the error, at the very end
  for (int i = 0; i < 1000; ++i) expression += "+y";
  auto r = run_numkit({"grad", expression, "--at", "1,2"});
  CHECK(r.exit_code == 2);
  CHECK(r.err.size() < 400);
  CHECK(r.err.find("column 80001") != std::string::npos);
  CHECK(r.err.find("...x+x+") != std::string::npos);
  CHECK(r.err.find("+y+y...") != std::string::npos);
  // The caret sits under the offending character.
  auto echo = r.err.find("\n  ") + 3, caret_line = r.err.find('\n', echo) + 1;
  auto caret = r.err.find('^', caret_line) - caret_line - 2;
  CHECK(r.err.substr(echo + caret, 1) == "*");
}

#if !defined(__SANITIZE_ADDRESS__)  // ASan reserves terabytes of address space: no ulimit -v
TEST_CASE("out_of_memory_exits_2_with_one_line_and_no_file", "[messages]") {
  // A dense 20000x20000 matrix (3.2 GB) cannot be built in 400 MB of address space.
  fs::path dir = fresh_dir();
  auto r = run_shell("ulimit -v 400000; numkit quad generate random-spd --n 20000 -o x.mtx", dir);
  CHECK(r.exit_code == 2);
  CHECK(r.err == "numkit: out of memory: the input needs more memory than is available\n");
  CHECK(fs::is_empty(dir));
}
#endif
