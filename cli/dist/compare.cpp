// numkit dist compare SPEC...: overlaid laws, pointwise values and distances;
// numkit dist binomial|poisson|negbin|geometric approx: the Poisson limit and the normal
// approximation.
#include <algorithm>
#include <cmath>
#include <map>
#include <memory>
#include <optional>

#include "dist/dist.hpp"
#include "numkit/core/number.hpp"
#include "numkit/dist/compare.hpp"

namespace numkit::cli::distcli {

namespace {

std::optional<std::pair<double, double>> parse_range(const std::string& from,
                                                     const std::string& to) {
  if (from.empty() && to.empty()) return std::nullopt;
  if (from.empty() || to.empty()) throw UsageError("--from and --to: give both");
  const double a = parse_double(from, "--from"), b = parse_double(to, "--to");
  if (!(b > a)) throw InputError("--to: must be > --from, got " + format_number(b));
  return std::make_pair(a, b);
}

// Column names: the family name, with the position appended when a family appears twice.
std::vector<std::string> column_names(const std::vector<Distribution>& laws) {
  std::map<std::string, int> count;
  for (const auto& d : laws) ++count[d.name()];
  std::vector<std::string> names;
  for (std::size_t i = 0; i < laws.size(); ++i) {
    const std::string n = laws[i].name();
    names.push_back(count[n] > 1 ? n + std::to_string(i + 1) : n);
  }
  return names;
}

}  // namespace

plot::Figure compare_figure(const std::vector<Distribution>& laws, double lo, double hi,
                            const std::string& title) {
  plot::Figure fig;
  fig.title = title;
  const bool any_discrete =
      std::any_of(laws.begin(), laws.end(), [](const auto& d) { return d.discrete(); });
  fig.xlabel = any_discrete ? "k" : "x";
  fig.ylabel = any_discrete ? "P(X = k), density" : "density";
  fig.xrange = {lo - 0.5, hi + 0.5};
  std::size_t discrete_count = 0;
  for (const auto& d : laws) discrete_count += d.discrete() ? 1 : 0;
  // Discrete laws as thin bars side by side around each k; continuous ones as curves.
  const double spread = discrete_count > 1 ? 0.6 / static_cast<double>(discrete_count) : 0;
  std::size_t di = 0;
  for (const auto& d : laws) {
    plot::Series s{d.label(), {}, {}, {}, {}, plot::Style::lines, false};
    if (d.discrete()) {
      s.style = plot::Style::impulses;
      const double off =
          spread * (static_cast<double>(di) - (static_cast<double>(discrete_count) - 1) / 2);
      ++di;
      for (double k = std::max(0.0, std::ceil(lo)); k <= hi; k += 1) {
        s.x.push_back(k + off);
        s.y.push_back(d.pdf(k));
      }
    } else {
      for (int i = 0; i <= 400; ++i) {
        const double x = lo + (hi - lo) * i / 400;
        s.x.push_back(x);
        s.y.push_back(d.pdf(x));
      }
    }
    fig.series.push_back(std::move(s));
  }
  return fig;
}

int run_compare(const CompareOptions& o) {
  if (o.specs.size() < 2)
    throw UsageError("compare: give at least two laws, e.g. poisson:3 binomial:30,0.1");
  std::vector<Distribution> laws;
  for (const auto& s : o.specs) laws.push_back(parse_spec(s));
  const auto range = parse_range(o.from, o.to);
  const numkit::dist::Comparison c = numkit::dist::compare(laws, range);
  const std::vector<std::string> names = column_names(laws);
  io::Report rep;
  io::Json lj = io::Json::array();
  for (std::size_t i = 0; i < laws.size(); ++i) {
    io::Json r = io::Json::object();
    r["name"] = names[i];
    r["law"] = laws[i].label();
    r["mean"] = laws[i].mean();
    r["sd"] = std::sqrt(laws[i].variance());
    lj.push_back(std::move(r));
  }
  rep.data["laws"] = std::move(lj);
  io::Json dj = io::Json::array();
  for (const auto& d : c.distances) {
    io::Json r = io::Json::object();
    r["a"] = names[d.i];
    r["b"] = names[d.j];
    if (d.determined) {
      r["total_variation"] = d.total_variation;
      r["max_cdf_difference"] = d.max_cdf_difference;
    } else {
      r["total_variation"] = "undetermined";
      r["max_cdf_difference"] = "undetermined";
      rep.notes.push_back(names[d.i] + " vs " + names[d.j] + ": " + d.note);
    }
    dj.push_back(std::move(r));
  }
  rep.data["distances"] = std::move(dj);
  io::Json vj = io::Json::array();
  const std::string xkey = c.integer_axis ? "k" : "x";
  for (std::size_t p = 0; p < c.xs.size(); ++p) {
    io::Json r = io::Json::object();
    r[xkey] = c.integer_axis ? count_json(c.xs[p]) : io::Json(c.xs[p]);
    for (std::size_t i = 0; i < laws.size(); ++i) r[names[i]] = c.pdf[i][p];
    for (std::size_t i = 0; i < laws.size(); ++i) r[names[i] + "_cdf"] = c.cdf[i][p];
    vj.push_back(std::move(r));
  }
  rep.data["values"] = std::move(vj);
  rep.csv_table = "values";
  rep.notes.push_back("values: the mass (density for continuous laws) and P(X <= x) of each law");
  rep.notes.push_back("distances: " + c.method);
  const int code = emit(rep, o.out);
  if (!o.out.plot.empty()) {
    std::string title = "compare:";
    for (const auto& s : o.specs) title += " " + s;
    emit_plot(compare_figure(laws, c.xs.front(), c.xs.back(), title), o.out);
  }
  return code;
}

void setup_compare(CLI::App& dist_cmd) {
  auto o = std::make_shared<CompareOptions>();
  auto* cmd = dist_cmd.add_subcommand(
      "compare",
      "several laws side by side: pointwise mass/density and cdf, total variation and max |dcdf| "
      "between every pair, and an overlaid plot");
  cmd->add_option("SPEC", o->specs,
                  "laws as family:parameters, positional (poisson:LAMBDA binomial:SIZE,PROB "
                  "negbin:MU,SIZE geometric:PROB gamma:SHAPE,RATE exponential:RATE "
                  "normal:MEAN,SD) or named (negbin:size=5,prob=0.6)")
      ->required()
      ->type_name("SPEC");
  cmd->add_option("--from", o->from, "first point of the table and plot")->type_name("X");
  cmd->add_option("--to", o->to, "last point of the table and plot")->type_name("X");
  add_output_options(*cmd, o->out);
  add_plot_option(*cmd, o->out);
  cmd->footer(
      "Distances are over the whole support (all but 1e-30 of each law's mass), not only the\n"
      "table's range. A continuous law compared with discrete ones enters the total variation\n"
      "through its continuity-corrected masses P(k - 1/2 < Y <= k + 1/2).\n\n"
      "Examples:\n"
      "  numkit dist compare poisson:3 binomial:30,0.1 negbin:3,5 normal:3,1.732\n"
      "  numkit dist compare poisson:3 binomial:30,0.1 --from 0 --to 8 --csv\n"
      "  numkit dist compare gamma:2.5,0.5 normal:5,3.162 --json");
  bind_run<CompareOptions>(cmd, o, run_compare);
}

// ---- approx -----------------------------------------------------------------------------------

int run_approx(const ApproxOptions& o) {
  const Distribution d = o.params.make();
  io::Report rep;
  put_parameters(rep.data, d);
  if (d.family() == Family::binomial) {
    const numkit::dist::PoissonLimit pl = numkit::dist::binomial_poisson_distance(d.a(), d.b());
    io::Json j = io::Json::object();
    j["lambda"] = pl.lambda;
    if (pl.determined)
      j["total_variation"] = pl.total_variation;
    else {
      j["total_variation"] = "undetermined";
      rep.notes.push_back("poisson limit: " + pl.note);
    }
    j["le_cam_bound"] = pl.le_cam_bound;
    j["barbour_hall_bound"] = pl.barbour_hall_bound;
    j["barbour_hall_lower"] = pl.barbour_hall_lower;
    rep.data["poisson_limit"] = std::move(j);
    rep.notes.push_back(
        "poisson limit: TV(binomial, poisson(size prob)) summed exactly; Le Cam: TV <= size "
        "prob^2; Barbour-Hall: min(1, 1/lambda) size prob^2 / 32 <= TV <= (1 - e^-lambda) prob");
  }
  const double lo = o.from.empty() ? d.quantile(1e-6) : expand_points({o.from}, true)[0];
  const double hi = o.to.empty() ? d.quantile(1e-6, true) : expand_points({o.to}, true)[0];
  if (hi < lo) throw InputError("--to: must be >= --from, got " + format_number(hi));
  if (hi - lo > 10000)
    throw UsageError("approx: " + format_number(hi - lo + 1) +
                     " rows; at most 10001, choose a window with --from and --to");
  const numkit::dist::NormalApprox na = numkit::dist::normal_approximation(d, lo, hi);
  io::Json n = io::Json::object();
  n["mean"] = na.mean;
  n["sd"] = na.sd;
  if (na.max_determined) {
    n["max_error"] = na.max_error_plain;
    n["k_max_error"] = count_json(na.k_max_plain);
    n["max_error_corrected"] = na.max_error_corrected;
    n["k_max_error_corrected"] = count_json(na.k_max_corrected);
  } else {
    rep.notes.push_back("normal approximation: " + na.note);
  }
  rep.data["normal"] = std::move(n);
  io::Json rows = io::Json::array();
  for (const auto& w : na.rows) {
    io::Json r = io::Json::object();
    r["k"] = count_json(w.k);
    r["cdf"] = w.exact;
    r["normal"] = w.plain;
    r["normal_cc"] = w.corrected;
    r["error"] = w.error_plain;
    r["error_cc"] = w.error_corrected;
    rows.push_back(std::move(r));
  }
  rep.data["rows"] = std::move(rows);
  rep.csv_table = "rows";
  rep.notes.push_back(
      "normal = Phi((k - mean)/sd), normal_cc = Phi((k + 1/2 - mean)/sd) (continuity "
      "correction); error = approximation - cdf; the largest errors are over all but 1e-12 of "
      "the mass");
  const int code = emit(rep, o.out);
  if (!o.out.plot.empty()) {
    plot::Figure fig;
    fig.title = "normal approximation of " + d.label() + ": error of P(X <= k)";
    fig.xlabel = "k";
    fig.ylabel = "approximation - exact";
    fig.xrange = {lo - 0.5, hi + 0.5};
    plot::Series a{"N(mean, var)", {}, {}, {}, {}, plot::Style::linespoints, false};
    plot::Series b{"with continuity correction", {}, {}, {}, {}, plot::Style::linespoints, false};
    for (const auto& w : na.rows) {
      a.x.push_back(w.k);
      a.y.push_back(w.error_plain);
      b.x.push_back(w.k);
      b.y.push_back(w.error_corrected);
    }
    fig.series = {a, b};
    emit_plot(fig, o.out);
  }
  return code;
}

void setup_approx(CLI::App* family_cmd, Family f) {
  auto o = std::make_shared<ApproxOptions>();
  o->params.family = f;
  auto* cmd = family_cmd->add_subcommand(
      "approx", f == Family::binomial
                    ? "the Poisson limit (exact total variation to Poisson(size prob), Le Cam's "
                      "bound) and the normal approximation with and without continuity "
                      "correction, with its error at each k"
                    : "the normal approximation with and without continuity correction, with its "
                      "error at each k");
  o->params.add_to(cmd);
  cmd->add_option("--from", o->from, "first k of the table (default: the 1e-6 quantile)")
      ->type_name("K");
  cmd->add_option("--to", o->to, "last k of the table (default: the upper 1e-6 quantile)")
      ->type_name("K");
  add_output_options(*cmd, o->out);
  add_plot_option(*cmd, o->out);
  std::string ex = "  numkit dist " + family_name(f) + " approx";
  switch (f) {
    case Family::binomial:
      ex += " --size 30 --prob 0.1\n  numkit dist binomial approx --size 1000 --prob 0.003 --json";
      break;
    case Family::poisson:
      ex += " --lambda 3 --csv";
      break;
    case Family::negbin:
      ex += " --size 5 --mu 3";
      break;
    default:
      ex += " --prob 0.2";
      break;
  }
  cmd->footer(family_convention(f) +
              "\n\nAccuracy: the exact cdf and Phi to 1e-13 relative; the total variation sums\n"
              "each |b(k) - pi(k)| as pi(k) |expm1(log b(k) - log pi(k))| with the log ratio "
              "formed\nwithout cancellation, so it keeps its digits when the laws are close.\n\n"
              "Examples:\n" +
              ex);
  bind_run<ApproxOptions>(cmd, o, run_approx);
}

}  // namespace numkit::cli::distcli
