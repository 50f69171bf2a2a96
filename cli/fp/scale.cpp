// numkit fp scale: dynamic loss scaling.
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>

#include "numkit/core/number.hpp"
#include "numkit/core/number_stream.hpp"
#include "numkit/fp/scale.hpp"

#include "fp/fp.hpp"

namespace numkit::cli::fpcli {

using io::Json;

namespace {

// One step per non-empty line (numbers separated by blanks or commas, # comments).
template <class F>
void read_line_steps(const std::string& spec, F&& step) {
  std::ifstream file;
  std::istream* in = &std::cin;
  if (spec != "-") {
    file.open(spec);
    if (!file) throw InputError(spec + ": cannot open: " + std::strerror(errno));
    in = &file;
  }
  const std::string name = spec == "-" ? "<stdin>" : spec;
  std::string line;
  std::vector<double> g;
  NumberOptions no;
  no.allow_nonfinite = true;
  std::size_t lineno = 0;
  while (std::getline(*in, line)) {
    ++lineno;
    g.clear();
    const auto hash = line.find('#');
    if (hash != std::string::npos) line.resize(hash);
    std::size_t i = 0;
    while (i < line.size()) {
      while (i < line.size() &&
             (line[i] == ' ' || line[i] == '\t' || line[i] == ',' || line[i] == '\r'))
        ++i;
      std::size_t j = i;
      while (j < line.size() &&
             !(line[j] == ' ' || line[j] == '\t' || line[j] == ',' || line[j] == '\r'))
        ++j;
      if (j > i)
        g.push_back(parse_double(std::string_view(line).substr(i, j - i),
                                 name + ":" + std::to_string(lineno) + ":" + std::to_string(i + 1),
                                 no));
      i = j;
    }
    if (!g.empty()) step(g);
  }
}

plot::Figure scale_figure(const fp::ScaleResult& r, double initial) {
  plot::Figure fig;
  fig.title = "dynamic loss scale";
  fig.xlabel = "step";
  fig.ylabel = "scale";
  fig.logy = true;
  plot::Series s;
  s.title = "scale";
  s.style = plot::Style::steps;
  if (r.events.size() == r.growths + r.backoffs) {
    // every change is recorded: the exact step function
    s.x.push_back(1);
    s.y.push_back(initial);
    for (const auto& e : r.events) {
      s.x.push_back(static_cast<double>(e.step) + 1);
      s.y.push_back(e.scale);
    }
    s.x.push_back(static_cast<double>(r.steps));
    s.y.push_back(r.final_scale);
  } else {  // too many changes: the sampled trace
    for (std::size_t i = 0; i < r.trace_steps.size(); ++i) {
      s.x.push_back(static_cast<double>(r.trace_steps[i]));
      s.y.push_back(r.scale_trace[i]);
    }
  }
  fig.series.push_back(std::move(s));
  plot::Series k;
  k.title = "skipped step (overflow)";
  k.style = plot::Style::points;
  for (const auto& e : r.events)
    if (e.skipped) {
      k.x.push_back(static_cast<double>(e.step));
      k.y.push_back(e.scale_before);
    }
  if (!k.x.empty()) fig.series.push_back(std::move(k));
  return fig;
}

}  // namespace

int run_scale(const ScaleOptions& o) {
  o.in.check();
  fp::ScaleOptions so = o.so;
  so.format = &o.fmt.format();
  so.validate();
  if (o.per_step < 0)
    throw InputError("--per-step: must be >= 1, got " + std::to_string(o.per_step));
  if ((o.in.is_inline() || !o.raw.empty()) && o.per_step == 0)
    throw UsageError("--per-step N: needed with --values or --raw (text files: one step per line)");
  fp::ScaleSimulator sim(so);
  const auto per = static_cast<std::size_t>(o.per_step);
  if (o.in.is_inline()) {
    std::vector<double> step_values;  // one step at a time: --repeat is never materialised
    step_values.reserve(per);
    o.in.for_each_inline([&](std::span<const double> v) {
      for (double x : v) {
        step_values.push_back(x);
        if (step_values.size() == per) {
          sim.step(step_values);
          step_values.clear();
        }
      }
    });
    if (!step_values.empty()) sim.step(step_values);
  } else if (!o.raw.empty()) {
    const std::size_t esz = o.raw == "f32" ? 4 : 8;
    std::FILE* fh = o.in.input == "-" ? stdin : std::fopen(o.in.input.c_str(), "rb");
    if (!fh) throw InputError(o.in.input + ": cannot open: " + std::strerror(errno));
    std::vector<char> buf(per * esz);
    std::vector<double> g(per);
    std::uint64_t total = 0;
    while (true) {
      const std::size_t got = std::fread(buf.data(), 1, buf.size(), fh);
      total += got;
      if (got == 0) break;
      if (got % esz != 0) {
        if (fh != stdin) std::fclose(fh);
        throw InputError(o.in.input + ": raw " + o.raw + " input has " + std::to_string(total) +
                         " bytes, not a multiple of " + std::to_string(esz));
      }
      const std::size_t n = got / esz;
      for (std::size_t i = 0; i < n; ++i) {
        if (esz == 4) {
          float v;
          std::memcpy(&v, buf.data() + 4 * i, 4);
          g[i] = v;
        } else {
          std::memcpy(&g[i], buf.data() + 8 * i, 8);
        }
      }
      sim.step(std::span<const double>(g.data(), n));
      if (got < buf.size()) break;
    }
    if (fh != stdin) std::fclose(fh);
  } else if (o.per_step > 0) {
    NumberStream ns(o.in.input, true);
    std::vector<double> chunk;
    while (ns.next_chunk(chunk, per) > 0) sim.step(chunk);
  } else {
    read_line_steps(o.in.input, [&](const std::vector<double>& g) { sim.step(g); });
  }
  const auto r = sim.finish();
  if (r.steps == 0) throw InputError(o.in.input + ": no gradient steps (no numbers)");
  io::Report rep;
  Json& d = rep.data;
  d["format"] = std::string(so.format->name);
  d["steps"] = r.steps;
  d["gradients"] = r.values;
  d["skipped"] = r.skipped;
  d["skipped_fraction"] = static_cast<double>(r.skipped) / static_cast<double>(r.steps);
  if (r.first_skip) d["first_skipped_step"] = r.first_skip;
  d["initial_scale"] = so.initial;
  d["final_scale"] = r.final_scale;
  d["min_scale"] = r.min_scale_seen;
  d["max_scale"] = r.max_scale_seen;
  d["growths"] = r.growths;
  d["backoffs"] = r.backoffs;
  d["longest_clean_run"] = r.longest_clean_run;
  if (r.nonfinite_inputs) d["nonfinite_gradients"] = r.nonfinite_inputs;
  d["underflowed_to_zero"] = r.underflowed;
  d["underflow_fraction"] = r.applied_nonzero ? static_cast<double>(r.underflowed) /
                                                    static_cast<double>(r.applied_nonzero)
                                              : 0.0;
  d["became_subnormal"] = r.became_subnormal;
  Json ev = Json::array();
  const bool table = !o.out.json && !o.out.csv;
  const std::size_t shown = table ? std::min<std::size_t>(r.events.size(), 20) : r.events.size();
  for (std::size_t i = 0; i < shown; ++i) {
    Json e = Json::object();
    e["step"] = r.events[i].step;
    e["event"] = r.events[i].skipped ? "overflow: skipped" : "growth";
    e["scale_after"] = r.events[i].scale;
    ev.push_back(e);
  }
  d["events"] = ev;
  rep.csv_table = "events";
  if (shown < r.growths + r.backoffs)
    rep.notes.push_back("events: the first " + std::to_string(shown) + " of " +
                        std::to_string(r.growths + r.backoffs) +
                        " shown (--json lists up to 1000).");
  rep.notes.push_back("each step stores every gradient g*scale in " + std::string(so.format->name) +
                      "; any inf/nan skips the step and multiplies the scale by the backoff;");
  rep.notes.push_back(
      "after `interval` consecutive applied steps the scale grows by the growth factor "
      "(torch.cuda.amp.GradScaler semantics). Underflow counts are over applied steps.");
  if (r.nonfinite_inputs)
    rep.notes.push_back("the data contain nan/inf gradients: their steps are always skipped.");
  const int code = emit(rep, o.out);
  emit_plot(scale_figure(r, so.initial), o.out);
  return code;
}

void setup_scale(CLI::App& fp_cmd) {
  auto o = std::make_shared<ScaleOptions>();
  auto* cmd = fp_cmd.add_subcommand(
      "scale",
      "simulate dynamic loss scaling over a stream of gradient steps: each step multiplies its "
      "gradients by the scale and stores them in the format; an overflow skips the step and halves "
      "the "
      "scale, 2000 clean steps double it (all configurable). Reports skipped steps, the final "
      "scale and "
      "the gradients still lost to underflow");
  add_data_input(cmd, o->in, "the gradients; text files: one step per line");
  add_format_options(cmd, o->fmt, false);
  cmd->add_option("--per-step", o->per_step,
                  "gradients per step (needed with --values or --raw; for text files "
                  "it replaces the one-step-per-line rule)")
      ->type_name("N");
  cmd->add_option("--raw", o->raw, "read INPUT as raw little-endian float32 (f32) or float64 (f64)")
      ->type_name("f32|f64")
      ->check(CLI::IsMember({"f32", "f64"}));
  cmd->add_option("--initial", o->so.initial, "initial scale (default 65536 = 2^16)")
      ->type_name("S");
  cmd->add_option("--growth", o->so.growth, "growth factor (default 2)")->type_name("G");
  cmd->add_option("--backoff", o->so.backoff, "backoff factor on overflow (default 0.5)")
      ->type_name("B");
  cmd->add_option("--interval", o->so.interval, "clean steps before growing (default 2000)")
      ->type_name("N");
  cmd->add_option("--min-scale", o->so.min_scale, "lower clamp for the scale (default none)")
      ->type_name("S");
  cmd->add_option("--max-scale", o->so.max_scale, "upper clamp for the scale (default none)")
      ->type_name("S");
  add_output_options(*cmd, o->out);
  add_plot_option(*cmd, o->out);
  cmd->footer(
      "Exact: g*scale is rounded once to the format per gradient; overflow means the result is inf "
      "or nan.\n"
      "--plot draws the scale against the step with the skipped steps marked.\n\n"
      "Examples:\n"
      "  numkit fp scale --values \"1e-3,100\" --per-step 2 --repeat 5000\n"
      "  numkit fp scale --values \"1e-6,20\" --per-step 2 --repeat 300 --interval 100 --json");
  bind_run<ScaleOptions>(cmd, o, run_scale);
}

}  // namespace numkit::cli::fpcli
