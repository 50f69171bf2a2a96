// The expression language: precedence, variables, error messages with carets, and the exact
// quadratic coefficients read off a polynomial (checked against rationals worked out by hand).
#include <boost/multiprecision/cpp_int.hpp>
#include <catch2/catch.hpp>
#include <numkit/core/error.hpp>
#include <numkit/expr/expression.hpp>
#include <numkit/expr/quadratic.hpp>

using numkit::expr::Expression;
using numkit::expr::extract_quadratic;

namespace {

double eval(const std::string& text, std::vector<double> at = {}) {
  const Expression f(text);
  return f.value(Eigen::Map<Eigen::VectorXd>(at.data(), static_cast<Eigen::Index>(at.size())));
}

std::string parse_error(const std::string& text, const std::vector<std::string>& vars = {}) {
  try {
    Expression f(text, vars);
  } catch (const numkit::InputError& e) {
    return e.what();
  }
  return "no error";
}

std::string quad_error(const std::string& text) {
  try {
    extract_quadratic(text);
  } catch (const numkit::InputError& e) {
    return e.what();
  }
  return "no error";
}

}  // namespace

TEST_CASE("precedence_power_is_right_associative_and_binds_tighter_than_unary_minus", "[expr]") {
  CHECK(eval("-x^2", {3}) == -9);
  CHECK(eval("2^3^2") == 512);
  CHECK(eval("2^-1") == 0.5);
  CHECK(eval("-2^2") == -4);
  CHECK(eval("(-2)^2") == 4);
  CHECK(eval("2**3") == 8);
  CHECK(eval("1-2-3") == -4);
  CHECK(eval("12/3/2") == 2);
  CHECK(eval("2*3+4*5") == 26);
  CHECK(eval("2*(3+4)*5") == 70);
  CHECK(eval("--3") == 3);
  CHECK(eval("+3") == 3);
  CHECK(eval("1e-3*1000") == 1);
  CHECK(eval(".5+2.5E1") == 25.5);
  CHECK(eval("pi") == Approx(3.141592653589793).epsilon(1e-16));
  CHECK(eval("e") == std::exp(1.0));
}

TEST_CASE("variables_are_in_natural_name_order_or_the_given_order", "[expr]") {
  CHECK(Expression("y + x*theta - x1").variables() ==
        std::vector<std::string>{"theta", "x", "x1", "y"});
  CHECK(Expression("x10 + x2*x1 + b").variables() ==
        std::vector<std::string>{"b", "x1", "x2", "x10"});
  // the point follows the names, however the expression is written
  CHECK(Expression("y - x").value(Eigen::Vector2d(1, 5)) == 4);
  CHECK(Expression("y + x", {"x", "y", "z"}).variables() ==
        std::vector<std::string>{"x", "y", "z"});
  CHECK(Expression("sin(pi*t)").variables() == std::vector<std::string>{"t"});
  CHECK(Expression("2*e").dimension() == 0);
}

TEST_CASE("parse_errors_put_a_caret_under_the_offending_column", "[expr]") {
  CHECK(parse_error("x+") ==
        "expression, column 3: expected a number, a variable, a function or \"(\", found the end "
        "of the "
        "expression\n  x+\n    ^");
  CHECK(parse_error("sn(x)") ==
        "expression, column 1: unknown function \"sn\" (did you mean \"sin\"?)\n  sn(x)\n  ^~");
  CHECK(
      parse_error("sqr(x)+1") ==
      "expression, column 1: unknown function \"sqr\" (did you mean \"sqrt\"?)\n  sqr(x)+1\n  ^~~");
  CHECK(parse_error("(x+1") ==
        "expression, column 1: unclosed \"(\": expected \")\" before the end of the expression\n  "
        "(x+1\n  ^");
  CHECK(parse_error("x+1)") == "expression, column 4: unmatched \")\"\n  x+1)\n     ^");
  CHECK(parse_error("2x") ==
        "expression, column 2: expected an operator (+ - * / ^) or the end, found \"x\"; write "
        "\"*\" for a "
        "product\n  2x\n   ^");
  CHECK(parse_error("x $ y") == "expression, column 3: unexpected character \"$\"\n  x $ y\n    ^");
  CHECK(parse_error("atan2(y)") ==
        "expression, column 1: atan2 takes 2 arguments, got 1\n  atan2(y)\n  ^~~~~");
  CHECK(parse_error("sin(x,y)") ==
        "expression, column 1: sin takes 1 argument, got 2\n  sin(x,y)\n  ^~~");
  CHECK(parse_error("x*sin") ==
        "expression, column 3: sin is a function: write sin(...)\n  x*sin\n    ^~~");
  CHECK(parse_error("x+z", {"x", "y"}) ==
        "expression, column 3: unknown variable \"z\" (the variables are x, y)\n  x+z\n    ^");
  CHECK(parse_error("") ==
        "expression, column 1: expected an expression, found an empty string\n  \n  ^");
  CHECK(parse_error("x*()") ==
        "expression, column 4: expected an expression inside \"()\"\n  x*()\n     ^");
  CHECK(parse_error("*x") == "expression, column 1: expected an operand before \"*\"\n  *x\n  ^");
  CHECK(
      parse_error("x(y+1)", {"x", "y"}) ==
      "expression, column 1: \"x\" is not a function: write x*(...) for a product\n  x(y+1)\n  ^");
  CHECK(parse_error("1.2.3") ==
        "expression, column 4: unexpected \".\" after the number 1.2\n  1.2.3\n     ^");
  CHECK(parse_error("1e999") ==
        "expression, column 1: number 1e999 is too large for double precision\n  1e999\n  ^~~~~");
  CHECK(parse_error("sin(x") ==
        "expression, column 4: unclosed \"(\" of sin: expected \")\" before the end of the "
        "expression\n  sin(x\n"
        "     ^");
  CHECK(parse_error("max(x;y)") ==
        "expression, column 6: expected \",\" or \")\" in the arguments of max, found \";\"\n  "
        "max(x;y)\n       ^");
  CHECK(parse_error("2e") ==
        "expression, column 2: expected an operator (+ - * / ^) or the end, found \"e\"; write "
        "\"*\" for a "
        "product\n  2e\n   ^");
  CHECK(parse_error("x", {"pi"}) == "variables: \"pi\" is a constant, not a variable name");
  CHECK(parse_error("x", {"x", "x"}) == "variables: \"x\" is listed twice");
  CHECK(parse_error("x", {"2a"}) ==
        "variables: \"2a\" is not a variable name (letters, digits and _, not starting with a "
        "digit)");
}

TEST_CASE("quadratic_coefficients_are_read_off_exactly", "[expr][quadratic]") {
  SECTION("a 2x2 form with linear and constant terms") {
    const auto q = extract_quadratic("3*x^2 + 2*x*y + 6*y^2 - x + 0.1");
    CHECK(q.variables == std::vector<std::string>{"x", "y"});
    CHECK(q.A(0, 0) == 3);
    CHECK(q.A(0, 1) == 1);
    CHECK(q.A(1, 0) == 1);
    CHECK(q.A(1, 1) == 6);
    CHECK(q.b(0) == -1);
    CHECK(q.b(1) == 0);
    CHECK(q.c == 0.1);  // the rational 1/10 rounded once
  }
  SECTION("expanded products, divisions by constants and the given variable order") {
    const auto q = extract_quadratic("(x+2*y)^2/3 - (x-1)*(z+1)", {"z", "y", "x"});
    // (x^2 + 4xy + 4y^2)/3 - (xz + x - z - 1)
    CHECK(q.variables == std::vector<std::string>{"z", "y", "x"});
    CHECK(q.A(2, 2) == 1.0 / 3);
    CHECK(q.A(1, 2) == 2.0 / 3);
    CHECK(q.A(2, 1) == 2.0 / 3);
    CHECK(q.A(1, 1) == 4.0 / 3);
    CHECK(q.A(0, 2) == -0.5);
    CHECK(q.A(0, 0) == 0);
    CHECK(q.b(0) == 1);
    CHECK(q.b(2) == -1);
    CHECK(q.c == 1);
  }
  SECTION("cancellation is exact: 0.1*x^2 + 0.2*x^2 - 0.3*x^2 is zero, not 5.6e-17") {
    const auto q = extract_quadratic("0.1*x^2 + 0.2*x^2 - 0.3*x^2 + x/3");
    CHECK(q.A(0, 0) == 0);
    CHECK(q.b(0) == 1.0 / 3);
  }
  SECTION("constant subexpressions that are not rational are evaluated in 50 digits") {
    const auto q = extract_quadratic("pi*x^2 + sqrt(2)*x + 2^0.5");
    CHECK(q.A(0, 0) == 3.141592653589793);
    CHECK(q.b(0) == std::sqrt(2.0));
    CHECK(q.c == std::sqrt(2.0));
  }
}

TEST_CASE("non_quadratic_expressions_are_rejected_with_a_caret", "[expr][quadratic]") {
  CHECK(quad_error("x^3") ==
        "expression, column 2: not a polynomial of degree <= 2: this power has degree 3\n  x^3\n   "
        "^");
  CHECK(quad_error("x*y*z") ==
        "expression, column 4: not a polynomial of degree <= 2: this product has degree 3\n  "
        "x*y*z\n     ^");
  CHECK(quad_error("sin(x)+1") ==
        "expression, column 1: not a polynomial: sin of an expression in the variables\n  "
        "sin(x)+1\n  ^~~~~~");
  CHECK(quad_error("1/x") ==
        "expression, column 2: not a polynomial: division by x, which depends on the variables\n  "
        "1/x\n   ^");
  CHECK(quad_error("x^0.5") ==
        "expression, column 2: not a polynomial: the exponent 0.5 is not a non-negative integer\n  "
        "x^0.5\n   ^");
  CHECK(quad_error("2^x") ==
        "expression, column 2: not a polynomial: the exponent x depends on the variables\n  2^x\n  "
        " ^");
  CHECK(quad_error("x/(1-1)") == "expression, column 2: division by zero\n  x/(1-1)\n   ^");
  CHECK(quad_error("x^2 +") != "no error");
  CHECK(quad_error("x^2*(y-y)*z") == "no error");  // cancels to 0: still a polynomial
}
