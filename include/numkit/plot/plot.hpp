#pragma once
// The plot layer: modules describe a figure as data series; this layer alone writes gnuplot
// commands. gnuplot runs without a shell: the script on its stdin, the plot read back from its
// stdout (a file name never enters the script), its run bounded by NUMKIT_PLOT_TIMEOUT seconds
// (default 60) and its output by 256 MiB. The terminal follows the file extension: .png
// (pngcairo), .svg, .pdf (pdfcairo), or "-" for an ASCII plot (gnuplot's dumb terminal). Files
// are written atomically (numkit::OutputFile) and deterministically; no temporary directory is
// used.
#include <Eigen/Dense>
#include <optional>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include "numkit/core/error.hpp"

namespace numkit::plot {

// gnuplot missing or failing, or an unwritable target: a fault of the machine, not of the input
// (an EnvironmentError). Exit code 2, after the result is printed.
struct PlotError : EnvironmentError {
  using EnvironmentError::EnvironmentError;
};

enum class Style { lines, points, linespoints, steps, boxes, impulses, vectors, dashed };

struct Series {
  std::string title;           // legend entry; empty: no legend entry
  std::vector<double> x, y;    // non-finite values are gaps
  std::vector<double> dx, dy;  // only for Style::vectors (arrows from (x,y) by (dx,dy))
  Style style = Style::lines;
  bool y2 = false;  // plot against the right-hand axis
};

struct Contour {
  std::vector<double> xs, ys;
  Eigen::MatrixXd z;           // z(i, j) is the value at (xs[i], ys[j])
  std::vector<double> levels;  // empty: 14 levels, denser near the minimum
};

struct Band {  // a shaded x-range, e.g. a format's subnormal range
  double from = 0, to = 0;
  std::string label;
};

struct Figure {
  std::string title, xlabel, ylabel, y2label;
  bool logx = false, logy = false, equal_axes = false;
  std::optional<std::pair<double, double>> xrange, yrange;
  std::vector<Series> series;
  std::optional<Contour> contour;
  std::vector<Band> bands;
};

// Checks that `path` names a supported target ("-", *.png, *.svg, *.pdf) in an existing folder;
// throws UsageError otherwise. Commands call it before computing.
void check_plot_path(const std::string& path);

// Draws `figure` into `path`; for "-" the ASCII plot goes to `ascii_out`.
// Throws PlotError naming the cause if gnuplot is missing or fails; nothing is left behind.
void write_plot(const Figure& figure, const std::string& path, std::ostream& ascii_out);

// The gnuplot script for `figure`, drawing on `terminal` to gnuplot's standard output (exposed
// for tests and the fuzzer). No file name enters it; every text is a single-quoted gnuplot
// string without control characters, every number a numeric literal or NaN.
std::string gnuplot_script(const Figure& figure, const std::string& terminal);
// The gnuplot terminal for a target: by extension (.png/.svg/.pdf), or the text terminal for "-".
std::string terminal_for(const std::string& path);

// Evaluates f on an n×n grid over [x0,x1]×[y0,y1] (helper for contour plots).
template <class F>
Contour sample_grid(F&& f, double x0, double x1, double y0, double y1, int n = 81) {
  Contour c;
  c.z.resize(n, n);
  for (int i = 0; i < n; ++i) {
    c.xs.push_back(x0 + (x1 - x0) * i / (n - 1));
    c.ys.push_back(y0 + (y1 - y0) * i / (n - 1));
  }
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < n; ++j) c.z(i, j) = f(c.xs[i], c.ys[j]);
  return c;
}

}  // namespace numkit::plot
