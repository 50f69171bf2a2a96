// numkit harmonic: exact harmonic numbers, correctly rounded values up to n = 10^300, proven
// bounds, the inverse problem and the point where floating-point sums stall. Registers the
// command family and its tour section.
#include "harmonic/harmonic.hpp"

namespace numkit::cli::harmoniccli {

using io::Json;

void setup_harmonic(CLI::App& root) {
  auto* h = root.add_subcommand(
      "harmonic",
      "harmonic numbers H(n) = 1 + 1/2 + ... + 1/n: exact fractions, values to 10^300, "
      "proven bounds, the inverse problem and floating-point stalls");
  h->require_subcommand(1);
  h->footer(
      "Examples:\n"
      "  numkit harmonic value 10 --exact\n"
      "  numkit harmonic bounds 1000\n"
      "  numkit harmonic inverse 10\n"
      "  numkit harmonic stall --format fp32");
  setup_value(*h);
  setup_bounds(*h);
  setup_inverse(*h);
  setup_stall(*h);
  setup_table(*h);
}

namespace {
const bool registered = register_command("harmonic", 40, setup_harmonic);
}  // namespace

// ---- tour -------------------------------------------------------------------------------------

int tour_harmonic(TourContext& t) {
  t.section("harmonic: H(n) squeezed between two integrals, and where float sums stall");
  const BigInt ten = 10;
  const harmonic::Fraction f = harmonic::exact(10);
  t.say("H(10) = 1 + 1/2 + ... + 1/10 = " + f.numerator.str() + "/" + f.denominator.str() +
        ". Rectangles of height 1/k on [k, k+1] cover the area under 1/x from 1 to 11,");
  t.say(
      "those on [k-1, k] fit under it from 1 to 10: ln(11) < H(10) < 1 + ln 10, and Euler's gamma");
  t.say("gives the sharper pair. Each inequality below is proven in multiprecision:");
  const harmonic::Bounds b = harmonic::bounds(ten);
  t.emit("harmonic_bounds", bounds_report(b));
  t.plot(proof_figure(ten), "harmonic_bounds.png");
  t.say("A naive running sum of 1/k stops growing once 1/k falls below half an ulp of the sum:");
  Json rows = Json::array();
  for (auto fmt : {harmonic::Format::fp16, harmonic::Format::fp32}) {
    const harmonic::Stall s = harmonic::stall(fmt);
    Json r = Json::object();
    r["format"] = harmonic::format_name(fmt);
    r["stall_n"] = s.stall_n;
    r["stall_value"] = s.stall_value;
    r["true_h"] = s.exact_at_stall;
    r["predicted_n"] = s.predicted_n;
    r["kahan"] = s.comparison.kahan;
    rows.push_back(std::move(r));
  }
  io::Report rep;
  rep.data["stalls"] = std::move(rows);
  rep.csv_table = "stalls";
  t.emit("harmonic_stall", rep);
  return b.all_hold ? 0 : 1;
}

namespace {
const bool tour_registered = register_tour_section("harmonic", 40, tour_harmonic);
}  // namespace

}  // namespace numkit::cli::harmoniccli
