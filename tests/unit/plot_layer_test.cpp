#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "numkit/plot/plot.hpp"
#include "run_numkit.hpp"

namespace fs = std::filesystem;
using namespace numkit::plot;

namespace {
Figure parabola_figure() {
  Figure f;
  f.title = "x² + y²";
  f.xlabel = "x";
  f.ylabel = "y";
  f.equal_axes = true;
  f.contour = sample_grid([](double x, double y) { return x * x + y * y; }, -3, 3, -3, 3, 31);
  Series path{"gradient at (1,2)", {1}, {2}, {0.5}, {1.0}, Style::vectors};
  f.series.push_back(path);
  f.series.push_back(Series{"points", {0, 1, 2}, {0, 1, 4}, {}, {}, Style::linespoints});
  return f;
}
}  // namespace

TEST_CASE("plot_writes_a_png_file_atomically", "[plot]") {
  fs::path dir = numkit::test::fresh_dir();
  std::string path = (dir / "p.png").string();
  std::ostringstream ascii;
  write_plot(parabola_figure(), path, ascii);
  std::ifstream in(path, std::ios::binary);
  char magic[8] = {};
  in.read(magic, 8);
  CHECK(std::string(magic + 1, 3) == "PNG");
  // Only the plot is left: no temporaries beside it.
  CHECK(std::distance(fs::directory_iterator(dir), fs::directory_iterator()) == 1);
}

TEST_CASE("plot_is_deterministic", "[plot]") {
  fs::path dir = numkit::test::fresh_dir();
  std::ostringstream ascii;
  write_plot(parabola_figure(), (dir / "a.svg").string(), ascii);
  write_plot(parabola_figure(), (dir / "b.svg").string(), ascii);
  std::ifstream a(dir / "a.svg"), b(dir / "b.svg");
  std::stringstream sa, sb;
  sa << a.rdbuf();
  sb << b.rdbuf();
  CHECK(sa.str().size() > 1000);
  CHECK(sa.str() == sb.str());
}

TEST_CASE("plot_dash_draws_ascii_on_the_given_stream", "[plot]") {
  Figure f;
  f.title = "a line";
  Series line;
  line.title = "y = x";
  line.x = line.y = {0, 1, 2, 3};
  f.series.push_back(line);
  std::ostringstream ascii;
  write_plot(f, "-", ascii);
  CHECK(ascii.str().find("a line") != std::string::npos);
  CHECK(ascii.str().find("y = x") != std::string::npos);
}

TEST_CASE("plot_reports_missing_gnuplot_and_leaves_nothing", "[plot]") {
  fs::path dir = numkit::test::fresh_dir();
  ::setenv("NUMKIT_GNUPLOT", "/nonexistent/gnuplot", 1);
  std::ostringstream ascii;
  CHECK_THROWS_WITH(write_plot(parabola_figure(), (dir / "p.png").string(), ascii),
                    "plot: gnuplot not found at /nonexistent/gnuplot");
  ::unsetenv("NUMKIT_GNUPLOT");
  CHECK(fs::is_empty(dir));
}

TEST_CASE("plot_reports_a_failing_gnuplot_and_leaves_nothing", "[plot]") {
  fs::path dir = numkit::test::fresh_dir();
  fs::path fake = dir / "fake-gnuplot";
  std::ofstream(fake) << "#!/bin/sh\ncat >/dev/null\necho 'line 3: something broke' >&2\nexit 1\n";
  fs::permissions(fake, fs::perms::owner_all);
  ::setenv("NUMKIT_GNUPLOT", fake.c_str(), 1);
  std::ostringstream ascii;
  CHECK_THROWS_WITH(
      write_plot(parabola_figure(), (dir / "p.png").string(), ascii),
      "plot " + (dir / "p.png").string() + ": gnuplot failed: line 3: something broke");
  ::unsetenv("NUMKIT_GNUPLOT");
  CHECK(std::distance(fs::directory_iterator(dir), fs::directory_iterator()) == 1);
}

TEST_CASE("plot_path_must_have_a_known_extension_and_folder", "[plot]") {
  CHECK_THROWS_WITH(check_plot_path("out.jpg"),
                    "--plot out.jpg: unknown plot format \".jpg\" (use .png, .svg, .pdf, or - for "
                    "a text plot)");
  CHECK_THROWS_WITH(check_plot_path("/nonexistent-dir/out.png"),
                    "--plot /nonexistent-dir/out.png: no such folder /nonexistent-dir");
  CHECK_NOTHROW(check_plot_path("-"));
}

TEST_CASE("gnuplot_script_draws_contours_beneath_the_series", "[plot]") {
  std::string script = gnuplot_script(parabola_figure(), "dumb", "out.txt");
  CHECK(script.find("set table $contours") != std::string::npos);
  CHECK(script.find("set size ratio -1") != std::string::npos);
  auto contour_pos = script.find("$contours with lines");
  auto series_pos = script.find("$d0 using 1:2:3:4 with vectors");
  REQUIRE(contour_pos != std::string::npos);
  REQUIRE(series_pos != std::string::npos);
  CHECK(contour_pos < series_pos);
}
