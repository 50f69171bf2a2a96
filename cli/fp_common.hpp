// Helpers shared by the `numkit fp` subcommands (cli/fp*.cpp).
#pragma once

#include <string>
#include <vector>

#include "common/command.hpp"
#include "numkit/fp/format.hpp"

namespace numkit::cli::fpcli {

// --format NAME and --saturate
struct FormatChoice {
  std::string name = "fp16";
  bool saturate = false;
  const fp::Format& format() const { return fp::find_format(name, "--format"); }
  fp::Overflow overflow() const {
    return saturate ? fp::Overflow::saturate : fp::Overflow::infinity;
  }
};
void add_format_options(CLI::App* cmd, FormatChoice& choice, bool with_saturate = true);
std::string format_help();

// Numbers from --values (inline list, repeated --repeat times) or from INPUT (a file or -).
struct DataInput {
  std::string input;   // positional FILE or -
  std::string values;  // inline list
  long long repeat = 1;
  // Throws UsageError unless exactly one source is given.
  void check() const;
  bool is_inline() const { return !values.empty(); }
  std::vector<double> inline_values() const;  // already repeated
};
void add_data_input(CLI::App* cmd, DataInput& in, const std::string& what);

// A double for reports: finite values as numbers, non-finite ones as "inf"/"-inf"/"overflow"
// strings.
io::Json number(double v);
std::string percent(double fraction);

void setup_info(CLI::App* fp_cmd);
void setup_show(CLI::App* fp_cmd);
void setup_analyze(CLI::App* fp_cmd);
void setup_sum(CLI::App* fp_cmd);
void setup_update(CLI::App* fp_cmd);
void setup_scale(CLI::App* fp_cmd);

// Reports and figures reused by the tour.
io::Report info_report(const std::vector<const fp::Format*>& formats);
plot::Figure sawtooth_figure(const std::vector<const fp::Format*>& formats);
io::Report show_report(const std::vector<std::string>& values, const std::vector<std::string>& bits,
                       const std::vector<const fp::Format*>& formats, fp::Overflow mode,
                       bool table);
io::Report update_report(double weight, double update, const fp::Format& f, fp::Overflow mode,
                         unsigned long long steps);

}  // namespace numkit::cli::fpcli
