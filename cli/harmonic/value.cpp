// numkit harmonic value
#include <algorithm>

#include "numkit/core/number.hpp"

#include "harmonic/harmonic.hpp"

namespace numkit::cli::harmoniccli {

using io::Json;

namespace {

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

}  // namespace

int run_value(const ValueOptions& opts) {
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

void setup_value(CLI::App& parent) {
  auto o = std::make_shared<ValueOptions>();
  auto* cmd = parent.add_subcommand(
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
  bind_run<ValueOptions>(cmd, o, run_value);
}

}  // namespace numkit::cli::harmoniccli
