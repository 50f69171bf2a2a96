#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "numkit/core/error.hpp"
#include "numkit/core/output_file.hpp"
#include "run_numkit.hpp"

namespace fs = std::filesystem;
using numkit::OutputFile;

namespace {
std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}
std::size_t entries(const fs::path& dir) {
  return static_cast<std::size_t>(
      std::distance(fs::directory_iterator(dir), fs::directory_iterator()));
}
}  // namespace

TEST_CASE("output_file_replaces_the_target_only_on_commit", "[output]") {
  fs::path dir = numkit::test::fresh_dir();
  std::ofstream(dir / "x.txt") << "old\n";
  {
    OutputFile f((dir / "x.txt").string(), "--x-out");
    f.stream() << "new\n";
    CHECK(slurp(dir / "x.txt") == "old\n");  // still the old, complete file
    CHECK(entries(dir) == 2);                // the target and one temporary
  }  // destroyed uncommitted: the temporary goes, the target stays
  CHECK(slurp(dir / "x.txt") == "old\n");
  CHECK(entries(dir) == 1);
  numkit::write_file_atomically((dir / "x.txt").string(), "new\n");
  CHECK(slurp(dir / "x.txt") == "new\n");
  CHECK(entries(dir) == 1);
}

TEST_CASE("output_file_keeps_the_permissions_of_the_file_it_replaces", "[output]") {
  fs::path dir = numkit::test::fresh_dir();
  std::ofstream(dir / "x.txt") << "old\n";
  fs::permissions(dir / "x.txt", fs::perms::owner_read | fs::perms::owner_write);
  numkit::write_file_atomically((dir / "x.txt").string(), "new\n");
  CHECK(fs::status(dir / "x.txt").permissions() ==
        (fs::perms::owner_read | fs::perms::owner_write));
}

TEST_CASE("output_file_writes_through_a_symbolic_link", "[output]") {
  fs::path dir = numkit::test::fresh_dir();
  fs::create_directories(dir / "real");
  std::ofstream(dir / "real" / "t.txt") << "old\n";
  fs::create_symlink("real/t.txt", dir / "link.txt");                  // relative
  fs::create_symlink(dir / "real" / "new.txt", dir / "dangling.txt");  // to a file not yet there
  numkit::write_file_atomically((dir / "link.txt").string(), "new\n");
  CHECK(fs::is_symlink(dir / "link.txt"));
  CHECK(slurp(dir / "real" / "t.txt") == "new\n");
  numkit::write_file_atomically((dir / "dangling.txt").string(), "made\n");
  CHECK(fs::is_symlink(dir / "dangling.txt"));
  CHECK(slurp(dir / "real" / "new.txt") == "made\n");
  CHECK(entries(dir / "real") == 2);
}

TEST_CASE("output_file_writes_into_a_device_or_fifo_without_replacing_it", "[output]") {
  numkit::write_file_atomically("/dev/null", "discarded\n", "--x-out");
  struct stat st;
  REQUIRE(::stat("/dev/null", &st) == 0);
  CHECK(S_ISCHR(st.st_mode));
  fs::path dir = numkit::test::fresh_dir();
  fs::path fifo = dir / "fifo";
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  pid_t reader = fork();
  if (reader == 0) {  // drains the FIFO into "got"
    std::ifstream in(fifo, std::ios::binary);
    std::ofstream(dir / "got", std::ios::binary) << in.rdbuf();
    _exit(0);
  }
  REQUIRE(reader > 0);
  numkit::write_file_atomically(fifo.string(), "into the fifo\n", "--x-out");
  int status = 0;
  waitpid(reader, &status, 0);
  CHECK(slurp(dir / "got") == "into the fifo\n");
  CHECK(fs::is_fifo(fifo));
}

TEST_CASE("output_file_refuses_directories_names_with_control_characters_and_missing_folders",
          "[output]") {
  fs::path dir = numkit::test::fresh_dir();
  CHECK_THROWS_WITH(numkit::check_output_path(dir.string(), "--x-out"),
                    "--x-out " + dir.string() + ": is a directory");
  CHECK_THROWS_WITH(OutputFile(dir.string(), "--x-out"),
                    "--x-out " + dir.string() + ": is a directory");
  CHECK_THROWS_WITH(numkit::check_output_path("a\nb.txt", "--x-out"),
                    "--x-out: the file name contains a control character (0x0a at byte 2); use "
                    "a plain file name");
  CHECK_THROWS_WITH(
      numkit::check_output_path((dir / "no" / "x.txt").string(), "--x-out"),
      "--x-out " + (dir / "no" / "x.txt").string() + ": no such folder " + (dir / "no").string());
  CHECK(fs::is_empty(dir));
}

TEST_CASE("output_file_temporaries_of_dead_runs_are_recognised_and_removed", "[output]") {
  CHECK(numkit::detail::temporary_owner(".x.txt.numkit-1234-0.tmp") == 1234);
  CHECK(numkit::detail::temporary_owner(".a.b.numkit-77-12.tmp") == 77);
  CHECK(numkit::detail::temporary_owner("x.txt.numkit-1234-0.tmp") == 0);
  CHECK(numkit::detail::temporary_owner(".x.txt.numkit-1234.tmp") == 0);
  CHECK(numkit::detail::temporary_owner(".x.txt.numkit-12a4-0.tmp") == 0);
  CHECK(numkit::detail::temporary_owner(".numkit-1-0.tmp") == 0);

  fs::path dir = numkit::test::fresh_dir();
  // A pid that is certainly gone: a child that has exited and been reaped.
  pid_t gone = fork();
  if (gone == 0) _exit(0);
  REQUIRE(gone > 0);
  int status = 0;
  waitpid(gone, &status, 0);
  std::string stale = ".p.png.numkit-" + std::to_string(gone) + "-0.tmp";
  std::string alive = ".p.png.numkit-" + std::to_string(getppid()) + "-0.tmp";
  std::ofstream(dir / stale) << "torn";
  std::ofstream(dir / alive) << "in progress";
  std::ofstream(dir / ".mine.tmp") << "not ours";
  numkit::write_file_atomically((dir / "other.txt").string(), "x");
  CHECK(!fs::exists(dir / stale));
  CHECK(fs::exists(dir / alive));  // its writer still runs
  CHECK(fs::exists(dir / ".mine.tmp"));
  CHECK(fs::exists(dir / "other.txt"));
}
