// numkit poisson quantile
#include "numkit/poisson/distribution.hpp"

#include "poisson/poisson.hpp"

namespace numkit::cli::poissoncli {

namespace pn = numkit::poisson;
using io::Json;

int run_quantile(const QuantileOptions& o) {
  const std::vector<double> means = resolve_count_means(o.mean);
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

void setup_quantile(CLI::App& parent) {
  auto o = std::make_shared<QuantileOptions>();
  auto* cmd = parent.add_subcommand(
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
  bind_run<QuantileOptions>(cmd, o, run_quantile);
}

}  // namespace numkit::cli::poissoncli
