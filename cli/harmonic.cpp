// numkit harmonic: exact harmonic numbers, correctly rounded values up to n = 10^300, proven
// bounds, the inverse problem and the point where floating-point sums stall.
#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>

#include "common/command.hpp"
#include "numkit/core/number.hpp"
#include "numkit/harmonic/harmonic.hpp"

namespace numkit::cli {
namespace {

using harmonic::BigInt;
using io::Json;

constexpr std::size_t kMaxRows = 1'000'000;
constexpr int kMaxDigits = 100;

// ---- helpers ----------------------------------------------------------------------------------

// Integers as JSON numbers while they are exact in a double, otherwise as decimal strings.
Json count_json(const BigInt& n) {
  if (n <= BigInt(1) << 53) return n.convert_to<long long>();
  return n.str();
}

// A gap that may be far below the double range: a number when representable, else text.
Json gap_json(double value, const std::string& text) {
  if (value != 0 || text == "0") return value;
  return text;
}

struct Token {
  std::string text, where;
};

// Each argument is a value, `-` (whitespace-separated values on stdin) or a file of values
// (`#` starts a comment). Values keep their position for messages.
std::vector<Token> expand_inputs(const std::vector<std::string>& args, const std::string& what,
                                 bool (*looks_like_value)(const std::string&)) {
  std::vector<Token> out;
  auto read_stream = [&](std::istream& in, const std::string& name) {
    std::string line;
    for (int line_no = 1; std::getline(in, line); ++line_no) {
      line = line.substr(0, line.find('#'));
      std::istringstream words(line);
      std::string w;
      while (words >> w) {
        if (w.back() == ',') w.pop_back();
        if (!w.empty()) out.push_back({w, name + ":" + std::to_string(line_no)});
      }
    }
  };
  for (const auto& a : args) {
    if (a == "-") {
      read_stream(std::cin, "<stdin>");
    } else if (!looks_like_value(a) && std::filesystem::is_regular_file(a)) {
      std::ifstream f(a);
      if (!f) throw InputError(a + ": cannot read the file");
      read_stream(f, a);
    } else {
      out.push_back({a, what});
    }
  }
  if (out.empty()) throw InputError(what + ": no values given");
  if (out.size() > kMaxRows)
    throw InputError(what + ": at most " + std::to_string(kMaxRows) + " values, got " +
                     std::to_string(out.size()));
  return out;
}

bool looks_like_number(const std::string& s) {
  return !s.empty() && (std::isdigit(static_cast<unsigned char>(s[0])) || s[0] == '-' ||
                        s[0] == '+' || s[0] == '.');
}

// --digits beyond 17 selects high-precision decimal output for `value`.
void widen_digits(CLI::App* cmd) {
  auto* opt = cmd->get_option("--digits");
  opt->description(
      "significant digits: 1-17 for doubles in tables (default 12); 18-100 computes H(n) in "
      "high precision and prints exactly that many correctly rounded digits");
  opt->get_validator()
      ->operation([](std::string& input) -> std::string {
        try {
          const long long d = parse_integer(input, "--digits");
          if (d >= 1 && d <= kMaxDigits) return {};
        } catch (const InputError&) {
        }
        return "must be an integer from 1 to 100, got " + input;
      })
      .description("INT in [1 - 100]");
}

OutputOptions table_digits(OutputOptions out) {
  out.digits = std::min(out.digits, 17);
  return out;
}

// ---- plots ------------------------------------------------------------------------------------

plot::Figure value_figure(const BigInt& n_max) {
  plot::Figure fig;
  fig.title = "H(n) between ln(n+1) and 1 + ln n";
  fig.xlabel = "n";
  fig.ylabel = "H(n)";
  plot::Series h{"H(n)", {}, {}, {}, {}, plot::Style::points, false};
  plot::Series lo{"ln(n+1)", {}, {}, {}, {}, plot::Style::lines, false};
  plot::Series up{"1 + ln n", {}, {}, {}, {}, plot::Style::dashed, false};
  const double top = n_max.convert_to<double>();
  std::vector<BigInt> ns;
  if (n_max <= 300) {
    for (BigInt k = 1; k <= n_max; ++k) ns.push_back(k);
  } else {
    fig.logx = true;
    const double steps = 300;
    for (int i = 0; i <= steps; ++i) {
      const double x = std::pow(top, i / steps);
      BigInt k(std::floor(x));
      if (k > n_max) k = n_max;
      if (ns.empty() || k > ns.back()) ns.push_back(k);
    }
    if (ns.back() != n_max) ns.push_back(n_max);
  }
  for (const auto& k : ns) {
    h.x.push_back(k.convert_to<double>());
    h.y.push_back(harmonic::value(k).value);
  }
  const int samples = 400;
  for (int i = 0; i <= samples; ++i) {
    const double x =
        fig.logx ? std::pow(top, static_cast<double>(i) / samples) : 1 + (top - 1) * i / samples;
    lo.x.push_back(x);
    lo.y.push_back(std::log1p(x));
    up.x.push_back(x);
    up.y.push_back(1 + std::log(x));
  }
  fig.series = {h, lo, up};
  return fig;
}

// The proof picture: rectangles of height 1/k on [k, k+1] lie above 1/x (their area H(n) exceeds
// ln(n+1)); those on [k-1, k] for k >= 2 lie below it (area H(n) - 1 < ln n).
plot::Figure proof_figure(const BigInt& n) {
  const int shown = n > 40 ? 40 : n.convert_to<int>();
  plot::Figure fig;
  fig.title = "H(" + n.str() + ") against the area under 1/x" +
              (n > 40 ? std::string(" (first 40 rectangles)") : std::string());
  fig.xlabel = "x";
  fig.ylabel = "y";
  fig.yrange = std::make_pair(0.0, 1.08);
  fig.xrange = std::make_pair(0.8, shown + 1.2);
  plot::Series curve{"1/x", {}, {}, {}, {}, plot::Style::lines, false};
  plot::Series upper{
      "1/k on [k, k+1]: area H(n) > ln(n+1)", {}, {}, {}, {}, plot::Style::lines, false};
  plot::Series lower{
      "1/k on [k-1, k]: area H(n) - 1 < ln n", {}, {}, {}, {}, plot::Style::dashed, false};
  for (int k = 1; k <= shown; ++k) {
    const double hgt = 1.0 / k;
    for (auto [x, y] :
         {std::pair{double(k), 0.0}, {double(k), hgt}, {k + 1.0, hgt}, {k + 1.0, 0.0}}) {
      upper.x.push_back(x);
      upper.y.push_back(y);
    }
    if (k >= 2)
      for (auto [x, y] :
           {std::pair{k - 1.0, 0.0}, {k - 1.0, hgt}, {double(k), hgt}, {double(k), 0.0}}) {
        lower.x.push_back(x);
        lower.y.push_back(y);
      }
  }
  const int samples = 600;
  for (int i = 0; i <= samples; ++i) {
    const double x = 1 + static_cast<double>(shown) * i / samples;
    curve.x.push_back(x);
    curve.y.push_back(1 / x);
  }
  fig.series = {upper, lower, curve};
  return fig;
}

// ---- value ------------------------------------------------------------------------------------

long long parse_order(const std::string& text) {
  const long long s = parse_integer(text, "--order");
  harmonic::check_order(s, "--order");
  return s;
}

struct ValueCli {
  std::vector<std::string> n;
  std::string order = "1";
  bool exact = false;
  OutputOptions out;
};

struct ValueOpts {
  std::vector<std::string> n;
  long long order;
  bool exact;
  OutputOptions out;
};

Json exact_json(const BigInt& n, long long order, const harmonic::Fraction& f) {
  Json d = Json::object();
  d["n"] = count_json(n);
  d["order"] = order;
  d["numerator"] = f.numerator.str();
  d["denominator"] = f.denominator.str();
  d["numerator_digits"] = f.numerator.str().size();
  d["denominator_digits"] = f.denominator.str().size();
  return d;
}

harmonic::Fraction exact_for(const BigInt& n, long long order, const std::string& where) {
  harmonic::check_order(order, "--order");
  if (n * order > harmonic::max_exact_work)
    throw InputError(where + ": --exact needs n*order <= 10^7 (the fraction would have over " +
                     "14 million digits), got n = " + n.str() +
                     (order > 1 ? " with order " + std::to_string(order) : ""));
  Progress progress("exact H(" + n.str() + ")");
  return harmonic::exact(n.convert_to<std::uint64_t>(), order, progress.callback());
}

int run_value(const ValueCli& opts) {
  ValueOpts o{opts.n, parse_order(opts.order), opts.exact, opts.out};
  const bool precise = o.out.digits > 17;
  if (precise && o.exact)
    throw UsageError("--digits: above 17 only without --exact (the fraction is exact)");
  std::vector<std::pair<BigInt, std::string>> ns;
  for (const auto& t : expand_inputs(o.n, "N", looks_like_number))
    ns.emplace_back(harmonic::parse_count(t.text, t.where), t.where);
  io::Report rep;
  auto value_fields = [&](Json& d, const BigInt& n) {
    const harmonic::Value v = harmonic::value(n, o.order);
    if (precise)
      d["value"] = harmonic::value_digits(n, o.order, o.out.digits);
    else
      d["value"] = v.value;
    d["method"] = harmonic::method_name(v.method);
    d["correctly_rounded"] = precise || v.correctly_rounded;
  };
  if (ns.size() == 1) {
    const auto& [n, where] = ns.front();
    if (o.exact) {
      const auto f = exact_for(n, o.order, where);
      rep.data = exact_json(n, o.order, f);
      rep.data["value"] = harmonic::value(n, o.order).value;
    } else {
      rep.data["n"] = count_json(n);
      rep.data["order"] = o.order;
      value_fields(rep.data, n);
      if (precise) rep.data["digits"] = o.out.digits;
    }
  } else {
    Json rows = Json::array();
    for (const auto& [n, where] : ns) {
      Json r = Json::object();
      if (o.exact) {
        r = exact_json(n, o.order, exact_for(n, o.order, where));
      } else {
        r["n"] = count_json(n);
        value_fields(r, n);
      }
      rows.push_back(std::move(r));
    }
    rep.data["order"] = o.order;
    rep.data["values"] = std::move(rows);
    rep.csv_table = "values";
  }
  const int code = emit(rep, table_digits(o.out));
  if (!o.out.plot.empty()) {
    BigInt top = 1;
    for (const auto& p : ns) top = std::max(top, p.first);
    emit_plot(value_figure(top), o.out);
  }
  return code;
}

void setup_value(CLI::App* parent) {
  auto o = std::make_shared<ValueCli>();
  auto* cmd = parent->add_subcommand(
      "value",
      "H(n) = 1 + 1/2 + ... + 1/n (or H(n,s) = sum 1/k^s with --order s) for n up to "
      "10^300, correctly rounded; exactly as a fraction p/q with --exact");
  cmd->add_option("N", o->n,
                  "n: an integer >= 1 up to 10^300, written 1000, 1e18, 2.5e3 or 10^100; several "
                  "values, - (stdin) or a file of values give one row each")
      ->required()
      ->type_name("N");
  cmd->add_option("--order,-s", o->order, "the order s >= 1 of H(n,s) = sum 1/k^s (default 1)")
      ->type_name("S");
  cmd->add_flag("--exact", o->exact,
                "print the exact fraction p/q in lowest terms (binary splitting on GMP integers; "
                "needs n*order <= 10^7)");
  add_output_options(*cmd, o->out);
  widen_digits(cmd);
  add_plot_option(*cmd, o->out);
  cmd->footer(
      "Accuracy: the double is the correctly rounded H(n,s): an MPFR enclosure (exact summation\n"
      "for n <= 2000, the Euler-Maclaurin expansion ln n + gamma + 1/(2n) - sum B2k/(2k n^2k)\n"
      "with its remainder bounded by the first omitted term beyond) is refined until both ends\n"
      "round to the same double. --digits 18..100 prints that many correctly rounded digits the\n"
      "same way. --exact is exact.\n\n"
      "Examples:\n"
      "  numkit harmonic value 10\n"
      "  numkit harmonic value 10 --exact\n"
      "  numkit harmonic value 1e18 --digits 40\n"
      "  numkit harmonic value 10^300 --order 2 --json\n"
      "  numkit harmonic value 1 10 100 1000 --csv\n"
      "  numkit harmonic value 100000 --exact --json\n"
      "  numkit harmonic value 50 --plot -");
  bind_run<ValueCli>(cmd, o, run_value);
}

// ---- bounds -----------------------------------------------------------------------------------

struct BoundsCli {
  std::string n;
  OutputOptions out;
};

io::Report bounds_report(const harmonic::Bounds& b) {
  io::Report rep;
  rep.data["n"] = count_json(b.n);
  rep.data["h"] = b.h;
  Json rows = Json::array();
  for (const auto& c : b.checks) {
    Json r = Json::object();
    r["inequality"] = c.inequality;
    r["left"] = c.left_value;
    r["right"] = c.right_value;
    r["gap"] = gap_json(c.gap_value, c.gap);
    r["holds"] = c.holds;
    rows.push_back(std::move(r));
  }
  rep.data["checks"] = std::move(rows);
  rep.data["all_hold"] = b.all_hold;
  rep.csv_table = "checks";
  rep.notes.push_back(
      "gap = right - left; each inequality is proven with an MPFR enclosure of both sides");
  if (b.n == 1)
    rep.notes.push_back("at n = 1 the classic upper bound is an equality: H(1) = 1 = 1 + ln 1");
  return rep;
}

int run_bounds(const BoundsCli& o) {
  const BigInt n = harmonic::parse_count(o.n, "N");
  const harmonic::Bounds b = harmonic::bounds(n);
  emit(bounds_report(b), o.out);
  emit_plot(proof_figure(n), o.out);
  return b.all_hold ? 0 : 1;
}

void setup_bounds(CLI::App* parent) {
  auto o = std::make_shared<BoundsCli>();
  auto* cmd = parent->add_subcommand(
      "bounds",
      "the bounds ln(n+1) < H(n) <= 1 + ln n and ln(n+1/2) + gamma < H(n) < ln(n+1/2) + "
      "gamma + 1/(24n^2), each checked in enough precision, with the gaps");
  cmd->add_option("N", o->n, "n: an integer >= 1 up to 10^300 (1000, 1e18, 10^100)")
      ->required()
      ->type_name("N");
  add_output_options(*cmd, o->out);
  add_plot_option(*cmd, o->out);
  cmd->footer(
      "Accuracy: both sides of every inequality are enclosed with MPFR at 4*log2(n) + 128 bits\n"
      "or more, so even the 1e-902 gap of the sharper upper bound at n = 10^300 is proven. Gaps\n"
      "below the double range are printed as text. --plot draws the proof picture: 1/x with the\n"
      "rectangles of height 1/k above and below it (at most 40).\n\n"
      "Examples:\n"
      "  numkit harmonic bounds 10\n"
      "  numkit harmonic bounds 1e18 --json\n"
      "  numkit harmonic bounds 10^300 --csv\n"
      "  numkit harmonic bounds 6 --plot -");
  bind_run<BoundsCli>(cmd, o, run_bounds);
}

// ---- inverse ----------------------------------------------------------------------------------

struct InverseCli {
  std::vector<std::string> x;
  OutputOptions out;
};

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

int run_inverse(const InverseCli& o) {
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

void setup_inverse(CLI::App* parent) {
  auto o = std::make_shared<InverseCli>();
  auto* cmd = parent->add_subcommand(
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
  bind_run<InverseCli>(cmd, o, run_inverse);
}

// ---- stall ------------------------------------------------------------------------------------

struct StallCli {
  std::string format = "fp16";
  std::string terms;
  bool simulate = false;
  OutputOptions out;
};

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

int run_stall(const StallCli& o) {
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

void setup_stall(CLI::App* parent) {
  auto o = std::make_shared<StallCli>();
  auto* cmd = parent->add_subcommand(
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
  bind_run<StallCli>(cmd, o, run_stall);
}

// ---- table ------------------------------------------------------------------------------------

struct TableCli {
  std::string from = "1", to = "10", step = "1";
  std::string order = "1";
  OutputOptions out;
};

int run_table(const TableCli& o) {
  const long long order = parse_order(o.order);
  const BigInt a = harmonic::parse_count(o.from, "--from");
  const BigInt b = harmonic::parse_count(o.to, "--to");
  const BigInt s = harmonic::parse_count(o.step, "--step");
  if (b < a) throw InputError("--to: must be >= --from (" + a.str() + "), got " + b.str());
  const BigInt rows = (b - a) / s + 1;
  if (rows > kMaxRows)
    throw InputError("--step: the table would have " + rows.str() +
                     " rows; at most 10^6 (raise --step)");
  std::vector<std::string> columns = {"n", "h"};
  if (order == 1) {
    columns.push_back("ln_n_plus_1");
    columns.push_back("one_plus_ln_n");
  } else {
    columns[1] = "h_order_" + std::to_string(order);
  }
  io::RowStream stream(std::cout, o.out.render(), columns);
  for (BigInt n = a; n <= b; n += s) {
    std::vector<Json> r = {count_json(n), harmonic::value(n, order).value};
    if (order == 1) {
      const double x = n.convert_to<double>();
      r.push_back(std::log1p(x));
      r.push_back(1 + std::log(x));
    }
    stream.row(r);
  }
  stream.flush();
  return 0;
}

void setup_table(CLI::App* parent) {
  auto o = std::make_shared<TableCli>();
  auto* cmd = parent->add_subcommand("table",
                                     "a table of H(n) with ln(n+1) and 1 + ln n for n = A, A+S, "
                                     "..., <= B, streamed for pipelines");
  cmd->add_option("--from", o->from, "first n (default 1)")->type_name("A");
  cmd->add_option("--to", o->to, "last n (default 10; up to 10^300)")->type_name("B");
  cmd->add_option("--step", o->step, "step (default 1; at most 10^6 rows)")->type_name("S");
  cmd->add_option("--order,-s", o->order, "the order s >= 1 of H(n,s) = sum 1/k^s (default 1)")
      ->type_name("S");
  add_output_options(*cmd, o->out);
  cmd->footer(
      "Accuracy: H(n) correctly rounded to double as in `harmonic value`; ln(n+1) and 1 + ln n\n"
      "from the C library (within 1 ulp).\n\n"
      "Examples:\n"
      "  numkit harmonic table --to 5\n"
      "  numkit harmonic table --from 10 --to 100 --step 10 --csv\n"
      "  numkit harmonic table --from 1e10 --to 1e12 --step 1e11 --json\n"
      "  numkit harmonic table --to 4 --order 2");
  bind_run<TableCli>(cmd, o, run_table);
}

void setup_harmonic(CLI::App& root) {
  auto* h = root.add_subcommand(
      "harmonic",
      "harmonic numbers H(n) = 1 + 1/2 + ... + 1/n: exact fractions, values to 10^300, "
      "proven bounds, the inverse problem and floating-point stalls");
  h->require_subcommand(1);
  setup_value(h);
  setup_bounds(h);
  setup_inverse(h);
  setup_stall(h);
  setup_table(h);
}

const bool registered = register_command("harmonic", 40, setup_harmonic);

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

const bool tour_registered = register_tour_section("harmonic", 40, tour_harmonic);

}  // namespace
}  // namespace numkit::cli
