// numkit poisson stats
#include "numkit/poisson/distribution.hpp"

#include "poisson/poisson.hpp"

namespace numkit::cli::poissoncli {

namespace pn = numkit::poisson;
using io::Json;

int run_stats(const StatsOptions& o) {
  const double m = resolve_count_means(o.mean)[0];
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

void setup_stats(CLI::App& parent) {
  auto o = std::make_shared<StatsOptions>();
  auto* cmd = parent.add_subcommand(
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
  bind_run<StatsOptions>(cmd, o, run_stats);
}

}  // namespace numkit::cli::poissoncli
