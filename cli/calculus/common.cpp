// Helpers shared by `numkit grad`, `numkit hessian` and `numkit minimize`: the expression, its
// variables and points from arguments, files or stdin; vectors as JSON; contours for plots.
#include <algorithm>
#include <cctype>
#include <cmath>
#include <limits>

#include "numkit/core/input_file.hpp"

#include "calculus/calculus.hpp"
#include "numkit/core/reader.hpp"
#include "numkit/expr/evaluate.hpp"

namespace numkit::cli::calculuscli {

void add_expression_options(CLI::App& cmd, ExpressionInput& in) {
  cmd.add_option(
      "EXPR", in.expression,
      "the function, e.g. \"x^2+y^2\" (required); - reads it from stdin, @FILE from a file");
  cmd.add_option("--vars", in.vars, "variable order, e.g. y,x (default: by name, x2 before x10)")
      ->type_name("LIST");
}

std::string trim(std::string s) {
  const auto not_space = [](unsigned char c) { return !std::isspace(c); };
  s.erase(s.begin(), std::find_if(s.begin(), s.end(), not_space));
  s.erase(std::find_if(s.rbegin(), s.rend(), not_space).base(), s.end());
  return s;
}

// "-" -> stdin, "@FILE" -> the file's contents, else the text itself; trimmed.
std::string read_text_argument(const std::string& arg, const std::string& what) {
  std::string text = arg;
  if (arg == "-") {
    text = read_source_text("-");
  } else if (arg.size() > 1 && arg[0] == '@') {
    text = read_source_text(arg.substr(1));
  }
  text = trim(text);
  if (text.empty()) throw InputError(what + ": empty expression");
  return text;
}

std::vector<std::string> parse_vars(const std::string& list) {
  std::vector<std::string> out;
  if (trim(list).empty()) return out;
  std::size_t start = 0;
  for (std::size_t i = 0; i <= list.size(); ++i) {
    if (i == list.size() || list[i] == ',') {
      const std::string name = trim(list.substr(start, i - start));
      expr::check_variable_name(name, "--vars");
      out.push_back(name);
      start = i + 1;
    }
  }
  return out;
}

expr::Expression make_expression(const ExpressionInput& in) {
  return expr::Expression(read_text_argument(in.expression, "EXPR"), parse_vars(in.vars));
}

// A point: inline ("1,2", "x=1,y=2", "pi/4,1"), "@FILE" or "-" (its text read first).
Eigen::VectorXd read_point(const std::string& spec, const expr::Expression& f,
                           const std::string& what) {
  std::string text = spec;
  if (spec.size() > 1 && spec[0] == '@') text = read_source_text(spec.substr(1));
  if (spec == "-") text = read_source_text("-");
  if (f.dimension() == 0)
    throw InputError("EXPR: \"" + f.text() +
                     "\" has no variables; there is nothing to differentiate");
  return expr::parse_point(text, f.variables(), what);
}

void for_each_point(const std::string& spec, const expr::Expression& f,
                    const std::function<void(const Eigen::VectorXd&)>& each) {
  if (f.dimension() == 0)
    throw InputError("EXPR: \"" + f.text() +
                     "\" has no variables; there is nothing to differentiate");
  for_each_input_line(spec, [&](std::string_view line, const std::string& where) {
    each(expr::parse_point(line, f.variables(), where));
  });
}

void require_at_or_points(const std::string& at, const std::string& points,
                          std::initializer_list<std::pair<const char*, bool>> single_point_only) {
  if (at.empty() == points.empty())
    throw UsageError(at.empty() ? "--at POINT or --points FILE: neither was given"
                                : "--at and --points: give one of them");
  if (!points.empty())
    for (const auto& [flag, given] : single_point_only)
      if (given) throw UsageError(std::string(flag) + ": only with --at (one point)");
}

io::Json to_json(const Eigen::VectorXd& v) {
  io::Json a = io::Json::array();
  for (Eigen::Index i = 0; i < v.size(); ++i) a.push_back(v(i));
  return a;
}

io::Json to_json(const Eigen::MatrixXd& m) {
  io::Json a = io::Json::array();
  for (Eigen::Index i = 0; i < m.rows(); ++i)
    a.push_back(to_json(Eigen::VectorXd(m.row(i).transpose())));
  return a;
}

io::Json to_json(const std::vector<std::string>& names) {
  io::Json a = io::Json::array();
  for (const auto& n : names) a.push_back(n);
  return a;
}

// Contours of f over a box that contains `points` (with margin); points outside the domain are
// gaps.
plot::Contour contour_of(const expr::Expression& f, const std::vector<Eigen::Vector2d>& points,
                         double min_half_width) {
  Eigen::Vector2d lo = points.front(), hi = points.front();
  for (const auto& p : points) {
    lo = lo.cwiseMin(p);
    hi = hi.cwiseMax(p);
  }
  const Eigen::Vector2d center = 0.5 * (lo + hi);
  double half = std::max({0.5 * (hi - lo).maxCoeff() * 1.25, min_half_width});
  return plot::sample_grid(
      [&f](double x, double y) {
        try {
          return f.value(Eigen::Vector2d(x, y));
        } catch (const InputError&) {
          return std::numeric_limits<double>::quiet_NaN();
        }
      },
      center.x() - half, center.x() + half, center.y() - half, center.y() + half, 81);
}

}  // namespace numkit::cli::calculuscli
