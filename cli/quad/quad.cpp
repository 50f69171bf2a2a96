// numkit quad: analyze, minimize and generate quadratic forms f(x) = xᵀAx + bᵀx + c.
// Registers the command family and its tour section.
#include "quad/quad.hpp"

namespace numkit::cli::quadcli {

using io::Json;
using quad::QuadForm;

void setup_quad(CLI::App& root) {
  auto* q = root.add_subcommand(
      "quad", "quadratic forms f(x) = xᵀAx + bᵀx + c: analyze, minimize, generate test problems");
  q->require_subcommand(1);
  q->footer(
      "Examples:\n"
      "  numkit quad analyze -A \"2 1; 1 3\" -b 1,-1\n"
      "  numkit quad minimize -A \"4 1; 1 3\" -b 1,2 --method direct,cg\n"
      "  numkit quad minimize --expr \"x^2 + 3*y^2 - x*y + x\" --json\n"
      "  numkit quad generate laplace2d --n 100 -o A.mtx");
  setup_analyze(*q);
  setup_minimize(*q);
  setup_generate(*q);
}

namespace {
const bool registered = register_command("quad", 10, setup_quad);
}  // namespace

// ---- tour -------------------------------------------------------------------------------------

int tour_quad(TourContext& t) {
  t.section("quad: minimizing a quadratic form");
  t.say("f(x) = ½xᵀAx + bᵀx with A = [[3,2],[2,6]], b = [-2,8] (the classic conjugate-gradient");
  t.say("example); its minimizer solves Ax = -b: x = (2, -2).");
  Eigen::MatrixXd A(2, 2);
  A << 3, 2, 2, 6;
  QuadForm form(A, Eigen::Vector2d(-2, 8), 0.0, quad::Convention::half);
  quad::MinimizeOptions mo;
  mo.record_path = true;
  mo.x0 = Eigen::Vector2d(-2, -2);
  std::vector<quad::MinimizeResult> rs;
  for (auto m : {quad::Method::direct, quad::Method::sd, quad::Method::cg}) {
    mo.method = m;
    rs.push_back(quad::minimize(form, mo));
  }
  t.say("Solved directly (Cholesky), by steepest descent (zig-zag) and by CG (two steps),");
  t.say("all from x0 = (-2, -2):");
  t.emit("quad", minimize_report(form, rs, t.output().digits, false));
  std::vector<quad::MinimizeResult> paths(rs.begin() + 1, rs.end());
  t.plot(minimize_figure(form, paths), "quad_sd_vs_cg.png");
  int code = 0;
  for (const auto& r : rs)
    if (!succeeded(r)) code = 1;
  return code;
}

namespace {
const bool tour_registered = register_tour_section("quad", 10, tour_quad);
}  // namespace

}  // namespace numkit::cli::quadcli
