// numkit dist FAMILY fit [FILE|-|list]: maximum-likelihood fit; negbin against the Poisson.
#include <cmath>
#include <filesystem>
#include <memory>

#include "dist/dist.hpp"
#include "numkit/core/number.hpp"
#include "numkit/core/number_stream.hpp"
#include "numkit/dist/fit.hpp"

namespace numkit::cli::distcli {

int run_fit(const FitOptions& o) {
  std::vector<double> data;
  std::string what = o.input;
  const bool inline_list = o.input != "-" && !std::filesystem::exists(o.input) &&
                           !o.input.empty() &&
                           (std::isdigit(static_cast<unsigned char>(o.input[0])) ||
                            o.input[0] == '-' || o.input[0] == '.' || o.input[0] == '+');
  if (inline_list) {
    data = parse_number_list(o.input, "values");
    what = "values";
  } else {
    NumberStream in(o.input);
    double v;
    while (in.next(v)) {
      if (data.size() >= 100'000'000) throw InputError(in.position() + ": at most 1e8 values");
      data.push_back(v);
    }
    what = o.input == "-" ? "stdin" : o.input;
  }
  double size = 0;
  if (o.family == Family::binomial) {
    if (o.size.empty()) throw UsageError("--size is required: the known number of trials");
    size = parse_double(o.size, "--size");
  }
  const numkit::dist::FitResult r = numkit::dist::fit(o.family, data, what, size);
  io::Report rep;
  rep.data["family"] = family_name(o.family);
  rep.data["n"] = r.n;
  rep.data["mean"] = r.mean;
  rep.data["variance"] = r.variance;
  io::Json est = io::Json::object();
  for (const auto& [k, v] : r.estimates) est[k] = v;
  rep.data["estimates"] = std::move(est);
  rep.data["log_likelihood"] = r.log_likelihood;
  rep.data["aic"] = r.aic;
  if (r.compared_with_poisson) {
    io::Json p = io::Json::object();
    p["lambda"] = r.poisson_lambda;
    p["log_likelihood"] = r.poisson_log_likelihood;
    p["aic"] = r.poisson_aic;
    rep.data["poisson"] = std::move(p);
    rep.data["lr_statistic"] = r.lr_statistic;
    rep.data["lr_p_value"] = r.lr_p_value;
    rep.data["preferred_by_aic"] = r.aic < r.poisson_aic ? "negbin" : "poisson";
    rep.notes.push_back(
        "likelihood-ratio test of poisson (size = inf, on the boundary) against negbin: "
        "p = 1/2 P(chi2_1 > lr_statistic)");
  }
  rep.notes.push_back(r.method);
  if (!r.note.empty()) rep.notes.push_back(r.note);
  return emit(rep, o.out);
}

void setup_fit(CLI::App* family_cmd, Family f) {
  auto o = std::make_shared<FitOptions>();
  o->family = f;
  auto* cmd = family_cmd->add_subcommand(
      "fit", f == Family::negbin
                 ? "maximum-likelihood fit of (size, mu), compared with the Poisson fit by a "
                   "likelihood-ratio test on the boundary and by AIC"
                 : "maximum-likelihood fit to data");
  cmd->add_option("FILE", o->input,
                  "values (whitespace/comma separated, # comments), an inline list 2,3,1, or - "
                  "(default) for stdin")
      ->type_name("FILE|-");
  if (f == Family::binomial)
    cmd->add_option("--size,-n", o->size, "the known number of trials")->type_name("N");
  add_output_options(*cmd, o->out);
  std::string ex = "  numkit dist " + family_name(f) + " fit ";
  switch (f) {
    case Family::negbin:
      ex += "0,1,1,2,0,5,3,0,8,1,0,2,4,0,1";
      break;
    case Family::binomial:
      ex += "3,2,4,1,3 --size 10";
      break;
    case Family::gamma:
    case Family::exponential:
    case Family::normal:
      ex += "1.2,0.7,3.1,2.2,0.4";
      break;
    default:
      ex += "0,1,1,2,0,5,3";
      break;
  }
  cmd->footer(family_convention(f) +
              "\n\nMethod: see docs/dist.md (negbin: mu = mean, size from the profile score by\n"
              "TOMS 748 in log size; no finite size when the variance is at most the mean).\n\n"
              "Examples:\n" +
              ex);
  bind_run<FitOptions>(cmd, o, run_fit);
}

}  // namespace numkit::cli::distcli
