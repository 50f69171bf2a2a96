// numkit fp: floating-point formats for mixed-precision work (fp64 ... fp8). The parent command,
// shared helpers, `fp info`, `fp show` and the tour section "fp". Other subcommands:
// fp_analyze.cpp, fp_train.cpp.
#include <cmath>
#include <memory>

#include "fp_common.hpp"
#include "numkit/core/number.hpp"
#include "numkit/fp/show.hpp"
#include "numkit/fp/update.hpp"

namespace numkit::cli::fpcli {

using io::Json;

std::string format_help() {
  return "the format: " + fp::format_names() +
         " (aliases: half, float16, bfloat16, float, double, e4m3fn, fp8_e5m2, ...)";
}

void add_format_options(CLI::App* cmd, FormatChoice& choice, bool with_saturate) {
  cmd->add_option("-f,--format", choice.name, format_help() + "; default fp16")
      ->type_name("FORMAT");
  if (with_saturate)
    cmd->add_flag(
        "--saturate", choice.saturate,
        "saturating overflow: values beyond the largest finite become +-max (OCP fp8 \"saturation "
        "mode\"); default: IEEE/OCP non-saturating (inf; NaN for e4m3, which has no inf)");
}

void DataInput::check() const {
  if (!input.empty() && !values.empty())
    throw UsageError("give either INPUT or --values, not both");
  if (input.empty() && values.empty())
    throw UsageError("give the numbers as INPUT (a file or - for stdin) or --values LIST");
  if (repeat != 1 && values.empty()) throw UsageError("--repeat: only with --values");
}

std::vector<double> DataInput::inline_values() const {
  NumberOptions no;
  no.allow_nonfinite = true;
  const auto base = parse_number_list(values, "--values", no);
  std::vector<double> out;
  out.reserve(base.size() * static_cast<std::size_t>(repeat));
  for (long long k = 0; k < repeat; ++k) out.insert(out.end(), base.begin(), base.end());
  return out;
}

void add_data_input(CLI::App* cmd, DataInput& in, const std::string& what) {
  cmd->add_option(
         "INPUT", in.input,
         what +
             ": a text file (numbers separated by blanks, commas or newlines; # comments; nan and "
             "inf allowed) or - for stdin")
      ->type_name("FILE|-");
  cmd->add_option("--values", in.values, "the numbers inline instead, e.g. \"0.1,0.2,1e-6\"")
      ->type_name("LIST");
  cmd->add_option("--repeat", in.repeat, "repeat the --values list N times (default 1)")
      ->type_name("N")
      ->check(CLI::Range(1LL, 100'000'000LL));
}

Json number(double v) {
  if (std::isnan(v)) return "nan";
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  return v;
}

std::string percent(double fraction) {
  return io::with_digits(100 * fraction, 4) + " %";
}

// ---- info -------------------------------------------------------------------------------------

io::Report info_report(const std::vector<const fp::Format*>& formats) {
  io::Report rep;
  Json rows = Json::array();
  for (const auto* f : formats) {
    Json r = Json::object();
    r["format"] = std::string(f->name);
    r["bits"] = f->bits;
    r["exponent_bits"] = f->exponent_bits;
    r["mantissa_bits"] = f->mantissa_bits;
    r["bias"] = f->bias;
    r["epsilon"] = f->epsilon;
    r["unit_roundoff"] = f->unit_roundoff;
    r["min_subnormal"] = f->min_subnormal;
    r["min_normal"] = f->min_normal;
    r["max_finite"] = f->max_finite;
    r["decimal_digits"] = std::round(f->decimal_digits * 100) / 100;
    r["inf"] = f->has_infinity ? "yes" : "no";
    rows.push_back(r);
  }
  rep.data["formats"] = rows;
  rep.csv_table = "formats";
  rep.notes.push_back(
      "1 sign bit each; mantissa bits are the stored fraction (precision p = mantissa bits + 1).");
  rep.notes.push_back(
      "epsilon: gap from 1 to the next value; unit roundoff: epsilon/2, the largest relative "
      "rounding "
      "error in the normal range (round to nearest, ties to even).");
  for (const auto* f : formats) {
    if (f->id == fp::FormatId::e4m3)
      rep.notes.push_back(
          "e4m3 is OCP E4M3FN: no inf; S.1111.111 is NaN, so the top binade ends at 448.");
    if (f->id == fp::FormatId::tf32)
      rep.notes.push_back(
          "tf32: stored in a 32-bit word with the low 13 mantissa bits zero; fp32 range.");
  }
  return rep;
}

plot::Figure sawtooth_figure(const std::vector<const fp::Format*>& formats) {
  plot::Figure fig;
  fig.title = "largest relative rounding error at magnitude x (round to nearest)";
  fig.xlabel = "|x|";
  fig.ylabel = "relative error";
  fig.logx = fig.logy = true;
  for (const auto* f : formats) {
    plot::Series s;
    s.title = std::string(f->name);
    const int p = f->mantissa_bits;
    // In each binade [2^e, 2^(e+1)) the spacing is constant, so spacing/(2x) is a straight line in
    // log-log: two points per binade draw the saw-tooth exactly. Below the normal range the spacing
    // stays at min_subnormal; below min_subnormal/2 everything flushes to zero (error 1).
    const int lo = f->emin - p - 1, hi = f->emax;
    for (int e = lo; e <= hi; ++e) {
      const double spacing = std::ldexp(1.0, std::max(e, f->emin) - p);
      const double x0 = std::ldexp(1.0, e);
      const double x1 = e == hi ? f->max_finite : std::ldexp(1.0, e + 1) * (1 - 1e-9);
      s.x.push_back(x0);
      s.y.push_back(std::min(1.0, spacing / (2 * x0)));
      s.x.push_back(x1);
      s.y.push_back(std::min(1.0, spacing / (2 * x1)));
    }
    fig.series.push_back(std::move(s));
    // one shaded band per subnormal range; formats sharing it (fp32, bf16, tf32) share the band
    bool merged = false;
    for (auto& b : fig.bands)
      if (b.to == f->min_normal) {
        b.from = std::min(b.from, f->min_subnormal);
        b.label =
            b.label.substr(0, b.label.size() - 10) + "/" + std::string(f->name) + " subnormal";
        merged = true;
      }
    if (!merged)
      fig.bands.push_back({f->min_subnormal, f->min_normal, std::string(f->name) + " subnormal"});
  }
  return fig;
}

struct InfoCli {
  std::vector<std::string> names;
  OutputOptions out;
};

int run_info(const InfoCli& o) {
  std::vector<const fp::Format*> formats;
  if (o.names.empty())
    for (const auto& f : fp::all_formats()) formats.push_back(&f);
  for (const auto& n : o.names) formats.push_back(&fp::find_format(n, "FORMAT"));
  const int code = emit(info_report(formats), o.out);
  emit_plot(sawtooth_figure(formats), o.out);
  return code;
}

void setup_info(CLI::App* fp_cmd) {
  auto o = std::make_shared<InfoCli>();
  auto* cmd = fp_cmd->add_subcommand(
      "info",
      "the parameters of floating-point formats side by side (like numpy.finfo): field widths, "
      "bias, "
      "epsilon, unit roundoff, smallest subnormal and normal, largest finite, decimal digits");
  cmd->add_option("FORMAT", o->names, "formats to list (default all): " + fp::format_names())
      ->type_name("FORMAT");
  add_output_options(*cmd, o->out);
  add_plot_option(*cmd, o->out);
  cmd->footer(
      "The table is exact (every entry is a power of two or derived from the bit layout). --plot "
      "draws the\n"
      "relative rounding error bound against magnitude: the saw-tooth, with the subnormal ranges "
      "shaded.\n\n"
      "Examples:\n"
      "  numkit fp info\n"
      "  numkit fp info fp16 bf16 e4m3\n"
      "  numkit fp info fp16 --json");
  bind_run<InfoCli>(cmd, o, run_info);
}

// ---- show -------------------------------------------------------------------------------------

Json show_json(const fp::ShowResult& r, const fp::Format& f) {
  Json j = Json::object();
  j["input"] = r.input;
  j["format"] = std::string(f.name);
  j["class"] = std::string(fp::to_string(r.value_class));
  j["outcome"] = r.outcome;
  j["bits"] = r.sign_field + " " + r.exponent_field + " " + r.mantissa_field;
  j["hex"] = r.hex;
  j["sign"] = r.sign_field;
  j["exponent_field"] = r.exponent_field;
  j["mantissa_field"] = r.mantissa_field;
  if (r.value_class == fp::ValueClass::normal || r.value_class == fp::ValueClass::subnormal)
    j["exponent"] = r.exponent;
  j["stored"] = number(r.stored);
  j["stored_exact"] = r.stored_exact;
  if (r.has_error) {
    j["abs_error"] = r.abs_error;
    j["rel_error"] = r.rel_error;
    j["error_ulps"] = r.error_ulps;
  }
  if (std::isfinite(r.stored)) {
    j["ulp"] = r.ulp;
    // e4m3 has no inf: beyond +-448 there is no neighbour at all
    j["below"] = std::isinf(r.below) && !f.has_infinity ? Json("none") : number(r.below);
    j["above"] = std::isinf(r.above) && !f.has_infinity ? Json("none") : number(r.above);
  }
  return j;
}

io::Report show_report(const std::vector<std::string>& values, const std::vector<std::string>& bits,
                       const std::vector<const fp::Format*>& formats, fp::Overflow mode,
                       bool table) {
  io::Report rep;
  Json rows = Json::array();
  for (const auto* f : formats) {
    for (const auto& v : values)
      rows.push_back(show_json(fp::show_value(v, *f, mode, "VALUE"), *f));
    for (const auto& b : bits) rows.push_back(show_json(fp::show_bits(b, *f, "--bits"), *f));
  }
  if (table) {
    // one indented section per value and format; the split fields are already in "bits"
    for (auto& r : rows) {
      const std::string key =
          r["input"].get<std::string>() + " in " + r["format"].get<std::string>();
      r.erase("input");
      r.erase("format");
      r.erase("sign");
      r.erase("exponent_field");
      r.erase("mantissa_field");
      rep.data[key] = r;
    }
  } else {
    rep.data["results"] = rows;
    rep.csv_table = "results";
  }
  rep.notes.push_back(
      "bits: sign exponent mantissa; stored exact: the exact decimal value of the stored number;");
  rep.notes.push_back(
      "errors are stored - input, exact (decimal input is rounded once, directly to the format).");
  return rep;
}

struct ShowCli {
  std::vector<std::string> values, bits, formats;
  bool saturate = false;
  OutputOptions out;
};

int run_show(const ShowCli& o) {
  if (o.values.empty() && o.bits.empty()) throw UsageError("give VALUE... or --bits PATTERN");
  std::vector<const fp::Format*> formats;
  for (const auto& n : o.formats) formats.push_back(&fp::find_format(n, "--format"));
  if (formats.empty()) formats.push_back(&fp::format(fp::FormatId::fp16));
  return emit(show_report(o.values, o.bits, formats,
                          o.saturate ? fp::Overflow::saturate : fp::Overflow::infinity,
                          !o.out.json && !o.out.csv),
              o.out);
}

void setup_show(CLI::App* fp_cmd) {
  auto o = std::make_shared<ShowCli>();
  auto* cmd = fp_cmd->add_subcommand("show",
                                     "what a value becomes in a format: the bit fields, the exact "
                                     "stored value, the rounding error "
                                     "(absolute, relative, in ulps), the ulp, the neighbours and "
                                     "the class or outcome (overflowed, "
                                     "underflowed to zero, became subnormal)");
  cmd->add_option("VALUE", o->values, "decimals (0.1, 1e-4), hex floats (0x1.8p-3), inf, nan")
      ->type_name("VALUE")
      ->allow_extra_args();
  cmd->add_option("--bits", o->bits,
                  "decode bit patterns instead: 0x3c00, 0b0011110000000000 or decimal")
      ->type_name("PATTERN");
  cmd->add_option("-f,--format", o->formats, format_help() + "; several with commas; default fp16")
      ->type_name("FORMAT")
      ->delimiter(',');
  cmd->add_flag("--saturate", o->saturate,
                "saturating overflow (values beyond the range become +-max)");
  add_output_options(*cmd, o->out);
  cmd->footer(
      "Exact: the decimal text is converted directly to the format with one rounding (round to "
      "nearest, ties\n"
      "to even), and every error is computed in exact rational arithmetic before printing.\n\n"
      "Examples:\n"
      "  numkit fp show 0.1 --format fp16,bf16,fp32\n"
      "  numkit fp show 65504 65520 --format fp16\n"
      "  numkit fp show --bits 0x3c00 --format fp16\n"
      "  numkit fp show 0x1.8p-3 500 --format e4m3 --saturate --json");
  bind_run<ShowCli>(cmd, o, run_show);
}

// ---- update report (used by fp update and the tour) -------------------------------------------

io::Report update_report(double weight, double update, const fp::Format& f, fp::Overflow mode,
                         unsigned long long steps) {
  fp::UpdateOptions uo;
  uo.format = &f;
  uo.overflow = mode;
  uo.weight = weight;
  uo.update = update;
  uo.steps = steps;
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

// ---- parent and tour --------------------------------------------------------------------------

namespace {

void setup_fp(CLI::App& root) {
  auto* fp_cmd =
      root.add_subcommand("fp",
                          "floating-point formats for mixed precision (fp64, fp32, tf32, fp16, "
                          "bf16, fp8 e5m2/e4m3): layouts, "
                          "rounding of values and data, summation, lost updates, loss scaling");
  fp_cmd->require_subcommand(1);
  setup_info(fp_cmd);
  setup_show(fp_cmd);
  setup_analyze(fp_cmd);
  setup_sum(fp_cmd);
  setup_update(fp_cmd);
  setup_scale(fp_cmd);
}

const bool registered = register_command("fp", 80, setup_fp);

int tour_fp(TourContext& t) {
  const auto& h = fp::format(fp::FormatId::fp16);
  const auto& b = fp::format(fp::FormatId::bf16);
  const auto& s = fp::format(fp::FormatId::fp32);
  const bool table = !t.output().json && !t.output().csv;
  t.section("fp: what mixed precision does to numbers");
  t.say("0.1 is not representable in binary; each format stores the nearest value it has:");
  t.emit("fp_show_0_1", show_report({"0.1"}, {}, {&h, &b, &s}, fp::Overflow::infinity, table));
  t.say(
      "fp16 tops out at 65504. 65520 lies exactly halfway to 65536 (the next step, beyond the "
      "range):");
  t.say("ties go to the even neighbour, which is 65536, so 65520 overflows to inf.");
  t.emit("fp_show_65504_65520",
         show_report({"65504", "65520"}, {}, {&h}, fp::Overflow::infinity, table));
  t.say(
      "A weight of 1.0 and an update of 1e-4 in fp16: the gap above 1 is 2^-10, so any update "
      "below");
  t.say(
      "half of it is lost. An fp32 master copy accumulates the updates; its fp16 copy moves after "
      "5 steps.");
  t.emit("fp_update", update_report(1.0, 1e-4, h, fp::Overflow::infinity, 1000));
  t.say(
      "The relative rounding error against magnitude: a saw-tooth between u/2 and u = 2^-p in the "
      "normal");
  t.say("range, rising to 1 through the subnormals.");
  t.plot(sawtooth_figure({&h, &b, &s}), "fp_sawtooth.png");
  return 0;
}

const bool tour_registered = register_tour_section("fp", 80, tour_fp);

}  // namespace
}  // namespace numkit::cli::fpcli
