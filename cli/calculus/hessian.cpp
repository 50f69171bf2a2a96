// numkit hessian: the Hessian of an expression at a point by forward-mode automatic
// differentiation, its eigenvalues, and the class of the point when the gradient vanishes.
#include <Eigen/Eigenvalues>
#include <cmath>

#include "numkit/expr/finite_difference.hpp"

#include "calculus/calculus.hpp"

namespace numkit::cli::calculuscli {

namespace {

struct SecondOrder {
  double value = 0;
  Eigen::VectorXd g, lam;
  Eigen::MatrixXd h;
  std::string definiteness, cls;
  bool critical = false;
};

SecondOrder second_order(const expr::Expression& f, const Eigen::VectorXd& x) {
  SecondOrder s;
  Eigen::VectorXd& g = s.g;
  Eigen::MatrixXd& h = s.h;
  s.value = f.hessian(x, g, h);
  const Eigen::VectorXd lam =
      Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd>(h, Eigen::EigenvaluesOnly).eigenvalues();
  const double scale = std::max(1.0, lam.cwiseAbs().maxCoeff());
  const double zero_tol = 1e-10 * scale;
  const bool any_pos = (lam.array() > zero_tol).any(), any_neg = (lam.array() < -zero_tol).any();
  const bool any_zero = (lam.array().abs() <= zero_tol).any();
  std::string definiteness = any_pos && any_neg ? "indefinite"
                             : any_pos ? (any_zero ? "positive semidefinite" : "positive definite")
                             : any_neg ? (any_zero ? "negative semidefinite" : "negative definite")
                                       : "zero";
  const bool critical = g.stableNorm() <= 1e-10 * std::max(1.0, x.stableNorm());
  std::string cls = "not a critical point";
  if (critical) {
    if (any_pos && any_neg)
      cls = "saddle";
    else if (any_zero)
      cls = "degenerate";
    else if (any_pos)
      cls = "minimum";
    else
      cls = "maximum";
  }
  s.lam = lam;
  s.definiteness = definiteness;
  s.cls = cls;
  s.critical = critical;
  return s;
}

// --points: a row per point (the point, f, the gradient, the Hessian's upper triangle, its
// definiteness and the class of the point), streamed as the points arrive.
int run_hessian_points(const HessianOptions& o, const expr::Expression& f) {
  const auto& vars = f.variables();
  std::vector<std::string> columns = vars;
  columns.push_back("value");
  for (const auto& v : vars) columns.push_back("grad_" + v);
  for (std::size_t i = 0; i < vars.size(); ++i)
    for (std::size_t j = i; j < vars.size(); ++j) columns.push_back("h_" + vars[i] + "_" + vars[j]);
  columns.push_back("definiteness");
  columns.push_back("critical_point");
  io::RowStream rows(std::cout, o.output.render(), columns);
  for_each_point(o.points, f, [&](const Eigen::VectorXd& x) {
    const SecondOrder s = second_order(f, x);
    std::vector<io::Json> row(x.data(), x.data() + x.size());
    row.emplace_back(s.value);
    row.insert(row.end(), s.g.data(), s.g.data() + s.g.size());
    for (Eigen::Index i = 0; i < s.h.rows(); ++i)
      for (Eigen::Index j = i; j < s.h.cols(); ++j) row.emplace_back(s.h(i, j));
    row.emplace_back(s.definiteness);
    row.emplace_back(s.cls);
    rows.row(row);
  });
  rows.flush();
  return 0;
}

}  // namespace

int run_hessian(const HessianOptions& o) {
  require_at_or_points(o.at, o.points, {{"--check", o.check}});
  const expr::Expression f = make_expression(o.input);
  if (!o.points.empty()) return run_hessian_points(o, f);
  const Eigen::VectorXd x = read_point(o.at, f, "--at");
  const SecondOrder s = second_order(f, x);
  const double value = s.value;
  const Eigen::VectorXd& g = s.g;
  const Eigen::MatrixXd& h = s.h;
  const Eigen::VectorXd& lam = s.lam;
  const std::string& definiteness = s.definiteness;
  const std::string& cls = s.cls;
  const bool critical = s.critical;
  io::Report r;
  r.data["expression"] = f.text();
  r.data["variables"] = to_json(f.variables());
  r.data["point"] = to_json(x);
  // the point with its names: a positional point is never silently assigned to other names
  if (x.size() <= 10)
    r.notes.push_back("at " + f.describe_point({x.data(), static_cast<std::size_t>(x.size())}));
  r.data["value"] = value;
  r.data["gradient"] = to_json(g);
  r.data["gradient_norm"] = expr::directional_derivative(g, nullptr).gradient_norm;
  r.data["hessian"] = to_json(h);
  r.data["eigenvalues"] = to_json(lam);
  r.data["definiteness"] = definiteness;
  r.data["critical_point"] = cls;
  if (critical && cls == "degenerate")
    r.notes.push_back(
        "degenerate: a zero eigenvalue, so the second-derivative test cannot decide the class");
  else if (critical)
    r.notes.push_back(
        "the gradient vanishes here (norm <= 1e-10 max(1,|x|)); the eigenvalues of the Hessian "
        "give "
        "the class");
  else
    r.notes.push_back("the gradient does not vanish here, so the point is not a critical point");
  if (o.check) {
    const auto fd =
        expr::richardson_hessian([&f](const Eigen::VectorXd& p) { return f.value(p); }, x);
    io::Json c = io::Json::object();
    c["finite_difference_hessian"] = to_json(fd.hessian);
    c["max_abs_difference"] = (fd.hessian - h).cwiseAbs().maxCoeff();
    c["finite_difference_error_estimate"] = fd.hessian_error.maxCoeff();
    r.data["check"] = c;
    r.notes.push_back(
        "check: second central differences with Richardson extrapolation (Ridders), independent of "
        "the automatic derivative; typically 1e-7 to 1e-9 relative");
  }
  return emit(r, o.output);
}

void setup_hessian(CLI::App& root) {
  auto opts = std::make_shared<HessianOptions>();
  auto* cmd = root.add_subcommand(
      "hessian", "Hessian at a point, its eigenvalues, and the class of a critical point");

  add_expression_options(*cmd, opts->input);
  cmd->add_option("--at", opts->at,
                  "the point: 1,2 or x=1,y=2 (entries may be constants like pi/4); @FILE or -")
      ->type_name("POINT");
  cmd->add_option("--points", opts->points,
                  "many points instead, one per line (np.savetxt layout), from FILE or - (stdin): "
                  "a row each, streamed")
      ->type_name("FILE|-");
  cmd->add_flag(
      "--check", opts->check,
      "compare with second central differences refined by Richardson extrapolation and print the "
      "difference");
  add_output_options(*cmd, opts->output);
  cmd->footer(
      "By second-order forward-mode automatic differentiation: exact up to the rounding of each\n"
      "operation. When the gradient vanishes, the point is classed as a minimum, maximum, saddle "
      "or\n"
      "degenerate from the eigenvalues' signs.\n"
      "Eigenvalues within 1e-10 max(1, max|lambda|) of 0 count as zero; the gradient vanishes when "
      "its\n"
      "norm is <= 1e-10 max(1, |x|).\n\n"
      "Examples:\n"
      "  numkit hessian \"x^2-y^2\" --at 0,0\n"
      "  numkit hessian \"(1-x)^2+100*(y-x^2)^2\" --at 1,1 --vars x,y\n"
      "  numkit hessian \"x*y*exp(-x^2-y^2)\" --at 0.5,0.5 --check\n"
      "  numkit hessian \"x^4+y^2\" --at 0,0 --json\n"
      "  printf '0 0\\n1 1\\n' | numkit hessian \"x^2-y^2\" --points - --csv");
  bind_calculus_run<HessianOptions>(cmd, opts, run_hessian);
}

}  // namespace numkit::cli::calculuscli
