// The plot-script builder: a figure built from the bytes (texts of any bytes, numbers of any bit
// pattern) must give a script in which no text can end a command: every line is a known command
// or a data line, every single-quoted string closes on its line, and outside strings there is no
// backquote, double quote (but the constant "'"), ';', '@', '!', system( or a stray
// backslash.
#include <fuzzer/FuzzedDataProvider.h>

#include <bit>
#include <cstring>
#include <sstream>

#include "fuzz_support.hpp"
#include "numkit/plot/plot.hpp"

namespace {

using numkit::fuzz::fail;

double any_double(FuzzedDataProvider& in) {
  return std::bit_cast<double>(in.ConsumeIntegral<uint64_t>());
}

std::vector<double> doubles(FuzzedDataProvider& in, std::size_t n) {
  std::vector<double> v;
  for (std::size_t i = 0; i < n; ++i) v.push_back(any_double(in));
  return v;
}

bool is_data_line(const std::string& line) {
  return line.find_first_not_of("0123456789+-.eNa ") == std::string::npos;
}

void check_script(const std::string& script) {
  std::istringstream lines(script);
  bool in_data = false;
  for (std::string line; std::getline(lines, line);) {
    for (char c : line)
      if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) fail("a control character");
    if (in_data) {
      if (line == "EOD")
        in_data = false;
      else if (!is_data_line(line))
        fail("a data block holds something other than numbers");
      continue;
    }
    if (line.ends_with("<< EOD")) {
      in_data = true;
      if (line != "$grid << EOD" &&
          !(line.starts_with("$d") && is_data_line(line.substr(2, line.size() - 8))))
        fail("an unexpected data block name");
      continue;
    }
    if (!(line.starts_with("set ") || line.starts_with("unset ") || line.starts_with("plot ") ||
          line.starts_with("splot ") || line.starts_with("     $") || line == "set output"))
      fail("a line that is not a known command");
    bool quoted = false;
    std::string outside;
    for (std::size_t i = 0; i < line.size(); ++i) {
      char c = line[i];
      if (!quoted && line.compare(i, 3, "\"'\"") == 0) {
        i += 2;  // the constant "'" between single-quoted pieces
        continue;
      }
      if (c == '\'') {
        quoted = !quoted;
        continue;
      }
      if (!quoted) outside += c;
    }
    if (quoted) fail("a single-quoted string does not close on its line");
    for (char c : {'`', '"', ';', '@', '!'})
      if (outside.find(c) != std::string::npos) fail("a command character outside strings");
    if (outside.find("system") != std::string::npos) fail("system outside strings");
    auto backslash = outside.find('\\');
    if (backslash != std::string::npos && backslash + 1 != outside.size())
      fail("a backslash that is not a line continuation");
  }
  if (in_data) fail("an unterminated data block");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace numkit::plot;
  FuzzedDataProvider in(data, size);
  Figure f;
  f.title = in.ConsumeRandomLengthString(200);
  f.xlabel = in.ConsumeRandomLengthString(50);
  f.ylabel = in.ConsumeRandomLengthString(50);
  f.y2label = in.ConsumeRandomLengthString(50);
  f.logx = in.ConsumeBool();
  f.logy = in.ConsumeBool();
  f.equal_axes = in.ConsumeBool();
  if (in.ConsumeBool()) f.xrange = std::pair{any_double(in), any_double(in)};
  if (in.ConsumeBool()) f.yrange = std::pair{any_double(in), any_double(in)};
  for (int b = in.ConsumeIntegralInRange(0, 3); b > 0; --b)
    f.bands.push_back(Band{any_double(in), any_double(in), in.ConsumeRandomLengthString(40)});
  if (in.ConsumeBool()) {
    Contour c;
    std::size_t nx = in.ConsumeIntegralInRange<std::size_t>(0, 4);
    std::size_t ny = in.ConsumeIntegralInRange<std::size_t>(0, 4);
    c.xs = doubles(in, nx);
    c.ys = doubles(in, ny);
    c.z.resize(static_cast<Eigen::Index>(nx), static_cast<Eigen::Index>(ny));
    for (Eigen::Index i = 0; i < c.z.size(); ++i) c.z.data()[i] = any_double(in);
    c.levels = doubles(in, in.ConsumeIntegralInRange<std::size_t>(0, 3));
    f.contour = std::move(c);
  }
  for (int s = in.ConsumeIntegralInRange(0, 4); s > 0; --s) {
    Series ser;
    ser.title = in.ConsumeRandomLengthString(60);
    ser.style = static_cast<Style>(in.ConsumeIntegralInRange(0, 7));
    ser.y2 = in.ConsumeBool();
    std::size_t n = in.ConsumeIntegralInRange<std::size_t>(0, 6);
    ser.x = doubles(in, n);
    ser.y = doubles(in, in.ConsumeIntegralInRange<std::size_t>(0, 6));
    ser.dx = doubles(in, in.ConsumeIntegralInRange<std::size_t>(0, 6));
    ser.dy = doubles(in, in.ConsumeIntegralInRange<std::size_t>(0, 6));
    f.series.push_back(std::move(ser));
  }
  for (const char* target : {"-", "p.png", "p.svg", "p.pdf"})
    check_script(gnuplot_script(f, terminal_for(target)));
  numkit::fuzz::expect_result_or_input_error(
      [&] { check_plot_path(in.ConsumeRemainingBytesAsString()); });
  return 0;
}
