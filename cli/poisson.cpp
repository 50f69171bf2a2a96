// numkit poisson: the Poisson distribution, its process and waiting times, sampling, fitting and
// the exact test.
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <limits>
#include <map>
#include <memory>
#include <random>
#include <sstream>

#include "common/command.hpp"
#include "numkit/core/number.hpp"
#include "numkit/core/number_stream.hpp"
#include "numkit/poisson/distribution.hpp"
#include "numkit/poisson/fit.hpp"
#include "numkit/poisson/sample.hpp"

namespace numkit::cli {
namespace {

namespace pn = numkit::poisson;
using io::Json;

constexpr std::size_t kMaxRows = 1'000'000;
constexpr double kInf = std::numeric_limits<double>::infinity();

const char* const kAccuracy =
    "Accuracy: pmf, cdf and sf have relative error <= 1e-13 wherever the value is >= 1e-300,\n"
    "for means 1e-8..1e15 and any k (80-bit arithmetic: Loader's saddle point for the pmf,\n"
    "pmf-scaled series and Temme's uniform asymptotic expansion for the tails); logpmf and logsf\n"
    "stay finite and accurate where the values underflow to 0.\n";

// ---- shared helpers ---------------------------------------------------------------------------

std::string fmt(double v) {
  return io::shortest(v);
}

// Counts as JSON integers (printed exactly, never as 1e+12); +inf stays a double ("inf").
Json kjson(double k) {
  if (std::isfinite(k) && std::fabs(k) <= 9007199254740992.0) return static_cast<long long>(k);
  return k;
}

// --mean M[,M2,...] or --rate L [--time T]: the means to use.
struct MeanSpec {
  std::string mean_text;
  double rate = std::numeric_limits<double>::quiet_NaN();
  double time = 1;
  bool rate_set = false, time_set = false;
  bool allow_list = true;
};

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

void put_mean_source(Json& data, const MeanSpec& m) {
  if (m.rate_set) {
    data["rate"] = m.rate;
    data["time"] = m.time;
  }
}

bool looks_like_number(const std::string& s) {
  return !s.empty() && (std::isdigit(static_cast<unsigned char>(s[0])) || s[0] == '-' ||
                        s[0] == '+' || s[0] == '.');
}

double parse_k(const std::string& text, const std::string& what) {
  NumberOptions no;
  no.allow_nonfinite = true;
  const double v = parse_double(text, what, no);
  pn::check_k(v, what);
  return v;
}

// K arguments: integers, ranges a..b, `-` (stdin) or files of integers.
std::vector<double> expand_ks(const std::vector<std::string>& args) {
  std::vector<double> ks;
  auto push = [&](double k) {
    if (ks.size() >= kMaxRows)
      throw InputError("K: at most " + std::to_string(kMaxRows) + " values");
    ks.push_back(k);
  };
  for (const auto& a : args) {
    const auto dots = a.find("..");
    if (dots != std::string::npos && looks_like_number(a)) {
      const double lo = parse_k(a.substr(0, dots), "K range " + a);
      const double hi = parse_k(a.substr(dots + 2), "K range " + a);
      if (hi < lo) throw InputError("K range " + a + ": the end is below the start");
      if (hi - lo >= static_cast<double>(kMaxRows))
        throw InputError("K range " + a + ": at most " + std::to_string(kMaxRows) + " values");
      for (double k = lo; k <= hi; k += 1) push(k);
    } else if (a == "-" || (!looks_like_number(a) && std::filesystem::exists(a))) {
      NumberStream in(a, true);
      double v;
      while (in.next(v)) {
        pn::check_k(v, in.position());
        push(v);
      }
    } else {
      push(parse_k(a, "K"));
    }
  }
  if (ks.empty()) throw InputError("K: no values given");
  return ks;
}

std::vector<double> expand_probabilities(const std::vector<std::string>& args,
                                         const std::string& what) {
  std::vector<double> ps;
  for (const auto& a : args) {
    if (a == "-" || (!looks_like_number(a) && std::filesystem::exists(a))) {
      NumberStream in(a, true);
      double v;
      while (in.next(v)) {
        pn::check_probability(v, in.position());
        ps.push_back(v);
      }
    } else {
      NumberOptions no;
      no.allow_nonfinite = true;
      for (double v : parse_number_list(a, what, no)) {
        pn::check_probability(v, what);
        ps.push_back(v);
      }
    }
    if (ps.size() > kMaxRows) throw InputError(what + ": at most 1000000 values");
  }
  if (ps.empty()) throw InputError(what + ": no values given");
  return ps;
}

// k range shown in plots for a set of means.
std::pair<double, double> plot_range(const std::vector<double>& means) {
  double lo = kInf, hi = 0;
  for (double m : means) {
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

// ---- pmf | logpmf | cdf | sf | logcdf | logsf --------------------------------------------------

enum class Fn { pmf, logpmf, cdf, sf, logcdf, logsf };

struct ValueCli {
  Fn fn = Fn::pmf;
  std::vector<std::string> ks;
  MeanSpec mean;
  OutputOptions out;
};

const char* fn_name(Fn f) {
  switch (f) {
    case Fn::pmf:
      return "pmf";
    case Fn::logpmf:
      return "logpmf";
    case Fn::cdf:
      return "cdf";
    case Fn::sf:
      return "sf";
    case Fn::logcdf:
      return "logcdf";
    case Fn::logsf:
      return "logsf";
  }
  return "";
}

double eval(Fn f, double k, double m) {
  switch (f) {
    case Fn::pmf:
      return pn::pmf(k, m);
    case Fn::logpmf:
      return pn::log_pmf(k, m);
    case Fn::cdf:
      return pn::cdf(k, m);
    case Fn::sf:
      return pn::sf(k, m);
    case Fn::logcdf:
      return pn::log_cdf(k, m);
    case Fn::logsf:
      return pn::log_sf(k, m);
  }
  return 0;
}

int run_value(const ValueCli& o) {
  const std::vector<double> means = resolve_means(o.mean);
  const std::vector<double> ks = expand_ks(o.ks);
  if (ks.size() * means.size() > kMaxRows)
    throw InputError("K: at most 1000000 values times means");
  const std::string name = fn_name(o.fn);
  io::Report rep;
  put_mean_source(rep.data, o.mean);
  bool underflow = false;
  if (ks.size() == 1 && means.size() == 1) {
    rep.data["mean"] = means[0];
    rep.data["k"] = kjson(ks[0]);
    const double v = eval(o.fn, ks[0], means[0]);
    rep.data[name] = v;
    underflow = v == 0 && (o.fn == Fn::pmf || o.fn == Fn::cdf || o.fn == Fn::sf);
    if (o.fn == Fn::sf || o.fn == Fn::logsf)
      rep.notes.push_back("sf(k) = P(N > k) = P(N >= " + fmt(ks[0] + 1) + ")");
  } else {
    if (means.size() == 1) rep.data["mean"] = means[0];
    Json rows = Json::array();
    for (double m : means) {
      for (double k : ks) {
        Json r = Json::object();
        if (means.size() > 1) r["mean"] = m;
        r["k"] = kjson(k);
        const double v = eval(o.fn, k, m);
        underflow = underflow || (v == 0 && (o.fn == Fn::pmf || o.fn == Fn::cdf || o.fn == Fn::sf));
        r[name] = v;
        rows.push_back(std::move(r));
      }
    }
    rep.data["values"] = std::move(rows);
    rep.csv_table = "values";
    if (o.fn == Fn::sf || o.fn == Fn::logsf) rep.notes.push_back("sf(k) = P(N > k)");
  }
  if (underflow)
    rep.notes.push_back(
        "0 means below the smallest double (~4.9e-324); the log versions "
        "(logpmf, logcdf, logsf) give the value's logarithm");
  const int code = emit(rep, o.out);
  emit_plot(pmf_figure(means), o.out);
  return code;
}

void setup_value(CLI::App* parent, Fn fn, const std::string& description,
                 const std::string& examples) {
  auto o = std::make_shared<ValueCli>();
  o->fn = fn;
  auto* cmd = parent->add_subcommand(fn_name(fn), description);
  cmd->add_option("K", o->ks,
                  "counts k >= 0: integers, ranges 0..12, - (stdin) or a file of integers")
      ->required()
      ->type_name("K");
  add_mean_options(cmd, o->mean, true);
  add_output_options(*cmd, o->out);
  add_plot_option(*cmd, o->out);
  cmd->footer(std::string(kAccuracy) + "\nExamples:\n" + examples);
  bind_run<ValueCli>(cmd, o, run_value);
}

// ---- quantile ---------------------------------------------------------------------------------

struct QuantileCli {
  std::vector<std::string> ps;
  MeanSpec mean;
  bool upper = false;
  OutputOptions out;
};

int run_quantile(const QuantileCli& o) {
  const std::vector<double> means = resolve_means(o.mean);
  const std::vector<double> ps = expand_probabilities(o.ps, "P");
  io::Report rep;
  put_mean_source(rep.data, o.mean);
  rep.data["definition"] =
      o.upper ? "smallest k with P(N > k) <= p" : "smallest k with P(N <= k) >= p";
  if (ps.size() == 1 && means.size() == 1) {
    rep.data["mean"] = means[0];
    rep.data["p"] = ps[0];
    rep.data["k"] = kjson(pn::quantile(ps[0], means[0], o.upper));
  } else {
    if (means.size() == 1) rep.data["mean"] = means[0];
    Json rows = Json::array();
    for (double m : means)
      for (double p : ps) {
        Json r = Json::object();
        if (means.size() > 1) r["mean"] = m;
        r["p"] = p;
        r["k"] = kjson(pn::quantile(p, m, o.upper));
        rows.push_back(std::move(r));
      }
    rep.data["values"] = std::move(rows);
    rep.csv_table = "values";
  }
  return emit(rep, o.out);
}

void setup_quantile(CLI::App* parent) {
  auto o = std::make_shared<QuantileCli>();
  auto* cmd = parent->add_subcommand(
      "quantile",
      "the quantile: the smallest k with P(N <= k) >= p (R's qpois and SciPy's ppf), or with "
      "--upper the smallest k with P(N > k) <= p (R's lower.tail = FALSE, SciPy's isf)");
  cmd->add_option("P", o->ps, "probabilities in [0, 1] (lists 0.1,0.5, - or a file)")
      ->required()
      ->type_name("P");
  add_mean_options(cmd, o->mean, true);
  cmd->add_flag("--upper", o->upper,
                "use the upper tail: smallest k with P(N > k) <= p (exact for tiny p, where 1 - p "
                "would round)");
  add_output_options(*cmd, o->out);
  cmd->footer(
      "Definition and accuracy: the answer is an exact integer; the inequality is checked with\n"
      "the tails at k and k - 1 (computed to ~1e-18 relative in 80-bit arithmetic, comparing the\n"
      "tail that is small so that 1 - p is exact). p = 1 gives inf (no finite k), as in R.\n\n"
      "Examples:\n"
      "  numkit poisson quantile 0.5 --mean 3\n"
      "  numkit poisson quantile 0.025,0.975 --mean 1000\n"
      "  numkit poisson quantile 1e-15 --mean 17.5 --upper\n"
      "  numkit poisson quantile 0.99 --rate 3 --time 2 --json");
  bind_run<QuantileCli>(cmd, o, run_quantile);
}

// ---- interval ---------------------------------------------------------------------------------

struct IntervalCli {
  double level = 0.95;
  MeanSpec mean;
  OutputOptions out;
};

int run_interval(const IntervalCli& o) {
  const std::vector<double> means = resolve_means(o.mean);
  pn::check_probability(o.level, "LEVEL");
  io::Report rep;
  put_mean_source(rep.data, o.mean);
  rep.data["level"] = o.level;
  auto fill = [&](Json& r, double m) {
    const pn::Interval iv = pn::central_interval(o.level, m);
    r["lo"] = kjson(iv.lo);
    r["hi"] = kjson(iv.hi);
    r["coverage"] = iv.coverage;
  };
  if (means.size() == 1) {
    rep.data["mean"] = means[0];
    fill(rep.data, means[0]);
  } else {
    Json rows = Json::array();
    for (double m : means) {
      Json r = Json::object();
      r["mean"] = m;
      fill(r, m);
      rows.push_back(std::move(r));
    }
    rep.data["values"] = std::move(rows);
    rep.csv_table = "values";
  }
  rep.notes.push_back(
      "lo = smallest k with P(N <= k) >= (1-level)/2, hi = smallest k with "
      "P(N > k) <= (1-level)/2; coverage = P(lo <= N <= hi)");
  return emit(rep, o.out);
}

void setup_interval(CLI::App* parent) {
  auto o = std::make_shared<IntervalCli>();
  auto* cmd = parent->add_subcommand(
      "interval", "the central interval [lo, hi] holding at least LEVEL of the probability");
  cmd->add_option("LEVEL", o->level, "probability level in [0, 1], e.g. 0.95")
      ->required()
      ->type_name("LEVEL");
  add_mean_options(cmd, o->mean, true);
  add_output_options(*cmd, o->out);
  cmd->footer(
      "Definition: lo = quantile((1-level)/2), hi = quantile((1-level)/2, upper tail), as R's\n"
      "qpois(c(a/2, 1-a/2)); both ends exact integers; coverage = P(lo <= N <= hi) >= level.\n\n"
      "Examples:\n"
      "  numkit poisson interval 0.95 --mean 3\n"
      "  numkit poisson interval 0.99 --mean 1e12 --json\n"
      "  numkit poisson interval 0.9 --mean 1,10,100");
  bind_run<IntervalCli>(cmd, o, run_interval);
}

// ---- stats ------------------------------------------------------------------------------------

struct StatsCli {
  MeanSpec mean;
  OutputOptions out;
};

int run_stats(const StatsCli& o) {
  const double m = resolve_means(o.mean)[0];
  const pn::Stats s = pn::stats(m);
  io::Report rep;
  put_mean_source(rep.data, o.mean);
  rep.data["mean"] = s.mean;
  rep.data["variance"] = s.variance;
  rep.data["sd"] = s.sd;
  rep.data["skewness"] = s.skewness;
  rep.data["excess_kurtosis"] = s.excess_kurtosis;
  Json modes = Json::array();
  for (double md : s.modes) modes.push_back(kjson(md));
  rep.data["modes"] = std::move(modes);
  rep.data["median"] = kjson(s.median);
  rep.data["entropy"] = s.entropy;
  rep.notes.push_back("entropy in nats; median = smallest k with P(N <= k) >= 1/2");
  return emit(rep, o.out);
}

void setup_stats(CLI::App* parent) {
  auto o = std::make_shared<StatsCli>();
  auto* cmd = parent->add_subcommand(
      "stats",
      "mean, variance, standard deviation, skewness, excess kurtosis, mode(s), median, entropy");
  add_mean_options(cmd, o->mean, false);
  add_output_options(*cmd, o->out);
  cmd->footer(
      "Accuracy: moments are closed forms; the modes are floor(mu) (and mu - 1 when mu is an\n"
      "integer); the entropy -sum p log p is summed in 80-bit arithmetic up to mu = 1e5 and taken\n"
      "from its asymptotic expansion 0.5 log(2 pi e mu) - 1/(12 mu) - 1/(24 mu^2) - 19/(360 mu^3)\n"
      "beyond (relative error <= 1e-13 either way).\n\n"
      "Examples:\n"
      "  numkit poisson stats --mean 4\n"
      "  numkit poisson stats --rate 3 --time 2 --json");
  bind_run<StatsCli>(cmd, o, run_stats);
}

// ---- table ------------------------------------------------------------------------------------

struct TableCli {
  MeanSpec mean;
  std::string from, to;
  OutputOptions out;
};

int run_table(const TableCli& o) {
  const double m = resolve_means(o.mean)[0];
  double lo = o.from.empty() ? pn::quantile(5e-13, m) : parse_k(o.from, "--from");
  double hi = o.to.empty() ? pn::quantile(5e-13, m, true) : parse_k(o.to, "--to");
  if (hi < lo) throw InputError("--to: must be >= --from, got " + fmt(hi) + " < " + fmt(lo));
  if (hi - lo >= static_cast<double>(kMaxRows))
    throw UsageError("table: " + fmt(hi - lo + 1) + " rows from " + fmt(lo) + " to " + fmt(hi) +
                     "; at most 1000000, choose a window with --from and --to");
  io::Report rep;
  put_mean_source(rep.data, o.mean);
  rep.data["mean"] = m;
  Json rows = Json::array();
  for (double k = lo; k <= hi; k += 1) {
    const pn::Tails t = pn::tails(k, m);
    Json r = Json::object();
    r["k"] = kjson(k);
    r["pmf"] = pn::pmf(k, m);
    r["cdf"] = static_cast<double>(t.lower);
    r["sf"] = static_cast<double>(t.upper);
    rows.push_back(std::move(r));
  }
  rep.data["rows"] = std::move(rows);
  rep.csv_table = "rows";
  if (o.from.empty() && o.to.empty())
    rep.notes.push_back("rows cover all but 1e-12 of the probability; sf(k) = P(N > k)");
  const int code = emit(rep, o.out);
  emit_plot(pmf_figure({m}), o.out);
  return code;
}

void setup_table(CLI::App* parent) {
  auto o = std::make_shared<TableCli>();
  auto* cmd = parent->add_subcommand(
      "table", "k, pmf, cdf and sf; by default over the range holding all but 1e-12 of the mass");
  add_mean_options(cmd, o->mean, false);
  cmd->add_option("--from", o->from, "first k (default: the 5e-13 lower quantile)")->type_name("K");
  cmd->add_option("--to", o->to, "last k (default: the 5e-13 upper quantile)")->type_name("K");
  add_output_options(*cmd, o->out);
  add_plot_option(*cmd, o->out);
  cmd->footer(std::string(kAccuracy) +
              "\nExamples:\n"
              "  numkit poisson table --mean 3\n"
              "  numkit poisson table --mean 1e6 --from 999990 --to 1000010 --csv\n"
              "  numkit poisson table --rate 3 --time 2 --plot -");
  bind_run<TableCli>(cmd, o, run_table);
}

// ---- wait -------------------------------------------------------------------------------------

struct WaitCli {
  std::string rate;
  std::string events = "1";
  std::vector<std::string> times;
  std::vector<std::string> ps;
  OutputOptions out;
};

int run_wait(const WaitCli& o) {
  NumberOptions no;
  no.allow_nonfinite = true;
  const double rate = parse_double(o.rate, "--rate", no);
  if (!std::isfinite(rate) || rate <= 0)
    throw InputError("--rate: must be finite and > 0, got " + fmt(rate));
  const double k = parse_double(o.events, "--events", no);
  if (!(k >= 1 && k == std::floor(k) && k <= pn::kMaxK))
    throw InputError("--events: must be an integer in [1, 2^53], got " + fmt(k));
  std::vector<double> times;
  for (const auto& t : o.times)
    for (double v : parse_number_list(t, "--at", no)) {
      if (!std::isfinite(v) || v < 0)
        throw InputError("--at: must be finite and >= 0, got " + fmt(v));
      times.push_back(v);
    }
  std::vector<double> ps =
      o.ps.empty() ? std::vector<double>{0.5, 0.9, 0.95, 0.99} : expand_probabilities(o.ps, "--p");
  io::Report rep;
  rep.data["rate"] = rate;
  rep.data["events"] = kjson(k);
  rep.data["distribution"] = k == 1 ? "exponential" : "erlang";
  rep.data["mean"] = k / rate;
  rep.data["sd"] = std::sqrt(k) / rate;
  rep.data["median"] = pn::erlang_quantile(k, 0.5) / rate;
  Json q = Json::array();
  for (double p : ps) {
    Json r = Json::object();
    r["p"] = p;
    r["t"] = pn::erlang_quantile(k, p) / rate;
    q.push_back(std::move(r));
  }
  rep.data["quantiles"] = std::move(q);
  rep.csv_table = "quantiles";
  if (!times.empty()) {
    Json at = Json::array();
    for (double t : times) {
      Json r = Json::object();
      r["t"] = t;
      r["cdf"] = pn::erlang_cdf(k, rate * t);
      r["sf"] = pn::erlang_sf(k, rate * t);
      r["pdf"] = rate * pn::erlang_pdf(k, rate * t);
      at.push_back(std::move(r));
    }
    rep.data["at"] = std::move(at);
    rep.csv_table = "at";
  }
  rep.notes.push_back(
      k == 1 ? "time to the next event ~ exponential(rate): cdf = P(T <= t), sf = P(T > t)"
             : "time to the " + fmt(k) + "-th event ~ gamma(" + fmt(k) +
                   ", rate): P(T <= t) = P(N(t) >= " + fmt(k) + ")");
  const int code = emit(rep, o.out);
  if (!o.out.plot.empty()) {
    plot::Figure fig;
    fig.title = k == 1 ? "waiting time to the next event" : "waiting time to event " + fmt(k);
    fig.xlabel = "t";
    fig.ylabel = "density";
    fig.y2label = "P(T > t)";
    const double tmax = pn::erlang_quantile(k, 0.999) / rate;
    plot::Series d{"density", {}, {}, {}, {}, plot::Style::lines, false};
    plot::Series s{"P(T > t)", {}, {}, {}, {}, plot::Style::dashed, true};
    for (int i = 0; i <= 400; ++i) {
      const double t = tmax * i / 400;
      d.x.push_back(t);
      d.y.push_back(rate * pn::erlang_pdf(k, rate * t));
      s.x.push_back(t);
      s.y.push_back(pn::erlang_sf(k, rate * t));
    }
    fig.series = {d, s};
    emit_plot(fig, o.out);
  }
  return code;
}

void setup_wait(CLI::App* parent) {
  auto o = std::make_shared<WaitCli>();
  auto* cmd = parent->add_subcommand(
      "wait",
      "waiting times of a Poisson process: the time to the next event is exponential(rate), "
      "the time to the k-th event gamma(k, rate)");
  cmd->add_option("--rate,-r", o->rate, "events per unit time L > 0")->required()->type_name("L");
  cmd->add_option("--events,-k", o->events, "wait for the k-th event (default 1)")->type_name("K");
  cmd->add_option("--at", o->times, "times t >= 0 at which to give P(T <= t), P(T > t), density")
      ->type_name("T");
  cmd->add_option("--p", o->ps, "probabilities for the quantiles (default 0.5,0.9,0.95,0.99)")
      ->type_name("P");
  add_output_options(*cmd, o->out);
  add_plot_option(*cmd, o->out);
  cmd->footer(
      "Accuracy: P(T <= t) = P(N(rate t) >= k) uses the Poisson tails (relative error <= 1e-13);\n"
      "quantiles invert them by bracketed Newton steps (relative error ~1e-15); exponential\n"
      "quantiles are -log1p(-p)/rate.\n\n"
      "Examples:\n"
      "  numkit poisson wait --rate 3\n"
      "  numkit poisson wait --rate 3 --at 0.5,1\n"
      "  numkit poisson wait --rate 3 --events 5 --p 0.05,0.95 --json\n"
      "  numkit poisson wait --rate 0.1 --plot -");
  bind_run<WaitCli>(cmd, o, run_wait);
}

// ---- sample -----------------------------------------------------------------------------------

struct SampleCli {
  std::string n;
  MeanSpec mean;
  std::string seed;
  int threads = 0;
  OutputOptions out;
};

class IntWriter {
 public:
  explicit IntWriter(io::Format f) : format_(f) { buf_.reserve(1 << 20); }
  ~IntWriter() { flush(); }
  void header() {
    if (format_ == io::Format::csv) buf_ += "x\n";
  }
  void add(std::int64_t v) {
    char tmp[24];
    auto [end, ec] = std::to_chars(tmp, tmp + sizeof tmp, v);
    (void)ec;
    if (format_ == io::Format::json) buf_ += "{\"x\":";
    buf_.append(tmp, end);
    if (format_ == io::Format::json) buf_ += '}';
    buf_ += '\n';
    if (buf_.size() > (1 << 20) - 64) flush();
  }
  void flush() {
    if (!buf_.empty()) std::fwrite(buf_.data(), 1, buf_.size(), stdout);
    buf_.clear();
  }

 private:
  io::Format format_;
  std::string buf_;
};

int run_sample(const SampleCli& o) {
  const double m = resolve_means(o.mean)[0];
  NumberOptions no;
  no.allow_nonfinite = true;
  const double nd = parse_double(o.n, "N", no);
  if (!(nd >= 0) || nd != std::floor(nd) || nd > 1e15)
    throw InputError("N: must be an integer in [0, 1e15], got " + fmt(nd));
  pn::SampleOptions so;
  so.mean = m;
  so.n = static_cast<long long>(nd);
  so.threads = o.threads;
  if (o.seed.empty()) {
    std::random_device rd;
    so.seed = (static_cast<std::uint64_t>(rd()) << 32) ^ rd();
    std::cerr << "numkit: seed " << so.seed << " (pass --seed to repeat this stream)\n";
  } else {
    const long long s = parse_integer(o.seed, "--seed");
    if (s < 0) throw InputError("--seed: must be >= 0, got " + o.seed);
    so.seed = static_cast<std::uint64_t>(s);
  }
  so.validate();
  // Histogram for --plot.
  const bool want_plot = !o.out.plot.empty();
  double hlo = 0, hhi = 0;
  std::vector<double> hist;
  if (want_plot) {
    std::tie(hlo, hhi) = plot_range({m});
    if (hhi - hlo > 2000) hlo = hhi = 0;  // too wide for bars: skip
    hist.assign(static_cast<std::size_t>(hhi - hlo) + 1, 0);
  }
  const bool to_stdout = !(want_plot && o.out.plot == "-");
  IntWriter w(o.out.render().format);
  if (to_stdout) w.header();
  Progress progress("sampling");
  pn::sample(
      so,
      [&](std::span<const std::int64_t> block) {
        if (to_stdout)
          for (auto x : block) w.add(x);
        if (want_plot && !hist.empty())
          for (auto x : block) {
            const double d = static_cast<double>(x);
            if (d >= hlo && d <= hhi) hist[static_cast<std::size_t>(d - hlo)] += 1;
          }
      },
      progress.callback());
  w.flush();
  std::fflush(stdout);
  if (want_plot) {
    plot::Figure fig;
    fig.title = "sample of " + std::to_string(static_cast<long long>(nd)) + " against Poisson(" +
                fmt(m) + ")";
    fig.xlabel = "k";
    fig.ylabel = "frequency";
    plot::Series h{"sample", {}, {}, {}, {}, plot::Style::boxes, false};
    plot::Series p{"pmf", {}, {}, {}, {}, plot::Style::linespoints, false};
    for (std::size_t i = 0; i < hist.size(); ++i) {
      const double k = hlo + static_cast<double>(i);
      h.x.push_back(k);
      h.y.push_back(nd > 0 ? hist[i] / nd : 0);
      p.x.push_back(k);
      p.y.push_back(pn::pmf(k, m));
    }
    fig.series = {h, p};
    OutputOptions po = o.out;
    emit_plot(fig, po);
  }
  return 0;
}

void setup_sample(CLI::App* parent) {
  auto o = std::make_shared<SampleCli>();
  auto* cmd = parent->add_subcommand(
      "sample", "N Poisson variates streamed to stdout, one per line (--json: JSON Lines)");
  cmd->add_option("N", o->n, "how many variates (integer >= 0)")->required()->type_name("N");
  add_mean_options(cmd, o->mean, false);
  cmd->add_option("--seed,-s", o->seed,
                  "seed (integer >= 0); the same seed gives the same stream on any thread count "
                  "(default: a random seed, reported on stderr)")
      ->type_name("S");
  cmd->add_option("--threads", o->threads, "worker threads (default: all cores)")->type_name("T");
  add_output_options(*cmd, o->out);
  add_plot_option(*cmd, o->out);
  cmd->footer(
      "Method: xoshiro256++ streams, one per block of 65536 variates, seeded by SplitMix64 from\n"
      "(seed, block); inversion through a table of 64-bit cdf thresholds with a guide table for\n"
      "mean <= 1e5 (exact to 2^-64 per value), Hormann's PTRS rejection above. With --plot -\n"
      "the histogram replaces the numbers on stdout.\n\n"
      "Examples:\n"
      "  numkit poisson sample 5 --mean 3 --seed 1\n"
      "  numkit poisson sample 3 --mean 1000 --seed 7 --json\n"
      "  numkit poisson sample 100000 --mean 4 --seed 2 --plot -");
  bind_run<SampleCli>(cmd, o, run_sample);
}

// ---- fit --------------------------------------------------------------------------------------

struct FitCli {
  std::string file = "-";
  double level = 0.95;
  OutputOptions out;
};

std::string bin_label(const pn::GofBin& b) {
  if (std::isinf(b.k_hi)) return b.k_lo == 0 ? "all" : ">=" + fmt(b.k_lo);
  if (b.k_lo == b.k_hi) return fmt(b.k_lo);
  return fmt(b.k_lo) + ".." + fmt(b.k_hi);
}

pn::FitResult fit_input(const FitCli& o) {
  if (o.file != "-" && !std::filesystem::exists(o.file) && looks_like_number(o.file)) {
    // Inline counts: 2,3,1,4
    std::map<std::int64_t, std::uint64_t> hist;
    const std::vector<double> xs = parse_number_list(o.file, "counts");
    for (std::size_t i = 0; i < xs.size(); ++i) {
      const double x = xs[i];
      if (!(x >= 0 && x == std::floor(x) && x <= pn::kMaxK))
        throw InputError("counts: value " + std::to_string(i + 1) +
                         ": expected a non-negative integer count, found " + fmt(x));
      ++hist[static_cast<std::int64_t>(x)];
    }
    return pn::fit_histogram(hist, o.level, "counts");
  }
  NumberStream in(o.file);
  return pn::fit_stream(in, o.level);
}

int run_fit(const FitCli& o) {
  const pn::FitResult r = fit_input(o);
  io::Report rep;
  rep.data["n"] = kjson(r.n);
  rep.data["total"] = kjson(r.total);
  rep.data["mean"] = r.mean;
  rep.data["level"] = r.level;
  rep.data["ci_lo"] = r.ci_lo;
  rep.data["ci_hi"] = r.ci_hi;
  rep.data["variance"] = r.variance;
  if (r.dispersion_available) {
    Json d = Json::object();
    d["index"] = r.dispersion_index;
    d["statistic"] = r.dispersion_statistic;
    d["df"] = r.dispersion_df;
    d["p_over"] = r.p_over;
    d["p_under"] = r.p_under;
    d["p_two_sided"] = r.p_two_sided;
    rep.data["dispersion"] = std::move(d);
  } else {
    rep.notes.push_back("dispersion test not available (needs n >= 2 and a positive mean)");
  }
  Json bins = Json::array();
  for (const auto& b : r.bins) {
    Json row = Json::object();
    row["k"] = bin_label(b);
    row["observed"] = kjson(b.observed);
    row["expected"] = b.expected;
    bins.push_back(std::move(row));
  }
  rep.data["gof"] = std::move(bins);
  rep.csv_table = "gof";
  if (r.gof_available) {
    rep.data["chi2"] = r.chi2;
    rep.data["chi2_df"] = r.chi2_df;
    rep.data["chi2_p"] = r.chi2_p;
  } else {
    rep.notes.push_back("goodness of fit not available: " + r.gof_note);
  }
  rep.notes.push_back(
      "ci: exact Garwood interval for the mean; dispersion: D = sum (x - mean)^2 / "
      "mean ~ chi2(n-1); gof bins pooled to expected >= 5, df = bins - 2");
  const int code = emit(rep, o.out);
  if (!o.out.plot.empty()) {
    plot::Figure fig;
    fig.title = "counts against Poisson(" + fmt(r.mean) + ")";
    fig.xlabel = "k";
    fig.ylabel = "count";
    plot::Series ob{"observed", {}, {}, {}, {}, plot::Style::boxes, false};
    plot::Series ex{"expected", {}, {}, {}, {}, plot::Style::linespoints, false};
    for (const auto& b : r.bins) {
      const double x = std::isinf(b.k_hi) ? b.k_lo : (b.k_lo + b.k_hi) / 2;
      ob.x.push_back(x);
      ob.y.push_back(b.observed);
      ex.x.push_back(x);
      ex.y.push_back(b.expected);
    }
    fig.series = {ob, ex};
    emit_plot(fig, o.out);
  }
  return code;
}

void setup_fit(CLI::App* parent) {
  auto o = std::make_shared<FitCli>();
  auto* cmd = parent->add_subcommand(
      "fit",
      "fit a Poisson model to counts: MLE of the mean, exact (Garwood) confidence interval, "
      "index-of-dispersion test and chi-square goodness of fit");
  cmd->add_option("FILE", o->file,
                  "counts (integers >= 0, whitespace/comma separated, # comments); - "
                  "or nothing for stdin")
      ->type_name("FILE|-");
  cmd->add_option("--level", o->level, "confidence level (default 0.95)")->type_name("LEVEL");
  add_output_options(*cmd, o->out);
  add_plot_option(*cmd, o->out);
  cmd->footer(
      "Accuracy: the interval ends invert the Poisson tails (relative error ~1e-15); chi-square\n"
      "p-values come from Boost.Math's regularized gamma functions (~1e-14).\n\n"
      "Examples:\n"
      "  numkit poisson fit 2,3,1,4,2,0,3,5,2,1\n"
      "  numkit poisson fit 0,0,1,0,2,0,1,0,0,3 --level 0.99 --json\n"
      "  numkit poisson sample 1000 --mean 4 --seed 3 > counts.txt && numkit poisson fit "
      "counts.txt\n"
      "  printf '2 3 1 4 2 0 3 5 2 1\\n' | numkit poisson fit");
  bind_run<FitCli>(cmd, o, run_fit);
}

// ---- test -------------------------------------------------------------------------------------

struct TestCli {
  std::string k;
  std::string time = "1";
  std::string rate = "1";
  std::string alternative = "two-sided";
  double level = 0.95;
  OutputOptions out;
};

int run_test(const TestCli& o) {
  const double x = parse_k(o.k, "K");
  NumberOptions no;
  no.allow_nonfinite = true;
  const double t = parse_double(o.time, "--time", no);
  const double r0 = parse_double(o.rate, "--rate", no);
  pn::Alternative alt;
  if (o.alternative == "two-sided" || o.alternative == "two.sided")
    alt = pn::Alternative::two_sided;
  else if (o.alternative == "less")
    alt = pn::Alternative::less;
  else if (o.alternative == "greater")
    alt = pn::Alternative::greater;
  else
    throw UsageError("--alternative: must be two-sided, less or greater, got " + o.alternative);
  const pn::ExactTestResult r = pn::exact_test(x, t, r0, alt, o.level);
  io::Report rep;
  rep.data["count"] = kjson(r.count);
  rep.data["time"] = r.time;
  rep.data["null_rate"] = r.null_rate;
  rep.data["expected"] = r.expected;
  rep.data["estimate"] = r.estimate;
  rep.data["alternative"] = o.alternative == "two.sided" ? "two-sided" : o.alternative;
  rep.data["p_value"] = r.p_value;
  rep.data["level"] = r.level;
  rep.data["ci_lo"] = r.ci_lo;
  rep.data["ci_hi"] = r.ci_hi;
  rep.notes.push_back(
      "exact test of rate = null_rate (R's poisson.test); ci: exact interval for "
      "the rate");
  return emit(rep, o.out);
}

void setup_test(CLI::App* parent) {
  auto o = std::make_shared<TestCli>();
  auto* cmd = parent->add_subcommand(
      "test", "exact test of an observed count K in time T against a rate, like R's poisson.test");
  cmd->add_option("K", o->k, "the observed count (integer >= 0)")->required()->type_name("K");
  cmd->add_option("--time,-t", o->time, "observation time T > 0 (default 1)")->type_name("T");
  cmd->add_option("--rate,-r", o->rate, "the rate under the null hypothesis (default 1)")
      ->type_name("L0");
  cmd->add_option("--alternative", o->alternative, "two-sided (default), less or greater")
      ->type_name("ALT");
  cmd->add_option("--level", o->level, "confidence level of the interval (default 0.95)")
      ->type_name("LEVEL");
  add_output_options(*cmd, o->out);
  cmd->footer(
      "Method: two-sided p-value by R's rule (sum of P(N = i) over outcomes with\n"
      "P(N = i) <= P(N = K) (1 + 1e-7)); one-sided p-values are the Poisson tails; the interval "
      "is\n"
      "the exact gamma-quantile interval. Accuracy: relative error ~1e-13.\n\n"
      "Examples:\n"
      "  numkit poisson test 3 --time 10 --rate 1\n"
      "  numkit poisson test 137 --time 24 --rate 5 --json\n"
      "  numkit poisson test 30 --time 10 --rate 2 --alternative greater");
  bind_run<TestCli>(cmd, o, run_test);
}

// ---- registration -----------------------------------------------------------------------------

void setup_poisson(CLI::App& root) {
  auto* p = root.add_subcommand(
      "poisson",
      "the Poisson distribution P(N = k) = mu^k e^-mu / k!: probabilities, quantiles, waiting "
      "times, sampling, fitting and the exact test");
  p->require_subcommand(1);
  setup_value(p, Fn::pmf, "P(N = k) for a mean mu (or rate L over time T: mu = L T)",
              "  numkit poisson pmf 0 --rate 3\n"
              "  numkit poisson pmf 0..12 --mean 3\n"
              "  numkit poisson pmf 1000000000000 --mean 1e12 --json\n"
              "  numkit poisson pmf 0..20 --mean 1,4,10 --plot -");
  setup_value(p, Fn::logpmf, "log P(N = k), finite where P(N = k) underflows",
              "  numkit poisson logpmf 5000 --mean 3\n"
              "  numkit poisson logpmf 0 1 2 --mean 1e15 --csv");
  setup_value(p, Fn::cdf, "P(N <= k)",
              "  numkit poisson cdf 2 --rate 3 --time 2\n"
              "  numkit poisson cdf 3 --mean 2\n"
              "  numkit poisson cdf 999990000000 --mean 1e12 --json");
  setup_value(p, Fn::sf, "P(N > k) = P(N >= k+1), without cancellation",
              "  numkit poisson sf 5 --rate 3\n"
              "  numkit poisson sf 1000100 --mean 1e6 --json");
  setup_value(p, Fn::logcdf, "log P(N <= k), finite where P(N <= k) underflows",
              "  numkit poisson logcdf 0 --mean 1e6");
  setup_value(p, Fn::logsf, "log P(N > k), finite where P(N > k) underflows",
              "  numkit poisson logsf 1000 --mean 3\n"
              "  numkit poisson logsf 1060000000000 --mean 1e12");
  setup_quantile(p);
  setup_interval(p);
  setup_stats(p);
  setup_table(p);
  setup_wait(p);
  setup_sample(p);
  setup_fit(p);
  setup_test(p);
}

const bool registered = register_command("poisson", 60, setup_poisson);

// ---- tour -------------------------------------------------------------------------------------

int tour_poisson(TourContext& t) {
  t.section("poisson: 3 births an hour");
  t.say("Births arrive at random at an average of 3 an hour. The number in a window of T hours");
  t.say("is Poisson with mean 3T; the time to the next birth is exponential with rate 3.");
  io::Report rep;
  rep.data["p_none_in_an_hour"] = pn::pmf(0, 3);
  rep.data["p_at_least_6_in_an_hour"] = pn::sf(5, 3);
  rep.data["p_at_most_2_in_two_hours"] = pn::cdf(2, 6);
  rep.data["mean_wait_hours"] = 1.0 / 3;
  rep.data["median_wait_hours"] = pn::erlang_quantile(1, 0.5) / 3;
  rep.data["p_wait_over_30_min"] = pn::erlang_sf(1, 3 * 0.5);
  rep.data["wait_90_percent_hours"] = pn::erlang_quantile(1, 0.9) / 3;
  t.emit("poisson_births", rep);
  t.say("(numkit poisson pmf 0 --rate 3; sf 5 --rate 3; cdf 2 --rate 3 --time 2; wait --rate 3)");
  t.plot(pmf_figure({3.0}), "poisson_pmf.png");
  return 0;
}

const bool tour_registered = register_tour_section("poisson", 60, tour_poisson);

}  // namespace
}  // namespace numkit::cli
