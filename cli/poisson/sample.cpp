// numkit poisson sample
#include <charconv>
#include <cmath>
#include <cstdio>
#include <iostream>
#include <random>

#include "numkit/core/number.hpp"
#include "numkit/poisson/distribution.hpp"
#include "numkit/poisson/sample.hpp"

#include "poisson/poisson.hpp"

namespace numkit::cli::poissoncli {

namespace pn = numkit::poisson;
using io::Json;

namespace {

class IntWriter {
 public:
  explicit IntWriter(io::Format f) : format_(f) { buf_.reserve(1 << 20); }
  ~IntWriter() { flush(); }
  void header() {
    if (format_ == io::Format::csv) buf_ += "x\n";
  }
  void add(std::int64_t v) {
    char tmp[24];
    auto [end, ec] = std::to_chars(tmp, tmp + sizeof tmp, v);
    (void)ec;
    if (format_ == io::Format::json) buf_ += "{\"x\":";
    buf_.append(tmp, end);
    if (format_ == io::Format::json) buf_ += '}';
    buf_ += '\n';
    if (buf_.size() > (1 << 20) - 64) flush();
  }
  void flush() {
    // Through std::cout, whose buffer writes whole records (an interrupted stream ends cleanly).
    if (!buf_.empty()) std::cout.write(buf_.data(), static_cast<std::streamsize>(buf_.size()));
    buf_.clear();
  }

 private:
  io::Format format_;
  std::string buf_;
};

}  // namespace

int run_sample(const SampleOptions& o) {
  const double m = resolve_count_means(o.mean)[0];
  pn::SampleOptions so;
  so.mean = m;
  so.n = parse_sample_count(o.n);
  so.threads = o.threads;
  so.seed = resolve_seed(o.seed);
  so.validate();
  const double nd = static_cast<double>(so.n);
  // Histogram for --plot.
  const bool want_plot = !o.out.plot.empty();
  double hlo = 0, hhi = 0;
  std::vector<double> hist;
  if (want_plot) {
    std::tie(hlo, hhi) = plot_range({m});
    if (hhi - hlo > 2000) hlo = hhi = 0;  // too wide for bars: skip
    hist.assign(static_cast<std::size_t>(hhi - hlo) + 1, 0);
  }
  const bool to_stdout = !(want_plot && o.out.plot == "-");
  IntWriter w(o.out.render().format);
  if (to_stdout) w.header();
  Progress progress("sampling");
  pn::sample(
      so,
      [&](std::span<const std::int64_t> block) {
        if (to_stdout)
          for (auto x : block) w.add(x);
        if (want_plot && !hist.empty())
          for (auto x : block) {
            const double d = static_cast<double>(x);
            if (d >= hlo && d <= hhi) hist[static_cast<std::size_t>(d - hlo)] += 1;
          }
      },
      progress.callback());
  w.flush();
  std::cout.flush();
  if (want_plot) {
    plot::Figure fig;
    fig.title = "sample of " + std::to_string(static_cast<long long>(nd)) + " against Poisson(" +
                fmt(m) + ")";
    fig.xlabel = "k";
    fig.ylabel = "frequency";
    plot::Series h{"sample", {}, {}, {}, {}, plot::Style::boxes, false};
    plot::Series p{"pmf", {}, {}, {}, {}, plot::Style::linespoints, false};
    for (std::size_t i = 0; i < hist.size(); ++i) {
      const double k = hlo + static_cast<double>(i);
      h.x.push_back(k);
      h.y.push_back(nd > 0 ? hist[i] / nd : 0);
      p.x.push_back(k);
      p.y.push_back(pn::pmf(k, m));
    }
    fig.series = {h, p};
    OutputOptions po = o.out;
    emit_plot(fig, po);
  }
  return 0;
}

void setup_sample(CLI::App& parent) {
  auto o = std::make_shared<SampleOptions>();
  auto* cmd = parent.add_subcommand(
      "sample", "N Poisson variates streamed to stdout, one per line (--json: JSON Lines)");
  cmd->add_option("N", o->n, "how many variates (integer >= 0)")->required()->type_name("N");
  add_mean_options(cmd, o->mean, false);
  cmd->add_option("--seed,-s", o->seed,
                  "seed (integer >= 0); the same seed gives the same stream on any thread count "
                  "(default: a random seed, reported on stderr)")
      ->type_name("S");
  cmd->add_option("--threads", o->threads, "worker threads (default: all cores)")->type_name("T");
  add_output_options(*cmd, o->out);
  add_plot_option(*cmd, o->out);
  cmd->footer(
      "Method: xoshiro256++ streams, one per block of 65536 variates, seeded by SplitMix64 from\n"
      "(seed, block); inversion through a table of 64-bit cdf thresholds with a guide table for\n"
      "mean <= 1e5 (exact to 2^-64 per value), Hormann's PTRS rejection above. With --plot -\n"
      "the histogram replaces the numbers on stdout.\n\n"
      "Examples:\n"
      "  numkit poisson sample 5 --mean 3 --seed 1\n"
      "  numkit poisson sample 3 --mean 1000 --seed 7 --json\n"
      "  numkit poisson sample 100000 --mean 4 --seed 2 --plot -");
  bind_run<SampleOptions>(cmd, o, run_sample);
}

}  // namespace numkit::cli::poissoncli
