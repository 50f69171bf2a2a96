// Gradients, directional derivatives and Hessians by automatic differentiation, checked against
// references that do not use the code under test: each function is written again by hand as a
// C++ function template and differentiated by central differences in 50-digit arithmetic
// (truncation error ~1e-30, far below double rounding), plus closed forms derived by hand.
#include <boost/multiprecision/cpp_bin_float.hpp>
#include <catch2/catch.hpp>
#include <cmath>
#include <functional>
#include <numkit/core/error.hpp>
#include <numkit/expr/expression.hpp>

using numkit::expr::Expression;
using M = boost::multiprecision::cpp_bin_float_50;
using Ref = std::function<M(const std::vector<M>&)>;

namespace {

struct Case {
  std::string text;
  std::vector<std::string> vars;
  std::vector<double> at;
  Ref f;
};

M ref_value(const Ref& f, const std::vector<double>& at) {
  std::vector<M> x(at.begin(), at.end());
  return f(x);
}

// 50-digit central differences: step 1e-15 for first, 1e-12 for second derivatives.
std::vector<M> ref_gradient(const Ref& f, const std::vector<double>& at) {
  const M h("1e-15");
  std::vector<M> g;
  for (std::size_t i = 0; i < at.size(); ++i) {
    std::vector<M> p(at.begin(), at.end()), m(at.begin(), at.end());
    p[i] += h;
    m[i] -= h;
    g.push_back((f(p) - f(m)) / (2 * h));
  }
  return g;
}

std::vector<std::vector<M>> ref_hessian(const Ref& f, const std::vector<double>& at) {
  const M h("1e-12");
  const std::size_t n = at.size();
  std::vector<std::vector<M>> hm(n, std::vector<M>(n));
  const std::vector<M> x(at.begin(), at.end());
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t j = 0; j < n; ++j) {
      auto shifted = [&](int si, int sj) {
        std::vector<M> p = x;
        p[i] += si * h;
        p[j] += sj * h;
        return f(p);
      };
      hm[i][j] = (shifted(1, 1) - shifted(1, -1) - shifted(-1, 1) + shifted(-1, -1)) / (4 * h * h);
    }
  return hm;
}

double rel_err(double got, const M& want, double scale) {
  return static_cast<double>(abs(M(got) - want)) / std::max(scale, 1e-300);
}

std::vector<Case> cases() {
  using boost::multiprecision::atan2;
  using std::vector;
  return {
      {"x^2+y^2", {}, {1, 2}, [](const vector<M>& v) { return v[0] * v[0] + v[1] * v[1]; }},
      {"x*y*z", {}, {1.5, -2, 0.25}, [](const vector<M>& v) { return v[0] * v[1] * v[2]; }},
      {"(1-x)^2+100*(y-x^2)^2",
       {"x", "y"},
       {-1.2, 1},
       [](const vector<M>& v) {
         return (1 - v[0]) * (1 - v[0]) + 100 * pow(v[1] - v[0] * v[0], 2);
       }},
      {"sin(x)*cos(y)", {}, {0.7, -0.3}, [](const vector<M>& v) { return sin(v[0]) * cos(v[1]); }},
      {"exp(-x^2-y^2)",
       {},
       {0.5, 0.25},
       [](const vector<M>& v) { return exp(-v[0] * v[0] - v[1] * v[1]); }},
      {"log(x^2+y^2+1)",
       {},
       {2, -1},
       [](const vector<M>& v) { return log(v[0] * v[0] + v[1] * v[1] + 1); }},
      {"x/y", {}, {3, 7}, [](const vector<M>& v) { return v[0] / v[1]; }},
      {"sqrt(x^2+y^2)",
       {},
       {3, 4},
       [](const vector<M>& v) { return sqrt(v[0] * v[0] + v[1] * v[1]); }},
      {"x^y", {}, {1.5, 2.5}, [](const vector<M>& v) { return pow(v[0], v[1]); }},
      {"atan2(y,x)", {"x", "y"}, {-1, 2}, [](const vector<M>& v) { return atan2(v[1], v[0]); }},
      {"tan(x)+sinh(y)", {}, {0.4, 1.1}, [](const vector<M>& v) { return tan(v[0]) + sinh(v[1]); }},
      {"cosh(x)*tanh(y)",
       {},
       {-0.6, 0.3},
       [](const vector<M>& v) { return cosh(v[0]) * tanh(v[1]); }},
      {"asin(x)+acos(y)+atan(x*y)",
       {},
       {0.3, -0.45},
       [](const vector<M>& v) { return asin(v[0]) + acos(v[1]) + atan(v[0] * v[1]); }},
      {"log10(x)+log2(y)+ln(x*y)",
       {},
       {3, 5},
       [](const vector<M>& v) { return log10(v[0]) + log(v[1]) / log(M(2)) + log(v[0] * v[1]); }},
      {"cbrt(x)*y^3",
       {},
       {-8, 0.5},
       [](const vector<M>& v) { return -cbrt(-v[0]) * pow(v[1], 3); }},
      {"abs(x-y)*x", {}, {1, 3}, [](const vector<M>& v) { return abs(v[0] - v[1]) * v[0]; }},
      {"hypot(x,y)",
       {},
       {5, -12},
       [](const vector<M>& v) { return sqrt(v[0] * v[0] + v[1] * v[1]); }},
      {"pow(x,3)-pow(y,-2)",
       {},
       {1.25, 2},
       [](const vector<M>& v) { return pow(v[0], 3) - pow(v[1], -2); }},
      {"min(x,y)^2+max(x,y)", {}, {0.5, 2}, [](const vector<M>& v) { return v[0] * v[0] + v[1]; }},
      {"-x^2+2^-1*y", {}, {3, 4}, [](const vector<M>& v) { return -(v[0] * v[0]) + v[1] / 2; }},
      {"2^3^x", {}, {0.5}, [](const vector<M>& v) { return pow(M(2), pow(M(3), v[0])); }},
      {"x*exp(-y)", {}, {2, 0}, [](const vector<M>& v) { return v[0] * exp(-v[1]); }},
      {"pi*x^2/e",
       {},
       {1.75},
       [](const vector<M>& v) {
         return boost::math::constants::pi<M>() * v[0] * v[0] / boost::math::constants::e<M>();
       }},
      {"sin(x*y*z)+z^2/(1+x^2)",
       {},
       {0.3, 0.7, -1.3},
       [](const vector<M>& v) {
         return sin(v[0] * v[1] * v[2]) + v[2] * v[2] / (1 + v[0] * v[0]);
       }},
      {"x^1.5*y^0.5",
       {},
       {2, 3},
       [](const vector<M>& v) { return pow(v[0], M("1.5")) * sqrt(v[1]); }},
      {"theta*cos(phi)+x1*x2",
       {},  // the default order is by name: phi, theta, x1, x2
       {0.2, 0.9, 1.5, -2},
       [](const vector<M>& v) { return v[1] * cos(v[0]) + v[2] * v[3]; }},
      {"exp(sin(x))/(2+cos(y))",
       {},
       {1.3, 2.1},
       [](const vector<M>& v) { return exp(sin(v[0])) / (2 + cos(v[1])); }},
      {"(x+y)^2*(x-y)^3",
       {},
       {1.2, -0.4},
       [](const vector<M>& v) { return pow(v[0] + v[1], 2) * pow(v[0] - v[1], 3); }},
      {"1/(1+exp(-(a*x+b)))",
       {"x", "a", "b"},
       {0.8, 1.5, -0.25},
       [](const vector<M>& v) { return 1 / (1 + exp(-(v[1] * v[0] + v[2]))); }},
      {"x^4/4-x^2/2+y^2/2",
       {},
       {0.5, 1},
       [](const vector<M>& v) { return pow(v[0], 4) / 4 - v[0] * v[0] / 2 + v[1] * v[1] / 2; }},
      {"abs(x^2)", {}, {0}, [](const vector<M>& v) { return v[0] * v[0]; }},
  };
}

}  // namespace

TEST_CASE(
    "gradients_directional_derivatives_and_hessians_match_50_digit_references_for_31_expressions",
    "[expr]") {
  int checked = 0;
  for (const Case& c : cases()) {
    INFO(c.text);
    const Expression f(c.text, c.vars);
    REQUIRE(f.dimension() == c.at.size());
    Eigen::VectorXd x =
        Eigen::Map<const Eigen::VectorXd>(c.at.data(), static_cast<Eigen::Index>(c.at.size()));
    Eigen::VectorXd g, g2;
    Eigen::MatrixXd h;
    const double v = f.value(x);
    const double vg = f.gradient(x, g);
    const double vh = f.hessian(x, g2, h);
    const M want = ref_value(c.f, c.at);
    const double vscale = std::max(1.0, std::abs(v));
    CHECK(rel_err(v, want, vscale) < 1e-14);
    CHECK(vg == v);
    CHECK(vh == v);
    // 50-digit evaluation of the same tree agrees with the hand-written function to ~45 digits
    std::vector<M> xm(c.at.begin(), c.at.end());
    const M vm = f.evaluate_as<M>(std::span<const M>(xm));
    CHECK(static_cast<double>(abs(vm - want)) <
          1e-40 * static_cast<double>(std::max(M(1), abs(want))));
    const auto rg = ref_gradient(c.f, c.at);
    double gscale = 1;
    for (const auto& r : rg) gscale = std::max(gscale, static_cast<double>(abs(r)));
    for (std::size_t i = 0; i < rg.size(); ++i) {
      INFO("d/d" << f.variables()[i]);
      CHECK(rel_err(g(static_cast<Eigen::Index>(i)), rg[i], gscale) < 1e-14);
      CHECK(g2(static_cast<Eigen::Index>(i)) == g(static_cast<Eigen::Index>(i)));
    }
    // directional derivative along the unit vector of v = (1, -2, 3, -4, ...): grad f . v / |v|
    // against a 50-digit central difference along v/|v|
    {
      std::vector<M> u(c.at.size());
      M norm2 = 0;
      for (std::size_t i = 0; i < u.size(); ++i) {
        u[i] = M(static_cast<int>(i + 1) * (i % 2 == 0 ? 1 : -1));
        norm2 += u[i] * u[i];
      }
      Eigen::VectorXd v(static_cast<Eigen::Index>(u.size()));
      for (std::size_t i = 0; i < u.size(); ++i)
        v(static_cast<Eigen::Index>(i)) = static_cast<double>(u[i]);
      const M un = sqrt(norm2), h("1e-15");
      std::vector<M> p(c.at.begin(), c.at.end()), m(c.at.begin(), c.at.end());
      for (std::size_t i = 0; i < u.size(); ++i) {
        p[i] += h * u[i] / un;
        m[i] -= h * u[i] / un;
      }
      const M want_dd = (c.f(p) - c.f(m)) / (2 * h);
      INFO("directional derivative");
      CHECK(rel_err(g.dot(v) / v.norm(), want_dd, gscale) < 1e-14);
    }
    const auto rh = ref_hessian(c.f, c.at);
    double hscale = 1;
    for (const auto& row : rh)
      for (const auto& r : row) hscale = std::max(hscale, static_cast<double>(abs(r)));
    for (std::size_t i = 0; i < rh.size(); ++i)
      for (std::size_t j = 0; j < rh.size(); ++j) {
        INFO("d2/d" << f.variables()[i] << "d" << f.variables()[j]);
        CHECK(rel_err(h(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(j)), rh[i][j],
                      hscale) < 1e-13);
      }
    ++checked;
  }
  CHECK(checked >= 25);
}

TEST_CASE("directional_derivative_of_the_seed_example_is_22_over_5", "[expr]") {
  const Expression f("x^2+y^2");
  Eigen::VectorXd x(2), g;
  x << 1, 2;
  f.gradient(x, g);
  CHECK(g(0) == 2);
  CHECK(g(1) == 4);
  Eigen::VectorXd v(2);
  v << 3, 4;
  CHECK(g.dot(v) == 22);
  CHECK(g.dot(v) / v.norm() == 4.4);
  CHECK(g(0) == 2);  // along (1,0)
  CHECK(g.norm() == std::sqrt(20.0));
}

TEST_CASE("hand_derived_derivatives_of_textbook_functions", "[expr]") {
  Eigen::VectorXd x(2), g;
  Eigen::MatrixXd h;
  SECTION("rosenbrock at the minimum has gradient zero and Hessian [[802,-400],[-400,200]]") {
    const Expression f("(1-x)^2+100*(y-x^2)^2");
    x << 1, 1;
    CHECK(f.hessian(x, g, h) == 0);
    CHECK(g.isZero(0));
    CHECK(h(0, 0) == 802);
    CHECK(h(0, 1) == -400);
    CHECK(h(1, 0) == -400);
    CHECK(h(1, 1) == 200);
  }
  SECTION("x*exp(-y) at (2,0): gradient (1,-2), Hessian [[0,-1],[-1,2]]") {
    const Expression f("x*exp(-y)");
    x << 2, 0;
    f.hessian(x, g, h);
    CHECK(g(0) == 1);
    CHECK(g(1) == -2);
    CHECK(h(0, 0) == 0);
    CHECK(h(0, 1) == -1);
    CHECK(h(1, 1) == 2);
  }
  SECTION("x^2*y^3 at (2,-1): gradient (-4, 12), Hessian [[-2, 12], [12, -24]]") {
    const Expression f("x^2*y^3");
    x << 2, -1;
    f.hessian(x, g, h);
    CHECK(g(0) == -4);
    CHECK(g(1) == 12);
    CHECK(h(0, 0) == -2);
    CHECK(h(0, 1) == 12);
    CHECK(h(1, 1) == -24);
  }
  SECTION("abs(x^2-y) where the argument is positive equals the argument's derivatives") {
    const Expression f("abs(x^2-y)");
    x << 3, 1;
    f.hessian(x, g, h);
    CHECK(g(0) == 6);
    CHECK(g(1) == -1);
    CHECK(h(0, 0) == 2);
  }
}

TEST_CASE("domain_errors_name_the_function_and_the_point", "[expr]") {
  auto message = [](const std::string& text, std::vector<double> at, int order) {
    const Expression f(text);
    Eigen::VectorXd x =
        Eigen::Map<Eigen::VectorXd>(at.data(), static_cast<Eigen::Index>(at.size()));
    Eigen::VectorXd g;
    Eigen::MatrixXd h;
    try {
      if (order == 0) f.value(x);
      if (order == 1) f.gradient(x, g);
      if (order == 2) f.hessian(x, g, h);
    } catch (const numkit::InputError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  CHECK(message("log(x)", {0}, 0) == "log(x): argument must be > 0, got 0, at x=0");
  CHECK(message("y+sqrt(x)", {-1, 2}, 0) == "sqrt(x): argument must be >= 0, got -1, at x=-1, y=2");
  CHECK(message("1/x", {0}, 0) == "1/x: division by zero, at x=0");
  CHECK(message("asin(x)", {2}, 0) == "asin(x): argument must be in [-1, 1], got 2, at x=2");
  CHECK(message("(-x)^0.5", {1}, 0) ==
        "(-x)^0.5: negative base -1 with the non-integer exponent 0.5, at x=1");
  CHECK(message("exp(x)", {1000}, 0) ==
        "exp(x): the result is not finite (overflow), got inf, at x=1000");
  CHECK(message("atan2(y,x)", {0, 0}, 0) == "atan2(y,x): undefined at (0, 0), at x=0, y=0");
  // values exist but derivatives do not
  CHECK(message("abs(x)", {0}, 0) == "no error");
  CHECK(message("abs(x)", {0}, 1) == "abs(x): not differentiable where its argument is 0, at x=0");
  CHECK(message("sqrt(x^2+y^2)", {0, 0}, 1) ==
        "sqrt(x^2+y^2): not differentiable where its argument is 0, at x=0, y=0");
  CHECK(message("hypot(x,y)", {0, 0}, 1) ==
        "hypot(x,y): not differentiable where both arguments are 0, at x=0, y=0");
  CHECK(message("max(x,y)", {1, 1}, 1)
            .find("max(x,y): not differentiable where its arguments are equal") == 0);
  CHECK(message("x^0.5", {0}, 1).find("x^0.5: not differentiable where the base is 0") == 0);
  CHECK(message("x^1.5", {0}, 1) == "no error");
  CHECK(message("x^1.5", {0}, 2).find("x^1.5: not twice differentiable") == 0);
  CHECK(message("abs(x^2-y^2)", {0, 0}, 2) ==
        "abs(x^2-y^2): not twice differentiable where its argument is 0, at x=0, y=0");
  CHECK(message("min(x,2*x)", {0}, 1).find("not differentiable") != std::string::npos);
  CHECK(message("max(x^2,x^2)", {0}, 2) == "no error");
  CHECK(message("x^0.01", {5e-324}, 0) == "no error");
  CHECK(message("x^0.01", {5e-324}, 1) ==
        "x^0.01: the gradient is not finite (overflow), at x=5e-324");
}

TEST_CASE("points_parse_positionally_by_name_and_as_constant_expressions", "[expr]") {
  using numkit::expr::parse_point;
  const std::vector<std::string> vars{"x", "y"};
  CHECK(parse_point("1,2", vars, "--at") == Eigen::Vector2d(1, 2));
  CHECK(parse_point("y=2, x=1", vars, "--at") == Eigen::Vector2d(1, 2));
  CHECK(parse_point("[1, -2]", vars, "--at") == Eigen::Vector2d(1, -2));
  CHECK(parse_point("pi/4,pow(2,3)", vars, "--at") == Eigen::Vector2d(std::atan(1.0), 8));
  auto msg = [&](const std::string& s) {
    try {
      parse_point(s, vars, "--at");
    } catch (const numkit::InputError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  CHECK(msg("1") == "--at: expected 2 values (x, y), got 1");
  CHECK(msg("1,2,3") == "--at: expected 2 values (x, y), got 3");
  CHECK(msg("x=1,z=2") == "--at: \"z\" is not a variable of the expression (x, y)");
  CHECK(msg("x=1,x=2") == "--at: \"x\" is given twice");
  CHECK(msg("x=1") == "--at: no value for the variable \"y\"");
  CHECK(msg("x=1,2") == "--at: mix of named (x=1) and positional values in \"x=1,2\"");
  CHECK(msg("1,a") == "--at (value 2): expected a number, found the variable \"a\" in \"a\"");
  CHECK(msg("1,,2").find("empty value") != std::string::npos);
  CHECK(msg("1,log(0)") == "--at (value 2): log(0): argument must be > 0, got 0");
}
