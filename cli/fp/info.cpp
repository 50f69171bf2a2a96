// numkit fp info: the parameters of floating-point formats side by side.
#include <cmath>

#include "fp/fp.hpp"

namespace numkit::cli::fpcli {

using io::Json;

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
    if (f->fnuz)
      rep.notes.push_back(std::string(f->name) +
                          " is fnuz: bias one more than IEEE's, no inf, no -0, 0x80 the only NaN.");
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
int run_info(const InfoOptions& o) {
  std::vector<const fp::Format*> formats;
  if (o.names.empty())
    for (const auto& f : fp::all_formats()) formats.push_back(&f);
  for (const auto& n : o.names) formats.push_back(&fp::find_format(n, "FORMAT"));
  const int code = emit(info_report(formats), o.out);
  emit_plot(sawtooth_figure(formats), o.out);
  return code;
}

void setup_info(CLI::App& fp_cmd) {
  auto o = std::make_shared<InfoOptions>();
  auto* cmd = fp_cmd.add_subcommand(
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
  bind_run<InfoOptions>(cmd, o, run_info);
}

}  // namespace numkit::cli::fpcli
