// numkit poisson wait: waiting times of a Poisson process
#include <cmath>

#include "numkit/core/number.hpp"
#include "numkit/poisson/distribution.hpp"

#include "poisson/poisson.hpp"

namespace numkit::cli::poissoncli {

namespace pn = numkit::poisson;
using io::Json;

int run_wait(const WaitOptions& o) {
  NumberOptions no;
  no.allow_nonfinite = true;
  const double rate = parse_double(o.rate, "--rate", no);
  if (!std::isfinite(rate) || rate <= 0)
    throw InputError("--rate: must be finite and > 0, got " + fmt(rate));
  const double k = parse_double(o.events, "--events", no);
  if (!(k >= 1 && k == std::floor(k) && k <= pn::kMaxK))
    throw InputError("--events: must be an integer in [1, 2^53], got " + fmt(k));
  // waiting times are about events / rate (quantiles at most a few times more): keep them finite
  if (!(k / rate <= 1e300))
    throw InputError("--rate: the mean wait --events / --rate must be <= 1e300, got " +
                     fmt(k / rate));
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

void setup_wait(CLI::App& parent) {
  auto o = std::make_shared<WaitOptions>();
  auto* cmd = parent.add_subcommand(
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
  bind_run<WaitOptions>(cmd, o, run_wait);
}

}  // namespace numkit::cli::poissoncli
