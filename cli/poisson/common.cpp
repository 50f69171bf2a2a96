// Helpers shared by the `numkit poisson` commands: the mean (or rate and time), counts and
// probabilities from arguments, files or stdin, and the pmf figure.
#include <algorithm>
#include <cmath>
#include <filesystem>
#include <limits>

#include "common/values.hpp"
#include "numkit/core/number.hpp"
#include "numkit/core/number_stream.hpp"
#include "numkit/poisson/distribution.hpp"
#include "poisson/poisson.hpp"

namespace numkit::cli::poissoncli {

namespace pn = numkit::poisson;
using io::Json;

namespace {
constexpr double kInf = std::numeric_limits<double>::infinity();
}  // namespace

extern const char* const kAccuracy;
const char* const kAccuracy =
    "Accuracy: pmf, cdf and sf have relative error <= 1e-13 wherever the value is >= 1e-300,\n"
    "for means 1e-8..1e15 and any k (80-bit arithmetic: Loader's saddle point for the pmf,\n"
    "pmf-scaled series and Temme's uniform asymptotic expansion for the tails); logpmf and logsf\n"
    "stay finite and accurate where the values underflow to 0.\n";

std::string fmt(double v) {
  return io::shortest(v);
}

Json kjson(double k) {
  if (std::isfinite(k) && std::fabs(k) <= 9007199254740992.0) return static_cast<long long>(k);
  return k;
}

void add_mean_options(CLI::App* cmd, MeanSpec& m, bool allow_list) {
  m.allow_list = allow_list;
  cmd->add_option("--mean,-m", m.mean_text,
                  allow_list ? "the mean mu >= 0 (several: --mean 1,4,10)" : "the mean mu >= 0")
      ->type_name("M");
  cmd->add_option_function<std::string>(
         "--rate,-r",
         [&m](const std::string& s) {
           m.rate = parse_double(s, "--rate");
           m.rate_set = true;
         },
         "events per unit time L >= 0; the mean is L*T")
      ->type_name("L");
  cmd->add_option_function<std::string>(
         "--time,-t",
         [&m](const std::string& s) {
           m.time = parse_double(s, "--time");
           m.time_set = true;
         },
         "the length T > 0 of the time window with --rate (default 1)")
      ->type_name("T");
}

std::vector<double> resolve_means(const MeanSpec& m) {
  if (!m.mean_text.empty() && m.rate_set)
    throw UsageError("--mean and --rate: give one of them (the mean is rate * time)");
  if (m.mean_text.empty() && !m.rate_set) throw UsageError("--mean or --rate is required");
  if (m.time_set && !m.rate_set) throw UsageError("--time needs --rate (the mean is rate * time)");
  if (m.rate_set) {
    if (!std::isfinite(m.rate) || m.rate < 0)
      throw InputError("--rate: must be finite and >= 0, got " + fmt(m.rate));
    if (!std::isfinite(m.time) || m.time <= 0)
      throw InputError("--time: must be finite and > 0, got " + fmt(m.time));
    const double mean = m.rate * m.time;
    pn::check_mean(mean, "--rate * --time");
    return {mean};
  }
  NumberOptions no;
  no.allow_nonfinite = true;  // so that nan/inf get the domain message below
  std::vector<double> means = parse_number_list(m.mean_text, "--mean", no);
  if (means.empty()) throw InputError("--mean: no value given");
  if (means.size() > 1 && !m.allow_list)
    throw UsageError("--mean: one value expected here, got " + std::to_string(means.size()));
  for (double v : means) pn::check_mean(v, "--mean");
  return means;
}

std::vector<double> resolve_count_means(const MeanSpec& m) {
  std::vector<double> means = resolve_means(m);
  for (double v : means) pn::check_count_mean(v, m.rate_set ? "--rate * --time" : "--mean");
  return means;
}

void put_mean_source(Json& data, const MeanSpec& m) {
  if (m.rate_set) {
    data["rate"] = m.rate;
    data["time"] = m.time;
  }
}

double parse_k(const std::string& text, const std::string& what) {
  NumberOptions no;
  no.allow_nonfinite = true;
  const double v = parse_double(text, what, no);
  pn::check_k(v, what);
  return v;
}

// K arguments: integers, comma lists, ranges a..b, `-` (stdin) or files of integers.
std::vector<double> expand_ks(const std::vector<std::string>& args) {
  return expand_values(args, ValueKind::counts, "K");
}

std::vector<double> expand_probabilities(const std::vector<std::string>& args,
                                         const std::string& what) {
  return expand_values(args, ValueKind::probabilities, what);
}

// k range shown in plots for a set of means.
std::pair<double, double> plot_range(const std::vector<double>& means) {
  double lo = kInf, hi = 0;
  for (double m : means) {
    pn::check_count_mean(m, "--plot: the mean");
    lo = std::min(lo, pn::quantile(1e-6, m));
    hi = std::max(hi, pn::quantile(1e-6, m, true));
  }
  return {lo, std::max(hi, lo + 1)};
}

plot::Figure pmf_figure(const std::vector<double>& means) {
  plot::Figure fig;
  fig.title =
      means.size() == 1 ? "Poisson(" + fmt(means[0]) + "): pmf and cdf" : "Poisson pmf and cdf";
  fig.xlabel = "k";
  fig.ylabel = "P(N = k)";
  fig.y2label = "P(N <= k)";
  const auto [lo, hi] = plot_range(means);
  const double span = hi - lo;
  const double step = span > 2000 ? std::ceil(span / 2000) : 1;
  for (double m : means) {
    plot::Series p{"pmf, mean " + fmt(m),
                   {},
                   {},
                   {},
                   {},
                   span <= 400 ? plot::Style::boxes : plot::Style::lines,
                   false};
    plot::Series c{"cdf, mean " + fmt(m), {}, {}, {}, {}, plot::Style::steps, true};
    for (double k = lo; k <= hi; k += step) {
      p.x.push_back(k);
      p.y.push_back(pn::pmf(k, m));
      c.x.push_back(k);
      c.y.push_back(pn::cdf(k, m));
    }
    fig.series.push_back(std::move(p));
    fig.series.push_back(std::move(c));
  }
  return fig;
}

}  // namespace numkit::cli::poissoncli
