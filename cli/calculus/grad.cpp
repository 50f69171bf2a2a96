// numkit grad: value, gradient, steepest ascent and directional derivatives of an expression,
// by forward-mode automatic differentiation.
#include <cmath>
#include <optional>

#include "numkit/expr/finite_difference.hpp"

#include "calculus/calculus.hpp"

namespace numkit::cli::calculuscli {

io::Report gradient_report(const expr::Expression& f, const Eigen::VectorXd& x,
                           const std::optional<Eigen::VectorXd>& dir, bool check) {
  Eigen::VectorXd g;
  const double value = f.gradient(x, g);
  const expr::DirectionalDerivative dd =
      expr::directional_derivative(g, dir ? &*dir : nullptr);  // scaled: no overflow
  const double norm = dd.gradient_norm;
  io::Report r;
  r.data["expression"] = f.text();
  r.data["variables"] = to_json(f.variables());
  r.data["point"] = to_json(x);
  // the point with its names: a positional point is never silently assigned to other names
  if (x.size() <= 10)
    r.notes.push_back("at " + f.describe_point({x.data(), static_cast<std::size_t>(x.size())}));
  r.data["value"] = value;
  r.data["gradient"] = to_json(g);
  r.data["gradient_norm"] = norm;
  if (norm > 0) {
    r.data["steepest_ascent"] = to_json(dd.steepest_ascent);
    r.notes.push_back(
        "steepest ascent: the unit vector along the gradient; the gradient norm is the largest "
        "directional derivative");
  } else {
    r.data["steepest_ascent"] = nullptr;
    r.notes.push_back(
        "the gradient is zero: a critical point, no direction of steepest ascent "
        "(see numkit hessian for its class)");
  }
  if (dir) {
    r.data["direction"] = to_json(*dir);
    r.data["unit_direction"] = to_json(dd.unit_direction);
    r.data["directional_derivative"] = dd.directional;
    r.data["raw_gradient_dot_v"] = dd.raw;
    if (!std::isfinite(dd.raw))
      r.notes.push_back(
          "raw gradient dot v is beyond the double range; the directional "
          "derivative, computed from scaled factors, is not");
    r.notes.push_back(
        "directional derivative: grad f . v/|v|, the rate of change per unit length along v; "
        "raw gradient dot v: grad f . v unnormalized (what SymPy or a JAX jvp returns)");
  }
  if (check) {
    const auto fd =
        expr::richardson_gradient([&f](const Eigen::VectorXd& p) { return f.value(p); }, x);
    io::Json c = io::Json::object();
    c["finite_difference_gradient"] = to_json(fd.gradient);
    c["max_abs_difference"] = (fd.gradient - g).cwiseAbs().maxCoeff();
    c["finite_difference_error_estimate"] = fd.gradient_error.maxCoeff();
    r.data["check"] = c;
    r.notes.push_back(
        "check: central differences with Richardson extrapolation (Ridders), independent of the "
        "automatic derivative");
  }
  return r;
}

plot::Figure gradient_figure(const expr::Expression& f, const Eigen::VectorXd& x,
                             const std::optional<Eigen::VectorXd>& dir) {
  if (f.dimension() != 2)
    throw UsageError("--plot: needs exactly 2 variables, the expression has " +
                     std::to_string(f.dimension()));
  Eigen::VectorXd g;
  f.gradient(x, g);
  const Eigen::Vector2d p(x(0), x(1));
  const double half = std::max({1.0, 0.5 * p.norm(), 1.5});
  plot::Figure fig;
  fig.title = "f = " + f.text() + " at (" + io::shortest(x(0)) + ", " + io::shortest(x(1)) + ")";
  fig.xlabel = f.variables()[0];
  fig.ylabel = f.variables()[1];
  fig.equal_axes = true;
  fig.contour = contour_of(f, {p - Eigen::Vector2d(half, half), p + Eigen::Vector2d(half, half)});
  // a field of gradient arrows, scaled so the longest fits in a grid cell
  const auto& xs = fig.contour->xs;
  const auto& ys = fig.contour->ys;
  plot::Series field;
  field.title = "gradient field";
  field.style = plot::Style::vectors;
  std::vector<Eigen::Vector2d> at, grads;
  double longest = 0;
  for (std::size_t i = 4; i < xs.size(); i += 8)
    for (std::size_t j = 4; j < ys.size(); j += 8) {
      Eigen::VectorXd q(2), gq;
      q << xs[i], ys[j];
      try {
        f.gradient(q, gq);
      } catch (const InputError&) {
        continue;
      }
      at.emplace_back(q(0), q(1));
      grads.emplace_back(gq(0), gq(1));
      longest = std::max(longest, gq.norm());
    }
  const double cell = (xs.back() - xs.front()) / 10.0;
  for (std::size_t k = 0; k < at.size(); ++k) {
    const Eigen::Vector2d d =
        longest > 0 ? Eigen::Vector2d(grads[k] * (0.9 * cell / longest)) : Eigen::Vector2d::Zero();
    field.x.push_back(at[k].x());
    field.y.push_back(at[k].y());
    field.dx.push_back(d.x());
    field.dy.push_back(d.y());
  }
  fig.series.push_back(field);
  const double arrow = 0.35 * (xs.back() - xs.front());
  if (g.norm() > 0) {
    plot::Series ga;
    ga.title = "grad f (steepest ascent), norm " + io::with_digits(g.norm(), 4);
    ga.style = plot::Style::vectors;
    ga.x = {p.x()};
    ga.y = {p.y()};
    ga.dx = {g(0) / g.norm() * arrow};
    ga.dy = {g(1) / g.norm() * arrow};
    fig.series.push_back(ga);
  }
  if (dir) {
    const Eigen::VectorXd u = *dir / dir->norm();
    plot::Series da;
    da.title = "v = (" + io::with_digits((*dir)(0), 4) + ", " + io::with_digits((*dir)(1), 4) +
               "), D_u f = " + io::with_digits(g.dot(*dir) / dir->norm(), 6);
    da.style = plot::Style::vectors;
    da.x = {p.x()};
    da.y = {p.y()};
    da.dx = {u(0) * arrow};
    da.dy = {u(1) * arrow};
    fig.series.push_back(da);
  }
  plot::Series pt;
  pt.title = "point";
  pt.style = plot::Style::points;
  pt.x = {p.x()};
  pt.y = {p.y()};
  fig.series.push_back(pt);
  return fig;
}

namespace {

std::optional<Eigen::VectorXd> read_direction(const std::string& spec, const expr::Expression& f) {
  if (spec.empty()) return std::nullopt;
  Eigen::VectorXd v = read_point(spec, f, "--dir");
  // Only the direction matters: the library scales before it normalises, so a long finite
  // vector such as (1e300, 1e300) is a direction like any other.
  if (v.lpNorm<Eigen::Infinity>() == 0) throw InputError("--dir: the zero vector has no direction");
  return v;
}

// --points: a row per point (the point, f, the gradient, its norm and the directional
// derivative), streamed as the points arrive.
int run_grad_points(const GradOptions& o, const expr::Expression& f) {
  const auto dir = read_direction(o.dir, f);
  std::vector<std::string> columns = f.variables();
  columns.push_back("value");
  for (const auto& v : f.variables()) columns.push_back("grad_" + v);
  columns.push_back("gradient_norm");
  if (dir) columns.push_back("directional_derivative");
  io::RowStream rows(std::cout, o.output.render(), columns);
  for_each_point(o.points, f, [&](const Eigen::VectorXd& x) {
    Eigen::VectorXd g;
    const double value = f.gradient(x, g);
    const expr::DirectionalDerivative dd = expr::directional_derivative(g, dir ? &*dir : nullptr);
    std::vector<io::Json> row(x.data(), x.data() + x.size());
    row.emplace_back(value);
    row.insert(row.end(), g.data(), g.data() + g.size());
    row.emplace_back(dd.gradient_norm);
    if (dir) row.emplace_back(dd.directional);
    rows.row(row);
  });
  rows.flush();
  return 0;
}

}  // namespace

int run_grad(const GradOptions& o) {
  require_at_or_points(o.at, o.points, {{"--check", o.check}, {"--plot", !o.output.plot.empty()}});
  const expr::Expression f = make_expression(o.input);
  if (!o.points.empty()) return run_grad_points(o, f);
  const Eigen::VectorXd x = read_point(o.at, f, "--at");
  const auto dir = read_direction(o.dir, f);
  if (!o.output.plot.empty() && f.dimension() != 2)
    throw UsageError("--plot: needs exactly 2 variables, the expression has " +
                     std::to_string(f.dimension()));
  const io::Report r = gradient_report(f, x, dir, o.check);
  emit(r, o.output);
  if (!o.output.plot.empty()) emit_plot(gradient_figure(f, x, dir), o.output);
  return 0;
}

void setup_grad(CLI::App& root) {
  auto opts = std::make_shared<GradOptions>();
  auto* cmd = root.add_subcommand(
      "grad", "gradient, its norm, steepest ascent and directional derivatives at a point");

  add_expression_options(*cmd, opts->input);
  cmd->add_option("--at", opts->at,
                  "the point: 1,2 or x=1,y=2 (entries may be constants like pi/4); @FILE or -")
      ->type_name("POINT");
  cmd->add_option("--points", opts->points,
                  "many points instead, one per line (np.savetxt layout), from FILE or - (stdin): "
                  "a row each, streamed")
      ->type_name("FILE|-");
  cmd->add_option("--dir", opts->dir,
                  "a direction v (need not be unit length; not zero): 3,4 or x=3,y=4")
      ->type_name("VECTOR");
  cmd->add_flag(
      "--check", opts->check,
      "compare with central differences refined by Richardson extrapolation (typically 1e-10 "
      "relative) and print the difference");
  add_output_options(*cmd, opts->output);
  add_plot_option(*cmd, opts->output);
  cmd->footer(
      "By automatic differentiation: exact up to the rounding of each operation, no truncation\n"
      "error. Prints the value, the gradient, its norm (the largest directional derivative) and "
      "the\n"
      "unit direction of steepest ascent; with --dir v, the directional derivative along the unit\n"
      "vector v/|v| (the textbook definition) and, labelled apart, the raw product grad f . v.\n\n"
      "Functions: sin cos tan asin acos atan sinh cosh tanh exp log ln log10 log2 sqrt cbrt abs\n"
      "pow(a,b) hypot(a,b) atan2(y,x) min(a,b) max(a,b); constants pi e; ^ is right-associative\n"
      "and -x^2 is -(x^2). Points outside the domain or where the derivative does not exist\n"
      "(abs(x) at 0) are errors (exit 2).\n\n"
      "Examples:\n"
      "  numkit grad \"x^2+y^2\" --at 1,2\n"
      "  numkit grad \"x^2+y^2\" --at 1,2 --dir 3,4\n"
      "  numkit grad \"x*exp(-y)\" --at x=2,y=0 --check\n"
      "  numkit grad \"sin(x)*cos(y)\" --at pi/4,0 --json\n"
      "  printf '1 2\\n3 4\\n' | numkit grad \"x^2+y^2\" --points -");
  bind_calculus_run<GradOptions>(cmd, opts, run_grad);
}

}  // namespace numkit::cli::calculuscli
