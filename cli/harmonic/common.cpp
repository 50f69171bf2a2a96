// Helpers shared by the `numkit harmonic` commands: counts as JSON, inputs from arguments,
// files or stdin, the --digits widening and the figures.
#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "harmonic/harmonic.hpp"
#include "numkit/core/number.hpp"

namespace numkit::cli::harmoniccli {

using io::Json;

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

long long parse_order(const std::string& text) {
  const long long s = parse_integer(text, "--order");
  harmonic::check_order(s, "--order");
  return s;
}

}  // namespace numkit::cli::harmoniccli
