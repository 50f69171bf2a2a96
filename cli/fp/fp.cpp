// numkit fp: floating-point formats for mixed-precision work (fp64 ... fp8). Registers the
// command family and its tour section.

#include "fp/fp.hpp"

namespace numkit::cli::fpcli {

using io::Json;

void setup_fp(CLI::App& root) {
  auto* fp_cmd =
      root.add_subcommand("fp",
                          "floating-point formats for mixed precision (fp64, fp32, tf32, fp16, "
                          "bf16, fp8 e5m2/e4m3): layouts, "
                          "rounding of values and data, summation, lost updates, loss scaling");
  fp_cmd->require_subcommand(1);
  fp_cmd->footer(
      "Examples:\n"
      "  numkit fp info fp16\n"
      "  numkit fp show 0.1 --format fp16\n"
      "  numkit fp update --weight 1 --update 1e-4 --format fp16\n"
      "  numkit fp sum --values 0.1 --repeat 10000 --format fp16");
  setup_info(*fp_cmd);
  setup_show(*fp_cmd);
  setup_analyze(*fp_cmd);
  setup_sum(*fp_cmd);
  setup_update(*fp_cmd);
  setup_scale(*fp_cmd);
}

namespace {
const bool registered = register_command("fp", 80, setup_fp);
}  // namespace

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

namespace {
const bool tour_registered = register_tour_section("fp", 80, tour_fp);
}  // namespace

}  // namespace numkit::cli::fpcli
