// numkit harmonic stall

#include "harmonic/harmonic.hpp"

namespace numkit::cli::harmoniccli {

using io::Json;

namespace {

io::Report stall_report(const harmonic::Stall& s) {
  io::Report rep;
  Json& d = rep.data;
  d["format"] = harmonic::format_name(s.format);
  d["significand_bits"] = harmonic::significand_bits(s.format);
  d["method"] = s.simulated ? "simulated, round to nearest even at every step"
                            : "predicted by the half-ulp analysis";
  d["stall_n"] = s.stall_n;
  if (s.simulated) {
    d["stall_value"] = s.stall_value;
    d["h_at_stall_n"] = s.exact_at_stall;
  }
  d["predicted_n"] = s.predicted_n;
  d["h_at_predicted_n"] = s.predicted_value;
  if (s.run_length_checked) {
    d["run_length_stall_n"] = s.run_length_n;
    d["run_length_stall_value"] = s.run_length_value;
  }
  d["terms_compared"] = s.comparison.terms;
  const auto& c = s.comparison;
  Json rows = Json::array();
  auto row = [&](const char* method, double value, double err) {
    Json r = Json::object();
    r["summation"] = method;
    r["value"] = value;
    r["relative_error"] = err;
    rows.push_back(std::move(r));
  };
  row("naive", c.naive, c.naive_error);
  row("pairwise", c.pairwise, c.pairwise_error);
  row("kahan", c.kahan, c.kahan_error);
  row("exact (double)", c.exact, 0.0);
  d["comparison"] = std::move(rows);
  rep.csv_table = "comparison";
  rep.notes.push_back(s.simulated ? "why: " + s.reasoning : "prediction: " + s.reasoning);
  return rep;
}

}  // namespace

int run_stall(const StallOptions& o) {
  const harmonic::Format f = harmonic::parse_format(o.format, "--format");
  std::uint64_t terms = 0;
  if (!o.terms.empty()) {
    const BigInt t = harmonic::parse_count(o.terms, "--terms");
    if (t > 1'000'000'000) throw InputError("--terms: must be from 1 to 10^9, got " + o.terms);
    terms = t.convert_to<std::uint64_t>();
  }
  if (o.simulate && f != harmonic::Format::fp64)
    throw UsageError(
        "--simulate: only with --format fp64 (the other formats are always simulated)");
  return emit(stall_report(harmonic::stall(f, terms, o.simulate)), o.out);
}

void setup_stall(CLI::App& parent) {
  auto o = std::make_shared<StallOptions>();
  auto* cmd = parent.add_subcommand(
      "stall",
      "where the naive left-to-right sum of 1/k stops changing in fp16, bf16, fp32 "
      "(simulated) or fp64 (predicted), compared with pairwise and Kahan summation");
  cmd->add_option("--format,-f", o->format, "fp16 (default), bf16, fp32 or fp64")
      ->type_name("FORMAT");
  cmd->add_option("--terms", o->terms,
                  "number of terms for the naive/pairwise/Kahan comparison (default: the stall "
                  "point; 10^7 for fp64; at most 10^9, below 2^24 for fp32)")
      ->type_name("N");
  cmd->add_flag("--simulate", o->simulate,
                "fp64: also run the exact run-length simulation (about a second): terms that round "
                "to the same multiple of the sum's ulp are added in bulk");
  add_output_options(*cmd, o->out);
  cmd->footer(
      "Method: each term fl(1/k) and each partial sum is rounded to nearest even in the format\n"
      "(Eigen::half, Eigen::bfloat16, float); the stall is the first k whose term leaves the sum\n"
      "unchanged. fp64 would need about 2.8e14 additions, so it is predicted: the first n with\n"
      "1/n <= ulp(H(n))/2, the rule that reproduces the simulated stalls within one term;\n"
      "--simulate checks it exactly by run-length simulation (validated against the plain fp32\n"
      "simulation).\n\n"
      "Examples:\n"
      "  numkit harmonic stall --format fp16\n"
      "  numkit harmonic stall --format bf16 --json\n"
      "  numkit harmonic stall --format fp32\n"
      "  numkit harmonic stall --format fp64 --terms 1e6");
  bind_run<StallOptions>(cmd, o, run_stall);
}

}  // namespace numkit::cli::harmoniccli
