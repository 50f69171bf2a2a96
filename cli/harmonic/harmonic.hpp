#pragma once
// The `numkit harmonic` commands: each has an options struct, a setup function that binds its
// flags (cli/harmonic/<command>.cpp) and a run function that can be called without argv.
#include <cstddef>
#include <string>
#include <vector>

#include "common/command.hpp"
#include "common/values.hpp"
#include "numkit/harmonic/harmonic.hpp"
#include "numkit/io/report.hpp"
#include "numkit/plot/plot.hpp"

namespace numkit::cli::harmoniccli {

using BigInt = numkit::harmonic::BigInt;

inline constexpr std::size_t kMaxRows = 1'000'000;
inline constexpr int kMaxDigits = 100;

// ---- helpers shared by the harmonic commands (cli/harmonic/common.cpp) --------------------------

// Integers as JSON numbers while they are exact in a double, otherwise as decimal strings.
io::Json count_json(const BigInt& n);
// A gap that may be far below the double range: a number when representable, else text.
io::Json gap_json(double value, const std::string& text);

struct Token {
  std::string text, where;
};

// Each argument is a value, `-` (whitespace-separated values on stdin) or a file of values
// (`#` starts a comment). Values keep their position for messages.
std::vector<Token> expand_inputs(const std::vector<std::string>& args, const std::string& what,
                                 bool (*looks_like_value)(const std::string&));
// --digits beyond 17 selects high-precision decimal output for `value`.
void widen_digits(CLI::App* cmd);
OutputOptions table_digits(OutputOptions out);
long long parse_order(const std::string& text);

plot::Figure value_figure(const BigInt& n_max);
// The proof picture: rectangles of height 1/k on [k, k+1] lie above 1/x (their area H(n) exceeds
// ln(n+1)); those on [k-1, k] for k >= 2 lie below it (area H(n) - 1 < ln n).
plot::Figure proof_figure(const BigInt& n);

// ---- the commands ------------------------------------------------------------------------------

struct ValueOptions {
  std::vector<std::string> n;
  std::string order = "1";
  bool exact = false;
  OutputOptions out;
};
void setup_value(CLI::App& parent);
int run_value(const ValueOptions& opts);

struct BoundsOptions {
  std::string n;
  OutputOptions out;
};
io::Report bounds_report(const harmonic::Bounds& b);
void setup_bounds(CLI::App& parent);
int run_bounds(const BoundsOptions& o);

struct InverseOptions {
  std::vector<std::string> x;
  OutputOptions out;
};
void setup_inverse(CLI::App& parent);
int run_inverse(const InverseOptions& o);

struct StallOptions {
  std::string format = "fp16";
  std::string terms;
  bool simulate = false;
  OutputOptions out;
};
void setup_stall(CLI::App& parent);
int run_stall(const StallOptions& o);

struct TableOptions {
  std::string from = "1", to = "10", step = "1";
  std::string order = "1";
  OutputOptions out;
};
void setup_table(CLI::App& parent);
int run_table(const TableOptions& o);

// `numkit harmonic` and its tour section (cli/harmonic/harmonic.cpp).
void setup_harmonic(CLI::App& root);
int tour_harmonic(TourContext& t);

}  // namespace numkit::cli::harmoniccli
