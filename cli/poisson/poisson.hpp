#pragma once
// The `numkit poisson` commands: each has an options struct, a setup function that binds its
// flags (cli/poisson/<command>.cpp) and a run function that can be called without argv.
#include <cstddef>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "common/command.hpp"
#include "common/values.hpp"
#include "numkit/io/report.hpp"
#include "numkit/plot/plot.hpp"
#include "numkit/poisson/distribution.hpp"

namespace numkit::cli::poissoncli {

inline constexpr std::size_t kMaxRows = 1'000'000;

extern const char* const kAccuracy;

// ---- helpers shared by the poisson commands (cli/poisson/common.cpp) ----------------------------

std::string fmt(double v);
// Counts as JSON integers (printed exactly, never as 1e+12); +inf stays a double ("inf").
io::Json kjson(double k);

// --mean M[,M2,...] or --rate L [--time T]: the means to use.
struct MeanSpec {
  std::string mean_text;
  double rate = std::numeric_limits<double>::quiet_NaN();
  double time = 1;
  bool rate_set = false, time_set = false;
  bool allow_list = true;
};

void add_mean_options(CLI::App* cmd, MeanSpec& m, bool allow_list);
std::vector<double> resolve_means(const MeanSpec& m);
// resolve_means, for commands that return counts: mean <= 1e15 (poisson::kMaxCountMean)
std::vector<double> resolve_count_means(const MeanSpec& m);
void put_mean_source(io::Json& data, const MeanSpec& m);
double parse_k(const std::string& text, const std::string& what);
// K arguments: integers, ranges a..b, `-` (stdin) or files of integers.
std::vector<double> expand_ks(const std::vector<std::string>& args);
std::vector<double> expand_probabilities(const std::vector<std::string>& args,
                                         const std::string& what);
// k range shown in plots for a set of means.
std::pair<double, double> plot_range(const std::vector<double>& means);
plot::Figure pmf_figure(const std::vector<double>& means);

// ---- the commands ------------------------------------------------------------------------------

// pmf | logpmf | cdf | sf | logcdf | logsf: the library's six functions of k
using Fn = ::numkit::poisson::Function;

struct ValueOptions {
  Fn fn = Fn::pmf;
  std::vector<std::string> ks;
  MeanSpec mean;
  OutputOptions out;
};
const char* fn_name(Fn f);
void setup_value(CLI::App& parent, Fn fn, const std::string& description,
                 const std::string& examples);
int run_value(const ValueOptions& o);

struct QuantileOptions {
  std::vector<std::string> ps;
  MeanSpec mean;
  bool upper = false;
  OutputOptions out;
};
void setup_quantile(CLI::App& parent);
int run_quantile(const QuantileOptions& o);

struct IntervalOptions {
  double level = 0.95;
  MeanSpec mean;
  OutputOptions out;
};
void setup_interval(CLI::App& parent);
int run_interval(const IntervalOptions& o);

struct StatsOptions {
  MeanSpec mean;
  OutputOptions out;
};
void setup_stats(CLI::App& parent);
int run_stats(const StatsOptions& o);

struct TableOptions {
  MeanSpec mean;
  std::string from, to;
  OutputOptions out;
};
void setup_table(CLI::App& parent);
int run_table(const TableOptions& o);

struct WaitOptions {
  std::string rate;
  std::string events = "1";
  std::vector<std::string> times;
  std::vector<std::string> ps;
  OutputOptions out;
};
void setup_wait(CLI::App& parent);
int run_wait(const WaitOptions& o);

struct SampleOptions {
  std::string n;
  MeanSpec mean;
  std::string seed;
  int threads = 0;
  OutputOptions out;
};
void setup_sample(CLI::App& parent);
int run_sample(const SampleOptions& o);

struct FitOptions {
  std::string file = "-";
  double level = 0.95;
  OutputOptions out;
};
void setup_fit(CLI::App& parent);
int run_fit(const FitOptions& o);

struct TestOptions {
  std::string k;
  std::string time = "1";
  std::string rate = "1";
  std::string alternative = "two-sided";
  double level = 0.95;
  OutputOptions out;
};
void setup_test(CLI::App& parent);
int run_test(const TestOptions& o);

// `numkit poisson` and its tour section (cli/poisson/poisson.cpp).
void setup_poisson(CLI::App& root);
int tour_poisson(TourContext& t);

}  // namespace numkit::cli::poissoncli
