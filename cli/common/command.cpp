#include "common/command.hpp"
#include "common/values.hpp"

#include "numkit/core/number.hpp"
#include "numkit/core/number_stream.hpp"

#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <random>
#include <vector>

namespace numkit::cli {
namespace {

struct Registration {
  std::string name;
  int order;
  std::function<void(CLI::App&)> setup;
};
std::vector<Registration>& commands() {
  static std::vector<Registration> list;
  return list;
}

struct TourRegistration {
  std::string name;
  int order;
  std::function<int(TourContext&)> run;
};
std::vector<TourRegistration>& tour_sections() {
  static std::vector<TourRegistration> list;
  return list;
}

int g_exit_code = 0;

}  // namespace

bool register_command(std::string name, int order, std::function<void(CLI::App&)> setup) {
  commands().push_back({std::move(name), order, std::move(setup)});
  return true;
}

namespace {
std::vector<std::string_view>& command_words() {
  static std::vector<std::string_view> words;
  return words;
}
}  // namespace

std::string_view command_word(std::size_t index) {
  const auto& words = command_words();
  if (index >= words.size() || words[index].starts_with('-')) return {};
  return words[index];
}

void setup_commands(CLI::App& root, int argc, char** argv) {
  command_words().assign(argv, argv + argc);
  auto& list = commands();
  std::stable_sort(list.begin(), list.end(),
                   [](const Registration& a, const Registration& b) { return a.order < b.order; });
  // A query names its command first: build that command's parser alone. Building all of them
  // (hundreds of options) was most of a query's start-up. Anything else (help, --version, a
  // misspelt command) gets every command, for the listing and the nearest-name suggestions.
  if (argc > 1) {
    const std::string_view first = argv[1];
    for (auto& r : list) {
      if (r.name == first) {
        r.setup(root);
        return;
      }
    }
  }
  for (auto& r : list) r.setup(root);
}

void setup_all_commands(CLI::App& root) {
  auto& list = commands();
  std::stable_sort(list.begin(), list.end(),
                   [](const Registration& a, const Registration& b) { return a.order < b.order; });
  for (auto& r : list) r.setup(root);
}

io::RenderOptions OutputOptions::render() const {
  io::RenderOptions r;
  r.format = json ? io::Format::json : csv ? io::Format::csv : io::Format::table;
  r.digits = digits;
  r.json_one_line = json_one_line;
  return r;
}

void add_output_options(CLI::App& cmd, OutputOptions& out) {
  auto* json = cmd.add_flag("--json", out.json,
                            "print one JSON document (JSON Lines for streams); every number is "
                            "the shortest decimal that round-trips");
  auto* csv = cmd.add_flag("--csv", out.csv, "print CSV with shortest round-trip numbers");
  json->excludes(csv);
  cmd.add_option("--digits", out.digits, "significant digits in tables (1-17; default 12)")
      ->check(CLI::Range(1, 17));
}

void add_plot_option(CLI::App& cmd, OutputOptions& out) {
  cmd.add_option("--plot", out.plot,
                 "draw a plot: FILE.png, FILE.svg, FILE.pdf, or - for a text plot on stdout")
      ->type_name("FILE|-")
      ->check(CLI::Validator(
          [](std::string& path) -> std::string {
            try {
              plot::check_plot_path(path);
            } catch (const UsageError& e) {
              std::string message = e.what();
              for (std::string prefix : {"--plot: ", "--plot "})
                if (message.rfind(prefix, 0) == 0) return message.substr(prefix.size());
              return message;
            }
            return {};
          },
          "FILE|-"));
}

int emit(const io::Report& report, const OutputOptions& out) {
  io::render(report, out.render(), std::cout);
  std::cout.flush();
  return 0;
}

void emit_plot(const plot::Figure& figure, const OutputOptions& out) {
  if (out.plot.empty()) return;
  std::cout.flush();
  plot::write_plot(figure, out.plot, std::cout);
  if (out.plot != "-" && !out.json && !out.csv && isatty(STDERR_FILENO))
    std::cerr << "numkit: wrote " << out.plot << "\n";
}

void set_exit_code(int code) {
  g_exit_code = std::max(g_exit_code, code);
}
int exit_code() {
  return g_exit_code;
}

void warn(std::string_view message) {
  std::cerr << "numkit: warning: " << message << std::endl;
}

Progress::Progress(std::string label)
    : label_(std::move(label)),
      enabled_(isatty(STDERR_FILENO) != 0),
      start_(std::chrono::steady_clock::now()),
      last_(start_) {}

Progress::~Progress() {
  if (drawn_) std::fprintf(stderr, "\r\033[K");
}

void Progress::update(double fraction_done) {
  if (!enabled_) return;
  auto now = std::chrono::steady_clock::now();
  double elapsed = std::chrono::duration<double>(now - start_).count();
  if (elapsed < 1.0 || now - last_ < std::chrono::milliseconds(100)) return;
  last_ = now;
  fraction_done = std::clamp(fraction_done, 0.0, 1.0);
  int filled = static_cast<int>(std::lround(fraction_done * 30));
  std::string bar(static_cast<std::size_t>(filled), '#');
  bar.append(static_cast<std::size_t>(30 - filled), '.');
  std::fprintf(stderr, "\r\033[K%s [%s] %3.0f%%  %.1f s", label_.c_str(), bar.c_str(),
               fraction_done * 100, elapsed);
  std::fflush(stderr);
  drawn_ = true;
}

ProgressFn Progress::callback() {
  return [this](double f) { update(f); };
}

TourContext::TourContext(const OutputOptions& output, std::filesystem::path plot_dir,
                         bool plots_enabled)
    : output_(output), plot_dir_(std::move(plot_dir)), plots_enabled_(plots_enabled) {}

void TourContext::section(const std::string& title) {
  current_section_ = title;
  if (output_.json || output_.csv) return;
  std::cout << "\n== " << title << " "
            << std::string(title.size() < 70 ? 70 - title.size() : 0, '=') << "\n\n";
}

void TourContext::say(const std::string& line) {
  if (output_.json || output_.csv) return;
  std::cout << line << "\n";
}

void TourContext::emit(const std::string& key, const io::Report& report) {
  if (output_.json || output_.csv) {
    collected_[key] = report.data;
    return;
  }
  io::render(report, output_.render(), std::cout);
  std::cout << "\n";
}

void TourContext::plot(const plot::Figure& figure, const std::string& file_name) {
  if (!plots_enabled_) return;
  std::filesystem::path path = plot_dir_ / file_name;
  try {
    std::cout.flush();
    plot::write_plot(figure, path.string(), std::cout);
    if (!output_.json && !output_.csv) std::cout << "plot: " << path.string() << "\n";
  } catch (const plot::PlotError& e) {
    ++failures_;
    std::cerr << "numkit: " << e.what() << "\n";
  }
}

int TourContext::finish() {
  if (output_.json || output_.csv) {
    io::Report all;
    all.data = collected_;
    io::render(all, output_.render(), std::cout);
  }
  return failures_ > 0 ? 2 : 0;
}

bool register_tour_section(std::string name, int order, std::function<int(TourContext&)> run) {
  tour_sections().push_back({std::move(name), order, std::move(run)});
  return true;
}

int run_tour_sections(TourContext& tour) {
  auto& list = tour_sections();
  std::stable_sort(
      list.begin(), list.end(),
      [](const TourRegistration& a, const TourRegistration& b) { return a.order < b.order; });
  int worst = 0;
  for (auto& s : list) worst = std::max(worst, s.run(tour));
  return std::max(worst, tour.finish());
}

long long parse_sample_count(const std::string& n) {
  NumberOptions no;
  no.allow_nonfinite = true;
  const double nd = parse_double(n, "N", no);
  if (!(nd >= 0) || nd != std::floor(nd) || nd > 1e15)
    throw InputError("N: must be an integer in [0, 1e15], got " + format_number(nd));
  return static_cast<long long>(nd);
}

std::uint64_t resolve_seed(const std::string& seed) {
  if (seed.empty()) {
    std::random_device rd;
    const std::uint64_t s = (static_cast<std::uint64_t>(rd()) << 32) ^ rd();
    std::cerr << "numkit: seed " << s << " (pass --seed to repeat this stream)\n";
    return s;
  }
  const long long s = parse_integer(seed, "--seed");
  if (s < 0) throw InputError("--seed: must be >= 0, got " + seed);
  return static_cast<std::uint64_t>(s);
}

bool looks_like_number(const std::string& s) {
  return !s.empty() && (std::isdigit(static_cast<unsigned char>(s[0])) || s[0] == '-' ||
                        s[0] == '+' || s[0] == '.');
}

namespace {

bool valid_count(double v) {
  return v >= 0 && v == std::floor(v) && v <= 9007199254740992.0;  // 2^53
}

}  // namespace

std::vector<double> expand_values(const std::vector<std::string>& args, ValueKind kind,
                                  const std::string& what) {
  const bool counts = kind == ValueKind::counts;
  auto valid = [&](double v) {
    switch (kind) {
      case ValueKind::counts:
        return valid_count(v);
      case ValueKind::reals:
        return !std::isnan(v);
      case ValueKind::probabilities:
        return v >= 0 && v <= 1;
    }
    return false;
  };
  std::vector<double> values;
  auto check = [&](double v, const std::string& where) {
    if (valid(v)) return;
    switch (kind) {
      case ValueKind::counts:
        throw InputError(where + ": must be an integer in [0, 2^53], got " + format_number(v));
      case ValueKind::reals:
        throw InputError(where + ": must be a number, got nan");
      case ValueKind::probabilities:
        throw InputError(where + ": must be in [0, 1], got " + format_number(v));
    }
  };
  auto push = [&](double v) {
    if (values.size() >= kMaxValues)
      throw InputError(what + ": at most " + std::to_string(kMaxValues) + " values");
    values.push_back(v);
  };
  NumberOptions options;
  options.allow_nonfinite = true;
  for (const auto& a : args) {
    const auto dots = a.find("..");
    if (counts && dots != std::string::npos && looks_like_number(a)) {
      const std::string where = what + " range " + a;
      const double lo = parse_double(a.substr(0, dots), where, options);
      const double hi = parse_double(a.substr(dots + 2), where, options);
      check(lo, where);
      check(hi, where);
      if (hi < lo) throw InputError(where + ": the end is below the start");
      if (hi - lo >= static_cast<double>(kMaxValues))
        throw InputError(where + ": at most " + std::to_string(kMaxValues) + " values");
      for (double k = lo; k <= hi; k += 1) push(k);
    } else if (a == "-" || (!looks_like_number(a) && std::filesystem::exists(a))) {
      NumberStream in(a, true);
      double v;
      while (in.next(v)) {
        if (!valid(v)) check(v, in.position());  // the position only when needed: 10^6 lines
        push(v);
      }
    } else {
      for (double v : parse_number_list(a, what, options)) {
        check(v, what);
        push(v);
      }
    }
  }
  if (values.empty()) throw InputError(what + ": no values given");
  return values;
}

}  // namespace numkit::cli
