#pragma once
// CLI plumbing shared by every subcommand: registration, the output flags, rendering, plotting,
// progress on a terminal and the tour. Each cli/<command>.cpp registers itself:
//   static const bool registered = numkit::cli::register_command("poisson", 60, setup_poisson);
#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "numkit/core/error.hpp"
#include "numkit/io/report.hpp"
#include "numkit/plot/plot.hpp"

namespace numkit::cli {

bool register_command(std::string name, int order, std::function<void(CLI::App& root)> setup);
// Calls the setup of the command argv[1] names, or, if it names none, every registered setup in
// order (used by main).
void setup_commands(CLI::App& root, int argc, char** argv);
// Every command's parser, whatever argv names (for `numkit completion`).
void setup_all_commands(CLI::App& root);
// Word `index` of the command line (1: the command, 2: its subcommand), empty if there is none
// or it is an option. A command with many subcommands builds only the one named here, when it
// names one of them (see setup_commands).
std::string_view command_word(std::size_t index);

// A parse error of the command line in numkit's words (cli/common/parse_error.cpp): the unknown
// command or option and the nearest known one, or CLI11's message reworded.
std::string parse_error_message(CLI::App& root, const CLI::ParseError& error, int argc,
                                char** argv);

struct OutputOptions {
  bool json = false;
  bool csv = false;
  int digits = 12;
  std::string plot;            // empty: no plot
  bool json_one_line = false;  // set by commands whose --trace - streams JSON Lines before it
  io::RenderOptions render() const;
};

void add_output_options(CLI::App& cmd, OutputOptions& out);  // --json --csv --digits
void add_plot_option(CLI::App& cmd, OutputOptions& out);  // --plot FILE|-  (checked at parse time)

// Prints the report to stdout in the chosen format; returns 0.
int emit(const io::Report& report, const OutputOptions& out);
// Draws the figure if --plot was given (after the results, so they are never lost).
void emit_plot(const plot::Figure& figure, const OutputOptions& out);

// The exit code of the command that ran: 0 success, 1 numerical failure, 2 usage or input error.
void set_exit_code(int code);
int exit_code();

// Binds a run function; its return value becomes the exit code.
template <class Opts>
void bind_run(CLI::App* cmd, std::shared_ptr<Opts> opts, std::function<int(const Opts&)> run) {
  cmd->callback([opts, run] { set_exit_code(run(*opts)); });
}

// The sample commands' N (an integer in [0, 1e15]) and --seed (empty: a random seed, announced
// on stderr so that the stream can be repeated).
long long parse_sample_count(const std::string& n);
std::uint64_t resolve_seed(const std::string& seed);

// "numkit: warning: ..." on stderr.
void warn(std::string_view message);

// Progress on stderr, drawn only when stderr is a terminal and the work has taken over a second.
class Progress {
 public:
  explicit Progress(std::string label);
  ~Progress();
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;
  void update(double fraction_done);
  ProgressFn callback();

 private:
  std::string label_;
  bool enabled_;
  bool drawn_ = false;
  std::chrono::steady_clock::time_point start_, last_;
};

// The tour: each module adds a section showing its worked examples.
class TourContext {
 public:
  TourContext(const OutputOptions& output, std::filesystem::path plot_dir, bool plots_enabled);
  // A heading, and narration lines (shown in the table format only).
  void section(const std::string& title);
  void say(const std::string& line);
  // Prints the report now (table format) or collects it under `key` for one --json/--csv document.
  void emit(const std::string& key, const io::Report& report);
  // Writes the figure to plot_dir/file_name (unless --no-plots) and mentions where.
  void plot(const plot::Figure& figure, const std::string& file_name);
  const OutputOptions& output() const { return output_; }
  const std::filesystem::path& plot_dir() const { return plot_dir_; }
  // Called by the tour command at the end.
  int finish();

 private:
  OutputOptions output_;
  std::filesystem::path plot_dir_;
  bool plots_enabled_;
  std::string current_section_;
  io::Json collected_ = io::Json::object();
  int failures_ = 0;
};

bool register_tour_section(std::string name, int order, std::function<int(TourContext&)> run);
// Runs every registered section in order; returns the worst exit code.
int run_tour_sections(TourContext& tour);

}  // namespace numkit::cli
