#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string_view>
#include <type_traits>
#include <vector>

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
  std::string script = gnuplot_script(parabola_figure(), "dumb");
  CHECK(script.find("set table $contours") != std::string::npos);
  CHECK(script.find("set size ratio -1") != std::string::npos);
  auto contour_pos = script.find("$contours with lines");
  auto series_pos = script.find("$d0 using 1:2:3:4 with vectors");
  REQUIRE(contour_pos != std::string::npos);
  REQUIRE(series_pos != std::string::npos);
  CHECK(contour_pos < series_pos);
}

namespace {
// Strings that would run `touch CANARY` (or redirect the output to it) if any of the known gnuplot
// escape routes were open: a newline or CR ending the command, ';', backquote substitution,
// quotes closing the string, a backslash continuation, system(), ! shell escapes, set output.
std::vector<std::string> hostile_texts(const std::string& canary) {
  const std::string touch = "touch " + canary;
  return {
      "\nsystem('" + touch + "')\n",
      "\n!" + touch + "\n",
      "`" + touch + "`",
      "\"`" + touch + "`\"",
      "';system('" + touch + "');'",
      "\";system(\"" + touch + "\");\"",
      "'\n!" + touch + "\nprint '",
      "\\\nsystem('" + touch + "')",
      "x\\",
      "a\rsystem('" + touch + "')",
      std::string("nul\0\nsystem('", 14) + touch + "')",
      "\nset output '" + canary + "'\nplot x\n",
      "'; set output '" + canary + "'; plot x; '",
      "@x $d0 \\n %s {/Symbol a} ^_",
      "EOD\n! " + touch + "\nEOD",
  };
}
}  // namespace

TEST_CASE("plot_texts_cannot_end_a_gnuplot_command", "[plot][security]") {
  fs::path dir = numkit::test::fresh_dir();
  const std::string canary = (dir / "CANARY").string();
  for (const std::string& text : hostile_texts(canary)) {
    INFO("text: " << text);
    Figure f = parabola_figure();
    f.title = f.xlabel = f.ylabel = f.y2label = text;
    f.series[0].title = text;
    f.series[1].title = text;
    f.series[1].y2 = true;  // so the y2 label is drawn (gnuplot: y2 needs free axes)
    f.equal_axes = false;
    f.contour.reset();  // gnuplot cannot tabulate contours with a y2 axis set
    f.bands.push_back(Band{0, 1, text});
    // The script: every text is one single-quoted token on its own line.
    std::string script = gnuplot_script(f, "dumb");
    for (std::string_view c : {std::string_view("\r"), std::string_view("\0", 1)})
      CHECK(script.find(c) == std::string::npos);
    std::ostringstream ascii;
    write_plot(f, "-", ascii);
    write_plot(f, (dir / "p.svg").string(), ascii);
    CHECK(!fs::exists(canary));
    CHECK(fs::file_size(dir / "p.svg") > 1000);
  }
  // Nothing but the plot in the folder: no canary, no redirected output, no temporaries.
  CHECK(std::distance(fs::directory_iterator(dir), fs::directory_iterator()) == 1);
}

TEST_CASE("plot_file_names_with_control_characters_are_refused", "[plot][security]") {
  fs::path dir = numkit::test::fresh_dir();
  std::ostringstream ascii;
  for (std::string name : {"a\nsystem('touch CANARY')\n.png", "a\r.svg", "tab\t.pdf"}) {
    CHECK_THROWS_AS(check_plot_path((dir / name).string()), numkit::UsageError);
    CHECK_THROWS_AS(write_plot(parabola_figure(), (dir / name).string(), ascii),
                    numkit::UsageError);
  }
  CHECK_THROWS_WITH(check_plot_path("a\nb.png"),
                    "--plot: the file name contains a control character (0x0a at byte 2); use a "
                    "plain file name");
  CHECK(fs::is_empty(dir));
}

TEST_CASE("plot_file_names_with_gnuplot_syntax_are_written_literally", "[plot][security]") {
  // File names cannot hold '/', so the canary is relative: run inside the folder.
  fs::path dir = numkit::test::fresh_dir();
  const fs::path previous = fs::current_path();
  fs::current_path(dir);
  const std::string canary = "CANARY";
  std::ostringstream ascii;
  const std::vector<std::string> names = {
      "a'b.svg",
      "a''b.svg",
      "a\"b.svg",
      "a`touch " + canary + "`.svg",
      "a;system('touch " + canary + "').svg",
      "!touch " + canary + ".svg",
      "a\\.svg",
      "$(touch " + canary + ").svg",
      "@x.svg",
  };
  for (const std::string& name : names) {
    INFO("name: " << name);
    write_plot(parabola_figure(), (dir / name).string(), ascii);
    CHECK(fs::file_size(dir / name) > 1000);
    CHECK(!fs::exists(dir / canary));
  }
  fs::current_path(previous);
  CHECK(std::distance(fs::directory_iterator(dir), fs::directory_iterator()) ==
        static_cast<std::ptrdiff_t>(names.size()));
}

TEST_CASE("plot_quotes_are_concatenated_constants_not_doubled", "[plot][security]") {
  Figure f;
  f.title = "'it's'";
  f.xlabel = "a\nb";
  f.series.push_back(Series{"'", {0, 1}, {0, 1}, {}, {}, Style::lines});
  std::string script = gnuplot_script(f, "dumb");
  CHECK(script.find("set title \"'\".'it'.\"'\".'s'.\"'\"\n") != std::string::npos);
  CHECK(script.find("set xlabel 'a b'\n") != std::string::npos);
  CHECK(script.find("title \"'\"\n") != std::string::npos);
  std::ostringstream ascii;
  write_plot(f, "-", ascii);
  CHECK(ascii.str().find("'it's'") != std::string::npos);
}

// A missing or failing gnuplot is a fault of the machine, not of the user's input.
TEST_CASE("plot_errors_are_environment_errors_not_input_errors", "[plot]") {
  STATIC_REQUIRE(std::is_base_of_v<numkit::EnvironmentError, numkit::plot::PlotError>);
  STATIC_REQUIRE_FALSE(std::is_base_of_v<numkit::InputError, numkit::plot::PlotError>);
}
