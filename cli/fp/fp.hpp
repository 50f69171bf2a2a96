#pragma once
// The `numkit fp` commands: each has an options struct, a setup function that binds its flags
// (cli/fp/<command>.cpp) and a run function that can be called without argv.
#include <functional>
#include <span>
#include <string>
#include <vector>

#include "common/command.hpp"
#include "numkit/fp/format.hpp"
#include "numkit/fp/scale.hpp"
#include "numkit/io/report.hpp"
#include "numkit/plot/plot.hpp"

namespace numkit::cli::fpcli {

// ---- helpers shared by the fp commands (cli/fp/common.cpp) ------------------------------------

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
  std::vector<double> inline_values() const;  // the --values list once (not repeated)
  // hands the --values list to `sink` --repeat times: memory of one copy, whatever the count
  void for_each_inline(const std::function<void(std::span<const double>)>& sink) const;
};
void add_data_input(CLI::App* cmd, DataInput& in, const std::string& what);

// A double for reports: finite values as numbers, non-finite ones as "inf"/"-inf"/"overflow"
// strings.
io::Json number(double v);
std::string percent(double fraction);

void setup_info(CLI::App* fp_cmd);

// ---- the commands ------------------------------------------------------------------------------

struct InfoOptions {
  std::vector<std::string> names;
  OutputOptions out;
};
void setup_info(CLI::App& fp_cmd);
int run_info(const InfoOptions& o);
// Reused by the tour.
io::Report info_report(const std::vector<const fp::Format*>& formats);
plot::Figure sawtooth_figure(const std::vector<const fp::Format*>& formats);

struct ShowOptions {
  std::vector<std::string> values, bits, formats;
  bool saturate = false;
  OutputOptions out;
};
void setup_show(CLI::App& fp_cmd);
int run_show(const ShowOptions& o);
io::Report show_report(const std::vector<std::string>& values, const std::vector<std::string>& bits,
                       const std::vector<const fp::Format*>& formats, fp::Overflow mode,
                       bool table);

// --rounding nearest|stochastic --seed S (fp sum, update, analyze)
struct RoundingChoice {
  std::string name = "nearest";
  unsigned long long seed = 0;
  fp::Rounding rounding() const { return fp::parse_rounding(name, "--rounding"); }
};
void add_rounding_options(CLI::App* cmd, RoundingChoice& choice);

struct AnalyzeOptions {
  DataInput in;
  FormatChoice fmt;
  RoundingChoice round;
  std::string raw;
  std::vector<std::string> tensors;  // --tensor NAME|GLOB (tensor files)
  std::string dtype;                 // --dtype for V1/V2 .npy elements
  double scale = 1, margin = 2;
  int threads = 2;
  OutputOptions out;
};
void setup_analyze(CLI::App& fp_cmd);
int run_analyze(const AnalyzeOptions& o);

struct SumOptions {
  DataInput in;
  FormatChoice fmt;
  RoundingChoice round;
  OutputOptions out;
};
void setup_sum(CLI::App& fp_cmd);
int run_sum(const SumOptions& o);

struct UpdateOptions {
  std::string weight, update, weights, updates;
  unsigned long long steps = 1;
  FormatChoice fmt;
  RoundingChoice round;
  OutputOptions out;
};
void setup_update(CLI::App& fp_cmd);
int run_update(const UpdateOptions& o);
io::Report update_report(double weight, double update, const fp::Format& f, fp::Overflow mode,
                         unsigned long long steps, fp::Rounding rounding = fp::Rounding::nearest,
                         unsigned long long seed = 0);

struct ScaleOptions {
  DataInput in;
  FormatChoice fmt;
  std::string raw;
  long long per_step = 0;
  fp::ScaleOptions so;
  OutputOptions out;
};
void setup_scale(CLI::App& fp_cmd);
int run_scale(const ScaleOptions& o);

// `numkit fp` and its tour section (cli/fp/fp.cpp).
void setup_fp(CLI::App& root);
int tour_fp(TourContext& t);

}  // namespace numkit::cli::fpcli
