// numkit fp update: lost weight updates.
#include <cmath>

#include "numkit/core/number.hpp"
#include "numkit/core/number_stream.hpp"
#include "numkit/fp/update.hpp"

#include "fp/fp.hpp"

namespace numkit::cli::fpcli {

using io::Json;

// ---- update report (used by fp update and the tour) -------------------------------------------

io::Report update_report(double weight, double update, const fp::Format& f, fp::Overflow mode,
                         unsigned long long steps, fp::Rounding rounding, unsigned long long seed) {
  fp::UpdateOptions uo;
  uo.format = &f;
  uo.overflow = mode;
  uo.weight = weight;
  uo.update = update;
  uo.steps = steps;
  uo.rounding = rounding;
  uo.seed = seed;
  const auto r = fp::analyze_update(uo);
  io::Report rep;
  Json& d = rep.data;
  d["format"] = std::string(f.name);
  d["weight"] = r.weight_stored;
  d["update"] = r.update_stored;
  d["result"] = r.result;
  d["applied_update"] = r.effective_update;
  d["lost"] = r.lost;
  if (!std::isfinite(r.result)) d["overflowed"] = true;
  if (r.update_stored != 0 && std::isfinite(r.result))
    d["update_rel_error"] = r.update_relative_error;
  d["half_gap_above"] = r.half_gap_up;
  d["smallest_surviving_update"] = r.smallest_up;
  d["smallest_surviving_decrement"] = r.smallest_down;
  Json m = Json::object();
  m["steps"] = r.steps;
  m["exact"] = r.exact_after_steps;
  m[std::string(f.name) + "_only"] = r.after_steps_in_format;
  m["fp32_master"] = r.master_weight;
  m[std::string("master_as_") + std::string(f.name)] = r.master_copy;
  if (r.steps_until_copy_changes) m["first_step_copy_moves"] = *r.steps_until_copy_changes;
  if (r.stochastic) {
    m[std::string(f.name) + "_stochastic"] = r.after_steps_stochastic;
    m["stochastic_move_probability"] = r.stochastic_move_probability;
  }
  d["repeated"] = m;
  if (r.weight_stored != weight)
    rep.notes.push_back("the weight itself is not representable: it was rounded first.");
  if (r.update_stored == 0 && update != 0)
    rep.notes.push_back("the update itself underflows to zero in " + std::string(f.name) +
                        ": lost before it is added.");
  else if (r.update_stored != update)
    rep.notes.push_back("the update itself is not representable: it was rounded first.");
  if (!std::isfinite(r.result))
    rep.notes.push_back("w + u overflows " + std::string(f.name) + " (beyond " +
                        io::shortest(f.max_finite) + ").");
  if (r.lost)
    rep.notes.push_back(
        "lost update: |u| is at most half the gap to the neighbour of w, so w + u rounds back to "
        "w.");
  rep.notes.push_back("fp32 master: w and u kept in fp32, w += u there, and the " +
                      std::string(f.name) + " copy rounded from it each step.");
  return rep;
}

int run_update(const UpdateOptions& o) {
  const auto& f = o.fmt.format();
  const bool single = !o.weight.empty() || !o.update.empty();
  const bool batch = !o.weights.empty() || !o.updates.empty();
  if (single && batch) throw UsageError("give --weight/--update or --weights/--updates, not both");
  if (single) {
    if (o.weight.empty() || o.update.empty())
      throw UsageError("give both --weight W and --update U");
    const double w = parse_double(o.weight, "--weight");
    const double u = parse_double(o.update, "--update");
    if (o.steps < 1 || o.steps > 100'000'000)
      throw InputError("--steps: must be in 1..100000000, got " + std::to_string(o.steps));
    return emit(update_report(w, u, f, o.fmt.overflow(), o.steps, o.round.rounding(), o.round.seed),
                o.out);
  }
  if (o.weights.empty() || o.updates.empty())
    throw UsageError("give --weight W --update U, or both --weights FILE and --updates FILE");
  if (o.weights == "-" && o.updates == "-")
    throw UsageError("--weights and --updates cannot both be stdin");
  NumberStream ws(o.weights, true), us(o.updates, true);
  fp::UpdateBatch b;
  double w = 0, u = 0;
  while (true) {
    const bool hw = ws.next(w), hu = us.next(u);
    if (hw != hu)
      throw InputError((hw ? o.updates : o.weights) + ": has fewer numbers (" +
                       std::to_string(hw ? us.count() : ws.count()) + ") than " +
                       (hw ? o.weights : o.updates));
    if (!hw) break;
    b.add(w, u, f, o.fmt.overflow());
  }
  if (b.n + b.nonfinite == 0) throw InputError(o.weights + ": no numbers");
  io::Report rep;
  Json& d = rep.data;
  d["format"] = std::string(f.name);
  d["pairs"] = b.n;
  if (b.nonfinite) d["nonfinite_pairs_skipped"] = b.nonfinite;
  const std::uint64_t nz = b.n - b.zero_updates;
  d["zero_updates"] = b.zero_updates;
  d["lost"] = b.lost;
  d["underflowed_updates"] = b.underflowed;
  d["lost_fraction"] = nz ? static_cast<double>(b.lost) / static_cast<double>(nz) : 0.0;
  d["partly_lost"] = b.partly_lost;
  d["lost_in_fp32"] = b.lost_fp32;
  const std::uint64_t applied = nz - b.lost;
  if (applied > 0) {
    d["mean_update_rel_error"] = b.sum_update_rel_error / static_cast<double>(applied);
    d["max_update_rel_error"] = b.max_update_rel_error;
  }
  rep.notes.push_back(
      "lost: w + u rounds back to w in " + std::string(f.name) +
      " (fractions over nonzero updates); partly lost: w changed by a rounded amount;");
  rep.notes.push_back("lost in fp32: the same pair in fp32 (what an fp32 master copy would lose).");
  return emit(rep, o.out);
}

void setup_update(CLI::App& fp_cmd) {
  auto o = std::make_shared<UpdateOptions>();
  auto* cmd = fp_cmd.add_subcommand("update",
                                    "the lost-update problem: does w + u change w in the format, "
                                    "the smallest update that survives, "
                                    "and what an fp32 master copy of the weights changes (also "
                                    "over many repeated steps); a batch form "
                                    "counts lost updates over files of weights and updates");
  cmd->add_option("-w,--weight", o->weight, "the weight w")->type_name("W");
  cmd->add_option("-u,--update", o->update, "the update u (added: w + u)")->type_name("U");
  cmd->add_option("--steps", o->steps, "apply the same update N times (default 1)")->type_name("N");
  cmd->add_option("--weights", o->weights, "batch: a file (or -) of weights")->type_name("FILE");
  cmd->add_option("--updates", o->updates, "batch: a file (or -) of updates, paired with --weights")
      ->type_name("FILE");
  add_format_options(cmd, o->fmt);
  add_rounding_options(cmd, o->round);
  add_output_options(*cmd, o->out);
  cmd->footer(
      "Exact: each addition is rounded once to the format (round to nearest, ties to even); the "
      "smallest\n"
      "surviving update is found by stepping through the format's values, so it is exact.\n\n"
      "Examples:\n"
      "  numkit fp update --weight 1 --update 1e-4 --format fp16\n"
      "  numkit fp update --weight 1 --update 1e-4 --format fp16 --steps 1000\n"
      "  numkit fp update --weight 256 --update 0.5 --format bf16 --json");
  bind_run<UpdateOptions>(cmd, o, run_update);
}

}  // namespace numkit::cli::fpcli
