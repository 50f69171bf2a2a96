// The calculus commands (grad, hessian, minimize): their registration and the tour section
// "calculus".

#include "calculus/calculus.hpp"

namespace numkit::cli::calculuscli {

int tour_calculus(TourContext& t) {
  t.section("calculus: gradients and directional derivatives");
  const expr::Expression f("x^2+y^2");
  Eigen::VectorXd x(2), v(2), e1(2);
  x << 1, 2;
  v << 3, 4;
  e1 << 1, 0;
  t.say(
      "f(x,y) = x^2 + y^2 at (1,2): the gradient (2x, 2y) = (2, 4) points in the direction of "
      "steepest");
  t.say("ascent, and its norm sqrt(20) = 4.47 is the largest rate of change in any direction.");
  t.say("Along v = (3,4) the directional derivative uses the unit vector v/|v| = (0.6, 0.8):");
  t.say(
      "  D_u f = (2,4).(3,4)/5 = 22/5 = 4.4, while the raw product grad f . v = 22 (what a JAX jvp "
      "gives).");
  t.emit("gradient_along_3_4", gradient_report(f, x, v, false));
  t.say("Along (1,0) it is the partial derivative df/dx = 2:");
  t.emit("gradient_along_1_0", gradient_report(f, x, e1, false));
  t.plot(gradient_figure(f, x, v), "calculus_gradient.png");
  return 0;
}

namespace {
const bool grad_registered = register_command("grad", 20, setup_grad);
const bool hessian_registered = register_command("hessian", 21, setup_hessian);
const bool minimize_registered = register_command("minimize", 22, setup_minimize);
const bool tour_registered = register_tour_section("calculus", 20, tour_calculus);
}  // namespace

}  // namespace numkit::cli::calculuscli
