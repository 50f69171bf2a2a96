// numkit harmonic bounds

#include "harmonic/harmonic.hpp"

namespace numkit::cli::harmoniccli {

using io::Json;

io::Report bounds_report(const harmonic::Bounds& b) {
  io::Report rep;
  rep.data["n"] = count_json(b.n);
  rep.data["h"] = b.h;
  Json rows = Json::array();
  for (const auto& c : b.checks) {
    Json r = Json::object();
    r["inequality"] = c.inequality;
    r["left"] = c.left_value;
    r["right"] = c.right_value;
    r["gap"] = gap_json(c.gap_value, c.gap);
    r["holds"] = c.holds;
    rows.push_back(std::move(r));
  }
  rep.data["checks"] = std::move(rows);
  rep.data["all_hold"] = b.all_hold;
  rep.csv_table = "checks";
  rep.notes.push_back(
      "gap = right - left; each inequality is proven with an MPFR enclosure of both sides");
  if (b.n == 1)
    rep.notes.push_back("at n = 1 the classic upper bound is an equality: H(1) = 1 = 1 + ln 1");
  return rep;
}

int run_bounds(const BoundsOptions& o) {
  const BigInt n = harmonic::parse_count(o.n, "N");
  const harmonic::Bounds b = harmonic::bounds(n);
  emit(bounds_report(b), o.out);
  emit_plot(proof_figure(n), o.out);
  return b.all_hold ? 0 : 1;
}

void setup_bounds(CLI::App& parent) {
  auto o = std::make_shared<BoundsOptions>();
  auto* cmd = parent.add_subcommand(
      "bounds",
      "the bounds ln(n+1) < H(n) <= 1 + ln n and ln(n+1/2) + gamma < H(n) < ln(n+1/2) + "
      "gamma + 1/(24n^2), each checked in enough precision, with the gaps");
  cmd->add_option("N", o->n, "n: an integer >= 1 up to 10^300 (1000, 1e18, 10^100)")
      ->required()
      ->type_name("N");
  add_output_options(*cmd, o->out);
  add_plot_option(*cmd, o->out);
  cmd->footer(
      "Accuracy: both sides of every inequality are enclosed with MPFR at 4*log2(n) + 128 bits\n"
      "or more, so even the 1e-902 gap of the sharper upper bound at n = 10^300 is proven. Gaps\n"
      "below the double range are printed as text. --plot draws the proof picture: 1/x with the\n"
      "rectangles of height 1/k above and below it (at most 40).\n\n"
      "Examples:\n"
      "  numkit harmonic bounds 10\n"
      "  numkit harmonic bounds 1e18 --json\n"
      "  numkit harmonic bounds 10^300 --csv\n"
      "  numkit harmonic bounds 6 --plot -");
  bind_run<BoundsOptions>(cmd, o, run_bounds);
}

}  // namespace numkit::cli::harmoniccli
