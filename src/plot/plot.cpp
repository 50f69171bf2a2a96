#include "numkit/plot/plot.hpp"

#include <unistd.h>

#include <gnuplot-iostream.h>
#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "numkit/io/report.hpp"

namespace numkit::plot {
namespace {

namespace fs = std::filesystem;

std::string lower_extension(const std::string& path) {
  std::string ext = fs::path(path).extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  return ext;
}

std::string quote(const std::string& s) {  // a gnuplot double-quoted string
  std::string q = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') q += '\\';
    q += c;
  }
  return q + "\"";
}

std::string single_quote(const std::string& s) {  // a gnuplot single-quoted string (paths)
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("''") : std::string(1, c);
  return q + "'";
}

std::string shell_quote(const std::string& s) {
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

std::string num(double v) {
  return std::isfinite(v) ? io::shortest(v) : "NaN";
}

std::string gnuplot_program() {
  const char* env = std::getenv("NUMKIT_GNUPLOT");
  std::string program = env && *env ? env : "gnuplot";
  if (program.find('/') != std::string::npos) {
    if (::access(program.c_str(), X_OK) != 0)
      throw PlotError("plot: gnuplot not found at " + program);
    return program;
  }
  const char* path = std::getenv("PATH");
  std::stringstream dirs(path ? path : "/usr/bin:/bin");
  std::string dir;
  while (std::getline(dirs, dir, ':')) {
    fs::path candidate = fs::path(dir.empty() ? "." : dir) / program;
    if (::access(candidate.c_str(), X_OK) == 0) return candidate.string();
  }
  throw PlotError("plot: gnuplot is not installed (install the gnuplot-nox package)");
}

std::vector<double> auto_levels(const Eigen::MatrixXd& z, int count = 14) {
  double lo = std::numeric_limits<double>::infinity(), hi = -lo;
  for (Eigen::Index i = 0; i < z.size(); ++i)
    if (std::isfinite(z.data()[i])) {
      lo = std::min(lo, z.data()[i]);
      hi = std::max(hi, z.data()[i]);
    }
  std::vector<double> levels;
  if (!(hi > lo)) return levels;
  // Quadratic spacing: contours of smooth functions crowd near extrema otherwise stay sparse.
  for (int k = 1; k <= count; ++k) {
    double t = static_cast<double>(k) / (count + 1);
    levels.push_back(lo + (hi - lo) * t * t);
  }
  return levels;
}

std::string style_clause(Style style) {
  switch (style) {
    case Style::lines:
      return "with lines lw 2";
    case Style::points:
      return "with points pt 7 ps 0.6";
    case Style::linespoints:
      return "with linespoints pt 7 ps 0.7 lw 2";
    case Style::steps:
      return "with steps lw 2";
    case Style::boxes:
      return "with boxes fs solid 0.45 border -1";
    case Style::impulses:
      return "with impulses lw 3";
    case Style::vectors:
      return "with vectors head filled size screen 0.012,20 lw 1.5";
    case Style::dashed:
      return "with lines dt 2 lw 2";
  }
  return "with lines";
}

}  // namespace

void check_plot_path(const std::string& path) {
  if (path == "-") return;
  std::string ext = lower_extension(path);
  if (ext != ".png" && ext != ".svg" && ext != ".pdf")
    throw UsageError("--plot " + path + ": unknown plot format \"" + ext +
                     "\" (use .png, .svg, .pdf, or - for a text plot)");
  fs::path dir = fs::path(path).parent_path();
  std::error_code ec;
  if (!dir.empty() && !fs::is_directory(dir, ec))
    throw UsageError("--plot " + path + ": no such folder " + dir.string());
}

std::string gnuplot_script(const Figure& fig, const std::string& terminal,
                           const std::string& output) {
  std::ostringstream s;
  s << "set terminal " << terminal << "\n";
  s << "set termoption noenhanced\n";
  s << "set output " << single_quote(output) << "\n";
  s << "set encoding utf8\n";
  if (!fig.title.empty()) s << "set title " << quote(fig.title) << "\n";
  if (!fig.xlabel.empty()) s << "set xlabel " << quote(fig.xlabel) << "\n";
  if (!fig.ylabel.empty()) s << "set ylabel " << quote(fig.ylabel) << "\n";
  bool any_y2 =
      std::any_of(fig.series.begin(), fig.series.end(), [](const Series& x) { return x.y2; });
  if (any_y2) {
    s << "set ytics nomirror\nset y2tics\n";
    if (!fig.y2label.empty()) s << "set y2label " << quote(fig.y2label) << "\n";
  }
  // %g keeps log-axis labels short: 1e-08, not 0.00000001.
  if (fig.logx) s << "set logscale x\nset format x '%g'\n";
  if (fig.logy) s << "set logscale y\nset format y '%g'\n";
  if (fig.xrange)
    s << "set xrange [" << num(fig.xrange->first) << ":" << num(fig.xrange->second) << "]\n";
  if (fig.yrange)
    s << "set yrange [" << num(fig.yrange->first) << ":" << num(fig.yrange->second) << "]\n";
  if (fig.equal_axes) s << "set size ratio -1\n";
  s << "set grid lc rgb '#dddddd'\nset key outside right top box opaque\n";
  s << "set boxwidth 0.8 relative\n";
  int object = 1;
  for (const Band& band : fig.bands) {
    s << "set object " << object++ << " rect from " << num(band.from) << ", graph 0 to "
      << num(band.to) << ", graph 1 fc rgb '#e8e8f4' fs solid 0.6 noborder behind\n";
    if (!band.label.empty()) {
      double middle = fig.logx && band.from > 0 && band.to > 0 ? std::sqrt(band.from * band.to)
                                                               : (band.from + band.to) / 2;
      s << "set label " << quote(band.label) << " at " << num(middle)
        << ", graph 0.96 center front\n";
    }
  }

  std::vector<std::string> plots;
  if (fig.contour) {
    const Contour& c = *fig.contour;
    s << "$grid << EOD\n";
    for (std::size_t i = 0; i < c.xs.size(); ++i) {
      for (std::size_t j = 0; j < c.ys.size(); ++j)
        s << num(c.xs[i]) << " " << num(c.ys[j]) << " "
          << num(c.z(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(j))) << "\n";
      s << "\n";
    }
    s << "EOD\n";
    std::vector<double> levels = c.levels.empty() ? auto_levels(c.z) : c.levels;
    s << "set contour base\nunset surface\nset view map\n";
    s << "set cntrparam levels discrete ";
    for (std::size_t k = 0; k < levels.size(); ++k) s << (k ? "," : "") << num(levels[k]);
    s << "\nset table $contours\nsplot $grid with lines notitle\nunset table\nunset contour\n";
    plots.push_back("$contours with lines lc rgb '#9aa7b8' lw 1 title 'contours of f'");
  }
  for (std::size_t k = 0; k < fig.series.size(); ++k) {
    const Series& ser = fig.series[k];
    s << "$d" << k << " << EOD\n";
    for (std::size_t i = 0; i < ser.x.size() && i < ser.y.size(); ++i) {
      s << num(ser.x[i]) << " " << num(ser.y[i]);
      if (ser.style == Style::vectors)
        s << " " << num(i < ser.dx.size() ? ser.dx[i] : 0) << " "
          << num(i < ser.dy.size() ? ser.dy[i] : 0);
      s << "\n";
    }
    s << "EOD\n";
    std::string clause = "$d" + std::to_string(k) +
                         (ser.style == Style::vectors ? " using 1:2:3:4 " : " using 1:2 ") +
                         style_clause(ser.style) + " lc " + std::to_string(k + 1) +
                         (ser.y2 ? " axes x1y2" : "") +
                         (ser.title.empty() ? " notitle" : " title " + quote(ser.title));
    plots.push_back(clause);
  }
  if (plots.empty()) plots.push_back("NaN notitle");
  s << "plot ";
  for (std::size_t k = 0; k < plots.size(); ++k) s << (k ? ", \\\n     " : "") << plots[k];
  s << "\nunset output\n";
  return s.str();
}

void write_plot(const Figure& figure, const std::string& path, std::ostream& ascii_out) {
  check_plot_path(path);
  std::string program = gnuplot_program();
  std::string ext = lower_extension(path);
  std::string terminal = path == "-"     ? "dumb size 100,32"
                         : ext == ".png" ? "pngcairo size 960,680 font 'DejaVu Sans,10'"
                         : ext == ".svg"
                             ? "svg size 960,680 font 'DejaVu Sans,12' background '#ffffff'"
                             : "pdfcairo size 7in,5in font 'DejaVu Sans,9'";
  std::string tag = std::to_string(::getpid());
  fs::path tmpdir = fs::temp_directory_path();
  fs::path err_file = tmpdir / ("numkit-gnuplot-" + tag + ".err");
  fs::path status_file = tmpdir / ("numkit-gnuplot-" + tag + ".status");
  fs::path output = path == "-" ? tmpdir / ("numkit-plot-" + tag + ".txt")
                                : fs::path(path).parent_path() /
                                      ("." + fs::path(path).filename().string() + ".tmp." + tag);
  auto cleanup = [&] {
    std::error_code ec;
    fs::remove(err_file, ec);
    fs::remove(status_file, ec);
    fs::remove(output, ec);
  };
  std::string script = gnuplot_script(figure, terminal, output.string());
  {
    // The shell records gnuplot's exit status so a failure is ours to report, in our words.
    Gnuplot gp(shell_quote(program) + " 2>" + shell_quote(err_file.string()) + "; echo $? >" +
               shell_quote(status_file.string()));
    gp << script;
    gp.flush();
  }
  int status = -1;
  {
    std::ifstream in(status_file);
    in >> status;
  }
  std::string err_text;
  {
    std::ifstream in(err_file);
    std::getline(in, err_text, '\0');
  }
  std::error_code ec;
  if (status != 0 || !fs::exists(output, ec) || fs::file_size(output, ec) == 0) {
    cleanup();
    // gnuplot's first message line is the useful one.
    std::string first;
    std::istringstream lines(err_text);
    for (std::string line; std::getline(lines, line);) {
      auto b = line.find_first_not_of(" \t^");
      if (b != std::string::npos && line.find("line") != std::string::npos) {
        first = line.substr(b);
        break;
      }
      if (b != std::string::npos && first.empty()) first = line.substr(b);
    }
    throw PlotError("plot " + path + ": gnuplot failed" + (first.empty() ? "" : ": " + first));
  }
  if (path == "-") {
    std::ifstream in(output);
    ascii_out << in.rdbuf();
    ascii_out.flush();
    cleanup();
    return;
  }
  fs::rename(output, path, ec);
  if (ec) {
    cleanup();
    throw PlotError("plot " + path + ": cannot write (" + ec.message() + ")");
  }
  cleanup();
}

}  // namespace numkit::plot
