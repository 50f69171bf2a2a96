// numkit fp analyze: what storing a data stream in a format does.
#include <algorithm>
#include <cmath>

#include "numkit/core/number_stream.hpp"
#include "numkit/fp/analyze.hpp"

#include "fp/fp.hpp"
#include "fp/tensors.hpp"

namespace numkit::cli::fpcli {

using io::Json;

namespace {

Json outcome_row(const char* name, std::uint64_t n, std::uint64_t total) {
  Json r = Json::object();
  r["outcome"] = name;
  r["count"] = n;
  r["fraction"] = total ? static_cast<double>(n) / static_cast<double>(total) : 0.0;
  return r;
}

io::Report analyze_report(const fp::AnalyzeResult& res, const fp::Format& f,
                          const AnalyzeOptions& o) {
  const auto& s = res.stats;
  io::Report rep;
  Json& d = rep.data;
  d["input"] = o.in.is_inline() ? std::string("--values") : o.in.input;
  d["format"] = std::string(f.name);
  if (o.scale != 1) d["scale"] = o.scale;
  d["count"] = s.count;
  Json outcomes = Json::array();
  const std::uint64_t finite_nonzero = s.count - s.nan - s.pos_inf - s.neg_inf - s.zero;
  outcomes.push_back(outcome_row("nan in data", s.nan, s.count));
  outcomes.push_back(outcome_row("+inf in data", s.pos_inf, s.count));
  outcomes.push_back(outcome_row("-inf in data", s.neg_inf, s.count));
  outcomes.push_back(outcome_row("zero", s.zero, s.count));
  outcomes.push_back(
      outcome_row(o.fmt.saturate ? "overflow (saturated)" : "overflow", s.overflow, s.count));
  outcomes.push_back(outcome_row("flushed to zero", s.flushed_to_zero, s.count));
  outcomes.push_back(outcome_row("became subnormal", s.became_subnormal, s.count));
  outcomes.push_back(outcome_row("rounded (inexact)", s.rounded, s.count));
  outcomes.push_back(outcome_row("exact (nonzero)", s.exact_nonzero, s.count));
  d["outcomes"] = outcomes;
  if (finite_nonzero > 0) {
    d["max_abs"] = s.max_abs;
    d["min_abs"] = s.min_abs;
  }
  Json rel = Json::object();
  rel["values"] = s.error_count;
  if (s.error_count > 0) {
    rel["mean"] = res.mean_rel;
    for (const auto& p : res.percentiles) {
      rel["p" + io::shortest(p.p)] = p.value;
    }
    rel["max"] = s.max_rel;
    if (s.max_rel > 0) rel["max_at_input"] = s.max_rel_input;
  }
  d["relative_error"] = rel;
  if (res.advice.has_data) {
    Json a = Json::object();
    a["scale"] = res.advice.scale;
    a["log2_scale"] = res.advice.log2_scale;
    a["below_normal_now"] = res.advice.low_before;
    a["below_normal_after"] = res.advice.low_after;
    a["max_abs_after"] = res.advice.max_after;
    a["margin"] = o.margin;
    d["loss_scale"] = a;
  }
  Json ex = Json::array();
  for (const auto& b : res.exponents) {
    Json r = Json::object();
    r["exponent"] = b.exponent;
    r["count"] = b.count;
    r["fraction"] = static_cast<double>(b.count) /
                    static_cast<double>(std::max<std::uint64_t>(1, finite_nonzero));
    r["region"] = b.region;
    ex.push_back(r);
  }
  d["exponents"] = ex;
  rep.notes.push_back("exponents: floor(log2|x|) of the (scaled) input; " + std::string(f.name) +
                      " normal range " + std::to_string(f.emin) + ".." + std::to_string(f.emax) +
                      ", subnormal " + std::to_string(f.emin - f.mantissa_bits - 1) + ".." +
                      std::to_string(f.emin - 1) + " (in binade " +
                      std::to_string(f.emin - f.mantissa_bits - 1) +
                      " everything rounds up to the smallest subnormal but 2^" +
                      std::to_string(f.emin - f.mantissa_bits - 1) +
                      " itself, which ties to 0), below: flushed to zero.");
  rep.notes.push_back(
      "relative error |stored - x|/|x| over finite nonzero values that stay finite; percentiles "
      "are "
      "upper bounds within 1.6 % (log histogram, 64 bins per binade).");
  if (res.advice.has_data)
    rep.notes.push_back(
        "loss scale: the least power of two that lifts as many values into the normal range as any "
        "scale keeping max|x|*S <= max finite / margin.");
  if (s.nan + s.pos_inf + s.neg_inf > 0)
    rep.notes.push_back(
        "the data contain nan/inf: counted above, excluded from the error statistics.");
  return rep;
}

plot::Figure exponent_figure(const fp::AnalyzeResult& res, const fp::Format& f) {
  plot::Figure fig;
  fig.title = "binary exponents of the data against the " + std::string(f.name) + " range";
  fig.xlabel = "floor(log2 |x|)";
  fig.ylabel = "count";
  plot::Series s;
  s.title = "values";
  s.style = plot::Style::boxes;
  std::uint64_t mx = 1, mn = ~std::uint64_t{0};
  for (const auto& b : res.exponents) {
    s.x.push_back(b.exponent + 0.5);
    s.y.push_back(static_cast<double>(b.count));
    mx = std::max(mx, b.count);
    mn = std::min(mn, b.count);
  }
  fig.logy = !res.exponents.empty() && mx / std::max<std::uint64_t>(mn, 1) > 1000;
  fig.series.push_back(std::move(s));
  // the range boundaries near the data, as vertical lines (the two bands share one shade)
  if (!res.exponents.empty()) {
    const int lo = res.exponents.front().exponent - 3, hi = res.exponents.back().exponent + 4;
    const std::pair<int, const char*> marks[] = {{f.emin - f.mantissa_bits, "smallest subnormal"},
                                                 {f.emin, "smallest normal"},
                                                 {f.emax + 1, "overflow beyond"}};
    for (const auto& [e, label] : marks) {
      if (e < lo || e > hi) continue;
      plot::Series m;
      m.title = std::string(label) + " 2^" + std::to_string(e);
      m.style = plot::Style::impulses;
      m.x = {static_cast<double>(e)};
      m.y = {static_cast<double>(mx)};
      fig.series.push_back(std::move(m));
    }
  }
  // as the table's regions: the binade below the smallest subnormal rounds up to it
  fig.bands.push_back({static_cast<double>(f.emin - f.mantissa_bits - 1),
                       static_cast<double>(f.emin), "subnormal"});
  fig.bands.push_back({static_cast<double>(f.emin), static_cast<double>(f.emax + 1), "normal"});
  return fig;
}

}  // namespace

int run_analyze(const AnalyzeOptions& o) {
  o.in.check();
  fp::AnalyzeOptions ao;
  ao.format = &o.fmt.format();
  ao.overflow = o.fmt.overflow();
  ao.scale = o.scale;
  ao.margin = o.margin;
  ao.threads = o.threads;
  ao.rounding = o.round.rounding();
  ao.seed = o.round.seed;
  if (ao.rounding == fp::Rounding::stochastic) ao.threads = 1;  // one reproducible stream
  ao.validate();
  if (!o.raw.empty() && o.in.is_inline()) throw UsageError("--raw: only with a file or - as INPUT");
  Progress progress("analyze");
  ao.progress = progress.callback();
  const bool tensor_file = !o.in.is_inline() && o.raw.empty() && is_tensor_file(o.in.input);
  if (!o.tensors.empty() && !tensor_file)
    throw UsageError("--tensor: only with a .npy, .npz or safetensors INPUT");
  if (!o.dtype.empty() && !tensor_file) throw UsageError("--dtype: only with a .npy or .npz INPUT");
  if (tensor_file || is_typed_raw(o.raw))
    return run_tensor_analysis(o.in.input, o.tensors, o.dtype, o.raw, ao, o.fmt.saturate, o.out,
                               [&](const fp::AnalyzeResult& total) {
                                 emit_plot(exponent_figure(total, *ao.format), o.out);
                               });
  fp::AnalyzeResult res;
  if (!o.raw.empty()) {
    res = fp::analyze_raw(o.in.input, o.raw == "f32" ? fp::RawType::f32 : fp::RawType::f64, ao);
  } else if (o.in.is_inline()) {
    fp::Analyzer a(ao);
    o.in.for_each_inline([&a](std::span<const double> v) { a.add(v); });
    res = fp::finish(a.stats(), ao);
  } else {
    NumberStream ns(o.in.input, true);
    res = fp::analyze_text(ns, ao);
  }
  const int code = emit(analyze_report(res, *ao.format, o), o.out);
  emit_plot(exponent_figure(res, *ao.format), o.out);
  return code;
}

void setup_analyze(CLI::App& fp_cmd) {
  auto o = std::make_shared<AnalyzeOptions>();
  auto* cmd = fp_cmd.add_subcommand(
      "analyze",
      "what storing a stream of numbers in a format does: counts and fractions that overflow, "
      "flush to zero, "
      "become subnormal or round; the relative error distribution; the binary exponent histogram "
      "against the "
      "format's range; and the power-of-two loss scale to use. One pass, bounded memory");
  add_data_input(cmd, o->in, "the data");
  add_format_options(cmd, o->fmt);
  cmd->add_option("--raw", o->raw,
                  "read INPUT as raw little-endian binary of one element type: f32, f64, f16, "
                  "bf16, e4m3, e5m2, e4m3fnuz or e5m2fnuz")
      ->type_name("TYPE")
      ->check(CLI::IsMember({"f32", "f64", "f16", "bf16", "e4m3", "e5m2", "e4m3fnuz", "e5m2fnuz"}));
  cmd->add_option("--tensor", o->tensors,
                  "tensor files: analyse only the tensors named NAME or matching the glob "
                  "(repeatable)")
      ->type_name("NAME|GLOB");
  cmd->add_option("--dtype", o->dtype,
                  ".npy/.npz: how to read 1- and 2-byte void elements (V1/V2, as np.save stores "
                  "ml_dtypes arrays): bf16, e4m3, e5m2, e4m3fnuz, e5m2fnuz")
      ->type_name("TYPE");
  add_rounding_options(cmd, o->round);
  cmd->add_option("--scale", o->scale,
                  "multiply every value by S first (e.g. a loss scale; exact for powers of two)")
      ->type_name("S");
  cmd->add_option("--margin", o->margin,
                  "loss-scale advice keeps max|x|*S <= max finite / M (default 2)")
      ->type_name("M");
  cmd->add_option("--threads", o->threads, "threads for raw files (default 2)")->type_name("N");
  add_output_options(*cmd, o->out);
  add_plot_option(*cmd, o->out);
  cmd->footer(
      "Exact: every value is rounded bit-exactly (round to nearest, ties to even; fp16 from "
      "float32 uses the\n"
      "F16C/AVX-512 conversion instructions). Percentiles of the relative error come from a log "
      "histogram\n"
      "(64 bins per binade) and are upper bounds within 1.6 %; mean and max are exact to float "
      "precision.\n"
      "--plot draws the exponent histogram with the normal and subnormal ranges shaded.\n\n"
      "INPUT may be a tensor file: .npy (format 1-3), .npz (stored or deflated; a member may\n"
      "expand at most 1100 times its compressed size plus 64 KiB) or .safetensors: one row per\n"
      "tensor (name, dtype, shape, counts, max relative error, the per-tensor power-of-two scale\n"
      "from its amax), the totals, and the values below the normal range with one global scale\n"
      "against per-tensor scales; --tensor NAME|GLOB selects. Values stored in fp16, bf16 or fp8\n"
      "are read exactly. The repository has one: examples/checkpoint.safetensors.\n\n"
      "Examples:\n"
      "  numkit fp analyze --values \"0.1,1e-6,1e-9,70000,3,nan\" --format fp16\n"
      "  numkit fp analyze --values \"1e-7,2e-7,5e-6,0.01\" --format fp16 --scale 1024\n"
      "  numkit fp analyze --values \"300,500,0.001\" --format e4m3 --saturate --json\n"
      "  numkit fp analyze --values \"1.000244140625\" --repeat 100 --format fp16 --rounding "
      "stochastic --seed 1");
  bind_run<AnalyzeOptions>(cmd, o, run_analyze);
}

}  // namespace numkit::cli::fpcli
