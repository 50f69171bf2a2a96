// numkit dist FAMILY pmf|pdf|logpmf|logpdf|cdf|sf|logcdf|logsf|quantile|interval|stats|table
#include <cmath>
#include <limits>
#include <memory>

#include "dist/dist.hpp"
#include "numkit/core/number.hpp"

namespace numkit::cli::distcli {

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

const char* kAccuracy =
    "Accuracy: relative error <= 1e-13 against 50-digit references for the mass or density and\n"
    "both tails wherever the value is >= 1e-300, and for the logs everywhere (80-bit arithmetic:\n"
    "Loader's saddle point, mass-scaled series, Gauss-Legendre quadrature of the log-concave\n"
    "beta or gamma density near the mean; see docs/dist.md).\n";

std::string fn_name(ValueFn fn, bool discrete) {
  switch (fn) {
    case ValueFn::pdf:
      return discrete ? "pmf" : "pdf";
    case ValueFn::logpdf:
      return discrete ? "logpmf" : "logpdf";
    case ValueFn::cdf:
      return "cdf";
    case ValueFn::sf:
      return "sf";
    case ValueFn::logcdf:
      return "logcdf";
    case ValueFn::logsf:
      return "logsf";
  }
  return "";
}

double eval(const Distribution& d, ValueFn fn, double x) {
  switch (fn) {
    case ValueFn::pdf:
      return d.pdf(x);
    case ValueFn::logpdf:
      return d.log_pdf(x);
    case ValueFn::cdf:
      return d.cdf(x);
    case ValueFn::sf:
      return d.sf(x);
    case ValueFn::logcdf:
      return d.log_cdf(x);
    case ValueFn::logsf:
      return d.log_sf(x);
  }
  return 0;
}

// The plotted range: the 1e-6 quantiles.
std::pair<double, double> plot_range(const Distribution& d) {
  double lo = d.quantile(1e-6), hi = d.quantile(1e-6, true);
  if (!std::isfinite(hi)) hi = d.quantile(1 - 1e-6);
  if (hi <= lo) hi = lo + 1;
  return {lo, hi};
}

std::string examples_for(Family f, const std::string& verb) {
  const std::string base = "  numkit dist " + family_name(f) + " " + verb;
  switch (f) {
    case Family::poisson:
      return base + " --lambda 3";
    case Family::binomial:
      return base + " --size 30 --prob 0.1";
    case Family::negbin:
      return base + " --size 5 --mu 3";
    case Family::geometric:
      return base + " --prob 0.2";
    case Family::gamma:
      return base + " --shape 2.5 --rate 0.5";
    case Family::exponential:
      return base + " --rate 3";
    case Family::normal:
      return base + " --mean 3 --sd 1.732";
  }
  return base;
}

std::string point_example(Family f, ValueFn fn) {
  const bool disc = family_discrete(f);
  if (fn == ValueFn::logsf || fn == ValueFn::logcdf) {
    switch (f) {
      case Family::binomial:
        return " 600000000";
      case Family::normal:
        return " 72";
      default:
        return disc ? " 200" : " 100";
    }
  }
  return disc ? " 0..6" : " 0.5,1,2";
}

}  // namespace

int run_value(const ValueOptions& o) {
  const Distribution d = o.params.make();
  const std::vector<double> xs = expand_points(o.points, d.discrete());
  const std::string name = fn_name(o.fn, d.discrete());
  const std::string xkey = d.discrete() ? "k" : "x";
  io::Report rep;
  put_parameters(rep.data, d);
  bool underflow = false;
  auto check_underflow = [&](double v) {
    underflow = underflow ||
                (v == 0 && (o.fn == ValueFn::pdf || o.fn == ValueFn::cdf || o.fn == ValueFn::sf));
  };
  if (xs.size() == 1) {
    rep.data[xkey] = d.discrete() ? count_json(xs[0]) : io::Json(xs[0]);
    const double v = eval(d, o.fn, xs[0]);
    check_underflow(v);
    rep.data[name] = v;
  } else {
    io::Json rows = io::Json::array();
    for (double x : xs) {
      io::Json r = io::Json::object();
      r[xkey] = d.discrete() ? count_json(x) : io::Json(x);
      const double v = eval(d, o.fn, x);
      check_underflow(v);
      r[name] = v;
      rows.push_back(std::move(r));
    }
    rep.data["values"] = std::move(rows);
    rep.csv_table = "values";
  }
  if (o.fn == ValueFn::sf || o.fn == ValueFn::logsf) rep.notes.push_back("sf(x) = P(X > x)");
  if (underflow)
    rep.notes.push_back(
        "0 means below the smallest double (~4.9e-324); the log versions give the value's "
        "logarithm");
  const int code = emit(rep, o.out);
  if (!o.out.plot.empty()) {
    const auto [lo, hi] = plot_range(d);
    emit_plot(law_figure(d, lo, hi), o.out);
  }
  return code;
}

void setup_value(CLI::App* family_cmd, Family f, ValueFn fn) {
  auto o = std::make_shared<ValueOptions>();
  o->params.family = f;
  o->fn = fn;
  const bool disc = family_discrete(f);
  const std::string name = fn_name(fn, disc);
  std::string what;
  switch (fn) {
    case ValueFn::pdf:
      what = disc ? "the mass P(X = k)" : "the density";
      break;
    case ValueFn::logpdf:
      what = disc ? "log P(X = k), finite where the mass underflows"
                  : "the log density, finite where the density underflows";
      break;
    case ValueFn::cdf:
      what = "P(X <= x)";
      break;
    case ValueFn::sf:
      what = "P(X > x), computed directly (no 1 - cdf cancellation)";
      break;
    case ValueFn::logcdf:
      what = "log P(X <= x), finite where it underflows";
      break;
    case ValueFn::logsf:
      what = "log P(X > x), finite where it underflows";
      break;
  }
  auto* cmd = family_cmd->add_subcommand(name, what);
  cmd->add_option("X", o->points,
                  disc ? "counts k >= 0: integers, ranges 0..12, - (stdin) or a file"
                       : "points x: numbers, lists 0.5,1,2, - (stdin) or a file")
      ->required()
      ->type_name(disc ? "K" : "X");
  o->params.add_to(cmd);
  add_output_options(*cmd, o->out);
  add_plot_option(*cmd, o->out);
  cmd->footer(family_convention(f) + "\n\n" + kAccuracy + "\nExamples:\n" +
              examples_for(f, name + point_example(f, fn)));
  bind_run<ValueOptions>(cmd, o, run_value);
}

// ---- quantile ---------------------------------------------------------------------------------

int run_quantile(const QuantileOptions& o) {
  const Distribution d = o.params.make();
  const std::vector<double> ps = expand_probabilities(o.ps, "P");
  io::Report rep;
  put_parameters(rep.data, d);
  const std::string v = d.discrete() ? "k" : "x";
  rep.data["definition"] =
      d.discrete() ? (o.upper ? "smallest k with P(X > k) <= p" : "smallest k with P(X <= k) >= p")
                   : (o.upper ? "x with P(X > x) = p" : "x with P(X <= x) = p");
  auto value = [&](double p) {
    const double q = d.quantile(p, o.upper);
    return d.discrete() ? count_json(q) : io::Json(q);
  };
  if (ps.size() == 1) {
    rep.data["p"] = ps[0];
    rep.data[v] = value(ps[0]);
  } else {
    io::Json rows = io::Json::array();
    for (double p : ps) {
      io::Json r = io::Json::object();
      r["p"] = p;
      r[v] = value(p);
      rows.push_back(std::move(r));
    }
    rep.data["values"] = std::move(rows);
    rep.csv_table = "values";
  }
  return emit(rep, o.out);
}

void setup_quantile(CLI::App* family_cmd, Family f) {
  auto o = std::make_shared<QuantileOptions>();
  o->params.family = f;
  const bool disc = family_discrete(f);
  auto* cmd = family_cmd->add_subcommand(
      "quantile", disc ? "the smallest k with P(X <= k) >= p (R's q-functions, SciPy's ppf); "
                         "--upper: the smallest k with P(X > k) <= p"
                       : "x with P(X <= x) = p (R's q-functions, SciPy's ppf); --upper: "
                         "P(X > x) = p (SciPy's isf)");
  cmd->add_option("P", o->ps, "probabilities in [0, 1] (lists 0.1,0.5, - or a file)")
      ->required()
      ->type_name("P");
  o->params.add_to(cmd);
  cmd->add_flag("--upper", o->upper,
                "use the upper tail (exact for tiny p, where 1 - p would round)");
  add_output_options(*cmd, o->out);
  cmd->footer(
      family_convention(f) + "\n\n" +
      (disc ? "Definition: R's, the smallest k with P(X <= k) >= p, checked with the tails at k\n"
              "and k - 1 (the tail compared is the one <= 1/2, so 1 - p is exact; R adds a fuzz\n"
              "of 64 ulps that can move the answer when P(X <= k) is within 1e-14 of p). p = 1\n"
              "gives the upper end of the support (inf where unbounded), as in R.\n"
            : "Accuracy: relative error ~1e-15 (normal: erfc_inv in 80 bits and a Newton step;\n"
              "gamma: bracketed Newton on the log of the smaller tail; exponential: closed "
              "form).\n") +
      "\nExamples:\n" + examples_for(f, "quantile 0.025,0.5,0.975") + "\n" +
      examples_for(f, "quantile 1e-12 --upper --json"));
  bind_run<QuantileOptions>(cmd, o, run_quantile);
}

// ---- interval ---------------------------------------------------------------------------------

int run_interval(const IntervalOptions& o) {
  const Distribution d = o.params.make();
  numkit::dist::check_probability(o.level, "LEVEL");
  const numkit::dist::Interval iv = d.interval(o.level);
  io::Report rep;
  put_parameters(rep.data, d);
  rep.data["level"] = o.level;
  rep.data["lo"] = d.discrete() ? count_json(iv.lo) : io::Json(iv.lo);
  rep.data["hi"] = d.discrete() ? count_json(iv.hi) : io::Json(iv.hi);
  rep.data["coverage"] = iv.coverage;
  rep.notes.push_back(
      "lo = quantile((1-level)/2), hi = upper quantile((1-level)/2); coverage = P(lo <= X <= hi)");
  return emit(rep, o.out);
}

void setup_interval(CLI::App* family_cmd, Family f) {
  auto o = std::make_shared<IntervalOptions>();
  o->params.family = f;
  auto* cmd = family_cmd->add_subcommand(
      "interval", "the central interval [lo, hi] holding at least LEVEL of the probability");
  cmd->add_option("LEVEL", o->level, "probability level in [0, 1], e.g. 0.95")
      ->required()
      ->type_name("LEVEL");
  o->params.add_to(cmd);
  add_output_options(*cmd, o->out);
  cmd->footer(family_convention(f) +
              "\n\nDefinition: as R's q-functions at (1-level)/2 of each tail.\n\nExamples:\n" +
              examples_for(f, "interval 0.95"));
  bind_run<IntervalOptions>(cmd, o, run_interval);
}

// ---- stats ------------------------------------------------------------------------------------

int run_stats(const StatsOptions& o) {
  const Distribution d = o.params.make();
  const numkit::dist::Stats s = d.stats();
  io::Report rep;
  put_parameters(rep.data, d);
  rep.data["mean"] = s.mean;
  rep.data["variance"] = s.variance;
  rep.data["sd"] = s.sd;
  rep.data["skewness"] = s.skewness;
  rep.data["excess_kurtosis"] = s.excess_kurtosis;
  io::Json modes = io::Json::array();
  for (double m : s.modes) modes.push_back(d.discrete() ? count_json(m) : io::Json(m));
  rep.data["modes"] = std::move(modes);
  rep.data["median"] = d.discrete() ? count_json(s.median) : io::Json(s.median);
  if (std::isnan(s.entropy)) {
    rep.data["entropy"] = "undetermined";
    rep.notes.push_back("entropy " + s.entropy_note);
  } else {
    rep.data["entropy"] = s.entropy;
  }
  rep.notes.push_back("entropy in nats; median = quantile(1/2)");
  return emit(rep, o.out);
}

void setup_stats(CLI::App* family_cmd, Family f) {
  auto o = std::make_shared<StatsOptions>();
  o->params.family = f;
  auto* cmd = family_cmd->add_subcommand(
      "stats", "mean, variance, sd, skewness, excess kurtosis, mode(s), median, entropy");
  o->params.add_to(cmd);
  add_output_options(*cmd, o->out);
  cmd->footer(
      family_convention(f) +
      "\n\nAccuracy: moments are closed forms in 80-bit arithmetic; the entropy is a\n"
      "closed form for the continuous families and the geometric, and -sum P log P over\n"
      "all but 1e-20 of the mass otherwise (undetermined beyond 2e6 terms).\n\nExamples:\n" +
      examples_for(f, "stats"));
  bind_run<StatsOptions>(cmd, o, run_stats);
}

// ---- table ------------------------------------------------------------------------------------

int run_table(const TableOptions& o) {
  const Distribution d = o.params.make();
  NumberOptions no;
  no.allow_nonfinite = true;
  io::Report rep;
  put_parameters(rep.data, d);
  io::Json rows = io::Json::array();
  const std::string xkey = d.discrete() ? "k" : "x", pkey = d.discrete() ? "pmf" : "pdf";
  double lo, hi;
  if (d.discrete()) {
    lo = o.from.empty() ? d.quantile(5e-13) : expand_points({o.from}, true)[0];
    hi = o.to.empty() ? d.quantile(5e-13, true) : expand_points({o.to}, true)[0];
    if (hi < lo) throw InputError("--to: must be >= --from, got " + format_number(hi));
    if (hi - lo >= 1e6)
      throw UsageError("table: " + format_number(hi - lo + 1) +
                       " rows; at most 1000000, choose a window with --from and --to");
    for (double k = lo; k <= hi; k += 1) {
      const numkit::dist::Tails t = d.tails(k);
      io::Json r = io::Json::object();
      r[xkey] = count_json(k);
      r[pkey] = d.pdf(k);
      r["cdf"] = static_cast<double>(t.lower);
      r["sf"] = static_cast<double>(t.upper);
      rows.push_back(std::move(r));
    }
    if (o.from.empty() && o.to.empty())
      rep.notes.push_back("rows cover all but 1e-12 of the probability; sf(k) = P(X > k)");
  } else {
    lo = o.from.empty() ? d.quantile(1e-3) : parse_double(o.from, "--from", no);
    hi = o.to.empty() ? d.quantile(1e-3, true) : parse_double(o.to, "--to", no);
    if (!std::isfinite(lo) || !std::isfinite(hi) || !(hi > lo))
      throw InputError("--to: must be finite and > --from");
    if (o.points < 2 || o.points > 1000000)
      throw InputError("--points: must be in [2, 1000000], got " + std::to_string(o.points));
    for (int i = 0; i < o.points; ++i) {
      const double x = lo + (hi - lo) * i / (o.points - 1);
      const numkit::dist::Tails t = d.tails(x);
      io::Json r = io::Json::object();
      r[xkey] = x;
      r[pkey] = d.pdf(x);
      r["cdf"] = static_cast<double>(t.lower);
      r["sf"] = static_cast<double>(t.upper);
      rows.push_back(std::move(r));
    }
  }
  rep.data["rows"] = std::move(rows);
  rep.csv_table = "rows";
  const int code = emit(rep, o.out);
  emit_plot(law_figure(d, lo, hi), o.out);
  return code;
}

void setup_table(CLI::App* family_cmd, Family f) {
  auto o = std::make_shared<TableOptions>();
  o->params.family = f;
  const bool disc = family_discrete(f);
  auto* cmd = family_cmd->add_subcommand(
      "table", disc ? "k, pmf, cdf and sf; by default over all but 1e-12 of the mass"
                    : "x, pdf, cdf and sf at evenly spaced points (default: between the 1e-3 "
                      "quantiles)");
  o->params.add_to(cmd);
  cmd->add_option("--from", o->from, "first point")->type_name("X");
  cmd->add_option("--to", o->to, "last point")->type_name("X");
  if (!disc) cmd->add_option("--points", o->points, "number of points (default 11)");
  add_output_options(*cmd, o->out);
  add_plot_option(*cmd, o->out);
  cmd->footer(family_convention(f) + "\n\n" + kAccuracy + "\nExamples:\n" +
              examples_for(f, "table") + "\n" + examples_for(f, "table --csv"));
  bind_run<TableOptions>(cmd, o, run_table);
}

}  // namespace numkit::cli::distcli
