#pragma once
// Reading the coefficients of a quadratic polynomial off an expression, exactly.
#include <Eigen/Core>
#include <string>
#include <string_view>
#include <vector>

namespace numkit::expr {

struct QuadraticCoefficients {
  std::vector<std::string>
      variables;      // in order: `variables` argument if non-empty, else natural name order
  Eigen::MatrixXd A;  // symmetric: f = x^T A x + b^T x + c; A(i,j)=A(j,i)=coef(x_i x_j)/2 for i!=j,
                      // A(i,i)=coef(x_i^2)
  Eigen::VectorXd b;
  double c = 0;
};

// Reads the coefficients off exactly (rational arithmetic on the parse tree with
// boost::multiprecision::cpp_rational, rounded once to double). Constant subexpressions that are
// not rational (pi, e, sqrt(2), sin(1), 2^0.5) are evaluated in 50-digit arithmetic first, so
// their coefficients are within one rounding of the true value. Throws numkit::InputError with
// the expression and a caret under the offending part if the text does not parse or is not a
// polynomial of degree <= 2 (x^3, x*y*z, sin(x), 1/x, x^0.5 ...).
QuadraticCoefficients extract_quadratic(std::string_view text,
                                        const std::vector<std::string>& variables = {});

}  // namespace numkit::expr
