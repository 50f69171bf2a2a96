// numkit fp show: what a value becomes in a format.
#include <cmath>
#include <iostream>
#include <sstream>

#include "numkit/core/input_file.hpp"
#include "numkit/fp/show.hpp"

#include "fp/fp.hpp"

namespace numkit::cli::fpcli {

using io::Json;

namespace {

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

// VALUE "-" or "@FILE": values one or more per line (blanks or commas between them, # comments),
// a row each for every format, streamed as the lines arrive.
int run_show_stream(const std::string& spec, const std::vector<const fp::Format*>& formats,
                    fp::Overflow mode, const OutputOptions& out) {
  const std::vector<std::string> columns = {
      "input",     "format",         "class",          "outcome",  "bits",   "hex",
      "sign",      "exponent_field", "mantissa_field", "exponent", "stored", "stored_exact",
      "abs_error", "rel_error",      "error_ulps",     "ulp",      "below",  "above"};
  const Json missing = out.csv ? Json("") : Json();
  io::RowStream rows(std::cout, out.render(), columns);
  for_each_input_line(spec == "-" ? spec : spec.substr(1),
                      [&](std::string_view line, const std::string& where) {
                        std::string text(line);
                        for (char& c : text)
                          if (c == ',' || c == '\t' || c == '\r') c = ' ';
                        std::istringstream tokens(text);
                        for (std::string value; tokens >> value;)
                          for (const auto* f : formats) {
                            const Json j = show_json(fp::show_value(value, *f, mode, where), *f);
                            std::vector<Json> row;
                            row.reserve(columns.size());
                            for (const auto& c : columns)
                              row.push_back(j.contains(c) ? j[c] : missing);
                            rows.row(row);
                          }
                      });
  rows.flush();
  return 0;
}

}  // namespace

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
int run_show(const ShowOptions& o) {
  if (o.values.empty() && o.bits.empty()) throw UsageError("give VALUE... or --bits PATTERN");
  std::vector<const fp::Format*> formats;
  for (const auto& n : o.formats) formats.push_back(&fp::find_format(n, "--format"));
  if (formats.empty()) formats.push_back(&fp::format(fp::FormatId::fp16));
  const auto mode = o.saturate ? fp::Overflow::saturate : fp::Overflow::infinity;
  for (const auto& v : o.values)
    if (v == "-" || (v.size() > 1 && v[0] == '@')) {
      if (o.values.size() != 1 || !o.bits.empty())
        throw UsageError("VALUE " + v +
                         ": reads every value from there; give no other VALUE or --bits");
      return run_show_stream(v, formats, mode, o.out);
    }
  return emit(show_report(o.values, o.bits, formats,
                          o.saturate ? fp::Overflow::saturate : fp::Overflow::infinity,
                          !o.out.json && !o.out.csv),
              o.out);
}

void setup_show(CLI::App& fp_cmd) {
  auto o = std::make_shared<ShowOptions>();
  auto* cmd = fp_cmd.add_subcommand("show",
                                    "what a value becomes in a format: the bit fields, the exact "
                                    "stored value, the rounding error "
                                    "(absolute, relative, in ulps), the ulp, the neighbours and "
                                    "the class or outcome (overflowed, "
                                    "underflowed to zero, became subnormal)");
  cmd->add_option(
         "VALUE", o->values,
         "decimals of any length (0.1, 1e-4), hex floats (0x1.8p-3), exact rationals "
         "(1/3, -7/10), inf, nan; - (stdin) or @FILE: many, one or more per line, a row each, "
         "streamed")
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
      "  numkit fp show 0x1.8p-3 500 --format e4m3 --saturate --json\n"
      "  printf '0.1\\n65520\\n' | numkit fp show - --format fp16 --csv");
  bind_run<ShowOptions>(cmd, o, run_show);
}

}  // namespace numkit::cli::fpcli
