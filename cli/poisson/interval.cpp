// numkit poisson interval
#include "numkit/poisson/distribution.hpp"

#include "poisson/poisson.hpp"

namespace numkit::cli::poissoncli {

namespace pn = numkit::poisson;
using io::Json;

int run_interval(const IntervalOptions& o) {
  const std::vector<double> means = resolve_count_means(o.mean);
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

void setup_interval(CLI::App& parent) {
  auto o = std::make_shared<IntervalOptions>();
  auto* cmd = parent.add_subcommand(
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
  bind_run<IntervalOptions>(cmd, o, run_interval);
}

}  // namespace numkit::cli::poissoncli
