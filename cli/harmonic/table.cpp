// numkit harmonic table
#include <cmath>
#include <iostream>

#include "harmonic/harmonic.hpp"

namespace numkit::cli::harmoniccli {

using io::Json;

int run_table(const TableOptions& o) {
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

void setup_table(CLI::App& parent) {
  auto o = std::make_shared<TableOptions>();
  auto* cmd = parent.add_subcommand("table",
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
  bind_run<TableOptions>(cmd, o, run_table);
}

}  // namespace numkit::cli::harmoniccli
