// Every example in README.md and docs/*.md is a test: a line `$ numkit ...` inside a fenced
// block is run with sh (in a fresh folder that sees the repository's examples/ and docs/), must
// exit 0, and must print exactly the lines that follow it, up to the next `$ ` line or the
// fence (trailing blank lines aside).
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "run_numkit.hpp"

namespace fs = std::filesystem;

namespace {

struct DocExample {
  std::string file;
  int line = 0;
  std::string command;
  std::string expected;
  bool has_expected = false;
};

std::vector<DocExample> examples_in(const fs::path& path) {
  std::vector<DocExample> found;
  std::ifstream in(path);
  bool in_fence = false;
  DocExample* current = nullptr;
  int line_no = 0;
  for (std::string line; std::getline(in, line);) {
    ++line_no;
    if (line.rfind("```", 0) == 0) {
      in_fence = !in_fence;
      current = nullptr;
      continue;
    }
    if (!in_fence) continue;
    if (line.rfind("$ numkit", 0) == 0) {
      found.push_back({path.filename().string(), line_no, line.substr(2), "", false});
      current = &found.back();
      continue;
    }
    if (line.rfind("$ ", 0) == 0) {
      current = nullptr;
      continue;
    }
    if (current == nullptr) continue;
    current->expected += line + "\n";
    if (!line.empty()) current->has_expected = true;
  }
  return found;
}

std::string without_trailing_blank_lines(std::string s) {
  while (s.size() >= 2 && s[s.size() - 1] == '\n' && s[s.size() - 2] == '\n') s.pop_back();
  return s;
}

std::vector<fs::path> documents() {
  std::vector<fs::path> docs{numkit::test::source_dir() / "README.md"};
  if (fs::exists(numkit::test::source_dir() / "docs"))
    for (const auto& entry : fs::directory_iterator(numkit::test::source_dir() / "docs"))
      if (entry.path().extension() == ".md") docs.push_back(entry.path());
  std::sort(docs.begin(), docs.end());
  return docs;
}

}  // namespace

TEST_CASE("documentation_examples_print_what_the_documents_say", "[docs]") {
  int count = 0;
  for (const auto& doc : documents()) {
    if (!fs::exists(doc)) continue;
    for (const auto& example : examples_in(doc)) {
      ++count;
      DYNAMIC_SECTION(example.file << ":" << example.line << ": " << example.command) {
        fs::path dir = numkit::test::fresh_dir();
        for (const char* shared : {"examples", "docs"})
          if (fs::exists(numkit::test::source_dir() / shared))
            fs::create_directory_symlink(numkit::test::source_dir() / shared, dir / shared);
        auto r = numkit::test::run_shell(example.command, dir);
        INFO("stderr:\n" << r.err);
        CHECK(r.exit_code == 0);
        if (example.has_expected)
          CHECK(without_trailing_blank_lines(r.out) ==
                without_trailing_blank_lines(example.expected));
      }
    }
  }
  CHECK(count > 0);
}
