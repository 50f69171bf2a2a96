// The numkit binary as a user meets it: help, version, exit codes, the tour, and every example
// printed by `--help` (each one is run and must succeed).
#include <catch2/catch.hpp>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <sstream>

#include "run_numkit.hpp"

using numkit::test::run_numkit;
using numkit::test::run_shell;

namespace {

// The subcommand names listed under "Subcommands:" in a help text.
std::vector<std::string> subcommands_in(const std::string& help) {
  std::vector<std::string> names;
  std::istringstream in(help);
  bool in_section = false;
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("Subcommands:", 0) == 0) {
      in_section = true;
      continue;
    }
    if (in_section) {
      if (line.empty() || line[0] != ' ') {
        if (!line.empty()) in_section = false;
        continue;
      }
      std::istringstream words(line);
      std::string name;
      words >> name;
      if (!name.empty()) names.push_back(name);
    }
  }
  return names;
}

// The lines "  numkit ..." after "Examples:" in a help text.
std::vector<std::string> examples_in(const std::string& help) {
  std::vector<std::string> examples;
  std::istringstream in(help);
  bool in_section = false;
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("Examples:", 0) == 0) {
      in_section = true;
      continue;
    }
    if (!in_section) continue;
    auto start = line.find_first_not_of(' ');
    if (start == std::string::npos) continue;
    if (start == 0) {
      in_section = false;
      continue;
    }
    if (line.compare(start, 7, "numkit ") == 0) examples.push_back(line.substr(start));
  }
  return examples;
}

// Every command path: {"tour"}, {"quad", "analyze"}, ...
void collect_commands(const std::vector<std::string>& prefix,
                      std::vector<std::vector<std::string>>& out) {
  std::vector<std::string> args = prefix;
  args.push_back("--help");
  auto help = run_numkit(args);
  REQUIRE(help.exit_code == 0);
  if (!prefix.empty()) out.push_back(prefix);
  for (const auto& name : subcommands_in(help.out)) {
    auto next = prefix;
    next.push_back(name);
    collect_commands(next, out);
  }
}

}  // namespace

TEST_CASE("help_lists_commands_and_exit_codes", "[cli]") {
  auto r = run_numkit({"--help"});
  CHECK(r.exit_code == 0);
  CHECK(r.err.empty());
  CHECK(r.out.find("Exit codes:") != std::string::npos);
  CHECK(r.out.find("tour") != std::string::npos);
}

TEST_CASE("version_prints_the_version_on_one_line", "[cli]") {
  auto r = run_numkit({"--version"});
  CHECK(r.exit_code == 0);
  // With the libraries that decide the numbers, as linked.
  CHECK(std::regex_match(r.out, std::regex("numkit [0-9]+\\.[0-9]+\\.[0-9]+ \\(Eigen 3\\.[0-9.]+, "
                                           "Boost 1\\.[0-9.]+, OpenBLAS [0-9.]+, CHOLMOD "
                                           "[0-9.]+, MPFR [0-9.]+\\)\n")));
}

TEST_CASE("a_query_that_needs_no_linear_algebra_loads_none_of_the_heavy_libraries", "[cli]") {
  // Start-up is most of a query's time: OpenBLAS, LAPACKE, CHOLMOD and libzip (with libcrypto)
  // are opened on first use only. The dynamic loader lists every library it opens.
  for (const std::vector<std::string>& query :
       {std::vector<std::string>{"poisson", "cdf", "3", "--mean", "2"},
        std::vector<std::string>{"fp", "show", "65504", "--format", "fp16"},
        std::vector<std::string>{"grad", "x^2+y^2", "--at", "1,2"}}) {
    auto r = run_numkit(query, "", {"LD_DEBUG=files"});
    INFO(query[0] << " " << query[1]);
    REQUIRE(r.exit_code == 0);
    REQUIRE(r.err.find("file=libmpfr") != std::string::npos);  // LD_DEBUG took effect
    for (const char* heavy : {"openblas", "lapack", "cholmod", "libzip", "libcrypto"})
      CHECK(r.err.find(heavy) == std::string::npos);
  }
  // and a command that needs one opens it
  auto quad = run_numkit({"quad", "analyze", "-A", "[[3,2],[2,6]]", "-b", "[-2,8]"}, "",
                         {"LD_DEBUG=files"});
  REQUIRE(quad.exit_code == 0);
  CHECK(quad.err.find("openblas") != std::string::npos);
}

TEST_CASE("usage_errors_exit_2_with_one_line_on_stderr", "[cli]") {
  for (const auto& args : std::vector<std::vector<std::string>>{
           {}, {"no-such-command"}, {"tour", "--no-such-flag"}, {"tour", "--digits", "0"}}) {
    auto r = run_numkit(args);
    INFO(r.err);
    CHECK(r.exit_code == 2);
    CHECK(r.out.empty());
    CHECK(r.err.rfind("numkit: ", 0) == 0);
  }
}

TEST_CASE("a_misspelled_command_or_option_is_named_with_the_nearest_one", "[cli]") {
  struct Case {
    std::vector<std::string> args;
    std::string err;
  } cases[] = {
      {{"poison", "cdf", "3", "--mean", "3"},
       "numkit: unknown command \"poison\"; did you mean \"poisson\"?\n"},
      {{"quad", "analyse", "-A", "1"},
       "numkit: unknown command \"quad analyse\"; did you mean \"quad analyze\"?\n"},
      {{"help", "poisson"},
       "numkit: there is no \"help\" command; run \"numkit poisson --help\"\n"},
      {{"poisson", "cdf", "3", "--mu", "3"},
       "numkit: unknown option \"--mu\" for \"poisson cdf\"; did you mean \"--mean\"?\n"},
      {{"quad", "minimize", "-A", "1", "--metod", "cg"},
       "numkit: unknown option \"--metod\" for \"quad minimize\"; did you mean \"--method\"?\n"},
      {{"poisson", "cdf", "3", "--mean"}, "numkit: --mean: expected a value (M)\n"},
      {{"poisson", "cdf", "3", "--mean", "3", "--json", "--csv"},
       "numkit: --json and --csv cannot be used together\n"},
      {{"fp", "show", "1", "--digits", "30"}, "numkit: --digits: 30 is outside 1..17\n"},
      {{}, "numkit: a command is required (numkit --help lists them)\n"},
      {{"xyzzy"}, "numkit: unknown command \"xyzzy\"\n"},
  };
  for (const auto& c : cases) {
    auto r = run_numkit(c.args);
    std::string command = "numkit";
    for (const auto& a : c.args) command += " " + a;
    INFO(command);
    CHECK(r.exit_code == 2);
    CHECK(r.out.empty());
    CHECK(r.err == c.err);
  }
  // No CLI11 wording reaches the user.
  for (const auto& args : std::vector<std::vector<std::string>>{
           {"poisson"}, {"poisson", "cdf"}, {"grad", "x^2"}, {"quad", "minimize", "-A"}}) {
    auto r = run_numkit(args);
    INFO(r.err);
    CHECK(r.exit_code == 2);
    for (const char* cli11 :
         {"subcommand", "required M missing", "not expected", "Value ", "excludes", " is required"})
      CHECK(r.err.find(cli11) == std::string::npos);
  }
}

TEST_CASE("a_bare_group_lists_its_commands", "[cli]") {
  auto r = run_numkit({"poisson"});
  CHECK(r.exit_code == 2);
  CHECK(r.err.rfind("numkit: \"numkit poisson\" needs a command:\n", 0) == 0);
  for (const char* command : {"\n  cdf ", "\n  pmf ", "\n  quantile ", "\n  sample "})
    CHECK(r.err.find(command) != std::string::npos);
}

TEST_CASE("every_help_example_runs_and_succeeds", "[cli]") {
  std::vector<std::vector<std::string>> commands;
  collect_commands({}, commands);
  CHECK(commands.size() >= 1);
  std::set<std::string> seen;
  int leaf_commands_with_examples = 0;
  for (const auto& command : commands) {
    auto args = command;
    args.push_back("--help");
    auto help = run_numkit(args);
    bool leaf = subcommands_in(help.out).empty();
    auto examples = examples_in(help.out);
    std::string joined;
    for (const auto& c : command) joined += c + " ";
    INFO("numkit " << joined);
    if (leaf) {
      CHECK_FALSE(examples.empty());  // every leaf command shows how to use it
      // every leaf command offers the shared output flags
      CHECK(help.out.find("--json") != std::string::npos);
      CHECK(help.out.find("--csv") != std::string::npos);
      if (!examples.empty()) ++leaf_commands_with_examples;
    } else if (!command.empty()) {
      // A group's page ends with examples of that group (not the root's tour example).
      CHECK_FALSE(examples.empty());
      for (const auto& example : examples)
        CHECK(example.rfind("numkit " + command[0] + " ", 0) == 0);
    }
    for (const auto& example : examples) {
      if (!seen.insert(example).second) continue;
      auto dir = numkit::test::fresh_dir();
      auto r = run_shell(example + " </dev/null", dir);
      INFO(example << "\nstdout:\n" << r.out << "\nstderr:\n" << r.err);
      CHECK(r.exit_code == 0);
    }
  }
  CHECK(leaf_commands_with_examples >= 1);
}

TEST_CASE("tour_runs_and_writes_its_plots", "[cli][tour]") {
  auto r = run_numkit({"tour", "--out", "plots"});
  INFO(r.err);
  CHECK(r.exit_code == 0);
  namespace fs = std::filesystem;
  std::size_t plots = 0;
  if (fs::exists(r.dir / "plots"))
    for (const auto& entry : fs::directory_iterator(r.dir / "plots")) {
      CHECK(entry.path().extension() == ".png");
      CHECK(fs::file_size(entry.path()) > 1000);
      ++plots;
    }
  // Every plot the tour mentions exists.
  std::istringstream out(r.out);
  for (std::string line; std::getline(out, line);)
    if (line.rfind("plot: ", 0) == 0) CHECK(fs::exists(r.dir / line.substr(6)));
}

TEST_CASE("tour_json_is_one_document", "[cli][tour]") {
  auto r = run_numkit({"tour", "--no-plots", "--json"});
  CHECK(r.exit_code == 0);
  CHECK_NOTHROW(nlohmann::json::parse(r.out));
}

TEST_CASE("missing_gnuplot_keeps_results_and_exits_2", "[cli][plot]") {
  auto with = run_numkit({"tour", "--out", "plots"});
  auto r = run_numkit({"tour", "--out", "plots"}, "", {"NUMKIT_GNUPLOT=/nonexistent/gnuplot"});
  INFO(r.err);
  // The results are all still printed (only the "plot: FILE" lines are missing), and each plot
  // that could not be drawn is one clear line on stderr.
  std::string expected;
  std::istringstream lines(with.out);
  for (std::string line; std::getline(lines, line);)
    if (line.rfind("plot: ", 0) != 0) expected += line + "\n";
  CHECK(r.out == expected);
  if (with.out.find("plot: ") != std::string::npos) {
    CHECK(r.exit_code == 2);
    CHECK(r.err.find("numkit: plot: gnuplot not found at /nonexistent/gnuplot") !=
          std::string::npos);
  }
  namespace fs = std::filesystem;
  if (fs::exists(r.dir / "plots")) CHECK(fs::is_empty(r.dir / "plots"));
}

// The completion script is generated from the command definitions: bash completes commands,
// subcommands, flags and the values a flag lists; zsh and fish get theirs; another shell is a
// usage error.
TEST_CASE("completion_scripts_complete_commands_flags_and_values", "[cli]") {
  const auto dir = numkit::test::fresh_dir();
  const std::string probe =
      "source <(numkit completion bash)\n"
      "t() { COMP_WORDS=(\"$@\"); COMP_CWORD=$((${#COMP_WORDS[@]}-1)); _numkit; "
      "echo \"${COMPREPLY[*]}\"; }\n"
      "t numkit qu\n"
      "t numkit quad mi\n"
      "t numkit quad minimize --back\n"
      "t numkit fp analyze --format ''\n"
      "t numkit fp analyze --rounding s\n"
      "t numkit poisson c\n"
      "t numkit --vers\n";
  numkit::test::write_file(dir, "probe.sh", probe);
  const auto r = run_shell("bash probe.sh", dir);
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  std::vector<std::string> lines;
  std::istringstream in(r.out);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  REQUIRE(lines.size() == 7);
  CHECK(lines[0] == "quad");
  CHECK(lines[1] == "minimize");
  CHECK(lines[2] == "--backend");
  CHECK(lines[3] == "fp64 fp32 tf32 fp16 bf16 e5m2 e4m3 e5m2fnuz e4m3fnuz");
  CHECK(lines[4] == "stochastic");
  CHECK(lines[5] == "cdf");
  CHECK(lines[6] == "--version");
  const auto zsh = run_numkit({"completion", "zsh"});
  CHECK(zsh.exit_code == 0);
  CHECK(zsh.out.find("bashcompinit") != std::string::npos);
  const auto fish = run_numkit({"completion", "fish"});
  CHECK(fish.exit_code == 0);
  CHECK(fish.out.find("complete -c numkit -n '__fish_seen_subcommand_from fp; and "
                      "__fish_seen_subcommand_from analyze' -l format -r -a 'fp64") !=
        std::string::npos);
  const auto bad = run_numkit({"completion", "tcsh"});
  CHECK(bad.exit_code == 2);
  CHECK(bad.err == "numkit: completion: unknown shell \"tcsh\"; expected bash, zsh or fish\n");
  CHECK(bad.out.empty());
}
