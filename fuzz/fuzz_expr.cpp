// The expression parser and evaluator: parse, then value, gradient and Hessian at a few points,
// and constant expressions and points as the CLI parses them.
#include <Eigen/Core>

#include "fuzz_support.hpp"
#include "numkit/expr/expression.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace numkit;
  if (size > 4096) return -1;  // long inputs explore nothing new and slow every run down
  std::string_view text = fuzz::as_text(data, size);
  fuzz::expect_result_or_input_error([&] {
    expr::Expression f(text);
    const Eigen::Index n = static_cast<Eigen::Index>(f.dimension());
    if (n > 64) return;
    for (double at : {0.0, 1.0, -2.5, 1e300}) {
      Eigen::VectorXd x = Eigen::VectorXd::Constant(n, at), g;
      Eigen::MatrixXd h;
      fuzz::expect_result_or_input_error([&] { (void)f.value(x); });
      fuzz::expect_result_or_input_error([&] { (void)f.gradient(x, g); });
      fuzz::expect_result_or_input_error([&] { (void)f.hessian(x, g, h); });
    }
  });
  fuzz::expect_result_or_input_error([&] { (void)expr::parse_constant(text, "--x0"); });
  fuzz::expect_result_or_input_error([&] { (void)expr::parse_point(text, {"x", "y"}, "--at"); });
  return 0;
}
