// numkit tour: the worked examples of every module, with their plots.
#include <filesystem>

#include "tour/tour.hpp"

namespace numkit::cli::tourcli {

int run_tour(const TourOptions& opts) {
  if (!opts.no_plots) {
    std::error_code ec;
    std::filesystem::create_directories(opts.out_dir, ec);
    if (ec) throw InputError("--out " + opts.out_dir + ": cannot create (" + ec.message() + ")");
  }
  TourContext tour(opts.output, opts.out_dir, !opts.no_plots);
  tour.say("numkit tour: the worked examples every module answers out of the box.");
  tour.say(opts.no_plots ? "(plots skipped)" : "Plots are written to " + opts.out_dir + "/.");
  return run_tour_sections(tour);
}

void setup_tour(CLI::App& root) {
  auto opts = std::make_shared<TourOptions>();
  auto* cmd = root.add_subcommand("tour",
                                  "run the built-in worked examples of every module and "
                                  "write their plots");
  cmd->add_option("--out", opts->out_dir, "folder for the plots (default: plots)")
      ->type_name("DIR");
  cmd->add_flag("--no-plots", opts->no_plots, "skip the plots");
  add_output_options(*cmd, opts->output);
  cmd->footer(
      "Examples:\n  numkit tour --no-plots\n  numkit tour --out plots\n  numkit tour --no-plots "
      "--json");
  bind_run<TourOptions>(cmd, opts, run_tour);
}

namespace {
const bool registered = register_command("tour", 1000, setup_tour);
}  // namespace

}  // namespace numkit::cli::tourcli
