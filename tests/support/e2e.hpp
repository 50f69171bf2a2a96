#pragma once
// Assertions shared by the end-to-end tests (they use Catch2 macros, so call them inside a test).
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "run_numkit.hpp"

namespace numkit::test {

// Runs `numkit args... --json`, requires the exit code, and returns the parsed document.
inline nlohmann::json run_json(std::vector<std::string> args, int expected_exit = 0,
                               const std::string& stdin_text = "") {
  args.push_back("--json");
  const auto r = run_numkit(args, stdin_text);
  INFO("stderr: " << r.err);
  REQUIRE(r.exit_code == expected_exit);
  return nlohmann::json::parse(r.out);
}

// Bad input: exit 2, `message_part` on stderr, and no NaN passed off as an answer on stdout.
inline void expect_input_error(const std::vector<std::string>& args,
                               const std::string& message_part,
                               const std::string& stdin_text = "") {
  const auto r = run_numkit(args, stdin_text);
  std::string command = "numkit";
  for (const auto& a : args) command += " " + a;
  INFO(command << "\nstderr: " << r.err);
  CHECK(r.exit_code == 2);
  CHECK(r.err.find(message_part) != std::string::npos);
  CHECK(r.out.find("nan") == std::string::npos);
}

}  // namespace numkit::test
