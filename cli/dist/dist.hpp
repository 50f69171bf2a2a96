#pragma once
// numkit dist: the Poisson family side by side. One folder, one file per command, each with an
// options struct, a setup and a run function (CLI11's examples/subcom_in_files pattern):
//   numkit dist FAMILY VERB ...   (values.cpp, sample.cpp, fit.cpp, approx in compare.cpp)
//   numkit dist compare SPEC...   (compare.cpp)
#include <string>
#include <vector>

#include "common/command.hpp"
#include "numkit/dist/distribution.hpp"

namespace numkit::cli::distcli {

using numkit::dist::Distribution;
using numkit::dist::Family;

// The family's parameter flags (texts, parsed in make() so that every message names the flag).
struct FamilyParams {
  Family family = Family::poisson;
  std::string lambda, size, prob, mu, shape, rate, scale, mean, sd;
  void add_to(CLI::App* cmd);
  Distribution make() const;
};

// "binomial:30,0.1", "negbin:3,5" (mu, size), "normal:3,1.732", or named "negbin:size=5,prob=0.6".
Distribution parse_spec(const std::string& spec);

using numkit::dist::family_discrete;  // the library's
using numkit::dist::family_name;
// One line naming the parameters and the convention (R's names; SciPy's in brackets).
std::string family_convention(Family f);
// The law's parameters as report keys.
void put_parameters(io::Json& data, const Distribution& d);

// Points: counts (integers, ranges 0..12, - or files) for discrete laws, numbers (lists, - or
// files) for continuous ones.
std::vector<double> expand_points(const std::vector<std::string>& args, bool discrete);
std::vector<double> expand_probabilities(const std::vector<std::string>& args,
                                         const std::string& what);
io::Json count_json(double k);  // exact integers for counts, doubles otherwise
plot::Figure law_figure(const Distribution& d, double lo, double hi);

// ---- verbs ------------------------------------------------------------------------------------
enum class ValueFn { pdf, logpdf, cdf, sf, logcdf, logsf };
struct ValueOptions {
  FamilyParams params;
  ValueFn fn = ValueFn::pdf;
  std::vector<std::string> points;
  OutputOptions out;
};
void setup_value(CLI::App* family_cmd, Family f, ValueFn fn);
int run_value(const ValueOptions& o);

struct QuantileOptions {
  FamilyParams params;
  std::vector<std::string> ps;
  bool upper = false;
  OutputOptions out;
};
void setup_quantile(CLI::App* family_cmd, Family f);
int run_quantile(const QuantileOptions& o);

struct IntervalOptions {
  FamilyParams params;
  double level = 0.95;
  OutputOptions out;
};
void setup_interval(CLI::App* family_cmd, Family f);
int run_interval(const IntervalOptions& o);

struct StatsOptions {
  FamilyParams params;
  OutputOptions out;
};
void setup_stats(CLI::App* family_cmd, Family f);
int run_stats(const StatsOptions& o);

struct TableOptions {
  FamilyParams params;
  std::string from, to;
  int points = 11;
  OutputOptions out;
};
void setup_table(CLI::App* family_cmd, Family f);
int run_table(const TableOptions& o);

struct SampleOptions {
  FamilyParams params;
  std::string n, seed;
  int threads = 0;
  OutputOptions out;
};
void setup_sample(CLI::App* family_cmd, Family f);
int run_sample(const SampleOptions& o);

struct FitOptions {
  Family family = Family::negbin;
  std::string input = "-";
  std::string size;  // binomial: the known number of trials
  OutputOptions out;
};
void setup_fit(CLI::App* family_cmd, Family f);
int run_fit(const FitOptions& o);

struct ApproxOptions {
  FamilyParams params;
  std::string from, to;
  OutputOptions out;
};
void setup_approx(CLI::App* family_cmd, Family f);
int run_approx(const ApproxOptions& o);

struct CompareOptions {
  std::vector<std::string> specs;
  std::string from, to;
  OutputOptions out;
};
void setup_compare(CLI::App& dist_cmd);
int run_compare(const CompareOptions& o);
plot::Figure compare_figure(const std::vector<Distribution>& laws, double lo, double hi,
                            const std::string& title);

}  // namespace numkit::cli::distcli
