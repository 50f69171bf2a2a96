// numkit poisson pmf | logpmf | cdf | sf | logcdf | logsf
#include "numkit/poisson/distribution.hpp"

#include "poisson/poisson.hpp"

namespace numkit::cli::poissoncli {

namespace pn = numkit::poisson;
using io::Json;

namespace {

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

}  // namespace

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
int run_value(const ValueOptions& o) {
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
  if (!o.out.plot.empty()) emit_plot(pmf_figure(means), o.out);  // plot data only when asked
  return code;
}

void setup_value(CLI::App& parent, Fn fn, const std::string& description,
                 const std::string& examples) {
  auto o = std::make_shared<ValueOptions>();
  o->fn = fn;
  auto* cmd = parent.add_subcommand(fn_name(fn), description);
  cmd->add_option("K", o->ks,
                  "counts k >= 0: integers, ranges 0..12, - (stdin) or a file of integers")
      ->required()
      ->type_name("K");
  add_mean_options(cmd, o->mean, true);
  add_output_options(*cmd, o->out);
  add_plot_option(*cmd, o->out);
  cmd->footer(std::string(kAccuracy) + "\nExamples:\n" + examples);
  bind_run<ValueOptions>(cmd, o, run_value);
}

}  // namespace numkit::cli::poissoncli
