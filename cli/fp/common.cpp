// Helpers shared by the `numkit fp` commands: --format, the data input, numbers in reports.
#include <cmath>

#include "numkit/core/number.hpp"

#include "fp/fp.hpp"

namespace numkit::cli::fpcli {

using io::Json;

std::string format_help() {
  return "the format: " + fp::format_names() +
         " (aliases: half, float16, bfloat16, float, double, e4m3fn, fp8_e5m2, ...)";
}

void add_format_options(CLI::App* cmd, FormatChoice& choice, bool with_saturate) {
  cmd->add_option("-f,--format", choice.name, format_help() + "; default fp16")
      ->type_name("FORMAT");
  if (with_saturate)
    cmd->add_flag(
        "--saturate", choice.saturate,
        "saturating overflow: values beyond the largest finite become +-max (OCP fp8 \"saturation "
        "mode\"); default: IEEE/OCP non-saturating (inf; NaN for e4m3, which has no inf)");
}

void DataInput::check() const {
  if (!input.empty() && !values.empty())
    throw UsageError("give either INPUT or --values, not both");
  if (input.empty() && values.empty())
    throw UsageError("give the numbers as INPUT (a file or - for stdin) or --values LIST");
  if (repeat != 1 && values.empty()) throw UsageError("--repeat: only with --values");
}

std::vector<double> DataInput::inline_values() const {
  NumberOptions no;
  no.allow_nonfinite = true;
  return parse_number_list(values, "--values", no);
}

void DataInput::for_each_inline(const std::function<void(std::span<const double>)>& sink) const {
  const std::vector<double> base = inline_values();
  for (long long k = 0; k < repeat; ++k) sink(base);
}

void add_rounding_options(CLI::App* cmd, RoundingChoice& choice) {
  cmd->add_option("--rounding", choice.name,
                  "nearest (default: round to nearest, ties to even) or stochastic (up with "
                  "probability equal to the distance from the value below, over the gap)")
      ->type_name("nearest|stochastic");
  cmd->add_option("--seed", choice.seed, "seed of the stochastic rounding (default 0)")
      ->type_name("S");
}

void add_data_input(CLI::App* cmd, DataInput& in, const std::string& what) {
  cmd->add_option(
         "INPUT", in.input,
         what +
             ": a text file (numbers separated by blanks, commas or newlines; # comments; nan and "
             "inf allowed) or - for stdin")
      ->type_name("FILE|-");
  cmd->add_option("--values", in.values, "the numbers inline instead, e.g. \"0.1,0.2,1e-6\"")
      ->type_name("LIST");
  cmd->add_option("--repeat", in.repeat, "repeat the --values list N times (default 1)")
      ->type_name("N")
      ->check(CLI::Range(1LL, 100'000'000LL));
}

Json number(double v) {
  if (std::isnan(v)) return "nan";
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  return v;
}

std::string percent(double fraction) {
  return io::with_digits(100 * fraction, 4) + " %";
}

}  // namespace numkit::cli::fpcli
