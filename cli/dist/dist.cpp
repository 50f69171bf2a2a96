// numkit dist: registration of the command family, and its tour section.
#include <cmath>

#include "dist/dist.hpp"
#include "numkit/dist/compare.hpp"

namespace numkit::cli::distcli {

namespace {

void setup_family(CLI::App* dist_cmd, Family f) {
  const bool disc = family_discrete(f);
  auto* cmd = dist_cmd->add_subcommand(family_name(f), family_convention(f));
  cmd->require_subcommand(1);
  for (ValueFn fn :
       {ValueFn::pdf, ValueFn::logpdf, ValueFn::cdf, ValueFn::sf, ValueFn::logcdf, ValueFn::logsf})
    setup_value(cmd, f, fn);
  setup_quantile(cmd, f);
  setup_interval(cmd, f);
  setup_stats(cmd, f);
  setup_table(cmd, f);
  setup_sample(cmd, f);
  setup_fit(cmd, f);
  if (disc) setup_approx(cmd, f);
}

void setup_dist(CLI::App& root) {
  auto* d = root.add_subcommand(
      "dist",
      "the Poisson family side by side: binomial, negative binomial, geometric, gamma, "
      "exponential and normal beside the Poisson; probabilities, quantiles, sampling, fitting, "
      "comparisons and approximations");
  d->require_subcommand(1);
  d->footer(
      "Parameters are named as R names them (SciPy's names are accepted as aliases):\n"
      "  poisson --lambda, binomial --size --prob, negbin --size and --prob or --mu,\n"
      "  geometric --prob (failures before the first success, as R), gamma --shape and --rate\n"
      "  or --scale, exponential --rate or --scale, normal --mean --sd.\n\n"
      "Examples:\n"
      "  numkit dist binomial pmf 3 --size 30 --prob 0.1\n"
      "  numkit dist negbin cdf 0..5 --size 5 --mu 3\n"
      "  numkit dist compare poisson:3 binomial:30,0.1 negbin:3,5 normal:3,1.732");
  // 90 subcommands: build those of the family the command line names, if it names one.
  const std::initializer_list<Family> families = {
      Family::poisson, Family::binomial,    Family::negbin, Family::geometric,
      Family::gamma,   Family::exponential, Family::normal};
  const std::string_view named = command_word(2);
  const bool names_one =
      named == "compare" || std::any_of(families.begin(), families.end(),
                                        [&](Family f) { return family_name(f) == named; });
  for (Family f : families)
    if (!names_one || family_name(f) == named) setup_family(d, f);
  if (!names_one || named == "compare") setup_compare(*d);
}

const bool registered = register_command("dist", 65, setup_dist);

int tour_dist(TourContext& t) {
  t.section("dist: the law of rare events and the normal approximation");
  t.say("30 trials with success probability 0.1, 300 with 0.01: the binomial approaches the");
  t.say("Poisson with the same mean 3 (Le Cam: total variation <= n p^2); the normal with mean 3");
  t.say("and variance 3 approximates all of them, better with the continuity correction.");
  const std::vector<Distribution> laws = {parse_spec("binomial:30,0.1"),
                                          parse_spec("binomial:300,0.01"), parse_spec("poisson:3"),
                                          parse_spec("normal:3,1.7320508075688772")};
  io::Report rep;
  for (const auto& [n, p] :
       {std::pair{30.0, 0.1}, std::pair{300.0, 0.01}, std::pair{3000.0, 0.001}}) {
    const auto pl = numkit::dist::binomial_poisson_distance(n, p);
    io::Json r = io::Json::object();
    r["size"] = n;
    r["prob"] = p;
    r["total_variation"] = pl.total_variation;
    r["le_cam_bound"] = pl.le_cam_bound;
    rep.data["poisson_limit"].push_back(std::move(r));
  }
  const auto na = numkit::dist::normal_approximation(Distribution::poisson(3), 0, 8);
  rep.data["normal_max_error"] = na.max_error_plain;
  rep.data["normal_max_error_corrected"] = na.max_error_corrected;
  t.emit("dist_limits", rep);
  t.say("(numkit dist binomial approx --size 30 --prob 0.1; numkit dist compare binomial:30,0.1");
  t.say(" binomial:300,0.01 poisson:3 normal:3,1.732 --plot cmp.png)");
  t.plot(compare_figure(laws, 0, 10, "binomial -> Poisson(3), and the normal N(3, 3)"),
         "dist_compare.png");
  return 0;
}

const bool tour_registered = register_tour_section("dist", 65, tour_dist);

}  // namespace
}  // namespace numkit::cli::distcli
