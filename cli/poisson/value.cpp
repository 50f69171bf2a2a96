// numkit poisson pmf | logpmf | cdf | sf | logcdf | logsf
#include "numkit/poisson/distribution.hpp"

#include <algorithm>

#include "poisson/poisson.hpp"

namespace numkit::cli::poissoncli {

namespace pn = numkit::poisson;
using io::Json;

const char* fn_name(Fn f) {
  switch (f) {
    case Fn::pmf:
      return "pmf";
    case Fn::log_pmf:
      return "logpmf";
    case Fn::cdf:
      return "cdf";
    case Fn::sf:
      return "sf";
    case Fn::log_cdf:
      return "logcdf";
    case Fn::log_sf:
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
    const double v = pn::evaluate(o.fn, ks[0], means[0]);
    rep.data[name] = v;
    underflow = v == 0 && (o.fn == Fn::pmf || o.fn == Fn::cdf || o.fn == Fn::sf);
    if (o.fn == Fn::sf || o.fn == Fn::log_sf)
      rep.notes.push_back("sf(k) = P(N > k) = P(N >= " + fmt(ks[0] + 1) + ")");
  } else {
    if (means.size() == 1) rep.data["mean"] = means[0];
    // Columns, not a Json object per row: a million counts from stdin are the common case.
    io::NumberTable& table = rep.numbers;
    if (means.size() > 1) table.columns.push_back("mean");
    table.columns.push_back("k");
    table.columns.push_back(name);
    table.values.resize(table.columns.size());
    table.integral.assign(table.columns.size(), false);
    table.integral[table.columns.size() - 2] = true;  // k <= 2^53, checked on input
    std::vector<double> values(ks.size());
    for (double m : means) {
      pn::evaluate(o.fn, ks, m, values);
      if (means.size() > 1) table.values.front().insert(table.values.front().end(), ks.size(), m);
      auto& k_column = table.values[table.columns.size() - 2];
      k_column.insert(k_column.end(), ks.begin(), ks.end());
      table.values.back().insert(table.values.back().end(), values.begin(), values.end());
      if (o.fn == Fn::pmf || o.fn == Fn::cdf || o.fn == Fn::sf)
        underflow = underflow || std::find(values.begin(), values.end(), 0.0) != values.end();
    }
    rep.csv_table = "values";
    if (o.fn == Fn::sf || o.fn == Fn::log_sf) rep.notes.push_back("sf(k) = P(N > k)");
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
  cmd->add_option(
         "K", o->ks,
         "counts k >= 0: integers, lists 3,4, ranges 0..12, - (stdin) or a file of integers")
      ->required()
      ->type_name("K");
  add_mean_options(cmd, o->mean, true);
  add_output_options(*cmd, o->out);
  add_plot_option(*cmd, o->out);
  cmd->footer(std::string(kAccuracy) + "\nExamples:\n" + examples);
  bind_run<ValueOptions>(cmd, o, run_value);
}

}  // namespace numkit::cli::poissoncli
