// numkit poisson: the Poisson distribution, its process and waiting times, sampling, fitting and
// the exact test. Registers the command family and its tour section.
#include "numkit/poisson/distribution.hpp"

#include "poisson/poisson.hpp"

namespace numkit::cli::poissoncli {

namespace pn = numkit::poisson;
using io::Json;

void setup_poisson(CLI::App& root) {
  auto* p = root.add_subcommand(
      "poisson",
      "the Poisson distribution P(N = k) = mu^k e^-mu / k!: probabilities, quantiles, waiting "
      "times, sampling, fitting and the exact test");
  p->require_subcommand(1);
  p->footer(
      "Examples:\n"
      "  numkit poisson pmf 0..12 --mean 3\n"
      "  numkit poisson cdf 2 --rate 3 --time 2\n"
      "  numkit poisson quantile 0.99 --mean 3\n"
      "  numkit poisson wait --rate 3 --events 5 --json");
  setup_value(*p, Fn::pmf, "P(N = k) for a mean mu (or rate L over time T: mu = L T)",
              "  numkit poisson pmf 0 --rate 3\n"
              "  numkit poisson pmf 0..12 --mean 3\n"
              "  numkit poisson pmf 1000000000000 --mean 1e12 --json\n"
              "  numkit poisson pmf 0..20 --mean 1,4,10 --plot -");
  setup_value(*p, Fn::log_pmf, "log P(N = k), finite where P(N = k) underflows",
              "  numkit poisson logpmf 5000 --mean 3\n"
              "  numkit poisson logpmf 0 1 2 --mean 1e15 --csv");
  setup_value(*p, Fn::cdf, "P(N <= k)",
              "  numkit poisson cdf 2 --rate 3 --time 2\n"
              "  numkit poisson cdf 3 --mean 2\n"
              "  numkit poisson cdf 999990000000 --mean 1e12 --json");
  setup_value(*p, Fn::sf, "P(N > k) = P(N >= k+1), without cancellation",
              "  numkit poisson sf 5 --rate 3\n"
              "  numkit poisson sf 1000100 --mean 1e6 --json");
  setup_value(*p, Fn::log_cdf, "log P(N <= k), finite where P(N <= k) underflows",
              "  numkit poisson logcdf 0 --mean 1e6");
  setup_value(*p, Fn::log_sf, "log P(N > k), finite where P(N > k) underflows",
              "  numkit poisson logsf 1000 --mean 3\n"
              "  numkit poisson logsf 1060000000000 --mean 1e12");
  setup_quantile(*p);
  setup_interval(*p);
  setup_stats(*p);
  setup_table(*p);
  setup_wait(*p);
  setup_sample(*p);
  setup_fit(*p);
  setup_test(*p);
}

namespace {
const bool registered = register_command("poisson", 60, setup_poisson);
}  // namespace

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

namespace {
const bool tour_registered = register_tour_section("poisson", 60, tour_poisson);
}  // namespace

}  // namespace numkit::cli::poissoncli
