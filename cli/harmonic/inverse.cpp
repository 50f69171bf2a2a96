// numkit harmonic inverse
#include "numkit/core/number.hpp"

#include "harmonic/harmonic.hpp"

namespace numkit::cli::harmoniccli {

using io::Json;

namespace {

Json inverse_json(const harmonic::Inverse& r) {
  Json d = Json::object();
  d["x"] = parse_double(r.x, "X");
  d["n"] = count_json(r.n);
  d["n_digits"] = r.n.str().size();
  d["h_n_minus_1"] = r.h_before;
  d["h_n"] = r.h_at;
  d["x_minus_h_n_minus_1"] = gap_json(r.gap_below, r.gap_below_text);
  d["h_n_minus_x"] = gap_json(r.gap_above, r.gap_above_text);
  d["verified"] = r.verified;
  d["check"] = r.exact_comparison && r.precision_bits == 0
                   ? std::string("exact rational comparison")
                   : "MPFR enclosure at " + std::to_string(r.precision_bits) + " bits";
  return d;
}

}  // namespace

int run_inverse(const InverseOptions& o) {
  std::vector<harmonic::Inverse> rs;
  for (const auto& t : expand_inputs(o.x, "X", looks_like_number))
    rs.push_back(harmonic::inverse(t.text, t.where));
  io::Report rep;
  bool ok = true;
  if (rs.size() == 1) {
    rep.data = inverse_json(rs.front());
    rep.notes.push_back("n is the smallest integer with H(n) >= x: H(n-1) < x <= H(n)");
  } else {
    Json rows = Json::array();
    for (const auto& r : rs) rows.push_back(inverse_json(r));
    rep.data["inverses"] = std::move(rows);
    rep.csv_table = "inverses";
  }
  for (const auto& r : rs) ok = ok && r.verified;
  if (!ok) rep.notes.push_back("a comparison could not be decided even at 131072 bits");
  emit(rep, o.out);
  return ok ? 0 : 1;
}

void setup_inverse(CLI::App& parent) {
  auto o = std::make_shared<InverseOptions>();
  auto* cmd = parent.add_subcommand(
      "inverse",
      "the smallest n with H(n) >= X, exact even when n has hundreds of digits, with a "
      "proof that H(n-1) < X <= H(n)");
  cmd->add_option("X", o->x,
                  "the target: a decimal number 0 < X <= 1000 (several values, - or a file give "
                  "one row each)")
      ->required()
      ->type_name("X");
  add_output_options(*cmd, o->out);
  cmd->footer(
      "Method: n = ceil(exp(X - gamma) - 1/2) from ln(n+1/2) + gamma < H(n) < ln(n+1/2) + gamma +\n"
      "1/(24n^2), then H(n) and H(n-1) are compared with X exactly (rationals for n <= 10^4) or\n"
      "with MPFR enclosures at log2(n) + 128 bits or more, stepping n until both comparisons\n"
      "are proven. X is taken exactly as written in decimal.\n\n"
      "Examples:\n"
      "  numkit harmonic inverse 10\n"
      "  numkit harmonic inverse 100\n"
      "  numkit harmonic inverse 1.5 --json\n"
      "  numkit harmonic inverse 2 3 4 5 --csv");
  bind_run<InverseOptions>(cmd, o, run_inverse);
}

}  // namespace numkit::cli::harmoniccli
