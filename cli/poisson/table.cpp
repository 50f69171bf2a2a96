// numkit poisson table
#include "numkit/poisson/distribution.hpp"

#include "poisson/poisson.hpp"

namespace numkit::cli::poissoncli {

namespace pn = numkit::poisson;
using io::Json;

int run_table(const TableOptions& o) {
  const double m = resolve_means(o.mean)[0];
  if (o.from.empty() || o.to.empty())  // the default range comes from quantiles
    pn::check_count_mean(m, std::string(o.mean.rate_set ? "--rate * --time" : "--mean") +
                                " (for the default range; give --from and --to)");
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
  if (!o.out.plot.empty()) emit_plot(pmf_figure({m}), o.out);  // plot data only when asked
  return code;
}

void setup_table(CLI::App& parent) {
  auto o = std::make_shared<TableOptions>();
  auto* cmd = parent.add_subcommand(
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
  bind_run<TableOptions>(cmd, o, run_table);
}

}  // namespace numkit::cli::poissoncli
