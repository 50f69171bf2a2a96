#pragma once
// Runs the built numkit binary as a user would, for end-to-end tests.
#include <filesystem>
#include <string>
#include <vector>

namespace numkit::test {

struct RunResult {
  int exit_code = -1;
  std::string out;            // stdout
  std::string err;            // stderr
  std::filesystem::path dir;  // the fresh working directory it ran in (kept for inspection)
};

// Runs `numkit args...` with `stdin_text` on standard input, in a fresh temporary directory.
// `env` entries ("NAME=value") are added to the environment.
RunResult run_numkit(const std::vector<std::string>& args, const std::string& stdin_text = "",
                     const std::vector<std::string>& env = {});

// Runs a shell command line (with the numkit binary's folder first on PATH) in `dir`.
RunResult run_shell(const std::string& command_line, const std::filesystem::path& dir,
                    const std::string& stdin_text = "");

// Writes `contents` to `dir/name` and returns the path (for file inputs).
std::filesystem::path write_file(const std::filesystem::path& dir, const std::string& name,
                                 const std::string& contents);

// A fresh temporary directory.
std::filesystem::path fresh_dir();

// The numkit binary and the source tree.
std::string numkit_binary();
std::filesystem::path source_dir();

}  // namespace numkit::test
