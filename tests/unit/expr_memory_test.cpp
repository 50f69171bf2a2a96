// The expression engine's resource use and limits (issue 10, class 4): gradients in memory
// proportional to the tree (reverse mode), Hessians in O(nodes) plus the n x n result, and the
// stated limits on nodes and Hessian variables. References are closed forms with exact integer
// coefficients, not the code under test.
#include <sys/resource.h>

#include <catch2/catch.hpp>
#include <numkit/core/error.hpp>
#include <numkit/expr/expression.hpp>
#include <random>
#include <string>

using numkit::expr::Expression;

namespace {

long peak_rss_kib() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return u.ru_maxrss;
}

}  // namespace

TEST_CASE("gradient_of_a_sum_of_10000_squares_is_exact_in_memory_linear_in_the_tree",
          "[expr][limits]") {
  const int n = 10000;
  std::string text;
  for (int i = 0; i < n; ++i) text += (i ? "+x" : "x") + std::to_string(i) + "^2";
  const Expression f(text);
  REQUIRE(f.dimension() == static_cast<std::size_t>(n));
  Eigen::VectorXd x(n), g;
  for (int i = 0; i < n; ++i) x(i) = 0.5 * (i % 7) - 1;
  const long before = peak_rss_kib();
  const double v = f.gradient(x, g);
  const long grown = peak_rss_kib() - before;
  double expected = 0;
  for (int i = 0; i < n; ++i) expected += x(i) * x(i);  // exact: quarter-integers, small sums
  CHECK(v == expected);
  for (int i = 0; i < n; ++i) REQUIRE(g(i) == 2 * x(i));
  // forward-mode jets needed nodes x n doubles (3.1 GB here); the tape is a few MB
  CHECK(grown < 200 * 1024);
}

TEST_CASE("hessian_of_a_quadratic_in_300_variables_has_its_exact_integer_coefficients",
          "[expr][limits]") {
  const int n = 300;
  std::mt19937 rng(3);
  std::uniform_int_distribution<int> coef(-9, 9);
  Eigen::MatrixXd c = Eigen::MatrixXd::Zero(n, n);  // f = sum_{i<=j} c_ij x_i x_j
  std::string text;
  for (int i = 0; i < n; ++i)
    for (int j = i; j < n; ++j) {
      if ((i * 7 + j * 3) % 5 != 0 && i != j) continue;  // a fifth of the pairs and the diagonal
      const int k = coef(rng);
      if (k == 0) continue;
      c(i, j) = k;
      text += (text.empty() ? "" : "+") + std::to_string(k) + "*x" + std::to_string(i) + "*x" +
              std::to_string(j);
    }
  std::vector<std::string> vars;
  for (int i = 0; i < n; ++i) vars.push_back("x" + std::to_string(i));
  const Expression f(text, vars);
  Eigen::VectorXd x(n), g;
  for (int i = 0; i < n; ++i) x(i) = (i % 5) - 2;
  Eigen::MatrixXd h;
  const long before = peak_rss_kib();
  f.hessian(x, g, h);
  const long grown = peak_rss_kib() - before;
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < n; ++j) {
      const double expected = i == j ? 2 * c(i, i) : (i < j ? c(i, j) : c(j, i));
      REQUIRE(h(i, j) == expected);
    }
  // gradient: df/dx_i = 2 c_ii x_i + sum_{j != i} c_ij x_j (exact small integers)
  for (int i = 0; i < n; ++i) {
    double e = 0;
    for (int j = 0; j < n; ++j) e += (i == j ? 2 * c(i, i) : (i < j ? c(i, j) : c(j, i))) * x(j);
    REQUIRE(g(i) == e);
  }
  CHECK(grown < 200 * 1024);  // forward-mode Hessian jets: nodes x n^2 doubles (beyond 4 GB)
}

TEST_CASE("hessians_beyond_2000_variables_are_refused_with_the_limit", "[expr][limits]") {
  std::string text;
  for (int i = 0; i < 2001; ++i) text += (i ? "+x" : "x") + std::to_string(i) + "^2";
  const Expression f(text);
  Eigen::VectorXd x = Eigen::VectorXd::Ones(2001), g;
  Eigen::MatrixXd h;
  CHECK_THROWS_WITH(f.hessian(x, g, h), Catch::Contains("at most 2000"));
  CHECK(f.gradient(x, g) == 2001);  // the gradient has no such limit
  CHECK(g.isConstant(2));
}

TEST_CASE("expressions_beyond_a_million_nodes_are_refused_with_the_limit", "[expr][limits]") {
  std::string text = "x";
  for (int i = 0; i < 500000; ++i) text += "+x";  // 1,000,001 nodes
  CHECK_THROWS_AS(Expression(text), numkit::InputError);
  CHECK_THROWS_WITH(Expression(text), Catch::Contains("more than 1000000 nodes"));
  text.resize(text.size() - 4);  // 999,997 nodes: accepted
  const Expression f(text);
  Eigen::VectorXd x(1), g;
  x(0) = 1;
  CHECK(f.gradient(x, g) == 499999);
  CHECK(g(0) == 499999);
}

TEST_CASE("reverse_mode_keeps_the_chain_rule_rules_at_nondifferentiable_points", "[expr]") {
  Eigen::VectorXd g;
  Eigen::MatrixXd h;
  auto at = [](std::initializer_list<double> v) {
    Eigen::VectorXd x(static_cast<Eigen::Index>(v.size()));
    Eigen::Index i = 0;
    for (double d : v) x(i++) = d;
    return x;
  };
  // |u| at u = 0 with grad u = 0: differentiable; twice when the Hessian of u is semidefinite
  const Expression sq("abs(x^2+y^2)");
  sq.hessian(at({0, 0}), g, h);
  CHECK(g.isZero(0));
  CHECK(h(0, 0) == 2);
  CHECK(h(1, 1) == 2);
  const Expression neg("abs(-(x^2))");
  neg.hessian(at({0}), g, h);
  CHECK(h(0, 0) == 2);
  const Expression xy("abs(x*y)");
  xy.gradient(at({0, 0}), g);
  CHECK(g.isZero(0));
  CHECK_THROWS_WITH(xy.hessian(at({0, 0}), g, h), Catch::Contains("not twice differentiable"));
  CHECK_THROWS_WITH(Expression("abs(x)").gradient(at({0}), g),
                    Catch::Contains("not differentiable where its argument is 0"));
  // min/max at a tie: differentiable only with equal derivatives
  const Expression same("max(x^2, x*x) + y");
  same.hessian(at({3, 1}), g, h);
  CHECK(g(0) == 6);
  CHECK(h(0, 0) == 2);
  CHECK_THROWS_WITH(Expression("max(x, 2*x)").gradient(at({0}), g),
                    Catch::Contains("with different derivatives"));
  CHECK_THROWS_WITH(Expression("min(x^2, 2*x^2)").hessian(at({0}), g, h),
                    Catch::Contains("with different derivatives"));
  // a varying exponent needs a positive base unless its derivatives vanish there
  CHECK_THROWS_WITH(Expression("x^y").gradient(at({-1, 2}), g),
                    Catch::Contains("the exponent varies"));
  const Expression flat("x^(y-y+2)");
  flat.hessian(at({-3, 5}), g, h);
  CHECK(g(0) == -6);
  CHECK(h(0, 0) == 2);
}
