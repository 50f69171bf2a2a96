#pragma once
// `numkit tour`: the worked examples of every module, with their plots. Options struct, setup and
// a run function that can be called without argv.
#include <string>

#include "common/command.hpp"

namespace numkit::cli::tourcli {

struct TourOptions {
  std::string out_dir = "plots";
  bool no_plots = false;
  OutputOptions output;
};

void setup_tour(CLI::App& root);
int run_tour(const TourOptions& opts);

}  // namespace numkit::cli::tourcli
