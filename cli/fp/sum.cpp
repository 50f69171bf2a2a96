// numkit fp sum: summation in a format, four ways, against the exact sum.
#include <cmath>

#include "numkit/core/number_stream.hpp"
#include "numkit/fp/sum.hpp"

#include "fp/fp.hpp"

namespace numkit::cli::fpcli {

using io::Json;

namespace {

io::Report sum_report(const fp::SumResult& r, const fp::Format& f, bool saturate) {
  io::Report rep;
  Json& d = rep.data;
  d["format"] = std::string(f.name);
  d["n"] = r.n;
  if (r.nan + r.inf > 0) {
    d["excluded_nan"] = r.nan;
    d["excluded_inf"] = r.inf;
  }
  if (r.inputs_overflowed > 0) d["excluded_overflowing_inputs"] = r.inputs_overflowed;
  d["inputs_rounded"] = r.inputs_rounded;
  d["exact_sum_of_inputs"] = r.exact_input_sum;
  d["exact_sum_in_format"] = r.exact_sum;
  d["best_possible"] = number(r.exact_in_format);
  Json ms = Json::array();
  for (const auto& m : r.methods) {
    Json j = Json::object();
    j["method"] = m.name;
    const bool ok = std::isfinite(m.value);
    j["sum"] = ok ? Json(m.value)
                  : Json(std::isnan(m.value) ? "overflow (nan)" : (m.value > 0 ? "inf" : "-inf"));
    j["error"] = ok ? Json(m.error) : Json("-");
    j["rel_error"] = ok ? Json(m.relative_error) : Json("-");
    j["ulps"] = ok ? Json(m.ulps) : Json("-");
    ms.push_back(j);
  }
  d["methods"] = ms;
  Json nv = Json::object();
  nv["lost_additions"] = r.naive_lost_additions;
  if (r.naive_first_lost) {
    nv["first_lost_at"] = *r.naive_first_lost;
    nv["sum_when_first_lost"] = r.naive_sum_at_first_lost;
  }
  nv["last_change_at"] = r.naive_last_change;
  d["naive"] = nv;
  if (r.n > 0 && f.id != fp::FormatId::fp64) {
    Json st = Json::object();
    st["mean"] = r.mean;
    if (r.stall_n_for_mean) {
      st["stalls_after"] = *r.stall_n_for_mean - 1;
      st["stalls_at"] = r.stall_value_for_mean;
    } else {
      st["stalls_after"] = "more than 2^27 additions";
    }
    d["constant_mean_stall"] = st;
  }
  rep.csv_table = "methods";
  rep.notes.push_back("every method sums the inputs rounded to " + std::string(f.name) +
                      "; errors are against their exact sum (exact accumulation, Shewchuk), in " +
                      std::string(f.name) + " ulps of it.");
  rep.notes.push_back(
      "naive: s = fl(s + x); pairwise: fl(left + right) over a binary tree; kahan: compensated, "
      "every operation in " +
      std::string(f.name) + "; fp32_accumulate: fp32 running sum of the " + std::string(f.name) +
      " inputs (tensor-core style).");
  rep.notes.push_back(
      "naive: lost additions are nonzero addends that left the sum unchanged; constant mean stall: "
      "adding the mean again and again stops changing the sum after that many additions.");
  if (saturate)
    rep.notes.push_back(
        "--saturate: overflowing inputs and sums clamp to the largest finite value.");
  return rep;
}

}  // namespace

int run_sum(const SumOptions& o) {
  o.in.check();
  const auto& f = o.fmt.format();
  fp::Summer s(f, o.fmt.overflow());
  if (o.round.rounding() == fp::Rounding::stochastic) s.enable_stochastic(o.round.seed);
  if (o.in.is_inline()) {
    o.in.for_each_inline([&s](std::span<const double> v) { s.add(v); });
  } else {
    NumberStream ns(o.in.input, true);
    std::vector<double> chunk;
    while (ns.next_chunk(chunk, 1 << 16) > 0) s.add(chunk);
  }
  const auto r = s.finish();
  if (r.n == 0)
    throw InputError((o.in.is_inline() ? std::string("--values") : o.in.input) +
                     ": no finite numbers to sum");
  return emit(sum_report(r, f, o.fmt.saturate), o.out);
}

void setup_sum(CLI::App& fp_cmd) {
  auto o = std::make_shared<SumOptions>();
  auto* cmd = fp_cmd.add_subcommand(
      "sum",
      "sum numbers in a format four ways (naive, pairwise, Kahan, and fp32 accumulation of the "
      "format's "
      "inputs as tensor cores do), each against the exact sum, with errors in ulps and where naive "
      "accumulation stalls");
  add_data_input(cmd, o->in, "the numbers to sum");
  add_format_options(cmd, o->fmt);
  add_rounding_options(cmd, o->round);
  add_output_options(*cmd, o->out);
  cmd->footer(
      "Accuracy: the reference is the exact sum (error-free accumulation, correctly rounded); "
      "errors are exact\n"
      "differences rounded once. Each method rounds every operation to the format (round to "
      "nearest, even).\n"
      "Typical error bounds: naive (n-1)u|x|, pairwise log2(n) u|x|, Kahan 2u|sum| + O(n "
      "u^2)|x|.\n\n"
      "Examples:\n"
      "  numkit fp sum --values 0.1 --repeat 10000 --format fp16\n"
      "  numkit fp sum --values \"1,1e-4\" --repeat 5000 --format bf16 --csv\n"
      "  numkit fp sum --values 0.1 --repeat 10000 --format fp16 --rounding stochastic --seed 1\n\n"
      "--rounding stochastic adds naive_stochastic: the naive sum with every addition rounded\n"
      "stochastically (its expected value is the exact sum; reproducible for a given --seed).");
  bind_run<SumOptions>(cmd, o, run_sum);
}

}  // namespace numkit::cli::fpcli
